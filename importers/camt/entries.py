"""One booked CAMT entry (Ntry) → its statement lines.

Speed: an entry is read in one walk over the elements on the paths below (`ENTRY_PATHS`,
then `CREDIT_PATHS`, `DEBIT_PATHS` or `BATCH_PATHS` in its TxDtls), collected into a dict
keyed by path. lxml's `find()` costs microseconds per call and an entry needs some thirty
lookups; the walk visits each wanted element once and skips the subtrees nobody reads.
It keeps `find()`'s meaning: at every step only the first element of a name counts, and
a path ending in `*` collects all children of that name under the first parent, as
`findall()` does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache

from lxml import etree

from importers.base import Statement, StatementLine, StatementParseError

RAW_LIMIT = 4000  #: characters of an entry's XML kept in `StatementLine.raw`
AMOUNT = re.compile(r"\d{1,18}(\.\d{1,5})?")
_BETWEEN_TAGS = re.compile(r">[ \t\r\n]+<")
_PARTY_PATHS = (
    "RltdPties/{p}/Nm",
    "RltdPties/{p}/Pty/Nm",
    "RltdPties/{p}/Agt/FinInstnId/Nm",
    "RltdPties/Ultmt{p}/Nm",
    "RltdPties/{p}Acct/Id/IBAN",
    "RltdPties/{p}Acct/Id/Othr/Id",
    "RltdPties/{p}Acct/Id/PrtryAcct/Id",  # camt.052.001.01
    "RltdAgts/{p}Agt/FinInstnId/BICFI",
    "RltdAgts/{p}Agt/FinInstnId/BIC",
    "RltdAgts/{p}Agt/FinInstnId/Nm",
)
ENTRY_PATHS = (
    "Amt",
    "CdtDbtInd",
    "RvslInd",
    "Sts",
    "Sts/Cd",
    "BookgDt/Dt",
    "BookgDt/DtTm",
    "ValDt/Dt",
    "ValDt/DtTm",
    "AcctSvcrRef",
    "AddtlNtryInf",
    "NtryDtls/TxDtls*",
)
_DETAIL_PATHS = (
    "Refs/AcctSvcrRef",
    "Refs/EndToEndId",
    "RmtInf/Ustrd*",
    "RmtInf/Strd/CdtrRefInf/Ref*",
    "AddtlTxInf",
)
_PAYER_PATHS = tuple(path.format(p="Dbtr") for path in _PARTY_PATHS)
_PAYEE_PATHS = tuple(path.format(p="Cdtr") for path in _PARTY_PATHS)
_SUB_ACCOUNT_PATHS = _PAYEE_PATHS[4:7]  #: a credit's CdtrAcct: the virtual account addressed
#: what a credit's detail is read for, a debit's, and a batch detail's of either sign
CREDIT_PATHS = (*_DETAIL_PATHS, *_PAYER_PATHS, *_SUB_ACCOUNT_PATHS)
DEBIT_PATHS = (*_DETAIL_PATHS, *_PAYEE_PATHS)
BATCH_PATHS = (
    *_DETAIL_PATHS,
    *_PAYER_PATHS,
    *_PAYEE_PATHS,
    "Amt",
    "AmtDtls/TxAmt/Amt",
    "CdtDbtInd",
)
ACCOUNT_IDS = ("Id/IBAN", "Id/Othr/Id", "Id/PrtryAcct/Id")


class _Side:
    """The paths naming the other party of a credit (its Dbtr) or of a debit (its Cdtr)."""

    def __init__(self, party: str) -> None:
        self.names = tuple(path.format(p=party) for path in _PARTY_PATHS[:4])
        self.account = f"RltdPties/{party}Acct"
        self.account_ids = tuple(f"{self.account}/{path}" for path in ACCOUNT_IDS)
        agent = f"RltdAgts/{party}Agt/FinInstnId"
        self.agent = agent
        self.banks = (f"{agent}/BICFI", f"{agent}/BIC", f"{agent}/Nm")


_PAYER, _PAYEE = _Side("Dbtr"), _Side("Cdtr")


def collect(element: etree._Element, trie: dict, found: dict) -> dict:
    """Gather the elements on a trie's paths below `element` into `found`, keyed by path."""
    for child in element:
        step = trie.get(child.tag)
        if step is None:
            continue
        key, many, below = step
        if many:
            found.setdefault(key, []).append(child)
        elif key not in found:
            found[key] = child
            if below:
                collect(child, below, found)
    return found


@cache
def tries(tag: str) -> _Tries:
    """The tries of the paths above, spelled in the namespace of an element's `tag`."""
    namespace = tag[: tag.index("}") + 1] if tag.startswith("{") else ""
    paths = (ENTRY_PATHS, CREDIT_PATHS, DEBIT_PATHS, BATCH_PATHS)
    return _Tries(*(_trie(namespace, each) for each in paths))


@dataclass(frozen=True, slots=True)
class _Tries:
    """Path tries of one namespace: tag → (path key, collects all?, trie below or None)."""

    entry: dict
    credit: dict
    debit: dict
    batch: dict


def _trie(namespace: str, paths: tuple[str, ...]) -> dict:
    root: dict = {}
    for path in paths:
        steps = path.rstrip("*").split("/")
        level = root
        for depth, step in enumerate(steps, 1):
            node = level.setdefault(namespace + step, ["/".join(steps[:depth]), False, {}])
            node[1] = node[1] or (depth == len(steps) and path.endswith("*"))
            level = node[2]
    return _frozen(root)


def _frozen(level: dict) -> dict:
    return {tag: (key, many, _frozen(below) or None) for tag, (key, many, below) in level.items()}


def text(found: dict, key: str) -> str | None:
    """The stripped text of the element found at `key`; None when absent or empty."""
    element = found.get(key)
    return element.text.strip() if element is not None and element.text is not None else None


def status(found: dict) -> str:
    """BOOK, PDNG, INFO…: `Sts/Cd` (camt.053.001.08 on), else the text of `Sts` itself."""
    return text(found, "Sts/Cd") or text(found, "Sts") or "BOOK"


def signed_amount(amount, indicator: str | None, element: etree._Element, where: str) -> Decimal:
    """`Amt` signed by `CdtDbtInd` (DBIT negative); names path and line when unreadable."""
    figure = (amount.text or "").strip() if amount is not None else ""
    if not AMOUNT.fullmatch(figure):
        line = amount.sourceline if amount is not None else element.sourceline
        raise StatementParseError(
            "amount '{figure}' is not a number", line=line, path=f"{where}/Amt", figure=figure
        )
    if indicator not in ("CRDT", "DBIT"):
        raise StatementParseError(
            "{tag} '{indicator}' is neither {credit_code} nor {debit_code}",
            line=element.sourceline,
            path=f"{where}/CdtDbtInd",
            tag="CdtDbtInd",
            indicator=indicator or "",
            credit_code="CRDT",
            debit_code="DBIT",
        )
    return -Decimal(figure) if indicator == "DBIT" else Decimal(figure)


class EntryReader:
    """Turns one booked Ntry into one line, or one line per TxDtls of a batch."""

    def __init__(self, entry, found: dict, where: str, statement: Statement) -> None:
        self.entry = entry
        self.found = found
        self.amount = signed_amount(found.get("Amt"), text(found, "CdtDbtInd"), entry, where)
        self.currency = found["Amt"].get("Ccy") or statement.currency or ""
        self.booked_on, self.booked_at = _when(found, entry, "BookgDt", where)
        self.value_date, _ = _when(found, entry, "ValDt", where)
        if self.booked_on is None:
            self.booked_on = self.value_date or statement.extra.get("created_on")
        if self.booked_on is None:
            raise StatementParseError(
                "entry has no booking date", line=entry.sourceline, path=f"{where}/BookgDt"
            )

    def lines(self) -> list[StatementLine]:
        """The entry's lines: split by detail only when the details add up."""
        details = self.found.get("NtryDtls/TxDtls", [])
        known = tries(self.entry.tag)
        if len(details) < 2:
            trie = known.credit if self.amount > 0 else known.debit
            first = collect(details[0], trie, {}) if details else None
            return [self._line(first, self.amount, self.entry, {})]
        collected = [collect(detail, known.batch, {}) for detail in details]
        amounts, why_not = _batch_amounts(collected, self.amount, self.currency)
        if amounts is None:
            extra = {"tx_details": len(details), "batch_not_split": why_not}
            return [self._line(collected[0], self.amount, self.entry, extra)]
        return [
            self._line(found, amount, detail, {"detail_index": number})
            for number, (detail, found, amount) in enumerate(
                zip(details, collected, amounts, strict=True), 1
            )
        ]

    def _line(self, detail: dict | None, amount: Decimal, fragment, extra: dict) -> StatementLine:
        found = self.found
        detail = detail or {}
        extra = dict(extra)
        if text(found, "RvslInd") in ("true", "1"):
            extra["reversal"] = True
        if (e2e := text(detail, "Refs/EndToEndId")) and e2e != "NOTPROVIDED":
            extra["end_to_end_id"] = e2e
        side = _PAYER if amount > 0 else _PAYEE
        return StatementLine(
            booked_on=self.booked_on,
            amount=amount,
            currency=self.currency,
            value_date=self.value_date,
            booked_at=self.booked_at,
            bank_reference=text(found, "AcctSvcrRef") or text(detail, "Refs/AcctSvcrRef"),
            counterparty_name=_first_text(detail, side.names) if detail else None,
            counterparty_account=_first_text(detail, side.account_ids, side.account),
            counterparty_bank=_first_text(detail, side.banks, side.agent),
            remark=_remark(detail) or text(found, "AddtlNtryInf"),
            sub_account=_first_text(detail, _SUB_ACCOUNT_PATHS, "RltdPties/CdtrAcct")
            if amount > 0
            else None,
            raw=raw_xml(fragment),
            source_line=fragment.sourceline,
            extra=extra,
        )


def _batch_amounts(details: list[dict], total: Decimal, currency: str):
    """Give each detail's signed amount, or None and why the batch stays one line."""
    amounts = []
    for found in details:
        node = found.get("Amt")
        if node is None:
            node = found.get("AmtDtls/TxAmt/Amt")
        if node is None or node.get("Ccy") != currency or not AMOUNT.fullmatch(node.text or ""):
            return None, "not every detail states an amount in the entry currency"
        indicator = text(found, "CdtDbtInd") or ("DBIT" if total < 0 else "CRDT")
        amounts.append(-Decimal(node.text) if indicator == "DBIT" else Decimal(node.text))
    if sum(amounts) != total:
        return None, "detail amounts do not add up to the entry amount"
    return amounts, None


def _first_text(found: dict, keys: tuple[str, ...], within: str | None = None) -> str | None:
    """`text(a) or text(b) or …` over `keys`; None when the `within` element is absent."""
    if within is not None and within not in found:
        return None
    value = None
    for key in keys:
        if value := text(found, key):
            return value
    return value


def _remark(found: dict) -> str | None:
    """Join the Ustrd lines; failing those, the structured reference, then AddtlTxInf."""
    if not found:
        return None
    for key in ("RmtInf/Ustrd", "RmtInf/Strd/CdtrRefInf/Ref"):
        parts = [part for u in found.get(key, ()) if (part := (u.text or "").strip())]
        if parts:
            return " / ".join(parts)
    return text(found, "AddtlTxInf")


def _when(found: dict, entry, tag: str, where: str) -> tuple[date | None, datetime | None]:
    """Read a Dt or DtTm child as written: the local date, and the time if given."""
    if (day := text(found, f"{tag}/Dt")) is not None:
        try:
            return date.fromisoformat(day[:10]), None
        except ValueError as error:
            raise StatementParseError(
                "date '{day}' is not YYYY-MM-DD",
                line=entry.sourceline,
                path=f"{where}/{tag}/Dt",
                day=day,
            ) from error
    if (stamp := text(found, f"{tag}/DtTm")) is not None:
        try:
            moment = datetime.fromisoformat(stamp.replace("Z", "+00:00")).replace(tzinfo=None)
        except ValueError as error:
            raise StatementParseError(
                "date-time '{stamp}' is not ISO 8601",
                line=entry.sourceline,
                path=f"{where}/{tag}",
                stamp=stamp,
            ) from error
        return moment.date(), moment
    return None, None


def raw_xml(element: etree._Element) -> str:
    """The element's XML without the blank text between tags, cut at RAW_LIMIT characters."""
    xml = etree.tostring(element, encoding="unicode", with_tail=False)
    # The parser drops blank text between tags; whitespace-only leaves it keeps.
    if "> " in xml or ">\n" in xml or ">\t" in xml or ">\r" in xml:
        xml = _BETWEEN_TAGS.sub("><", xml)
    return xml[:RAW_LIMIT]
