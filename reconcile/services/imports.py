"""Importing a bank statement: completely or not at all, once, and matched on the way in.

One file is one database transaction. Lines stream from the importer in batches into a
staging table; matching runs in memory against the account's case index; the lines, their
ledger postings and their alerts are then written set by set. A second import of the same
file returns the first report; lines repeated by an overlapping statement are stored once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import BinaryIO

from importers import detect_format, parse_file
from importers.base import Statement, StatementLine, StatementParseError
from reconcile.account_numbers import normalise_account_number
from reconcile.actors import Actor
from reconcile.clock import utc_now
from reconcile.db import ledger_store, registry, statement_store
from reconcile.db.case_index import load_case_index
from reconcile.db.uow import UnitOfWork
from reconcile.debits import Debit, DebitReconciler
from reconcile.errors import InvalidFile, NotFound, UnknownAccount
from reconcile.matching import Credit, Matcher
from reconcile.money import decimal_to_fen
from reconcile.permissions import Verb
from reconcile.services import import_followups
from reconcile.services.access import require
from reconcile.statement_lines import LineFacts, LineStatus, line_facts

HASH_CHUNK = 1 << 20
HEAD_SIZE = 64 * 1024

Progress = Callable[[int], None]


@dataclass
class _Run:
    """What one import accumulates while lines stream past."""

    account: dict
    import_id: int
    matcher: Matcher
    debits: DebitReconciler
    lines_total: int = 0
    credits_total: int = 0  #: fen, every credit staged
    balance_checks: list[str] = field(default_factory=list)
    period: list = field(default_factory=lambda: [None, None])
    #: the bank's stated balances: the earliest opening and the latest closing, with its day
    opening: Decimal | None = None
    closing: tuple | None = None
    pending_skipped: int = 0


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
) -> dict:
    """Import a statement file; return its report (`duplicate: true` for a file seen before).

    With `dry_run`, parse and match exactly as the import would, then roll it all back:
    the report comes with the first `preview_limit` lines and what became of each, and
    nothing is stored, alerted or audited.
    """
    require(actor, Verb.IMPORT_STATEMENT)
    file_sha256 = _sha256(source)
    format_name = _format_of(source, format, filename)
    with uow:
        seen = statement_store.import_by_hash(uow.conn, file_sha256)
        if seen is not None:
            return (
                _previewed(_repeat(uow, actor, seen), []) if dry_run else _repeat(uow, actor, seen)
            )
        statements = parse_file(source, format_name, filename)
        first = _first(statements, filename)
        collection = _resolve_account(uow, actor, first, account)
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
            Matcher(load_case_index(uow.conn, collection)),
            import_followups.debit_reconciler(uow.conn, collection),
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
    status = line.pop("status")
    outcome, reason = ("duplicate" if line.pop("duplicate") else status), None
    if outcome == LineStatus.ORPHAN:
        reason = line["orphan_reason"]
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


def _first(statements: Iterator[Statement], filename: str | None) -> Statement:
    try:
        first = next(statements, None)
    except StatementParseError as e:
        raise _invalid(e) from e
    if first is None:
        raise InvalidFile(f"{filename or 'the file'}: it holds no statement", file=filename)
    return first


def _invalid(error: StatementParseError) -> InvalidFile:
    return InvalidFile(str(error), **{k: v for k, v in error.as_dict().items() if v is not None})


def _repeat(uow: UnitOfWork, actor: Actor, seen: dict) -> dict:
    account = registry.account_by_id(uow.conn, seen["collection_account_id"])
    if not actor.may_see(account["court"]):
        raise NotFound("statement not found")
    return {**seen["report"], "duplicate": True}


def _resolve_account(uow: UnitOfWork, actor: Actor, first: Statement, given: str | None) -> dict:
    stated = normalise_account_number(first.account or "")
    wanted = normalise_account_number(given or "")
    if wanted and stated and "*" not in stated and stated != wanted:
        raise InvalidFile(f"the file is a statement of account {stated}, not {wanted}")
    number = wanted or stated
    if not number or "*" in number:
        raise UnknownAccount(
            "the file does not name its account in full: say which "
            "collection account it belongs to",
            account=first.account,
        )
    account = registry.account_by_number(uow.conn, number)
    if account is None or not actor.may_see(account["court"]):
        raise UnknownAccount(f"{number} is not a registered collection account", account=number)
    return account


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
    for statement in _chain(head, rest):
        _check_statement(run, statement, filename)
        total = Decimal(0)
        for line in statement.lines:
            total += line.amount
            batch.append(_staged_row(run, line, filename))
            if len(batch) >= batch_size:
                _flush(uow, run, batch, progress)
        _record_statement(run, statement, total)
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
            f"{filename or 'the file'} holds statements of several accounts "
            f"({number}, {stated}): upload one account's statements at a time"
        )
    if statement.currency and statement.currency.upper() != run.account["currency"]:
        raise InvalidFile(
            f"the statement is in {statement.currency}, the account in {run.account['currency']}"
        )


def _staged_row(run: _Run, line: StatementLine, filename: str | None) -> tuple:
    """Return the line as a staging row, in statement_store.STAGING_COLUMNS order."""
    if line.currency and line.currency.upper() != run.account["currency"]:
        raise InvalidFile(
            f"{filename or 'the file'}, line {line.source_line}: a line in "
            f"{line.currency} on a {run.account['currency']} account",
            line=line.source_line,
            field="currency",
        )
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


_ORPHAN, _MATCHED = LineStatus.ORPHAN.value, LineStatus.MATCHED.value
_RECONCILED, _FLAGGED = LineStatus.RECONCILED.value, LineStatus.FLAGGED.value


def _match_columns(run: _Run, line: StatementLine, facts: LineFacts) -> tuple:
    """Return status, case_id, match_rule, match_evidence, orphan_reason, suggestions,
    disbursement_id: what the line is, decided before it is stored."""
    if facts.direction == "debit":
        debit = Debit(facts.amount, facts.counterparty_account, _cut(line.bank_reference, 128))
        paid = run.debits.settles(debit)
        return (_FLAGGED if paid is None else _RECONCILED, None, None, None, None, None, paid)
    match = run.matcher.match(
        Credit(line.sub_account, line.remark, line.counterparty_account, line.counterparty_name)
    )
    status = _ORPHAN if match.is_orphan else _MATCHED
    return (status, match.case_id, match.rule, match.evidence, match.orphan_reason,
            match.suggestions or None, None)  # fmt: skip


def _cut(text: str | None, size: int) -> str | None:
    return text[:size] if text else text


def _record_statement(run: _Run, statement: Statement, total: Decimal) -> None:
    start, end = run.period
    if statement.period_start and (start is None or statement.period_start < start):
        run.period[0] = statement.period_start
    if statement.period_end and (end is None or statement.period_end > end):
        run.period[1] = statement.period_end
    run.pending_skipped += statement.extra.get("pending_skipped", 0)
    _record_balances(run, statement)
    if statement.opening_balance is None or statement.closing_balance is None:
        run.balance_checks.append("not_available")
    elif statement.opening_balance + total == statement.closing_balance:
        run.balance_checks.append("ok")
    else:
        run.balance_checks.append("mismatch")


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
    import_followups.raise_credit_alerts(uow, actor, run.account, run.import_id)
    report = _report(conn, run, format_name, lines_new, debits)
    import_followups.after_import(uow, actor, run.account, run.import_id, report)
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
        "debits_reconciled": debits["reconciled"],
        "debits_flagged": debits["flagged"],
        "balance_check": _balance_check(run.balance_checks),
        "pending_skipped": run.pending_skipped,
        "duplicate": False,
    }


def _iso(day) -> str | None:
    return day.isoformat() if day else None
