"""Generated data for the benchmarks: many cases, and statements in each format."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from reconcile.actors import cli_actor
from reconcile.clock import utc_now
from reconcile.db import migrate
from reconcile.db.engine import make_engine
from reconcile.db.tables import cases, courts, ledger_accounts, parties, party_accounts
from reconcile.db.tables_deadlines import case_deadline_due
from reconcile.db.uow import UnitOfWork
from reconcile.services import courts as court_service
from reconcile.sub_accounts import issue_sub_account

START = date(2026, 1, 5)
BATCH = 10_000


def register_cases(
    url: str, court: str, account: str, prefix: str, count: int
) -> tuple[list[str], list[str]]:
    """Create the court, its account and `count` cases in bulk; return sub-accounts and numbers."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    actor = cli_actor("bench")
    court_service.add_court(UnitOfWork(engine), actor, court, "基准测试法院")
    court_service.add_collection_account(
        UnitOfWork(engine),
        actor,
        court=court,
        number=account,
        bank="工商银行",
        sub_account_prefix=prefix,
    )
    subs = [issue_sub_account(prefix, i) for i in range(1, count + 1)]
    numbers = [f"（2026）{court}执{i}号" for i in range(1, count + 1)]
    with engine.begin() as conn:
        court_id = conn.execute(select(courts.c.id)).scalar_one()
        for start in range(0, count, BATCH):
            _insert_cases(conn, court_id, subs, numbers, start, min(count, start + BATCH))
    engine.dispose()
    return subs, numbers


def _insert_cases(conn, court_id, subs, numbers, start, end) -> None:
    now = utc_now()
    conn.execute(
        insert(cases),
        [
            {
                "id": i + 1,
                "court_id": court_id,
                "collection_account_id": 1,
                "case_number": numbers[i],
                "case_number_raw": numbers[i],
                "sub_account_number": subs[i],
                "sub_account_source": "service",
                "status": "open",
                "amount_due": 1_000_000,
                "filed_on": START,
                "created_at": now,
            }
            for i in range(start, end)
        ],
    )
    conn.execute(
        insert(ledger_accounts),
        [{"collection_account_id": 1, "case_id": i + 1, "kind": "case"} for i in range(start, end)],
    )
    # as registry.insert_case does: the case's row for the deadline scan (migration 0036)
    conn.execute(insert(case_deadline_due), [{"case_id": i + 1} for i in range(start, end)])
    conn.execute(
        insert(parties),
        [
            {"id": i + 1, "case_id": i + 1, "role": "respondent", "name": f"被执行人{i + 1}"}
            for i in range(start, end)
        ],
    )
    conn.execute(
        insert(party_accounts),
        [
            {
                "party_id": i + 1,
                "case_id": i + 1,
                "kind": "known",
                "added_at": now,
                "account_number": f"62220{i + 1:014d}",
            }
            for i in range(start, end)
        ],
    )


def _line(i: int, subs: list[str], numbers: list[str]) -> dict:
    """One generated credit: mostly sub-accounts, then case numbers, payers, orphans."""
    pick = random.randrange(len(subs))
    kind = random.random()
    line = {
        "date": START + timedelta(days=i * 300 // max(1, len(subs) * 10)),
        "amount": f"{random.randint(100, 5_000_000) / 100:.2f}",
        "ref": f"B{i:09d}",
        "name": f"付款人{pick}",
        "account": f"62229{pick:014d}",
        "sub": "",
        "remark": "执行款",
    }
    if kind < 0.6:
        line["sub"] = subs[pick]
    elif kind < 0.85:
        line["remark"] = f"{numbers[pick]} 还款"
    elif kind < 0.95:
        line["account"], line["name"] = f"62220{pick + 1:014d}", f"被执行人{pick + 1}"
    else:
        line["remark"] = "货款"
    return line


def write_statement(
    path: Path, fmt: str, size: int, subs: list[str], numbers: list[str], account: str
) -> None:
    writer = {"csv": _write_csv, "camt053": _write_camt, "ofx": _write_ofx}[fmt]
    with path.open("w", encoding="utf-8", newline="") as out:
        writer(out, size, subs, numbers, account)


def _write_csv(out, size, subs, numbers, account) -> None:
    out.write("交易日期,交易流水号,对方户名,对方账号,子账号,收入金额,支出金额,摘要\n")
    for i in range(size):
        ln = _line(i, subs, numbers)
        out.write(
            f"{ln['date']:%Y-%m-%d},{ln['ref']},{ln['name']},{ln['account']},"
            f"{ln['sub']},{ln['amount']},,{ln['remark']}\n"
        )


def _write_camt(out, size, subs, numbers, account) -> None:
    out.write(
        '<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:'
        'tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>B</MsgId><CreDtTm>'
        "2026-12-31T18:00:00</CreDtTm></GrpHdr><Stmt><Id>S1</Id><CreDtTm>2026-12-31T18:00:00"
        f"</CreDtTm><Acct><Id><Othr><Id>{account}</Id></Othr></Id><Ccy>CNY</Ccy></Acct>\n"
    )
    for i in range(size):
        ln = _line(i, subs, numbers)
        cdtr = (
            f"<CdtrAcct><Id><Othr><Id>{ln['sub']}</Id></Othr></Id></CdtrAcct>" if ln["sub"] else ""
        )
        out.write(
            f'<Ntry><Amt Ccy="CNY">{ln["amount"]}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>'
            f"<BookgDt><Dt>{ln['date']:%Y-%m-%d}</Dt></BookgDt><ValDt><Dt>{ln['date']:%Y-%m-%d}"
            f"</Dt></ValDt><AcctSvcrRef>{ln['ref']}</AcctSvcrRef><BkTxCd/><NtryDtls><TxDtls>"
            f"<RltdPties><Dbtr><Nm>{ln['name']}</Nm></Dbtr><DbtrAcct><Id><Othr><Id>{ln['account']}"
            f"</Id></Othr></Id></DbtrAcct>{cdtr}</RltdPties><RmtInf><Ustrd>{ln['remark']}</Ustrd>"
            f"</RmtInf></TxDtls></NtryDtls></Ntry>\n"
        )
    out.write("</Stmt></BkToCstmrStmt></Document>\n")


def _write_ofx(out, size, subs, numbers, account) -> None:
    out.write(
        "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:UTF-8\n"
        "CHARSET:NONE\nCOMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n<OFX>"
        "<SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS><DTSERVER>20261231"
        "<LANGUAGE>CHI</SONRS></SIGNONMSGSRSV1><BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS>"
        "<CODE>0<SEVERITY>INFO</STATUS><STMTRS><CURDEF>CNY<BANKACCTFROM><BANKID>102"
        f"<ACCTID>{account}<ACCTTYPE>CHECKING</BANKACCTFROM><BANKTRANLIST><DTSTART>20260101"
        "<DTEND>20261231\n"
    )
    for i in range(size):
        ln = _line(i, subs, numbers)
        memo = f"{ln['sub']} {ln['remark']}".strip()
        out.write(
            f"<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>{ln['date']:%Y%m%d}<TRNAMT>{ln['amount']}"
            f"<FITID>{ln['ref']}<NAME>{ln['name']}<MEMO>{memo}</STMTTRN>\n"
        )
    out.write(
        "</BANKTRANLIST><LEDGERBAL><BALAMT>0<DTASOF>20261231</LEDGERBAL></STMTRS>"
        "</STMTTRNRS></BANKMSGSRSV1></OFX>\n"
    )
