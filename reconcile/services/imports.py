"""Importing a bank statement: completely or not at all, once, and matched on the way in.

One file is one database transaction. Lines stream from the importer in batches into a
staging table; matching runs in memory against the account's case index; the lines, their
ledger postings and their alerts are then written set by set. A second import of the same
file returns the first report; lines repeated by an overlapping statement are stored once.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import BinaryIO

from importers import detect_format, parse_file
from importers.base import Statement, StatementLine, StatementParseError, UnknownLayout
from importers.tabular import TabularImporter
from reconcile import line_rules
from reconcile.account_numbers import normalise_account_number
from reconcile.actors import Actor
from reconcile.booking_window import BookingWindow, implausible
from reconcile.clock import local_today, utc_now
from reconcile.db import (
    alert_store,
    expected_receipt_store,
    ledger_store,
    line_rule_store,
    payer_history_store,
    registry,
    statement_store,
)
from reconcile.db.case_index import load_case_index
from reconcile.db.returned_payment_store import RETURNED_PAYMENT
from reconcile.db.uow import UnitOfWork
from reconcile.debits import Debit, DebitReconciler
from reconcile.errors import N_, InvalidFile, Message, NotFound, UnknownAccount
from reconcile.matching import LEARNED_AFTER, Credit, Matcher
from reconcile.money import decimal_to_fen
from reconcile.permissions import Verb
from reconcile.returned_payments import DEFAULT_WINDOW_DAYS as DEFAULT_RETURN_WINDOW_DAYS
from reconcile.returned_payments import IncomingCredit, ReturnFinder
from reconcile.services import import_followups, returned_payments, statement_profiles
from reconcile.services.access import require
from reconcile.statement_lines import LineFacts, LineStatus, line_facts

MAX_LISTED = 1000  #: skipped lines and balance breaks listed one by one in the report
HASH_CHUNK = 1 << 20
HEAD_SIZE = 64 * 1024
DEFAULT_WINDOW = BookingWindow()  #: as config/settings.toml sets it
VALUE_DATE_AHEAD = timedelta(days=31)  #: beyond the latest booking date a value date may be

Progress = Callable[[int], None]


@dataclass
class _Run:
    """What one import accumulates while lines stream past."""

    account: dict
    import_id: int
    matcher: Matcher
    debits: DebitReconciler
    returns: ReturnFinder | None = None  #: recognises returned payouts (退汇)
    #: the court's active line rules (利息, 手续费, 本院划转 …), in the order they apply
    rules: list[line_rules.LineRule] = field(default_factory=list)
    lines_total: int = 0
    credits_total: int = 0  #: fen, every credit staged
    balance_checks: list[str] = field(default_factory=list)
    period: list = field(default_factory=lambda: [None, None])
    #: the bank's stated balances: the earliest opening and the latest closing, with its day
    opening: Decimal | None = None
    closing: tuple | None = None
    pending_skipped: int = 0
    #: lines kept out of the ledger (a line of 0.00), each {"line", "reason"}
    skipped: list[dict] = field(default_factory=list)
    skipped_total: int = 0
    #: each break of a statement's balances: {"statement", "line", "expected", "found"}
    balance_breaks: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    account_choice: dict = field(default_factory=dict)
    #: the earliest (or None) and latest plausible booking date
    booking_bounds: tuple = (None, None)
    value_bounds: tuple = (None, None)

    def __post_init__(self) -> None:
        earliest, latest = self.booking_bounds
        if latest is not None:
            # a value date may lie ahead of the booking (forward value), by weeks at most
            self.value_bounds = (earliest, latest + VALUE_DATE_AHEAD)


class AccountMismatch(UnknownAccount):
    """The file names (a masked) account that is none of the registered ones."""

    code = "account_mismatch"


class UnknownLayoutFile(InvalidFile):
    """A tabular file whose layout the importer cannot read; `layout` shows what it saw."""

    code = "unknown_layout"


def import_statement(
    uow: UnitOfWork,
    actor: Actor,
    source: BinaryIO,
    *,
    filename: str | None = None,
    format: str | None = None,
    account: str | None = None,
    currency: str = "CNY",
    batch_size: int = 5000,
    progress: Progress | None = None,
    dry_run: bool = False,
    preview_limit: int = 10_000,
    profile: str | None = None,
    booking_window: BookingWindow = DEFAULT_WINDOW,
    return_window_days: int = DEFAULT_RETURN_WINDOW_DAYS,
) -> dict:
    """Import a statement file; return its report (`duplicate: true` for a file seen before).

    With `dry_run`, parse and match exactly as the import would, then roll it all back:
    the report comes with the first `preview_limit` lines and what became of each, and
    nothing is stored, alerted or audited.

    Tabular files are read with the statement profiles of the actor's courts as well as the
    built-in ones: a file whose header a saved profile names is read with it; `profile`
    names one (or a built-in one) to use.

    A line booked outside `booking_window` refuses the file (a mistyped or forged date).
    """
    require(actor, Verb.IMPORT_STATEMENT)
    if profile:
        format = f"csv:{profile}"
    file_sha256 = _sha256(source)
    format_name = _format_of(source, format, filename)
    with uow:
        seen = statement_store.import_by_hash(uow.conn, file_sha256)
        if seen is not None:
            return (
                _previewed(_repeat(uow, actor, seen), []) if dry_run else _repeat(uow, actor, seen)
            )
        statements = _parse(uow, actor, source, format_name, filename)
        first = _first(statements, filename)
        collection, choice = _resolve_account(uow, actor, first, account)
        try:
            import_id = statement_store.claim_import(
                uow.conn,
                collection_account_id=collection["id"],
                file_sha256=file_sha256,
                filename=filename,
                format=format_name,
                currency=collection["currency"],
                imported_by=actor.name,
                imported_at=utc_now(),
            )
        except statement_store.AlreadyImported:
            uow.rollback()
            return _repeat(uow, actor, statement_store.import_by_hash(uow.conn, file_sha256))
        run = _Run(
            collection,
            import_id,
            Matcher(
                load_case_index(uow.conn, collection),
                expected=expected_receipt_store.open_receipts(uow.conn, collection["id"]),
                learned=payer_history_store.learned(uow.conn, collection["id"], LEARNED_AFTER),
            ),
            import_followups.debit_reconciler(uow.conn, collection),
            returned_payments.finder(uow.conn, collection, return_window_days),
            rules=line_rule_store.active_rules(uow.conn, collection["court"]),
            account_choice=choice,
            booking_bounds=booking_window.bounds(local_today()),
        )
        try:
            _stream_lines(uow, run, [first], statements, batch_size, progress, filename)
        except StatementParseError as e:
            raise _invalid(e) from e
        if dry_run:
            staged = statement_store.staged_preview(uow.conn, collection["id"], preview_limit)
            report = _store_and_post(uow, actor, run, format_name)
            uow.rollback()
            return _previewed({**report, "id": None}, [_outcome(run, line) for line in staged])
        report = _store_and_post(uow, actor, run, format_name)
        uow.commit()
    return report


def _previewed(report: dict, lines: list[dict]) -> dict:
    truncated = report["lines_total"] > len(lines) and not report["duplicate"]
    return {**report, "dry_run": True, "lines": lines, "lines_truncated": truncated}


def _outcome(run: _Run, line: dict) -> dict:
    """Return a staged line as the preview shows it: what the import does with it, and why."""
    status, case_status = line.pop("status"), line.pop("case_status")
    outcome, reason = ("duplicate" if line.pop("duplicate") else status), None
    if outcome == LineStatus.MATCHED and line["match_rule"] == "returned_payment":
        reason = "returned_payment"
    elif outcome == LineStatus.MATCHED and case_status == "closed":
        reason = "resume_needed"  # placed on a case closed as 终结本次执行
    elif outcome == LineStatus.ORPHAN:
        reason = line["orphan_reason"]
    elif line["match_rule"] == line_rules.MATCH_RULE:  # the same rules decide the same again
        facts = line_rules.RuleLine(line["direction"], line["amount"], line["counterparty_name"],
                                    line["counterparty_account"], line["remark"])  # fmt: skip
        rule = line_rules.first_fit(run.rules, facts)
        line["line_rule_id"] = rule.id if rule else None
        reason = str(rule.outcome) if rule and outcome == LineStatus.NON_CASE else "line_rule"
    elif outcome == LineStatus.FLAGGED:
        debit = Debit(line["amount"], line["counterparty_account"], line["bank_reference"])
        reason = run.debits.unexplained(debit)
    return {**line, "outcome": outcome, "reason": reason}


def _sha256(source: BinaryIO) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: source.read(HASH_CHUNK), b""):
        digest.update(chunk)
    source.seek(0)
    return digest.hexdigest()


def _format_of(source: BinaryIO, format: str | None, filename: str | None) -> str:
    if format:
        return format
    head = source.read(HEAD_SIZE)
    source.seek(0)
    try:
        return detect_format(head, filename)
    except StatementParseError as e:
        e.filename = e.filename or filename
        raise _invalid(e) from e


def _parse(
    uow: UnitOfWork, actor: Actor, source: BinaryIO, format_name: str, filename: str | None
) -> Iterator[Statement]:
    """Parse the file; a tabular one with the saved profiles of the actor's courts too."""
    name, _, named = format_name.partition(":")
    if name not in ("csv", "xlsx", "xls"):
        return parse_file(source, format_name, filename)
    saved = statement_profiles.saved_profiles(uow.conn, actor)
    if not saved and not named:
        return parse_file(source, format_name, filename)
    try:
        importer = TabularImporter(profile=named.strip() or None, saved=saved)
    except StatementParseError as e:  # no profile of that name: the message lists them
        e.filename = e.filename or filename
        raise _invalid(e) from None
    return _naming(importer.parse(source), filename)


def _naming(statements: Iterator[Statement], filename: str | None) -> Iterator[Statement]:
    """Name the file in the importer's errors, as importers.parse_file does."""
    try:
        for statement in statements:
            statement.lines = _naming_lines(statement.lines, filename)
            yield statement
    except StatementParseError as error:
        error.filename = error.filename or filename
        raise


def _naming_lines(lines: Iterator[StatementLine], filename: str | None):
    try:
        yield from lines
    except StatementParseError as error:
        error.filename = error.filename or filename
        raise


def _first(statements: Iterator[Statement], filename: str | None) -> Statement:
    try:
        first = next(statements, None)
    except StatementParseError as e:
        raise _invalid(e) from e
    if first is None:
        raise InvalidFile(
            "{file_name}: it holds no statement", file_name=_named(filename), file=filename
        )
    return first


def _invalid(error: StatementParseError) -> InvalidFile:
    """The import's refusal of a file the importer could not read: where (if the importer
    knows), then why, each said in the reader's language (`reason`: the importer's words)."""
    facts = {k: v for k, v in error.as_dict().items() if v is not None and k != "code"}
    facts["reason"] = error
    refusal = InvalidFile
    if isinstance(error, UnknownLayout):
        refusal = UnknownLayoutFile
        facts.update(
            rows=error.layout.get("rows", []),
            guess=[
                {"column": c["index"], "header_names": c["names"], "guess": c["guess"],
                 "examples": c["examples"]}
                for c in error.layout.get("columns", ())
            ],
            headerless=error.layout.get("headerless", False),
            positions=error.layout.get("positions", {}),
        )  # fmt: skip
    where = where_said(error)
    if where:
        return refusal(N_("{where}: {reason}"), where=where, **facts)
    return refusal(N_("{reason}"), **facts)


def _named(filename: str | None):
    """A file as a message names it: its name, or "the file" in the reader's language."""
    return filename or Message("the file")


def where_said(error: StatementParseError) -> list[Message]:
    """Where a parse error is, as StatementParseError.where() says it, part by part (each
    part said in the reader's language; a field by its name, FIELD_NAMES)."""
    parts = []
    if error.filename:
        parts.append(Message("{file}", {"file": error.filename}))
    if error.line is not None:
        parts.append(Message("line {line}", {"line": error.line}))
    if error.path:
        parts.append(Message("{path}", {"path": error.path}))
    if error.field:
        named = FIELD_NAMES.get(error.field, error.field)
        parts.append(Message("field {field_name}", {"field_name": named}))
    return parts


#: the fields of a statement line as a refusal names them (`field {field_name}`); a field
#: of a format's own (an XML element) is named as the file names it
FIELD_NAMES = {
    "booked_on": Message("booking date"),
    "time": Message("booking time"),
    "value_date": Message("value date"),
    "transaction_date": Message("transaction date"),
    "amount": Message("amount"),
    "debit": Message("debit amount"),
    "credit": Message("credit amount"),
    "flag": Message("debit/credit flag"),
    "balance": Message("balance"),
    "currency": Message("currency"),
    "remark": Message("remark"),
    "counterparty_name": Message("counterparty name"),
    "counterparty_account": Message("counterparty account"),
    "counterparty_bank": Message("counterparty bank"),
    "sub_account": Message("sub-account"),
    "bank_reference": Message("bank reference"),
    "status": Message("status"),
    "account": Message("account"),
    "channel": Message("channel"),
    "encoding": Message("encoding"),
    "format": Message("format"),
    "period": Message("period"),
}


def _repeat(uow: UnitOfWork, actor: Actor, seen: dict) -> dict:
    account = registry.account_by_id(uow.conn, seen["collection_account_id"])
    if not actor.may_see(account["court"]):
        raise NotFound("statement not found")
    return {**seen["report"], "duplicate": True}


def _resolve_account(
    uow: UnitOfWork, actor: Actor, first: Statement, given: str | None
) -> tuple[dict, dict]:
    """The collection account the file is for, and how it was chosen (for the report).

    The account given with the upload wins (it must fit what the file states); else the
    file's own number when it is whole; else the registered collection accounts of the
    actor's courts: the one a masked number (`6222****1234`) fits by its visible digits,
    or, when the file names none, the only one there is.
    """
    stated = normalise_account_number(first.account or "")
    wanted = normalise_account_number(given or "")
    masked = _is_masked(stated)
    if wanted and stated and not masked and stated != wanted:
        raise InvalidFile(
            "the file is a statement of account {stated}, not {wanted}",
            stated=stated,
            wanted=wanted,
        )
    if wanted and masked and not _fits(stated, wanted):
        raise AccountMismatch(
            "the file names account {account}, which does not fit {given}",
            account=first.account,
            given=wanted,
        )
    number = wanted or ("" if masked else stated)
    if number:
        account = registry.account_by_number(uow.conn, number)
        if account is None or not actor.may_see(account["court"]):
            raise UnknownAccount("{account} is not a registered collection account", account=number)
        how = "given" if wanted else "stated"
        return account, {"account": number, "how": how, "stated": first.account}
    registered = _registered_accounts(uow, actor)
    if masked:
        fitting = [a for a in registered if _fits(stated, a["account_number"])]
        if not fitting:
            raise AccountMismatch(
                "the file names account {account}, which fits none of the registered "
                "collection accounts ({numbers})",
                account=first.account,
                numbers=", ".join(a["account_number"] for a in registered) or "—",
                registered=[a["account_number"] for a in registered],
            )
        if len(fitting) > 1:
            raise UnknownAccount(
                "the file names account {account}, which fits several registered "
                "collection accounts: say which one it belongs to",
                account=first.account,
                candidates=[a["account_number"] for a in fitting],
            )
        account = fitting[0]
        how = "masked_fits"  # the masked number fits only this registered account
        return account, {"account": account["account_number"], "how": how, "stated": first.account}
    if len(registered) == 1:
        account = registered[0]
        how = "only_account"  # the file names none: the court's only collection account
        return account, {"account": account["account_number"], "how": how, "stated": None}
    raise UnknownAccount(
        "the file does not name its account in full: say which collection account it belongs to",
        account=first.account,
    )


def _is_masked(number: str) -> bool:
    return "*" in number


def _fits(masked: str, number: str) -> bool:
    """Whether a masked number (`6222****1234`) fits a whole one by its visible digits.

    A run of `*` (and the `X`s some banks put beside them) hides one or more characters;
    every visible character must stand where it does in the whole number.
    """
    parts = re.split(r"[*X]+", masked.upper()) if "*" in masked else [masked.upper()]
    pattern = ".+".join(re.escape(part) for part in parts)
    return bool(parts) and re.fullmatch(pattern, number.upper()) is not None


def _registered_accounts(uow: UnitOfWork, actor: Actor) -> list[dict]:
    """The collection accounts of the courts the actor may see."""
    codes = None if actor.all_courts else sorted(actor.courts)
    return registry.accounts_of_courts(uow.conn, codes)


def _stream_lines(
    uow,
    run: _Run,
    head: list[Statement],
    rest: Iterator[Statement],
    batch_size: int,
    progress: Progress | None,
    filename: str | None,
) -> None:
    statement_store.open_staging(uow.conn)
    batch: list[dict] = []
    for number, statement in enumerate(_chain(head, rest), start=1):
        _check_statement(run, statement, filename)
        total = Decimal(0)
        for line in statement.lines:
            if not line.amount:
                _skip(run, {"line": line.source_line, "reason": "a line of 0.00 moves no money"})
                continue
            total += line.amount
            batch.append(_staged_row(run, line, filename))
            if len(batch) >= batch_size:
                _flush(uow, run, batch, progress)
        for skipped in statement.extra.get("skipped_lines", ()):
            _skip(run, skipped)
        run.warnings += [
            {**warning, "statement": number} for warning in statement.extra.get("warnings", ())
        ]
        _record_statement(run, statement, total, number)
    _flush(uow, run, batch, progress)


def _chain(head: list[Statement], rest: Iterator[Statement]) -> Iterator[Statement]:
    yield from head
    yield from rest


def _flush(uow, run: _Run, batch: list[dict], progress: Progress | None) -> None:
    statement_store.stage(uow.conn, batch, first_seq=run.lines_total)
    run.lines_total += len(batch)
    batch.clear()
    if progress is not None:
        progress(run.lines_total)


def _check_statement(run: _Run, statement: Statement, filename: str | None) -> None:
    stated = normalise_account_number(statement.account or "")
    number = run.account["account_number"]
    if stated and "*" not in stated and stated != number:
        raise InvalidFile(
            "{file_name} holds statements of several accounts ({account}, {stated}): upload "
            "one account's statements at a time",
            file_name=_named(filename),
            account=number,
            stated=stated,
        )
    if statement.currency and statement.currency.upper() != run.account["currency"]:
        raise InvalidFile(
            "the statement is in {currency}, the account in {account_currency}",
            currency=statement.currency,
            account_currency=run.account["currency"],
        )


def _staged_row(run: _Run, line: StatementLine, filename: str | None) -> tuple:
    """Return the line as a staging row, in statement_store.STAGING_COLUMNS order."""
    if line.currency and line.currency.upper() != run.account["currency"]:
        raise InvalidFile(
            "{file_name}, line {line}: a line in {currency} on a {account_currency} account",
            file_name=_named(filename),
            line=line.source_line,
            field="currency",
            currency=line.currency,
            account_currency=run.account["currency"],
        )
    _check_dates(run, line, filename)
    try:
        facts = line_facts(line)
    except StatementParseError as e:
        e.filename = filename
        raise
    if facts.direction == "credit":
        run.credits_total += facts.amount
    return (
        line.source_line, facts.direction, facts.amount, run.account["currency"],
        line.booked_on, line.value_date, line.booked_at, _cut(line.bank_reference, 128),
        _cut(line.counterparty_name, 255), _cut(facts.counterparty_account, 64),
        _cut(line.counterparty_bank, 255), line.remark, _cut(line.sub_account, 64), line.raw,
        *_match_columns(run, line, facts), facts.base_key,
    )  # fmt: skip


def _check_dates(run: _Run, line: StatementLine, filename: str | None) -> None:
    for name, bounds in (("booked_on", run.booking_bounds), ("value_date", run.value_bounds)):
        why = implausible(getattr(line, name), bounds)
        if why:
            raise InvalidFile(
                "{file_name}, line {line}, {field_name}: {reason}",
                file_name=_named(filename),
                file=filename,
                field_name=name,
                line=line.source_line,
                field=name,
                reason=why,
            )


_ORPHAN, _MATCHED = LineStatus.ORPHAN.value, LineStatus.MATCHED.value
_RECONCILED, _FLAGGED = LineStatus.RECONCILED.value, LineStatus.FLAGGED.value
_NON_CASE = LineStatus.NON_CASE.value


def _match_columns(run: _Run, line: StatementLine, facts: LineFacts) -> tuple:
    """Return status, case_id, match_rule, match_evidence, orphan_reason, suggestions,
    disbursement_id: what the line is, decided before it is stored."""
    if facts.direction == "debit":
        debit = Debit(
            facts.amount,
            facts.counterparty_account,
            _cut(line.bank_reference, 128),
            remark=line.remark,
            end_to_end_id=line.extra.get("end_to_end_id"),
        )
        paid = run.debits.settles(debit)
        rule = _rule_for(run, line, facts) if paid is None else None
        if rule is not None and rule.outcome != line_rules.LineOutcome.CASE:  # a fee: not flagged
            return _non_case(rule)
        return (_FLAGGED if paid is None else _RECONCILED, None, None, None, None, None, paid)
    returned = run.returns.find(_incoming(line, facts)) if run.returns else None
    if returned is not None:  # 退汇: back on the payout's case (services/returned_payments.py)
        payout = returned.payout
        return (_MATCHED, payout.case_id, RETURNED_PAYMENT, returned.evidence, None, None,
                payout.id)  # fmt: skip
    match = run.matcher.match(
        Credit(
            line.sub_account,
            line.remark,
            line.counterparty_account,
            line.counterparty_name,
            amount=facts.amount,
            booked_on=line.booked_on,
            bank_reference=line.bank_reference,
        )
    )
    if match.is_orphan and line_rules.applies_to_orphan(match.orphan_reason):
        decided = _by_rule(run, line, facts)
        if decided is not None:
            return decided
    status = _ORPHAN if match.is_orphan else _MATCHED
    return (status, match.case_id, match.rule, match.evidence, match.orphan_reason,
            match.suggestions or None, None)  # fmt: skip


def _rule_for(run: _Run, line: StatementLine, facts: LineFacts) -> line_rules.LineRule | None:
    if not run.rules:
        return None
    facts_ = line_rules.RuleLine(
        facts.direction, facts.amount, line.counterparty_name, facts.counterparty_account,
        line.remark,
    )  # fmt: skip
    return line_rules.first_fit(run.rules, facts_)


def _by_rule(run: _Run, line: StatementLine, facts: LineFacts) -> tuple | None:
    """The columns of a credit the court's first fitting line rule decides, or None."""
    rule = _rule_for(run, line, facts)
    if rule is None:
        return None
    if rule.outcome != line_rules.LineOutcome.CASE:
        return _non_case(rule)
    evidence = line_rules.evidence(rule)
    case = run.matcher.index.by_case_number(rule.case_number or "")
    if case is None or not case.open:
        return None  # the rule's case closed since: the credit stays an orphan
    return (_MATCHED, case.id, line_rules.MATCH_RULE, {**evidence, "case_number": case.case_number},
            None, None, None)  # fmt: skip


def _non_case(rule: line_rules.LineRule) -> tuple:
    """The columns of a line `rule` decides is not case money: on no case, no ledger."""
    return (_NON_CASE, None, line_rules.MATCH_RULE, line_rules.evidence(rule), None, None, None)


def _incoming(line: StatementLine, facts: LineFacts) -> IncomingCredit:
    return IncomingCredit(
        facts.amount,
        line.booked_on,
        facts.counterparty_account,
        remark=line.remark,
        bank_reference=line.bank_reference,
        end_to_end_id=line.extra.get("end_to_end_id"),
        reversal=bool(line.extra.get("reversal")),
    )


def _cut(text: str | None, size: int) -> str | None:
    return text[:size] if text else text


def _skip(run: _Run, skipped: dict) -> None:
    run.skipped_total += 1
    if len(run.skipped) < MAX_LISTED:
        run.skipped.append(skipped)


def _record_statement(run: _Run, statement: Statement, total: Decimal, number: int = 1) -> None:
    start, end = run.period
    if statement.period_start and (start is None or statement.period_start < start):
        run.period[0] = statement.period_start
    if statement.period_end and (end is None or statement.period_end > end):
        run.period[1] = statement.period_end
    run.pending_skipped += statement.extra.get("pending_skipped", 0)
    _record_balances(run, statement)
    # one rule for every format: a readable file imports; each break is listed and alerted
    breaks = [
        {"statement": number, **b, "kind": "running_balance"}
        for b in statement.extra.get("balance_breaks", ())
    ]
    opening, closing = statement.opening_balance, statement.closing_balance
    if opening is not None and closing is not None and opening + total != closing:
        breaks.append(
            {
                "statement": number,
                "line": None,
                "expected": format(opening + total, "f"),
                "found": format(closing, "f"),
                "reason": f"opening {opening:,} plus the lines ({total:,}) is "
                f"{opening + total:,}, the closing balance {closing:,}",
                "kind": "closing_balance",
            }
        )
    run.balance_breaks += breaks[: max(0, MAX_LISTED - len(run.balance_breaks))]
    if breaks:
        run.balance_checks.append("mismatch")
    elif opening is None or closing is None:
        run.balance_checks.append("not_available")
    else:
        run.balance_checks.append("ok")


def _record_balances(run: _Run, statement: Statement) -> None:
    if run.opening is None and statement.opening_balance is not None:
        run.opening = statement.opening_balance
    if statement.closing_balance is not None:
        day = statement.period_end
        if run.closing is None or (day and (run.closing[0] is None or day >= run.closing[0])):
            run.closing = (day, statement.closing_balance)


def _balance_check(checks: list[str]) -> str:
    if "mismatch" in checks:
        return "mismatch"
    return "ok" if checks and all(c == "ok" for c in checks) else "not_available"


def _store_and_post(uow: UnitOfWork, actor: Actor, run: _Run, format_name: str) -> dict:
    conn, now = uow.conn, utc_now()
    lines_new = statement_store.store_new_lines(conn, run.import_id, run.account["id"])
    statement_store.close_staging(conn)
    statement_store.post_matched_credits(conn, run.import_id, now, run.credits_total)
    suspense = ledger_store.suspense_ledger_id(conn, run.account["id"])
    statement_store.post_orphan_credits(conn, run.import_id, suspense, now, run.credits_total)
    debits = import_followups.follow_debits(uow, actor, run.account, run.import_id, run.debits)
    returned_payments.follow_returns(uow, actor, run.account, run.import_id)
    import_followups.raise_credit_alerts(uow, actor, run.account, run.import_id)
    report = _report(conn, run, format_name, lines_new, debits)
    import_followups.after_import(uow, run.account, run.import_id)
    expected_receipt_store.mark_received_from_import(conn, run.import_id, now)
    if run.balance_breaks:
        _alert_balance_breaks(uow, actor, run)
    statement_store.finish_import(
        conn,
        run.import_id,
        report=report,
        period_start=run.period[0],
        period_end=run.period[1],
        opening_balance=None if run.opening is None else decimal_to_fen(run.opening),
        closing_balance=None if run.closing is None else decimal_to_fen(run.closing[1]),
    )
    uow.audit(
        actor,
        "statement.imported",
        "statement",
        run.import_id,
        court=run.account["court"],
        after=report,
    )
    return report


def _report(conn, run: _Run, format_name: str, lines_new: int, debits: dict) -> dict:
    count = statement_store.count_new
    return {
        "id": run.import_id,
        "format": format_name,
        "account": run.account["account_number"],
        "period": {"start": _iso(run.period[0]), "end": _iso(run.period[1])},
        "statements": len(run.balance_checks),
        "lines_total": run.lines_total,
        "lines_new": lines_new,
        "lines_duplicate": run.lines_total - lines_new,
        "credits_matched": count(conn, run.import_id, status=LineStatus.MATCHED),
        "orphans": count(conn, run.import_id, status=LineStatus.ORPHAN),
        "lines_non_case": count(conn, run.import_id, status=LineStatus.NON_CASE),
        "debits_reconciled": debits["reconciled"],
        "debits_flagged": debits["flagged"],
        "balance_check": _balance_check(run.balance_checks),
        "pending_skipped": run.pending_skipped,
        "lines_skipped": run.skipped_total,
        "skipped": run.skipped,
        "balance_breaks": run.balance_breaks,
        "account_choice": run.account_choice,
        "warnings": run.warnings,
        "duplicate": False,
    }


def _alert_balance_breaks(uow: UnitOfWork, actor: Actor, run: _Run) -> None:
    first = run.balance_breaks[0]
    alert_store.raise_alert(
        uow,
        actor,
        kind="statement_balance_break",
        court=run.account["court"],
        subject=f"statement:{run.import_id}",
        facts={
            "statement_id": run.import_id,
            "account": run.account["account_number"],
            "breaks": run.balance_breaks[:20],
            "break_count": len(run.balance_breaks),
            "first_line": first["line"],  # None: the closing balance
            "expected": first["expected"],
            "found": first["found"],
        },
    )


def _iso(day) -> str | None:
    return day.isoformat() if day else None
