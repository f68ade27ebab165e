"""Line rules (流水识别规则): the finance office keeps them; the import applies them.

A rule is made, changed and switched off here only, each step audited with the rule
before and after (art. 12: nothing changes unrecorded). `would_match` tries a rule on the
court's past lines ("what would this rule have matched"), a bounded period, paged by id,
so that finance sees what a rule does before switching it on.
"""

from __future__ import annotations

from datetime import date, timedelta

from reconcile.account_numbers import normalise_account_number
from reconcile.actors import Actor
from reconcile.case_numbers import normalise_case_number
from reconcile.clock import local_today, utc_now
from reconcile.db import line_rule_store, registry
from reconcile.db.uow import UnitOfWork
from reconcile.errors import N_, Conflict, NotFound, ValidationFailed
from reconcile.line_rules import (
    CONDITIONS,
    DIRECTIONS,
    MAX_NAME,
    MAX_TEXT,
    LineOutcome,
    RuleLine,
    UnsafePattern,
    check_pattern,
)
from reconcile.money import format_yuan
from reconcile.permissions import Verb
from reconcile.services.access import require, require_court

#: the longest period the "would have matched" view tries a rule on, and its default
MAX_PERIOD = timedelta(days=366)
DEFAULT_PERIOD = timedelta(days=90)
#: lines read per page of the "would have matched" view: a page may hold fewer fits
SCAN = 2000


class UnsafeRulePattern(ValidationFailed):
    """A remark pattern that does not compile, is too long or may backtrack for ever."""

    code = "unsafe_pattern"


EDITABLE = ("name", "direction", *CONDITIONS, "outcome", "case_id", "active")


def list_rules(uow: UnitOfWork, actor: Actor) -> list[dict]:
    """The rules of the actor's courts, by court and in the order they apply."""
    require(actor, Verb.READ)
    with uow:
        courts = None if actor.all_courts else sorted(actor.courts)
        return [_shown(row) for row in line_rule_store.of_courts(uow.conn, courts)]


def get_rule(uow: UnitOfWork, actor: Actor, rule_id: int) -> dict:
    require(actor, Verb.READ)
    with uow:
        return _shown(_found(uow, actor, rule_id))


def create_rule(uow: UnitOfWork, actor: Actor, *, court: str, values: dict) -> dict:
    """Save a court's new rule (active unless `active` is false); Conflict on a taken name."""
    require(actor, Verb.DEFINE_LINE_RULE)
    require_court(actor, court, N_("court"))
    with uow:
        checked = _checked(uow, actor, court, {"active": True, **values})
        row = {**checked, "court": court, "created_by": actor.name, "created_at": utc_now()}
        try:
            rule_id = line_rule_store.add(uow.conn, **row)
        except line_rule_store.NameTaken:
            raise Conflict(
                "the court has a line rule named '{name}'", name=checked["name"]
            ) from None
        shown = _shown(line_rule_store.get(uow.conn, rule_id))
        uow.audit(actor, "line_rule.created", "line_rule", rule_id, court=court,
                  after=_audited(shown))  # fmt: skip
        uow.commit()
    return shown


def update_rule(uow: UnitOfWork, actor: Actor, rule_id: int, changes: dict) -> dict:
    """Change a rule (the members given replace the rule's; a condition given as null is
    dropped), or switch it off or on (`active`); audited with before and after."""
    require(actor, Verb.DEFINE_LINE_RULE)
    if "case_number" in changes:  # the page names the case by its number
        changes = {**changes, "case_id": changes.get("case_id")}
    unknown = set(changes) - {*EDITABLE, "case_number"}
    if unknown:
        member = sorted(unknown)[0]
        raise ValidationFailed("a rule has no '{member}'", member=member, field=member)
    with uow:
        before = _found(uow, actor, rule_id, for_update=True)
        current = {k: before[k] for k in EDITABLE}
        checked = _checked(uow, actor, before["court"], {**current, **changes})
        if checked == current:
            return _shown(before)
        values = {**checked, "updated_by": actor.name, "updated_at": utc_now()}
        try:
            line_rule_store.change(uow.conn, rule_id, **values)
        except line_rule_store.NameTaken:
            raise Conflict(
                "the court has a line rule named '{name}'", name=checked["name"]
            ) from None
        after = _shown(line_rule_store.get(uow.conn, rule_id))
        action = "line_rule.changed"
        if {k for k in checked if checked[k] != current[k]} == {"active"}:
            action = "line_rule.activated" if checked["active"] else "line_rule.deactivated"
        uow.audit(actor, action, "line_rule", rule_id, court=before["court"],
                  before=_audited(_shown(before)), after=_audited(after))  # fmt: skip
        uow.commit()
    return after


def would_match(
    uow: UnitOfWork,
    actor: Actor,
    rule_id: int,
    *,
    since: date | None = None,
    until: date | None = None,
    after_id: int | None = None,
    limit: int = 50,
) -> dict:
    """The court's past lines booked from `since` to `until` that the rule fits, by id.

    One page reads at most SCAN lines; `next_after` (the last line read) continues, so a
    page may hold fewer than `limit` fits and still have a next one.
    """
    require(actor, Verb.READ)
    until = until or local_today()
    since = since or until - DEFAULT_PERIOD
    if since > until:
        raise ValidationFailed("`from` is after `to`", field="from")
    if until - since > MAX_PERIOD:
        raise ValidationFailed(
            "a rule is tried on at most {days} days of lines", days=MAX_PERIOD.days, field="from"
        )
    with uow:
        found = _found(uow, actor, rule_id)
        rule = line_rule_store.as_rule(found)
        items, last, read, exhausted = [], after_id, 0, False
        while len(items) < limit and read < SCAN:
            lines = line_rule_store.past_lines(
                uow.conn, found["court"], rule, since=since, until=until, after_id=last,
                scan=min(SCAN - read, 500),
            )  # fmt: skip
            if not lines:
                exhausted = True
                break
            for line in lines:
                read, last = read + 1, line["id"]
                if rule.fits(_rule_line(line)):
                    items.append(line)
                    if len(items) == limit:
                        break
    return {
        "rule": _shown(found),
        "from": since,
        "to": until,
        "items": items,
        "next_after": None if exhausted else last,
    }


def _rule_line(line: dict) -> RuleLine:
    return RuleLine(
        line["direction"],
        line["amount"],
        line["counterparty_name"],
        line["counterparty_account"],
        line["remark"],
    )


def _found(uow: UnitOfWork, actor: Actor, rule_id: int, *, for_update: bool = False) -> dict:
    found = line_rule_store.get(uow.conn, rule_id, for_update=for_update)
    if found is None or not actor.may_see(found["court"]):
        raise NotFound("line rule not found")
    return found


def _checked(uow: UnitOfWork, actor: Actor, court: str, values: dict) -> dict:
    """Return the rule's columns from `values`, or ValidationFailed naming the member."""
    name = (values.get("name") or "").strip()
    if not name or len(name) > MAX_NAME:
        raise ValidationFailed(
            "a rule needs a name of 1 to {most} characters", most=MAX_NAME, field="name"
        )
    direction = values.get("direction") or None
    if direction is not None and direction not in DIRECTIONS:
        raise ValidationFailed("direction is credit, debit or null (either)", field="direction")
    checked = {"name": name, "direction": direction}
    for key in ("counterparty_name", "remark_text"):
        checked[key] = _text(values.get(key), key)
    account = _text(values.get("counterparty_account"), "counterparty_account")
    checked["counterparty_account"] = normalise_account_number(account) if account else None
    pattern = values.get("remark_pattern") or None
    if pattern is not None:
        try:
            check_pattern(pattern)
        except UnsafePattern as error:
            raise UnsafeRulePattern("{reason}", reason=error, field="remark_pattern") from None
    checked["remark_pattern"] = pattern
    for key in ("amount_min", "amount_max"):
        amount = values.get(key)
        if amount is not None and (not isinstance(amount, int) or amount <= 0):
            raise ValidationFailed("{member} is an amount above 0.00", member=key, field=key)
        checked[key] = amount
    low, high = checked["amount_min"], checked["amount_max"]
    if low is not None and high is not None and low > high:
        raise ValidationFailed(
            "amount_min ({minimum}) is above amount_max ({maximum})",
            minimum=format_yuan(low),
            maximum=format_yuan(high),
            field="amount_min",
        )
    if not any(checked[key] for key in ("counterparty_name", "counterparty_account",
                                        "remark_text", "remark_pattern")):  # fmt: skip
        raise ValidationFailed(
            "a rule needs a condition on the counterparty or the remark: direction and "
            "amount alone would take ordinary case money",
            field="remark_text",
        )
    checked.update(_outcome(uow, actor, court, values, direction))
    checked["active"] = bool(values.get("active", True))
    return checked


def _outcome(uow, actor: Actor, court: str, values: dict, direction: str | None) -> dict:
    outcome = values.get("outcome")
    if outcome not in set(LineOutcome):
        raise ValidationFailed(
            "outcome is one of {outcomes}",
            outcomes=", ".join(o.value for o in LineOutcome),
            field="outcome",
        )
    if outcome != LineOutcome.CASE:
        return {"outcome": outcome, "case_id": None}
    if direction != "credit":
        raise ValidationFailed(
            "a rule that names a case is for credits only (direction: credit)", field="direction"
        )
    case_id, case = values.get("case_id"), None
    if case_id is None and values.get("case_number"):  # the page names the case by number
        case = _case_by_number(uow, values["case_number"])
        case_id = case["id"] if case else None
    elif isinstance(case_id, int):
        case = registry.case_by_id(uow.conn, case_id)
    if case is None or case["court"] != court:
        raise ValidationFailed("the case is not one of the rule's court", field="case_id")
    return {"outcome": outcome, "case_id": case_id}


def _case_by_number(uow: UnitOfWork, written: str) -> dict | None:
    try:
        canonical = str(normalise_case_number(written))
    except ValueError:
        return None
    return registry.case_by_number(uow.conn, canonical)


def _text(value, key: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationFailed("{member} is text", member=key, field=key)
    value = value.strip()
    if len(value) > MAX_TEXT:
        raise ValidationFailed(
            "{member} is at most {most} characters", member=key, most=MAX_TEXT, field=key
        )
    return value or None


def _shown(row: dict) -> dict:
    return {
        "id": row["id"],
        "court": row["court"],
        "name": row["name"],
        "direction": row["direction"],
        "counterparty_name": row["counterparty_name"],
        "counterparty_account": row["counterparty_account"],
        "remark_text": row["remark_text"],
        "remark_pattern": row["remark_pattern"],
        "amount_min": row["amount_min"],
        "amount_max": row["amount_max"],
        "outcome": row["outcome"],
        "case_id": row["case_id"],
        "case_number": row.get("case_number"),
        "active": bool(row["active"]),
        "created_by": row["created_by"],
        "created_at": row["created_at"],
        "updated_by": row["updated_by"],
        "updated_at": row["updated_at"],
    }


def _audited(shown: dict) -> dict:
    money = {k: format_yuan(shown[k]) for k in ("amount_min", "amount_max") if shown[k]}
    return {
        **{k: v for k, v in shown.items() if k not in ("created_at", "updated_at")},
        **money,
    }
