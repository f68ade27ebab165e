"""A small, realistic demo court so a newcomer sees the service working."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sqlalchemy import Engine

from reconcile.actors import cli_actor
from reconcile.cases import AccountRef, NewCase, PartySpec
from reconcile.db import registry
from reconcile.db.uow import UnitOfWork
from reconcile.services import cases, courts, tokens

COURT = "京0105"
COURT_NAME = "北京市朝阳区人民法院"
COLLECTION_ACCOUNT = "0200001009014401234"
FEE_ACCOUNT = "0200001009014409999"

DEMO_CASES = [
    NewCase(
        case_number="（2026）京0105执1234号",
        court=COURT,
        amount_due=5_000_000,
        applicants=(
            PartySpec(
                "北京华信商贸有限公司",
                (
                    AccountRef(
                        "110060149018800012345", "北京华信商贸有限公司", "交通银行北京朝阳支行"
                    ),
                ),
            ),
        ),
        respondents=(PartySpec("张伟", (AccountRef("6222020200112233445"),)),),
        filed_on=date(2026, 9, 7),
    ),
    NewCase(
        case_number="(2026)京0105执恢88号",
        court=COURT,
        amount_due=1_280_000,
        applicants=(
            PartySpec(
                "李娜", (AccountRef("6217000010001234567", "李娜", "中国建设银行北京望京支行"),)
            ),
        ),
        respondents=(PartySpec("北京远航物流有限公司", (AccountRef("0109014170001122"),)),),
        filed_on=date(2026, 10, 12),
    ),
    NewCase(
        case_number="〔2026〕京0105执2001号",
        court=COURT,
        amount_due=36_000_000,
        applicants=(
            PartySpec(
                "王芳", (AccountRef("6228480010012345678", "王芳", "中国农业银行北京酒仙桥支行"),)
            ),
        ),
        respondents=(
            PartySpec("刘强", ()),
            PartySpec("北京鼎盛建筑工程有限公司", (AccountRef("11001028500053012345"),)),
        ),
        filed_on=date(2026, 11, 2),
    ),
]


def load_demo(engine: Engine, settings: dict) -> Iterator[str]:
    """Load the demo court once; yield what a newcomer should read."""
    actor = cli_actor("demo")
    with UnitOfWork(engine) as uow:
        loaded = registry.court_by_code(uow.conn, COURT) is not None
    if loaded:
        yield f"demo court {COURT} is loaded already"
        return
    courts.add_court(UnitOfWork(engine), actor, COURT, COURT_NAME)
    courts.add_collection_account(
        UnitOfWork(engine),
        actor,
        court=COURT,
        number=COLLECTION_ACCOUNT,
        bank="中国工商银行北京朝阳支行",
        sub_account_prefix="8801",
        sub_account_width=settings["sub_accounts"]["sequence_width"],
        court_accounts=[FEE_ACCOUNT],
    )
    for spec in DEMO_CASES:
        case = cases.register_case(UnitOfWork(engine), actor, spec)
        yield f"case {case['case_number']}  sub-account {case['sub_account_number']}"
    for role in ("enforcement", "finance", "approver", "desk", "admin"):
        token = tokens.create_token(
            UnitOfWork(engine), actor, role=role, courts=[COURT], name=f"demo {role}"
        )
        yield f"{role:<12} token: {token}"
