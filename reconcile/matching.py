"""Placing credits on cases (art. 19): every credit on exactly one case, or an orphan.

Rules run in order; the first that names a case decides, with its evidence:
1. sub_account  — the virtual sub-account the payer addressed (its field, or written in
   the remark) is a case's number;
2. case_number  — a case number written in the remark is a case's number;
3. expected     — the credit fits a receipt the case registered as expected (its
   reference in the remark or bank reference, or its amount from the expected payer
   account within the window: reconcile/expected_receipts.py), each receipt once;
4. payer        — the payer's account is a known account of a respondent of exactly one
   open case.
The payer's name alone never places money: a common name (张伟) fits strangers, and a
misplaced credit is worse than an orphan. A name that fits exactly one open case's
respondent makes an orphan (`payer_name_only`) with that case as its first suggestion.
An explicit reference that does not resolve (a sub-account failing its check digits or
belonging to no case, a case number of no case here) makes an orphan at once: money is
never moved to a different case by guesswork. Several candidates make an orphan too.
A credit for a closed case follows its closure type (reconcile/closed_case_credits.py):
placed on a case that may resume (终结本次执行), evidence `closed_case`; else an orphan
(`closed_case`) whose first suggestion names the case and proposes refund to the payer.

Manual assignments teach suggestions, never placements: a payer account staff assigned to
the same case at least LEARNED_AFTER times (`learned`: account → [(case number, times)])
offers that case first for the payer's next orphan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from reconcile.account_numbers import normalise_account_number
from reconcile.case_index import CaseIndex, CaseRef
from reconcile.case_numbers import find_case_numbers, normalise_case_number
from reconcile.closed_case_credits import CLOSED_REASON, REFUND_TO_PAYER, resume_needed
from reconcile.expected_receipts import ExpectedReceipt, fits
from reconcile.sub_accounts import (
    InvalidSubAccount,
    Typo,
    has_valid_check_digits,
    near_misses,
    normalise_sub_account,
    typo_neighbours,
)

MAX_SUGGESTIONS = 5
LEARNED_AFTER = 2  #: manual assignments of one payer account to one case that teach
LEARNED_REASON = "assigned to this case by staff before"


@dataclass(frozen=True, slots=True)
class Credit:
    """What matching reads of a credit."""

    sub_account: str | None
    remark: str | None
    counterparty_account: str | None
    counterparty_name: str | None
    amount: int | None = None  #: fen; an expected receipt may be recognised by it
    booked_on: date | None = None
    bank_reference: str | None = None


@dataclass(frozen=True, slots=True)
class Match:
    """The outcome for one credit: a case with the rule and evidence, or an orphan's reason."""

    case_id: int | None
    rule: str | None
    evidence: dict
    orphan_reason: str | None = None
    suggestions: list[dict] = field(default_factory=list)

    @property
    def is_orphan(self) -> bool:
        return self.case_id is None


class Matcher:
    """Match credits of one collection account against its case index."""

    def __init__(
        self,
        index: CaseIndex,
        expected: list[ExpectedReceipt] = (),
        learned: dict[str, list[tuple[str, int]]] | None = None,
    ) -> None:
        self.index = index
        self._in_remark = index.sub_account_pattern()
        self._expected = list(expected)  #: open receipts; each fits one credit
        #: payer account → [(case number, times staff assigned it there)], most first
        self._learned = learned or {}

    def match(self, credit: Credit) -> Match:
        """Return where the credit belongs, or why it is an orphan."""
        return (
            self._by_sub_account(credit)
            or self._by_case_number(credit)
            or self._by_expected(credit)
            or self._by_payer(credit)
            or self._orphan(credit, "unidentified", {})
        )

    def _by_sub_account(self, credit: Credit) -> Match | None:
        numbers, source = self._addressed_sub_accounts(credit)
        if not numbers:
            return None
        if len(numbers) > 1:
            return self._orphan(credit, "ambiguous", {"sub_accounts": numbers, "from": source})
        number = numbers[0]
        evidence = {"sub_account": number, "from": source}
        if self.index.check_digits and not has_valid_check_digits(number):
            return self._orphan(credit, "sub_account_check_failed", evidence)
        case = self.index.by_sub_account(number)
        if case is None:
            return self._orphan(credit, "sub_account_unknown", evidence)
        return self._place(case, "sub_account", evidence, credit)

    def _addressed_sub_accounts(self, credit: Credit) -> tuple[list[str], str]:
        if credit.sub_account:
            try:
                return [normalise_sub_account(credit.sub_account)], "field"
            except InvalidSubAccount:
                return [credit.sub_account.strip()], "field"
        found = self._in_remark.findall(credit.remark or "")
        return list(dict.fromkeys(found)), "remark"

    def _by_case_number(self, credit: Credit) -> Match | None:
        written = [str(n) for n in find_case_numbers(credit.remark or "")] if credit.remark else []
        if not written:
            return None
        known = {n: case for n in written if (case := self.index.by_case_number(n))}
        evidence = {"case_numbers": written}
        if len(known) > 1:
            return self._orphan(credit, "ambiguous", evidence)
        if not known:
            return self._orphan(credit, "case_number_unknown", evidence)
        [case] = known.values()
        return self._place(case, "case_number", {"case_number": case.case_number}, credit)

    def _by_expected(self, credit: Credit) -> Match | None:
        text = f"{credit.remark or ''} {credit.bank_reference or ''}"
        for receipt in self._expected:
            how = fits(
                receipt,
                text=text,
                amount=credit.amount,
                payer_account=credit.counterparty_account,
                booked_on=credit.booked_on,
            )
            case = self.index.by_case_number(receipt.case_number) if how else None
            if case is not None and case.open:
                self._expected.remove(receipt)
                evidence = {"expected_receipt_id": receipt.id, "by": how}
                return self._place(case, "expected", evidence, credit)
        return None

    def _by_payer(self, credit: Credit) -> Match | None:
        account = normalise_account_number(credit.counterparty_account or "")
        by_account = _open(self.index.by_respondent_account(account))
        if len(by_account) == 1:
            return self._place(by_account[0], "payer", {"payer_account": account}, credit)
        name = (credit.counterparty_name or "").strip()
        by_name = _open(self.index.by_respondent_name(name))
        if len(by_account) > 1 or (not by_account and len(by_name) > 1):
            return self._orphan(credit, "ambiguous", {"payer_account": account, "payer": name})
        if len(by_name) == 1:
            return self._orphan(credit, "payer_name_only", {"payer": name})
        return None

    def _place(self, case: CaseRef, rule: str, evidence: dict, credit: Credit) -> Match:
        status = "open" if case.open else "closed"
        if resume_needed(status, case.closure_type):
            return Match(case.id, rule, {**evidence, "closed_case": case.closure_type})
        if not case.open:
            evidence = {
                **evidence,
                "rule": rule,
                "case_id": case.id,
                "case_number": case.case_number,
                "closure_type": case.closure_type,
            }
            match = self._orphan(credit, "closed_case", evidence)
            first = {**_suggestion(case, CLOSED_REASON), "action": REFUND_TO_PAYER}
            return Match(
                None,
                None,
                evidence,
                "closed_case",
                [first, *(s for s in match.suggestions if s["case_id"] != case.id)],
            )
        return Match(case.id, rule, evidence)

    def _orphan(self, credit: Credit, reason: str, evidence: dict) -> Match:
        return Match(
            None, None, evidence, reason, suggest(self.index, credit, evidence, self._learned)
        )


def _open(cases: list[CaseRef]) -> list[CaseRef]:
    """The cases that take credits: open ones, and closed ones that may resume."""
    return [c for c in cases if c.open or resume_needed("closed", c.closure_type)]


def suggest(
    index: CaseIndex,
    credit: Credit,
    evidence: dict,
    learned: dict[str, list[tuple[str, int]]] | None = None,
) -> list[dict]:
    """Rank cases the orphan may belong to: the cases staff placed the payer's account on
    (LEARNED_AFTER times or more) first, then near-miss numbers, then the payer's cases."""
    found: dict[int, dict] = {}
    payer = normalise_account_number(credit.counterparty_account or "")
    for number, times in (learned or {}).get(payer, ()) if payer else ():
        case = index.by_case_number(number)
        if times >= LEARNED_AFTER and case is not None and case.open:
            _add(found, case, LEARNED_REASON)
            found[case.id]["times"] = times
    for number in _typed_sub_accounts(evidence):
        for candidate, reason in near_misses(number, index.sub_accounts):
            _add(found, index.by_sub_account(candidate), f"sub-account {reason}", reason)
    for number in evidence.get("case_numbers", []):
        for candidate in _case_number_neighbours(number, index):
            _add(found, candidate, "case number one digit away")
    account = normalise_account_number(credit.counterparty_account or "")
    for case in index.by_respondent_account(account):
        _add(found, case, "the payer's account is a respondent's")
    for case in index.by_respondent_name(credit.counterparty_name or ""):
        _add(found, case, "the payer's name is a respondent's")
    return list(found.values())[:MAX_SUGGESTIONS]


def _typed_sub_accounts(evidence: dict) -> list[str]:
    if "sub_account" in evidence:
        return [evidence["sub_account"]]
    return list(evidence.get("sub_accounts", []))


def _case_number_neighbours(written: str, index: CaseIndex) -> list[CaseRef]:
    """Return the cases whose number differs from `written` by one typo in the sequence."""
    number = normalise_case_number(written)
    head = f"（{number.year}）{number.court_code}{number.type_code}"
    found: dict[int, CaseRef] = {}
    for neighbour, *_ in typo_neighbours(str(number.sequence)):
        if neighbour and not neighbour.startswith("0"):
            case = index.by_case_number(f"{head}{neighbour}号")
            if case is not None:
                found.setdefault(case.id, case)
    return list(found.values())


def _add(found: dict[int, dict], case: CaseRef, reason: str, typo: Typo | None = None) -> None:
    if case.id not in found:
        found[case.id] = _suggestion(case, reason, typo)


def _suggestion(case: CaseRef, reason: str, typo: Typo | None = None) -> dict:
    suggestion = {
        "case_id": case.id,
        "case_number": case.case_number,
        "sub_account_number": case.sub_account,
        "reason": reason,
    }
    if typo is not None:  # the pages say it from these, not from the English
        suggestion["typo"] = typo.said()
    return suggestion
