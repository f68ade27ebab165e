"""A small, realistic demo court so a newcomer sees the service working."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date

from reconcile.actors import ROLES, Actor, cli_actor
from reconcile.cases import AccountRef, NewCase, PartySpec
from reconcile.db.handles import Engine
from reconcile.db.uow import UnitOfWork
from reconcile.errors import Conflict
from reconcile.money import format_yuan, parse_yuan
from reconcile.services import (
    cases,
    checkpoints,
    courts,
    disbursements,
    expected_receipts,
    holds,
    imports,
    payment_files,
    payment_reviews,
    tokens,
    users,
)

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
        applicants=(  # two applicants, each with its own entitlement and rank (#17)
            PartySpec(
                "王芳",
                (AccountRef("6228480010012345678", "王芳", "中国农业银行北京酒仙桥支行"),),
                amount_due=24_000_000,
                order=1,
            ),
            PartySpec(
                "北京恒信建材有限公司",
                (
                    AccountRef(
                        "0200004509200112233", "北京恒信建材有限公司", "中国工商银行北京亚运村支行"
                    ),
                ),
                amount_due=12_000_000,
                order=2,
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
    """Load the demo court, staff and statement once; yield what a newcomer should read."""
    yield from _load_court(engine, settings)
    yield from _load_staff(engine, settings)
    yield from _load_statement(engine, settings)
    yield from _take_checkpoint(engine)


def _take_checkpoint(engine: Engine) -> Iterator[str]:
    """Bind what the demo wrote into a signed checkpoint, as the scheduler does every
    [audit] checkpoint_minutes."""
    checkpoint = checkpoints.take_checkpoint(engine)
    yield (
        f"audit checkpoint {checkpoint.number}: record {checkpoint.audit_seq}, "
        f"{checkpoint.ledger_entries.total} ledger entries, "
        f"{checkpoint.statement_lines.total} statement lines (reconcile audit verify)"
    )


def _load_court(engine: Engine, settings: dict) -> Iterator[str]:
    actor = cli_actor("demo")
    try:
        courts.add_court(UnitOfWork(engine), actor, COURT, COURT_NAME)
    except Conflict:
        yield f"demo court {COURT} is loaded already"
        return
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
    for role in ROLES:
        token = tokens.create_token(
            UnitOfWork(engine),
            actor,
            role=role,
            courts=[COURT],
            name=f"demo {role}",
            position=DEMO_POSITIONS.get(role),
            settings=settings,
        )
        yield f"{role:<12} token: {token}  {DEMO_POSITIONS.get(role, '')}"
    token = tokens.create_token(
        UnitOfWork(engine),
        actor,
        role="approver",
        courts=[COURT],
        name="demo approver (分管院领导)",
        position="分管院领导",
        settings=settings,
    )
    yield f"{'approver':<12} token: {token}  分管院领导 (the second level above 99,999.99)"


#: the demo staff's password: only ever used by the demo
DEMO_PASSWORD = "demo-password"  # noqa: S105
DEMO_STAFF = (
    ("finance", "finance", "财务人员"),
    ("approver", "approver", "执行局长"),
    ("approver2", "approver", "分管院领导"),
    ("desk", "desk", None),
    ("enforcement", "enforcement", "执行法官"),
    ("admin", "admin", None),
)
#: the position of the demo's token of each role
DEMO_POSITIONS = {"enforcement": "执行法官", "approver": "执行局长", "finance": "财务人员"}


def _load_staff(engine: Engine, settings: dict) -> Iterator[str]:
    for username, role, position in DEMO_STAFF:
        try:
            users.create_user(
                UnitOfWork(engine),
                cli_actor("demo"),
                username=username,
                password=DEMO_PASSWORD,
                role=role,
                courts=[COURT],
                position=position,
                settings=settings,
            )
        except Conflict:
            continue
        yield (
            f"staff sign-in  {username:<12} password: {DEMO_PASSWORD}  ({role}"
            f"{', ' + position if position else ''})"
        )


def _load_statement(engine: Engine, settings: dict) -> Iterator[str]:
    """Import a week of the collection account: matches, orphans and a debit to alert on."""
    actor = cli_actor("demo")
    numbered = [cases.find_case(UnitOfWork(engine), actor, spec.case_number) for spec in DEMO_CASES]
    report = imports.import_statement(
        UnitOfWork(engine),
        actor,
        io.BytesIO(demo_statement(*(c["sub_account_number"] for c in numbered))),
        filename="demo-statement-2026-11.csv",
        account=COLLECTION_ACCOUNT,
    )
    if report["duplicate"]:
        return
    yield (
        f"demo statement imported: {report['credits_matched']} credits matched, "
        f"{report['orphans']} unidentified, {report['debits_flagged']} debit flagged"
    )
    _request_demo_payment(engine, settings, numbered[0]["id"])
    director = _director(engine, settings)
    yield from _pay_execution_fee(engine, settings, numbered[0]["id"], director)
    yield from _hold_after_approval(engine, settings, numbered[2]["id"], director)
    yield from _pay_by_payment_file(engine, settings, numbered[1]["id"], director)
    yield from _expect_auction_proceeds(engine, numbered[2]["id"])
    yield from _close_a_withdrawn_case(engine)


#: a case withdrawn (销案) before any money came: registered and closed with its type
WITHDRAWN_CASE = NewCase(
    case_number="（2026）京0105执2050号",
    court=COURT,
    amount_due=800_000,
    applicants=(
        PartySpec(
            "陈静", (AccountRef("6222021001122334455", "陈静", "中国工商银行北京三里屯支行"),)
        ),
    ),
    respondents=(PartySpec("北京华彩广告有限公司", ()),),
    filed_on=date(2026, 11, 9),
)


def _expect_auction_proceeds(engine: Engine, case_id: int) -> Iterator[str]:
    """Enforcement registers auction proceeds the case waits for (match_rule: expected)."""
    expected_receipts.register_expected_receipt(
        UnitOfWork(engine),
        cli_actor("demo"),
        case_id,
        source="auction",
        amount=20_000_000,
        expected_by=date(2026, 12, 31),
        reference="京0105执2001号拍卖款",
    )
    yield "expected receipt: auction proceeds of 200,000.00 for 〔2026〕京0105执2001号"


def _close_a_withdrawn_case(engine: Engine) -> Iterator[str]:
    actor = cli_actor("demo")
    case = cases.register_case(UnitOfWork(engine), actor, WITHDRAWN_CASE)
    cases.set_case_status(UnitOfWork(engine), actor, case["id"], "closed", "withdrawn")
    yield f"case {case['case_number']} closed as withdrawn (销案)"


def demo_statement(first: str, second: str, third: str) -> bytes:
    """Return a bank CSV export: credits by sub-account, case number, a typo, a stranger."""
    typo = first[:-4] + first[-3] + first[-4] + first[-2:]  # two digits swapped
    rows = [
        ("2026-11-16", "DEMO0001", "张伟", "6222020200112233445", first, "30000.00", "", "执行款"),
        (
            "2026-11-16",
            "DEMO0002",
            "北京远航物流有限公司",
            "0109014170001122",
            "",
            "12800.00",
            "",
            "还款(2026)京0105执恢88号",
        ),
        ("2026-11-17", "DEMO0003", "刘强", "6228480010099887766", typo, "5000.00", "", "执行款"),
        ("2026-11-18", "DEMO0004", "赵敏", "6214830100456789", "", "1200.00", "", "转账"),
        (
            "2026-11-19",
            "DEMO0005",
            "北京鼎盛建筑工程有限公司",
            "11001028500053012345",
            third,
            "80000.00",
            "",
            "案款",
        ),
        (
            "2026-11-20",
            "DEMO0006",
            "某咨询服务部",
            "6222600110022334455",
            "",
            "",
            "3000.00",
            "服务费",
        ),
    ]
    lines, balance = ["交易日期,交易流水号,对方户名,对方账号,子账号,收入金额,支出金额,余额,摘要"], 0
    for day, ref, name, account, sub, credit, debit, remark in rows:
        balance += parse_yuan(credit or "0") - parse_yuan(debit or "0")
        amounts = f"{credit},{debit},{format_yuan(balance)}"
        lines.append(f"{day},{ref},{name},{account},{sub},{amounts},{remark}")
    return ("\n".join(lines) + "\n").encode()


def _request_demo_payment(engine: Engine, settings: dict, case_id: int) -> None:
    """Leave one payment request waiting for the approvers."""
    judge = Actor(
        name="执行法官 陈明", role="enforcement", courts=frozenset({COURT}), id="demo:judge"
    )
    disbursements.request_disbursement(
        UnitOfWork(engine),
        judge,
        case_id,
        amount=2_000_000,
        payee_account_number="110060149018800012345",
        note="支付通知：首期执行款",
        settings=settings,
    )


def _pay_execution_fee(
    engine: Engine, settings: dict, case_id: int, director: Actor
) -> Iterator[str]:
    """The execution fee on the 30,000.00 received (50 + 1.5% above 10,000: 350.00), to the
    court's fee account: approved, and paid by finance (kind `fee`, balance `fees_paid`)."""
    judge = Actor(
        name="执行法官 陈明", role="enforcement", courts=frozenset({COURT}), id="demo:judge"
    )
    fee = disbursements.request_disbursement(
        UnitOfWork(engine),
        judge,
        case_id,
        kind="fee",
        amount=35_000,
        payee_account_number=FEE_ACCOUNT,
        note="执行申请费（诉讼费用交纳办法第十四条）",
        settings=settings,
    )
    disbursements.approve_disbursement(UnitOfWork(engine), director, fee["id"])
    if settings["approvals"].get("finance_review"):
        payment_reviews.review_disbursement(
            UnitOfWork(engine), cli_actor("demo-finance"), fee["id"], decision="approve"
        )
    disbursements.mark_paid(
        UnitOfWork(engine), cli_actor("demo-finance"), fee["id"], bank_reference="FEE20261120"
    )
    yield f"execution fee {fee['id']} of 350.00 paid to the court's fee account {FEE_ACCOUNT}"


def _director(engine: Engine, settings: dict) -> Actor:
    """The 执行局长 who approves the demo's payments: a credential of that position."""
    token = tokens.create_token(
        UnitOfWork(engine),
        cli_actor("demo"),
        role="approver",
        courts=[COURT],
        name="执行局长 周强",
        person="周强",
        position="执行局长",
        settings=settings,
    )
    return tokens.authenticate(UnitOfWork(engine), token)


def _pay_by_payment_file(
    engine: Engine, settings: dict, case_id: int, director: Actor
) -> Iterator[str]:
    """A payment through the court's flow: the 执行局长 approves, finance reviews, and the
    payment file for online banking carries its reference, which the bank's debit returns."""
    judge = Actor(
        name="执行法官 陈明", role="enforcement", courts=frozenset({COURT}), id="demo:judge"
    )
    finance = cli_actor("demo-finance")
    payment = disbursements.request_disbursement(
        UnitOfWork(engine),
        judge,
        case_id,
        amount=1_000_000,
        payee_account_number="6217000010001234567",
        note="支付通知：执行款",
        settings=settings,
    )
    disbursements.approve_disbursement(UnitOfWork(engine), director, payment["id"])
    if settings["approvals"].get("finance_review"):
        payment_reviews.review_disbursement(
            UnitOfWork(engine), finance, payment["id"], decision="approve", note="复核无误"
        )
    batch = payment_files.export_payment_file(UnitOfWork(engine), finance, court=COURT)
    yield (
        f"payment {payment['id']} approved by the 执行局长, reviewed by finance, in payment "
        f"file {batch['id']} with reference {payment['reference']} (付款文件)"
    )


def _hold_after_approval(
    engine: Engine, settings: dict, case_id: int, approver: Actor
) -> Iterator[str]:
    """A payment approved, then disputed: it cannot be reviewed or paid while held."""
    judge = Actor(
        name="执行法官 陈明", role="enforcement", courts=frozenset({COURT}), id="demo:judge"
    )
    payment = disbursements.request_disbursement(
        UnitOfWork(engine),
        judge,
        case_id,
        amount=6_000_000,
        payee_account_number="6228480010012345678",
        note="支付通知：拍卖款第一期",
        settings=settings,
    )
    disbursements.approve_disbursement(UnitOfWork(engine), approver, payment["id"])
    holds.place_hold(
        UnitOfWork(engine),
        judge,
        case_id,
        amount=3_000_000,
        reason="案外人异议",
        document_reference="（2026）京0105执异17号",
    )
    yield (
        f"payment {payment['id']} approved, then a hold placed: it may not be reviewed or "
        "paid while held"
    )
