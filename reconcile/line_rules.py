"""Line rules (流水识别规则): lines that are not case money, recognised by the finance
office's own rules.

Interest the bank pays (利息), the bank's fees (手续费), the court's own transfers between
its accounts (本院划转): none of them belongs to a case, and none should sit in the orphan
queue. Finance keeps rules as data — conditions on the counterparty's name or account, the
remark (text it contains, or a pattern), the amount range and the direction — each with an
outcome: a non-case ledger (`interest`, `bank_fee`, `court_transfer`), or a case (credits
only). The import applies the active rules, in the order they were made, to a credit no
automatic rule placed (reconcile/matching.py) and to a debit that settles no payment; the
first rule that fits decides. A rule never overrides an explicit reference that failed
(a wrong sub-account, an unknown case number): money is never moved by guesswork.

A pattern is a regular expression, and Python's `re` has no timeout: a pattern is capped
in length, and one that can backtrack catastrophically — a repeated group that holds a
repetition or alternatives, a back-reference — is refused when the rule is saved. The text
matched is capped too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from reconcile.account_numbers import normalise_account_number
from reconcile.errors import ValueProblem

try:  # Python 3.11+
    import re._constants as _sre_constants
    import re._parser as _sre_parse
except ImportError:  # pragma: no cover
    import sre_constants as _sre_constants  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]


class LineOutcome(StrEnum):
    """What a rule makes of a line: a non-case ledger, or a case."""

    INTEREST = "interest"  #: 利息: interest the bank paid on the collection account
    BANK_FEE = "bank_fee"  #: 手续费: the bank's charges
    COURT_TRANSFER = "court_transfer"  #: 本院划转: between the court's own accounts
    CASE = "case"  #: the rule names a case (credits only)


NON_CASE = frozenset(o for o in LineOutcome if o != LineOutcome.CASE)
DIRECTIONS = ("credit", "debit")
MATCH_RULE = "line_rule"  #: the match_rule of a line a rule decided
MAX_PATTERN = 200  #: characters of a remark pattern
MAX_TEXT = 200  #: characters of a name, account or remark text condition
MAX_NAME = 100
MAX_UNBOUNDED = 2  #: `.*a.*b` is quadratic at worst; three such would be cubic
MATCHED_TEXT = 300  #: characters of a remark a pattern is matched against
#: the orphan reasons that name an explicit reference: a rule never decides those lines
EXPLICIT_REFERENCE = frozenset(
    {"sub_account_check_failed", "sub_account_unknown", "case_number_unknown", "closed_case"}
)
CONDITIONS = (
    "counterparty_name",
    "counterparty_account",
    "remark_text",
    "remark_pattern",
    "amount_min",
    "amount_max",
)


class UnsafePattern(ValueProblem):
    """A remark pattern that does not compile, is too long, or may backtrack for ever."""


@dataclass(frozen=True, slots=True)
class LineRule:
    """One rule as the import applies it."""

    id: int
    direction: str | None = None  #: credit | debit | None (either)
    counterparty_name: str | None = None  #: the payer's (payee's) name contains this
    counterparty_account: str | None = None  #: the counterparty's account, exactly
    remark_text: str | None = None  #: the remark contains this text
    remark_pattern: str | None = None  #: the remark matches this pattern (re.search)
    amount_min: int | None = None  #: fen, inclusive
    amount_max: int | None = None  #: fen, inclusive
    outcome: str = LineOutcome.INTEREST
    case_number: str | None = None  #: the case, when the outcome is `case`

    def fits(self, line: RuleLine) -> bool:
        """Whether every condition of the rule holds for `line`."""
        if self.direction and line.direction != self.direction:
            return False
        if self.amount_min is not None and line.amount < self.amount_min:
            return False
        if self.amount_max is not None and line.amount > self.amount_max:
            return False
        if self.counterparty_account and normalise_account_number(
            line.counterparty_account or ""
        ) != normalise_account_number(self.counterparty_account):
            return False
        if self.counterparty_name and self.counterparty_name not in (line.counterparty_name or ""):
            return False
        remark = (line.remark or "")[:MATCHED_TEXT]
        if self.remark_text and self.remark_text not in remark:
            return False
        pattern = self.remark_pattern
        return not pattern or _compiled(pattern).search(remark) is not None


@dataclass(frozen=True, slots=True)
class RuleLine:
    """What a rule reads of a statement line."""

    direction: str
    amount: int  #: fen, positive
    counterparty_name: str | None = None
    counterparty_account: str | None = None
    remark: str | None = None


def first_fit(rules: list[LineRule], line: RuleLine) -> LineRule | None:
    """Return the first rule (in the order given: the order they were made) that fits."""
    return next((rule for rule in rules if rule.fits(line)), None)


def applies_to_orphan(orphan_reason: str | None) -> bool:
    """Whether a rule may decide a credit the matcher left an orphan for `orphan_reason`."""
    return orphan_reason not in EXPLICIT_REFERENCE


def evidence(rule: LineRule) -> dict:
    """The match evidence a line decided by `rule` keeps."""
    return {"line_rule_id": rule.id, "outcome": str(rule.outcome)}


_CACHE: dict[str, re.Pattern[str]] = {}


def _compiled(pattern: str) -> re.Pattern[str]:
    found = _CACHE.get(pattern)
    if found is None:
        if len(_CACHE) > 1000:
            _CACHE.clear()
        found = _CACHE[pattern] = re.compile(pattern)
    return found


_REPEATS = {_sre_constants.MAX_REPEAT, _sre_constants.MIN_REPEAT}
_POSSESSIVE = getattr(_sre_constants, "POSSESSIVE_REPEAT", None)


def check_pattern(pattern: str) -> str:
    """Return `pattern` if it is safe to match against any remark, else UnsafePattern."""
    if len(pattern) > MAX_PATTERN:
        raise UnsafePattern("a pattern is at most {limit} characters", limit=MAX_PATTERN)
    try:
        parsed = _sre_parse.parse(pattern)
        re.compile(pattern)
    except (re.error, RecursionError, OverflowError) as error:
        raise UnsafePattern("the pattern does not compile: {reason}", reason=str(error)) from None
    _check_items(parsed, inside_repeat=False)
    if _unbounded(parsed) > MAX_UNBOUNDED:
        raise UnsafePattern(
            "a pattern may repeat without bound (*, +, {{n,}}) at most {limit} times",
            limit=MAX_UNBOUNDED,
        )
    return pattern


def _unbounded(items) -> int:
    """How many repetitions without an upper bound the parsed pattern holds."""
    count = 0
    for op, arg in items:
        if op in _REPEATS or (_POSSESSIVE is not None and op == _POSSESSIVE):
            count += (arg[1] == _sre_constants.MAXREPEAT) + _unbounded(arg[2])
        elif op == _sre_constants.SUBPATTERN:
            count += _unbounded(arg[-1])
        elif op == _sre_constants.BRANCH:
            count += sum(_unbounded(branch) for branch in arg[1])
        elif op in (_sre_constants.ASSERT, _sre_constants.ASSERT_NOT):
            count += _unbounded(arg[1])
    return count


def _check_items(items, *, inside_repeat: bool) -> None:
    for op, arg in items:
        if op == _sre_constants.GROUPREF or op == _sre_constants.GROUPREF_EXISTS:
            raise UnsafePattern("a pattern may not refer back to a group")
        if op in _REPEATS or (_POSSESSIVE is not None and op == _POSSESSIVE):
            low, high, body = arg
            if inside_repeat and high != low:
                raise UnsafePattern(
                    "a repetition inside a repeated group may backtrack for ever: "
                    "write the text plainly, or use a text condition"
                )
            _check_items(body, inside_repeat=inside_repeat or high > 1)
        elif op == _sre_constants.BRANCH:
            if inside_repeat:
                raise UnsafePattern("alternatives inside a repeated group may backtrack for ever")
            for branch in arg[1]:
                _check_items(branch, inside_repeat=inside_repeat)
        elif op == _sre_constants.SUBPATTERN:
            _check_items(arg[-1], inside_repeat=inside_repeat)
        elif op in (_sre_constants.ASSERT, _sre_constants.ASSERT_NOT):
            _check_items(arg[1], inside_repeat=inside_repeat)
        elif op == getattr(_sre_constants, "ATOMIC_GROUP", None):
            _check_items(arg, inside_repeat=inside_repeat)
