"""The promise, checked against a model: no yuan lost, none counted twice, none paid to the
wrong account, nothing edited without trace.

Hypothesis drives random sequences of what a court does — register and close cases,
import statements (credits to sub-accounts, case numbers, payers, unidentifiable ones;
debits for approved payments, to unnamed accounts, paid twice; twin lines, overlapping
re-uploads of earlier days, the same file again), place and release holds, request,
approve, reject and mark paid disbursements, assign, unassign and refund orphans, split
credits across cases and assign many orphans at once, register expected receipts (待到账款:
credits carrying their reference match `expected`, once; an orphan already here is placed
when the receipt is registered), and bank interest and fees a line rule recognises as not
case money (non_case: on no ledger) —
through the use cases against the real test database, and keeps a model of where every
fen should be. After every step the books must agree with the model and with themselves:

- conservation: the bank balance the statements state equals every case's received − paid
  plus the suspense ledger's plus the net of the lines that are not case money, the
  flagged debits and the payments not yet on a statement aside; the daily reconciliation
  leaves nothing unexplained;
- no case is overdrawn: received ≥ pending + approved_unpaid + paid, available ≥ 0;
- every credit line sits on exactly one ledger, its amount counted once — or, split, on
  the ledgers of its parts and the suspense ledger for what is left: every credit's amount
  is the sum of its placed parts plus its orphan remainder;
- nothing paid (or marked paid) goes to an account the case's documents do not name, or a
  refund anywhere but to the payer's own account;
- each ledger's balance is the sum of its entries; the audit hash chain verifies.

Profiles: the quick one (CI) runs a few hundred steps; `RECONCILE_LONG_PROOF=1` runs
thousands (about 20 minutes on SQLite):

    RECONCILE_LONG_PROOF=1 .venv/bin/python -m pytest tests/integration/test_model.py
"""

from __future__ import annotations

import io
import itertools
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import hypothesis.strategies as st
from hypothesis import HealthCheck, settings
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from reconcile.case_closing import CaseHasFunds
from reconcile.cases import AccountRef, NewCase, PartySpec
from reconcile.clock import local_today
from reconcile.db import audit_log
from reconcile.db.tables import cases as cases_table
from reconcile.db.tables import ledger_accounts, ledger_entries, party_accounts
from reconcile.db.tables_payments import disbursements
from reconcile.db.tables_statements import statement_lines
from reconcile.db.uow import UnitOfWork
from reconcile.errors import (
    Conflict,
    DomainError,
    Forbidden,
    IllegalTransition,
    InsufficientAvailable,
    PayeeNotNamed,
    ValidationFailed,
)
from reconcile.ledger import BUCKETS
from reconcile.services import (
    cases,
    expected_receipts,
    holds,
    imports,
    line_rules,
    splits,
    transactions,
)
from reconcile.services import disbursements as payments
from reconcile.services.reconciliation import reconcile_day
from reconcile.settings import load_settings
from tests.integration.conftest_proof import LONG, fresh_database, open_court, profile
from tests.integration.statement_files import Row, csv_statement

__all__ = ["fresh_database"]  # the fixture, imported for pytest

FIRST_BANK_DAY = date(2026, 1, 1)
#: COUNTED_LEVELS: one approval below 100000.00 yuan, two from it (the bound is in the higher tier)
TWO_LEVELS_FROM = 100_000_00
#: The model's approvals: levels by count, no finance review (the older form of
#: [approvals]); the court's flow by position is tests/integration/test_payment_flow.py.
COUNTED_LEVELS = {
    "approvals": {
        "tiers": [{"up_to": "100000.00", "levels": 1}, {"levels": 2}],
        "finance_review": False,
    }
}
SUSPENSE = "suspense"
NON_CASE = "non_case"  #: a line a line rule decided is not case money (利息, 手续费)
#: the court's line rules, made when the court opens (reconcile/line_rules.py)
LINE_RULES = (
    {"name": "结息", "direction": "credit", "remark_text": "结息", "outcome": "interest"},
    {"name": "手续费", "direction": "debit", "remark_text": "手续费", "outcome": "bank_fee"},
)
AWAITING = ("approved", "marked_paid")


@dataclass
class CaseModel:
    id: int
    number: str
    sub_account: str
    respondent: str
    respondent_account: str
    payee: str
    open: bool = True


@dataclass
class LineModel:
    """One line of the bank's history, as the model expects the books to hold it."""

    day: date
    amount: int  #: fen, signed
    name: str
    account: str
    remark: str = ""
    sub_account: str = ""
    reference: str = ""
    expected: str = ""  #: credit: case id or "orphan"; debit: disbursement id or "flagged"
    id: int | None = None  #: the statement line's id once imported
    status: str = ""
    case: CaseModel | None = None  #: the case the import placed it on
    parts: list[PartModel] = field(default_factory=list)  #: placed by staff (assign, split)
    receipt: ReceiptModel | None = None  #: the expected receipt whose reference it carries

    @property
    def unplaced(self) -> int:
        """Fen no case holds: the orphan's remainder (all of it before any part); none of
        a line that is not case money."""
        if self.case or self.expected == NON_CASE:
            return 0
        return self.amount - sum(part.amount for part in self.parts)

    @property
    def credit(self) -> bool:
        return self.amount > 0

    def row(self) -> Row:
        return Row(
            self.day.isoformat(),
            yuan(self.amount),
            self.name,
            self.account,
            self.remark,
            self.sub_account,
            self.reference,
        )


@dataclass
class PartModel:
    id: int
    case: CaseModel
    amount: int


@dataclass
class ReceiptModel:
    """An expected receipt (待到账款) and whether a credit has brought it."""

    id: int | None
    case: CaseModel
    reference: str
    received: bool = False


@dataclass
class PaymentModel:
    id: int
    kind: str  #: payment | refund
    ledger: int | str  #: case id or SUSPENSE
    amount: int
    payee: str
    levels: int
    status: str = "requested"
    approvers: list[str] = field(default_factory=list)  #: who decided on it, in order
    bank_reference: str | None = None
    debited: bool = False  #: a statement debit settled it
    line: LineModel | None = None  #: the orphan a refund returns

    def follow(self, status: str) -> None:
        """Keep a refund's orphan in step: refunded once paid, an orphan again if rejected."""
        if self.line is None:
            return
        if status == "rejected":
            self.line.status = "orphan"
        elif status in ("marked_paid", "paid") and self.line.status == "refunding":
            self.line.status = "refunded"


@dataclass
class HoldModel:
    id: int
    case: CaseModel
    left: int


class CourtMoney(RuleBasedStateMachine):
    """One court's collection account, driven through the use cases, beside its model."""

    fresh = None  #: set by the test: the fresh-database factory

    cases_b = Bundle("cases")
    holds_b = Bundle("holds")
    payments_b = Bundle("payments")
    credits_b = Bundle("credits")

    def __init__(self) -> None:
        super().__init__()
        self._database = type(self).fresh()
        self.engine = self._database.__enter__()
        self.office = open_court(self.engine)
        self.settings = load_settings(environ={}, overrides=COUNTED_LEVELS)
        self.enforcement = self.office.actor("enforcement", "执行员")
        self.finance = self.office.actor("finance", "财务")
        self.approvers = [self.office.actor("approver", f"审批人{i}") for i in range(3)]
        self.numbers = itertools.count(1)
        self.cases: list[CaseModel] = []
        self.books: dict[int | str, Counter] = {SUSPENSE: Counter()}
        self.payments: dict[int, PaymentModel] = {}
        self.days: list[list[LineModel]] = []
        self.files: list[tuple[bytes, dict]] = []
        self.bank = 0  #: the bank's balance by the model's history
        self.receipts: list[ReceiptModel] = []
        #: references carried by orphans that came before their receipt was registered
        self.early: list[str] = []
        for body in LINE_RULES:
            line_rules.create_rule(
                self.uow(), self.finance, court=self.office.code, values=dict(body)
            )

    def teardown(self) -> None:
        self._database.__exit__(None, None, None)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.engine)

    # ---- cases ----

    @initialize(target=cases_b)
    def first_case(self):
        return self.register_case()

    @precondition(lambda self: len(self.cases) < 6)
    @rule(target=cases_b)
    def register_case(self):
        n = next(self.numbers)
        spec = NewCase(
            case_number=f"（2026）京0105执{n}号",
            court=self.office.code,
            amount_due=500_000_00,
            applicants=(
                PartySpec(
                    f"申请人{n}",
                    (AccountRef(f"11006014901880{n:07d}", f"申请人{n}", "交通银行"),),
                ),
            ),
            respondents=(PartySpec(f"被执行人{n}", (AccountRef(f"62220202{n:011d}"),)),),
        )
        view = cases.register_case(self.uow(), self.enforcement, spec)
        case = CaseModel(
            view["id"],
            view["case_number"],
            view["sub_account_number"],
            f"被执行人{n}",
            f"62220202{n:011d}",
            f"11006014901880{n:07d}",
        )
        self.cases.append(case)
        self.books[case.id] = Counter()
        return case

    @rule(case=cases_b)
    def close_or_reopen_case(self, case):
        status = "closed" if case.open else "open"
        expected = CaseHasFunds if case.open and self._has_business(case) else None
        view = _attempt(
            expected,
            cases.set_case_status,
            self.uow(),
            self.enforcement,
            case.id,
            status,
            "completed" if case.open else None,
        )
        if view is None:
            return
        assert view["status"] == status
        case.open = not case.open

    def _has_business(self, case) -> bool:
        """What keeps a case open (art. 12): money on account, holds, payments on their way."""
        books = self.books[case.id]
        on_its_way = any(
            p.ledger == case.id
            and p.status in ("requested", "approved", "marked_paid")
            and not p.debited
            for p in self.payments.values()
        )
        return bool(books["received"] - books["paid"] or books["held"] or on_its_way)

    # ---- statements ----

    @rule(target=credits_b, data=st.data())
    def import_statement(self, data):
        new = self._new_day(data)
        overlap = data.draw(st.integers(0, min(3, len(self.days))), label="overlap")
        self.days.append(new)
        window = [line for day in self.days[len(self.days) - 1 - overlap :] for line in day]
        opening = self.bank + sum(line.amount for line in new) - sum(w.amount for w in window)
        file = csv_statement([line.row() for line in window], opening=yuan(opening))
        self._expect_debits(new)
        report = imports.import_statement(
            self.uow(),
            self.finance,
            io.BytesIO(file),
            filename=f"day-{len(self.days)}.csv",
            account=self.office.account,
        )
        self.bank += sum(line.amount for line in new)
        self._check_report(report, window, new)
        self.files.append((file, report))
        self._learn_ids(report["id"], new)
        self._apply(new)
        return multiple(*[line for line in new if line.credit])

    @precondition(lambda self: self.files)
    @rule(data=st.data())
    def upload_a_file_again(self, data):
        file, first = data.draw(st.sampled_from(self.files), label="file")
        report = imports.import_statement(
            self.uow(), self.finance, io.BytesIO(file), account=self.office.account
        )
        assert report == {**first, "duplicate": True}

    def _new_day(self, data) -> list[LineModel]:
        day = FIRST_BANK_DAY + timedelta(days=len(self.days))
        kinds = ["sub_account", "case_number", "payer", "unidentified", "typo", "unnamed_debit"]
        kinds += ["interest", "bank_fee", "early_expected"]
        if any(not r.received for r in self.receipts):
            kinds += ["expected", "expected"]
        if self._awaiting():
            kinds += ["payment_debit", "payment_debit"]
        if any(p.debited for p in self.payments.values()):
            kinds.append("paid_twice")
        lines: list[LineModel] = []
        for _ in range(data.draw(st.integers(1, 4), label="lines")):
            kind = data.draw(st.sampled_from(kinds), label="kind")
            line = self._line(kind, day, data, lines)
            if line is not None:
                lines.append(line)
                if line.credit and not line.reference and data.draw(st.booleans(), label="twin"):
                    lines.append(
                        LineModel(**{**line.__dict__, "parts": []})
                    )  # paid twice, alike: both count
        lines = lines or [self._line("unidentified", day, data, lines)]
        self._expect_receipts(lines)
        return lines

    def _expect_receipts(self, lines: list[LineModel]) -> None:
        """A credit carrying an open receipt's reference matches it (`expected`), once;
        a twin, or a receipt of a closed case, leaves an orphan."""
        taken: set[int] = set()
        for line in lines:
            receipt = line.receipt
            if receipt is None:
                continue
            if receipt.received or id(receipt) in taken or not receipt.case.open:
                line.expected = "orphan"
            else:
                line.expected = str(receipt.case.id)
                taken.add(id(receipt))

    def _line(self, kind: str, day: date, data, so_far: list[LineModel]) -> LineModel | None:
        n = next(self.numbers)
        ref = f"B{n:06d}" if data.draw(st.integers(0, 4), label="ref") else ""
        if kind in ("sub_account", "case_number", "payer", "typo"):
            case = data.draw(st.sampled_from(self.cases), label="case")
            amount = data.draw(st.integers(1, 300_000_00), label="amount")
            line = LineModel(day, amount, f"付款人{n}", f"6217{n:012d}", "货款", reference=ref)
            if kind == "sub_account":
                line.sub_account = case.sub_account
            elif kind == "case_number":
                line.remark = f"执行款{case.number}"
            elif kind == "payer":
                line.name, line.account = case.respondent, case.respondent_account
            else:
                typo = str((int(case.sub_account[-3]) + 1) % 10)
                line.sub_account = case.sub_account[:-3] + typo + case.sub_account[-2:]
                return _orphan(line)
            line.expected = str(case.id) if case.open else "orphan"
            return line
        if kind == "unidentified":
            amount = data.draw(st.integers(1, 50_000_00), label="amount")
            return _orphan(LineModel(day, amount, f"某公司{n}", f"6217{n:012d}", "货款", "", ref))
        if kind == "interest":
            amount = data.draw(st.integers(1, 1_000_00), label="amount")
            line = LineModel(day, amount, "中国工商银行", "", "季度结息", "", ref)
            line.expected = NON_CASE
            return line
        if kind == "expected":
            receipt = data.draw(
                st.sampled_from([r for r in self.receipts if not r.received]), label="receipt"
            )
            amount = data.draw(st.integers(1, 300_000_00), label="amount")
            remark = f"网络扣划 {receipt.reference}"
            line = LineModel(day, amount, f"某银行{n}", f"6217{n:012d}", remark, "", ref)
            line.receipt = receipt  # its expectation: _expect_receipts, once the day is drawn
            return line
        if kind == "early_expected":  # the deduction came before it was registered
            amount = data.draw(st.integers(1, 300_000_00), label="amount")
            reference = f"KH{n:08d}"
            self.early.append(reference)
            remark = f"网络扣划 {reference}"
            return _orphan(LineModel(day, amount, f"某银行{n}", f"6217{n:012d}", remark, "", ref))
        if kind in ("unnamed_debit", "bank_fee"):
            room = self.bank + sum(line.amount for line in so_far)
            if room <= 0:
                return None
            if kind == "bank_fee":
                amount = data.draw(st.integers(1, min(room, 100_00)), label="amount")
                line = LineModel(day, -amount, "中国工商银行", "", "账户手续费", "", ref)
                line.expected = NON_CASE
                return line
        if kind == "unnamed_debit":
            room = self.bank + sum(line.amount for line in so_far)
            if room <= 0:
                return None
            amount = data.draw(st.integers(1, min(room, 5_000_00)), label="amount")
            return LineModel(day, -amount, "某人", f"6222888{n:09d}", "转账", "", ref)
        if kind == "payment_debit":
            payment = data.draw(st.sampled_from(self._awaiting()), label="payment")
            return self._debit(payment, day, payment.bank_reference or f"D{n:06d}")
        payment = data.draw(
            st.sampled_from([p for p in self.payments.values() if p.debited]), label="payment"
        )
        return self._debit(payment, day, f"D{n:06d}")

    def _debit(self, payment: PaymentModel, day: date, reference: str) -> LineModel:
        return LineModel(day, -payment.amount, "收款人", payment.payee, "案款发放", "", reference)

    def _awaiting(self) -> list[PaymentModel]:
        return [p for p in self.payments.values() if p.status in AWAITING and not p.debited]

    def _expect_debits(self, new: list[LineModel]) -> None:
        """Settle as the bank would: the oldest awaiting payment of that payee and amount,
        its bank reference first (reconcile/debits.py)."""
        awaiting = sorted(self._awaiting(), key=lambda p: p.id)
        for line in (line for line in new if not line.credit and line.expected != NON_CASE):
            candidates = [
                p for p in awaiting if p.payee == line.account and p.amount == -line.amount
            ]
            by_ref = [p for p in candidates if p.bank_reference == line.reference]
            loose = [p for p in candidates if not p.bank_reference or not line.reference]
            settled = (by_ref or loose or [None])[0]
            line.expected = "flagged" if settled is None else str(settled.id)
            if settled is not None:
                awaiting.remove(settled)

    def _check_report(self, report: dict, window: list[LineModel], new: list[LineModel]):
        credits = [line for line in new if line.credit]
        debits = [line for line in new if not line.credit]
        assert report["duplicate"] is False
        assert (report["lines_total"], report["lines_new"]) == (len(window), len(new))
        matched = [line for line in credits if line.expected not in ("orphan", NON_CASE)]
        assert report["credits_matched"] == len(matched)
        assert report["lines_non_case"] == sum(line.expected == NON_CASE for line in new)
        assert report["orphans"] == sum(line.expected == "orphan" for line in credits)
        assert report["debits_flagged"] == sum(line.expected == "flagged" for line in debits)
        assert report["debits_reconciled"] == sum(
            line.expected not in ("flagged", NON_CASE) for line in debits
        )
        assert report["balance_check"] == "ok"

    def _learn_ids(self, statement_id: int, new: list[LineModel]) -> None:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(statement_lines.c.id, statement_lines.c.status, statement_lines.c.case_id)
                .where(statement_lines.c.statement_id == statement_id)
                .order_by(statement_lines.c.line_no)
            ).all()
        assert len(rows) == len(new)
        for line, row in zip(new, rows, strict=True):
            line.id = row.id
            if line.expected == NON_CASE:
                assert (row.status, row.case_id) == (NON_CASE, None), (line, row)
            elif line.credit:
                expected = (
                    ("orphan", None)
                    if line.expected == "orphan"
                    else ("matched", int(line.expected))
                )
                assert (row.status, row.case_id) == expected, (line, row)
            else:
                assert row.status == ("flagged" if line.expected == "flagged" else "reconciled")

    def _apply(self, new: list[LineModel]) -> None:
        by_id = {case.id: case for case in self.cases}
        for line in new:
            if line.expected == NON_CASE:
                line.status = NON_CASE  # on no ledger: the bank's own money movement
            elif line.credit:
                if line.receipt is not None and line.expected != "orphan":
                    line.receipt.received = True
                line.case = None if line.expected == "orphan" else by_id[int(line.expected)]
                line.status = "matched" if line.case else "orphan"
                self.books[line.case.id if line.case else SUSPENSE]["received"] += line.amount
            elif line.expected != "flagged":
                payment = self.payments[int(line.expected)]
                if payment.status == "approved":
                    self.books[payment.ledger]["approved_unpaid"] -= payment.amount
                    self.books[payment.ledger]["paid"] += payment.amount
                payment.status, payment.debited = "paid", True
                payment.follow("paid")

    # ---- expected receipts ----

    @rule(case=cases_b, data=st.data())
    def register_expected_receipt(self, case, data):
        """Register money the case waits for: by a new reference, or by the reference an
        orphan already here carries (placed on the case at once, if still untouched)."""
        n = next(self.numbers)
        early = self.early and data.draw(st.booleans(), label="early")
        reference = self.early.pop(0) if early else f"KH{n:08d}"
        amount = data.draw(st.integers(1, 300_000_00), label="amount")
        view = _attempt(
            None if case.open else IllegalTransition,
            expected_receipts.register_expected_receipt,
            self.uow(),
            self.enforcement,
            case.id,
            source="network_deduction",
            amount=amount,
            expected_by=FIRST_BANK_DAY + timedelta(days=len(self.days) + 5),
            reference=reference,
        )
        if view is None:
            return
        receipt = ReceiptModel(view["id"], case, reference)
        self.receipts.append(receipt)
        here = [
            line
            for day in self.days
            for line in day
            if line.credit and reference in line.remark
            and line.status == "orphan" and not line.parts
        ]  # fmt: skip
        if here:  # the first untouched orphan that carries it (statement_lines.id order)
            line = min(here, key=lambda x: x.id)
            parts = transactions.list_transactions(
                self.uow(), self.finance, direction="credit", limit=500
            )
            [shown] = [t for t in parts if t["id"] == line.id]
            self._place(line, case, line.amount, shown["parts"][-1])
            line.status, receipt.received = "matched", True
        assert view["status"] == ("received" if receipt.received else "expected")

    # ---- holds ----

    @rule(target=holds_b, case=cases_b, amount=st.integers(1, 200_000_00))
    def place_hold(self, case, amount):
        hold = holds.place_hold(
            self.uow(),
            self.enforcement,
            case.id,
            amount=amount,
            reason="执行异议",
            document_reference="（2026）京0105执异1号",
        )
        self.books[case.id]["held"] += amount
        return HoldModel(hold["id"], case, amount)

    @rule(hold=consumes(holds_b), percent=st.integers(1, 100))
    def release_hold(self, hold, percent):
        amount = None if percent > 70 else max(1, hold.left * percent // 100)
        holds.release_hold(self.uow(), self.enforcement, hold.id, amount=amount)
        released = hold.left if amount is None else amount
        self.books[hold.case.id]["held"] -= released
        hold.left -= released

    # ---- disbursements ----

    @rule(target=payments_b, case=cases_b, percent=st.integers(5, 120), unnamed=st.integers(0, 9))
    def request_disbursement(self, case, percent, unnamed):
        free = _unreserved(self.books[case.id])
        amount = max(1, max(free, self.books[case.id]["received"]) * percent // 100)
        payee = "6222999900001111" if unnamed == 0 else case.payee
        expected = PayeeNotNamed if unnamed == 0 else None
        if expected is None and amount > free:
            expected = InsufficientAvailable
        made = _attempt(
            expected,
            payments.request_disbursement,
            self.uow(),
            self.enforcement,
            case.id,
            amount=amount,
            payee_account_number=payee,
            note="发放案款",
            settings=self.settings,
        )
        if made is None:
            return multiple()
        self.books[case.id]["pending"] += amount
        return self._payment(made, "payment", case.id)

    @rule(target=payments_b, line=credits_b)
    def refund_orphan(self, line):
        expected = None if line.status == "orphan" else IllegalTransition
        made = _attempt(
            expected,
            transactions.refund_orphan,
            self.uow(),
            self.finance,
            line.id,
            "退回",
            settings=self.settings,
        )
        if made is None:
            return multiple()
        line.status = "refunding"
        self.books[SUSPENSE]["pending"] += line.unplaced
        view = payments.get_disbursement(self.uow(), self.finance, made["refund_disbursement_id"])
        assert (view["amount"], view["payee_account_number"]) == (line.unplaced, line.account)
        payment = self._payment(view, "refund", SUSPENSE)
        payment.line = line
        return payment

    def _payment(self, view: dict, kind: str, ledger) -> PaymentModel:
        levels = 2 if view["amount"] >= TWO_LEVELS_FROM else 1
        assert (view["status"], view["levels_required"]) == ("requested", levels)
        payment = PaymentModel(
            view["id"], kind, ledger, view["amount"], view["payee_account_number"], levels
        )
        self.payments[payment.id] = payment
        return payment

    @rule(payment=payments_b, who=st.integers(0, 2))
    def approve(self, payment, who):
        approver = self.approvers[who]
        final = len(payment.approvers) + 1 >= payment.levels
        expected = None
        if approver.id in payment.approvers:
            expected = Conflict
        elif payment.status != "requested":
            expected = IllegalTransition
        elif final and _unreserved(self.books[payment.ledger]) < 0:
            expected = InsufficientAvailable
        view = _attempt(expected, payments.approve_disbursement, self.uow(), approver, payment.id)
        if view is None:
            return
        payment.approvers.append(approver.id)
        if final:
            payment.status = "approved"
            self.books[payment.ledger]["pending"] -= payment.amount
            self.books[payment.ledger]["approved_unpaid"] += payment.amount
        assert view["status"] == payment.status

    @rule(payment=payments_b, who=st.integers(0, 2))
    def reject(self, payment, who):
        approver = self.approvers[who]
        expected = None
        if approver.id in payment.approvers:
            expected = Conflict
        elif payment.status != "requested":
            expected = IllegalTransition
        view = _attempt(expected, payments.reject_disbursement, self.uow(), approver, payment.id)
        if view is None:
            return
        payment.status = "rejected"
        payment.follow("rejected")
        payment.approvers.append(approver.id)  # whoever decided once may not decide again
        self.books[payment.ledger]["pending"] -= payment.amount
        assert view["status"] == "rejected"

    @rule(payment=payments_b)
    def mark_paid(self, payment):
        expected = None if payment.status == "approved" else IllegalTransition
        reference = f"MP{next(self.numbers):06d}"
        view = _attempt(
            expected,
            payments.mark_paid,
            self.uow(),
            self.finance,
            payment.id,
            bank_reference=reference,
        )
        if view is None:
            return
        payment.status, payment.bank_reference = "marked_paid", reference
        payment.follow("marked_paid")
        self.books[payment.ledger]["approved_unpaid"] -= payment.amount
        self.books[payment.ledger]["paid"] += payment.amount

    # ---- orphans ----

    @rule(line=credits_b, case=cases_b)
    def assign_orphan(self, line, case):
        expected = None
        if line.status != "orphan" or not case.open:
            expected = IllegalTransition
        view = _attempt(
            expected,
            transactions.assign_orphan,
            self.uow(),
            self.finance,
            line.id,
            case.id,
            "来电确认",
        )
        if view is None:
            return
        self._place(line, case, line.unplaced, view["parts"][-1])
        line.status = "matched"
        assert view["status"] == "matched"

    @rule(line=credits_b, data=st.data())
    def split_credit(self, line, data):
        """Place 1–3 parts of a credit on distinct cases; the parts may overshoot (refused)."""
        picked = data.draw(
            st.lists(st.sampled_from(self.cases), min_size=1, max_size=3, unique_by=id),
            label="cases",
        )
        room = max(line.unplaced, 1)
        amounts = [data.draw(st.integers(1, room), label="part") for _ in picked]
        expected = None
        if line.status != "orphan":
            expected = IllegalTransition
        elif sum(amounts) > line.unplaced:
            expected = ValidationFailed
        elif not all(case.open for case in picked):
            expected = IllegalTransition
        parts = [(case.id, amount) for case, amount in zip(picked, amounts, strict=True)]
        view = _attempt(
            expected, splits.split_credit, self.uow(), self.finance, line.id, parts, "一笔付多案"
        )
        if view is None:
            return
        for case, amount, shown in zip(picked, amounts, view["parts"][-len(picked) :], strict=True):
            self._place(line, case, amount, shown)
        line.status = "matched" if line.unplaced == 0 else "orphan"
        assert (view["status"], view["unplaced_amount"]) == (line.status, line.unplaced)

    @rule(data=st.data())
    def assign_bulk(self, data):
        """Assign several credits at once: one bad item refuses them all."""
        lines = [line for day in self.days for line in day if line.credit]
        if not lines:
            return
        picked = data.draw(
            st.lists(st.sampled_from(lines), min_size=1, max_size=3, unique_by=lambda x: x.id),
            label="lines",
        )
        targets = [data.draw(st.sampled_from(self.cases), label="case") for _ in picked]
        ok = all(
            line.status == "orphan" and case.open
            for line, case in zip(picked, targets, strict=True)
        )
        items = [(line.id, case.id) for line, case in zip(picked, targets, strict=True)]
        done = _attempt(
            None if ok else ValidationFailed,
            splits.assign_bulk,
            self.uow(),
            self.finance,
            items,
            "批量认领",
        )
        if done is None:
            return
        for line, case, view in zip(picked, targets, done["items"], strict=True):
            self._place(line, case, line.unplaced, view["parts"][-1])
            line.status = "matched"

    def _place(self, line: LineModel, case: CaseModel, amount: int, shown: dict) -> None:
        assert (shown["case_id"], shown["amount"]) == (case.id, amount)
        assert shown["arrived_on"] == line.day
        self.books[SUSPENSE]["received"] -= amount
        self.books[case.id]["received"] += amount
        line.parts.append(PartModel(shown["id"], case, amount))

    @rule(line=credits_b, data=st.data())
    def unassign(self, line, data):
        part = data.draw(st.sampled_from(line.parts), label="part") if line.parts else None
        on_case = line.case or (part.case if part else None)
        amount = line.amount if line.case else (part.amount if part else 0)
        expected = None
        if line.status not in ("matched", "orphan") or on_case is None:
            expected = IllegalTransition
        elif _unreserved(self.books[on_case.id]) < amount:
            expected = InsufficientAvailable
        view = _attempt(
            expected,
            transactions.unassign,
            self.uow(),
            self.finance,
            line.id,
            "分配错误",
            part_id=part.id if part else None,
        )
        if view is None:
            return
        self.books[on_case.id]["received"] -= amount
        self.books[SUSPENSE]["received"] += amount
        if part:
            line.parts.remove(part)
        line.case, line.status = None, "orphan"
        assert (view["status"], view["unplaced_amount"]) == ("orphan", line.unplaced)

    # ---- the promise ----

    @invariant()
    def the_books_hold_what_the_model_holds(self):
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(ledger_accounts.c.case_id, *[ledger_accounts.c[b] for b in BUCKETS])
            ).all()
        actual = {(row.case_id or SUSPENSE): {b: getattr(row, b) for b in BUCKETS} for row in rows}
        expected = {key: {b: books[b] for b in BUCKETS} for key, books in self.books.items()}
        assert actual == expected

    @invariant()
    def no_case_is_overdrawn(self):
        for case in self.cases:
            view = cases.get_case(self.uow(), self.finance, case.id)
            balance = view["balance"]
            assert balance["available"] >= 0
            spent = balance["pending"] + balance["approved_unpaid"] + balance["paid"]
            assert balance["received"] >= spent, (case, balance)

    @invariant()
    def the_bank_balance_is_every_case_plus_the_orphans(self):
        if not self.days:
            return
        on_account = {key: b["received"] - b["paid"] for key, b in self.books.items()}
        flagged = sum(
            -line.amount for day in self.days for line in day if line.expected == "flagged"
        )
        unconfirmed = sum(p.amount for p in self.payments.values() if p.status == "marked_paid")
        non_case = sum(line.amount for day in self.days for line in day if line.status == NON_CASE)
        assert self.bank == sum(on_account.values()) - flagged + unconfirmed + non_case
        day = max(local_today(), FIRST_BANK_DAY + timedelta(days=len(self.days)))
        with self.engine.connect() as conn:
            result = reconcile_day(conn, self.office.account_id, day)
        assert result.bank_balance == self.bank
        assert result.orphans == on_account[SUSPENSE]
        assert result.cases_on_account == sum(on_account.values()) - on_account[SUSPENSE]
        assert result.non_case == non_case
        assert result.unexplained == 0, result

    @invariant()
    def every_credit_is_on_exactly_one_ledger_once(self):
        with self.engine.connect() as conn:
            net = conn.execute(
                select(
                    ledger_entries.c.transaction_id,
                    ledger_accounts.c.case_id,
                    func.sum(ledger_entries.c.amount),
                )
                .join(ledger_accounts, ledger_accounts.c.id == ledger_entries.c.ledger_account_id)
                .where(
                    ledger_entries.c.bucket == "received",
                    ledger_entries.c.transaction_id.is_not(None),
                )
                .group_by(ledger_entries.c.transaction_id, ledger_accounts.c.case_id)
            ).all()
            stored = conn.execute(select(func.count()).select_from(statement_lines)).scalar_one()
        holding = {(t, c or SUSPENSE): s for t, c, s in net if s != 0}
        credits = [line for day in self.days for line in day if line.credit]
        expected: Counter = Counter()
        for line in credits:
            if line.case:
                expected[(line.id, line.case.id)] += line.amount
            for part in line.parts:
                expected[(line.id, part.case.id)] += part.amount
            if line.unplaced:
                expected[(line.id, SUSPENSE)] += line.unplaced
        assert holding == dict(expected)
        assert stored == sum(len(day) for day in self.days)

    @invariant()
    def every_credit_is_its_placed_parts_plus_its_orphan_remainder(self):
        shown = {
            view["id"]: view
            for view in transactions.list_transactions(
                self.uow(), self.finance, direction="credit", limit=500
            )
        }
        for line in (line for day in self.days for line in day if line.credit):
            view = shown[line.id]
            if line.status == NON_CASE:  # on no case and on no ledger, nothing left to place
                assert (view["status"], view["parts"], view["unplaced_amount"]) == (NON_CASE, [], 0)
                continue
            parts = [(p["id"], p["case_id"], p["amount"]) for p in view["parts"]]
            assert parts == [(p.id, p.case.id, p.amount) for p in line.parts]
            placed = sum(p["amount"] for p in view["parts"]) + (line.amount if line.case else 0)
            assert placed + view["unplaced_amount"] == line.amount == view["amount"]
            assert view["status"] == line.status

    @invariant()
    def nothing_is_paid_to_an_account_the_documents_do_not_name(self):
        with self.engine.connect() as conn:
            paid = conn.execute(
                select(
                    disbursements.c.kind,
                    disbursements.c.case_id,
                    disbursements.c.payee_account_number,
                    statement_lines.c.counterparty_account,
                )
                .outerjoin(
                    statement_lines,
                    statement_lines.c.id == disbursements.c.refund_of_transaction_id,
                )
                .where(disbursements.c.status.in_(["approved", "marked_paid", "paid"]))
            ).all()
            named = {
                (r.case_id, r.account_number)
                for r in conn.execute(
                    select(party_accounts.c.case_id, party_accounts.c.account_number).where(
                        party_accounts.c.kind == "payee"
                    )
                )
            }
        for kind, case_id, payee, payer in paid:
            if kind == "refund":
                assert payee == payer
            else:
                assert (case_id, payee) in named

    @invariant()
    def every_ledger_is_the_sum_of_its_entries_and_the_audit_chain_holds(self):
        with self.engine.connect() as conn:
            sums = conn.execute(
                select(
                    ledger_entries.c.ledger_account_id,
                    ledger_entries.c.bucket,
                    func.sum(ledger_entries.c.amount),
                ).group_by(ledger_entries.c.ledger_account_id, ledger_entries.c.bucket)
            ).all()
            ledgers = conn.execute(select(ledger_accounts)).all()
            assert audit_log.verify(conn) is None
            assert conn.execute(select(func.count()).select_from(cases_table)).scalar_one() == len(
                self.cases
            )
        by_entries = {(ledger, bucket): total for ledger, bucket, total in sums}
        for row in ledgers:
            for bucket in BUCKETS:
                assert getattr(row, bucket) == by_entries.get((row.id, bucket), 0)


def yuan(fen: int) -> str:
    """Return fen as the yuan string a statement prints: -1234 → "-12.34"."""
    return str(Decimal(fen).scaleb(-2))


def _orphan(line: LineModel) -> LineModel:
    line.expected = "orphan"
    return line


def _unreserved(books: Counter) -> int:
    return (
        books["received"]
        - books["held"]
        - books["pending"]
        - books["approved_unpaid"]
        - books["paid"]
    )


def _attempt(expected: type[DomainError] | None, use_case, *args, **kwargs):
    """Run a use case the model expects to succeed (None) or to refuse with `expected`."""
    try:
        result = use_case(*args, **kwargs)
    except DomainError as refusal:
        assert expected is not None, f"refused unexpectedly: {refusal!r}"
        assert isinstance(refusal, expected), f"expected {expected.__name__}, got {refusal!r}"
        assert not isinstance(refusal, Forbidden)
        return None
    assert expected is None, f"expected {expected.__name__}, but it succeeded"
    return result


def test_the_books_agree_with_the_model_after_every_step(fresh_database):
    CourtMoney.fresh = fresh_database
    run_state_machine_as_test(
        CourtMoney,
        settings=settings(
            max_examples=profile(8, 400),
            stateful_step_count=profile(30, 80),
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            derandomize=not LONG,  # CI sees the same examples every run; long runs explore
            print_blob=True,
        ),
    )


def test_an_orphan_whose_refund_is_rejected_can_be_resolved_again(fresh_database):
    with fresh_database() as engine:
        office = open_court(engine)
        finance = office.actor("finance")
        statement = csv_statement([Row("2026-11-02", "50.00", "丁", "6222000000000004", "货款")])
        imports.import_statement(
            UnitOfWork(engine), finance, io.BytesIO(statement), account=office.account
        )
        [line] = transactions.list_transactions(UnitOfWork(engine), finance, status="orphan")
        refund = transactions.refund_orphan(
            UnitOfWork(engine),
            finance,
            line["id"],
            "退回",
            settings=load_settings(environ={}, overrides=COUNTED_LEVELS),
        )
        payments.reject_disbursement(
            UnitOfWork(engine), office.actor("approver"), refund["refund_disbursement_id"]
        )
        again = transactions.refund_orphan(
            UnitOfWork(engine),
            finance,
            line["id"],
            "再次退回",
            settings=load_settings(environ={}, overrides=COUNTED_LEVELS),
        )
        assert again["status"] == "refunding"
