"""Statement files made in the tests: a Chinese online-banking CSV export."""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

HEADER = "交易日期,交易流水号,对方户名,对方账号,子账号,收入金额,支出金额,余额,摘要"


@dataclass
class Row:
    booked_on: str
    amount: str  #: signed yuan: credit positive, debit negative
    name: str = ""
    account: str = ""
    remark: str = ""
    sub_account: str = ""
    reference: str = ""


def csv_statement(
    rows: list[Row], *, opening: str = "0.00", encoding: str = "utf-8", balances: bool = True
) -> bytes:
    """Return a CSV export with a running balance (so the balance check applies)."""
    lines, balance = [HEADER], Decimal(opening)
    for row in rows:
        amount = Decimal(row.amount)
        balance += amount
        credit, debit = (row.amount, "") if amount > 0 else ("", str(-amount))
        lines.append(
            ",".join(
                [
                    row.booked_on,
                    row.reference,
                    row.name,
                    row.account,
                    row.sub_account,
                    credit,
                    debit,
                    str(balance) if balances else "",
                    row.remark,
                ]
            )
        )
    return ("\n".join(lines) + "\n").encode(encoding)


def upload(
    client,
    court,
    data: bytes,
    *,
    name: str = "statement.csv",
    account: str | None = None,
    role: str = "finance",
    extra_form: dict | None = None,
    query_string: dict | None = None,
    **headers,
):
    """POST a statement file; the account defaults to the court's collection account."""
    form = {"file": (io.BytesIO(data), name), "account": account or court.account}
    return client.post(
        "/api/v1/statements",
        data={**form, **(extra_form or {})},
        query_string=query_string,
        content_type="multipart/form-data",
        headers=court.headers(role, **headers),
    )


def camt_statement(
    account: str, entries: list[tuple[str, str, str]], *, opening: str, closing: str
) -> bytes:
    """Return a CAMT.053 statement; entries are (booking date, signed amount, remark)."""
    ntries = "".join(
        f'<Ntry><Amt Ccy="CNY">{amount.lstrip("-")}</Amt>'
        f"<CdtDbtInd>{'DBIT' if amount.startswith('-') else 'CRDT'}</CdtDbtInd>"
        f"<Sts>BOOK</Sts><BookgDt><Dt>{day}</Dt></BookgDt><AcctSvcrRef>N{i}</AcctSvcrRef>"
        f"<NtryDtls><TxDtls><RmtInf><Ustrd>{remark}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"
        for i, (day, amount, remark) in enumerate(entries)
    )
    first, last = entries[0][0], entries[-1][0]
    return (
        '<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:'
        'xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>M</MsgId><CreDtTm>'
        f"{last}T18:00:00</CreDtTm></GrpHdr><Stmt><Id>S</Id><CreDtTm>{last}T18:00:00</CreDtTm>"
        f"<FrToDt><FrDtTm>{first}T00:00:00</FrDtTm><ToDtTm>{last}T23:59:59</ToDtTm></FrToDt>"
        f"<Acct><Id><Othr><Id>{account}</Id></Othr></Id><Ccy>CNY</Ccy></Acct>"
        f"{_balance('OPBD', opening, first)}{_balance('CLBD', closing, last)}{ntries}"
        "</Stmt></BkToCstmrStmt></Document>"
    ).encode()


def _balance(code: str, amount: str, day: str) -> str:
    return (
        f'<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy="CNY">{amount}</Amt>'
        f"<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{day}</Dt></Dt></Bal>"
    )
