"""Distribution plans (分配方案): issue, object, withdraw, execute, and the daily execution.

A plan shares the case's distributable money (available less the unpaid execution fee,
reconcile.distribution) among the claims of its applicants. Issuing it places one hold on
the shared money through the hold use case, so the money stays until the objection period
ends; an objection keeps the hold; withdrawing releases it. Executing — after the period,
with no objection — releases the hold and asks for one payment per applicant with a share,
through the payment use case, to that applicant's payee account.

Each of those use cases commits its own unit of work, so a plan moves in steps. The step
that decides is the guarded move of the plan's status (issued → executed): only one
executor makes it, so two at once (two scheduler instances, or staff beside the job) never
request a share twice; each share also records its request once. An execution stopped
before its hold was released (a crash) is resumed by the daily job after STALLED_AFTER, by
whichever executor releases the hold. One stopped after the release, before its requests,
is not resumed: its shares without a request show on the plan, for staff to request.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from reconcile import clock
from reconcile.actors import SYSTEM, Actor
from reconcile.case_events import CaseEvent
from reconcile.db import alert_store, distribution_store, registry
from reconcile.db.handles import Engine
from reconcile.db.uow import UnitOfWork
from reconcile.distribution import (
    PLAN_LIFECYCLE,
    Claim,
    Method,
    PlanAction,
    PlanStatus,
    distributable_amount,
    objection_ends_on,
    shares,
)
from reconcile.entitlements import check_within_entitlement
from reconcile.errors import Conflict, DomainError, NotFound, ValidationFailed
from reconcile.execution_fees import execution_fee, schedule_from, total
from reconcile.permissions import Verb
from reconcile.services import holds, payments
from reconcile.services.access import require
from reconcile.services.approving import visible_case
from reconcile.services.deadlines import calendar_from
from reconcile.services.entitlement_reads import entitlements_of

log = logging.getLogger(__name__)

#: the hold's reason: what the money is held for
HOLD_REASON = "分配方案异议期"
#: an executed plan whose hold is still active this long after its execution was stopped
#: before its payments were requested (a crash): the daily job resumes it
STALLED_AFTER = timedelta(minutes=30)
#: the disbursement statuses that no longer take a case's money for the fee
_FEE_NOT_TAKEN = ("rejected", "returned", "bounced")


def issue_plan(
    uow: UnitOfWork,
    actor: Actor,
    case_id: int,
    *,
    method: str,
    claims: list[dict],
    document_reference: str,
    served_on: date,
    settings: dict,
    fee_unpaid: int | None = None,
) -> dict:
    """Issue a plan: compute the shares, hold their money until the objection period ends.

    `claims`: [{"party_id", "amount" (fen), "order"?}] of the case's applicants.
    `fee_unpaid` (fen): the execution fee still to come off the case's money; by default the
    fee on what the case received, less the fee payments asked for already."""
    require(actor, Verb.PLACE_HOLD)
    document_reference = (document_reference or "").strip()
    if not document_reference:
        raise ValidationFailed("the plan's document is missing", field="document_reference")
    if served_on > clock.local_today():
        raise ValidationFailed("the plan is served on a day not after today", field="served_on")
    if method not in {m.value for m in Method}:
        raise ValidationFailed("the method is pro_rata or order", field="method")
    with UnitOfWork(uow.engine, read_only=True) as reading:
        case = visible_case(reading.conn, actor, case_id)
        if case["status"] != "open":
            raise Conflict("the case is closed", case_status=case["status"])
        _refuse_if_open(reading.conn, case_id)
        applicants = _applicants(reading.conn, case_id)
        given = [_claim(c, applicants) for c in claims]
        for claim in given:
            if claim.applicant_id not in applicants:
                raise ValidationFailed(
                    "each claim is of one of the case's applicants",
                    field="claims",
                    party_id=claim.applicant_id,
                )
            if not applicants[claim.applicant_id]["payee_account_number"]:
                raise ValidationFailed(
                    "an applicant of the plan has no payee account",
                    field="claims",
                    party_id=claim.applicant_id,
                )
        if fee_unpaid is None:
            fee_unpaid = _fee_unpaid(reading.conn, case, settings)
        available = case["balance"].available if case["balance"] else 0
        distributable = distributable_amount(available, fee_unpaid)
        plan = shares(method, distributable, given)
        # a share is paid to its applicant: never above what the applicant is still owed
        owed = {e.party_id: e for e in entitlements_of(reading.conn, case)}
        for share in plan.shares:
            if share.share and share.applicant_id in owed:
                check_within_entitlement(owed[share.applicant_id], share.share)
        if distributable == 0:
            raise ValidationFailed(
                "the case has no money to distribute", field="claims", available=available
            )
    ends_on = objection_ends_on(
        served_on,
        int(settings["distribution"]["objection_days"]),
        calendar_from(settings).is_working_day,
    )
    held = sum(s.share for s in plan.shares)
    hold = holds.place_hold(
        UnitOfWork(uow.engine),
        actor,
        case_id,
        amount=held,
        reason=HOLD_REASON,
        document_reference=document_reference,
    )
    try:
        with uow:
            plan_id = distribution_store.insert_plan(
                uow.conn,
                case_id=case_id,
                method=plan.method.value,
                status=PlanStatus.ISSUED.value,
                distributable=plan.distributable,
                surplus=plan.surplus,
                hold_id=hold["id"],
                document_reference=document_reference,
                served_on=served_on,
                objection_ends_on=ends_on,
                issued_by=actor.name,
                issued_at=clock.utc_now(),
                shares=[
                    {
                        "party_id": s.applicant_id,
                        "claim": s.claim,
                        "share": s.share,
                        "claim_order": c.order,
                    }
                    for s, c in zip(plan.shares, given, strict=True)
                ],
            )
            view = _view(uow.conn, plan_id)
            uow.audit(
                actor,
                "distribution_plan.issued",
                "distribution_plan",
                plan_id,
                court=case["court"],
                after={**view, "fee_unpaid": fee_unpaid, "available": available},
            )
            _tell(uow, view, CaseEvent.DISTRIBUTION_PLAN_ISSUED)
            uow.commit()
    except BaseException:
        # the plan was not stored (e.g. another was issued first): its hold goes too
        try:
            holds.release_hold(
                UnitOfWork(uow.engine), actor, hold["id"], document_reference=document_reference
            )
        except Exception:
            log.exception("plan of case %s not stored: hold %s not released", case_id, hold["id"])
        raise
    return view


def record_objection(
    uow: UnitOfWork,
    actor: Actor,
    plan_id: int,
    *,
    party_id: int,
    reason: str,
    document_reference: str,
) -> dict:
    """Record a party's objection (分配方案异议): the plan is objected, its money stays held."""
    require(actor, Verb.PLACE_HOLD)
    reason, document_reference = (reason or "").strip(), (document_reference or "").strip()
    if not reason:
        raise ValidationFailed("the objection's reason is missing", field="reason")
    if not document_reference:
        raise ValidationFailed("the objection's document is missing", field="document_reference")
    with uow:
        before = _visible(uow, actor, plan_id, lock=True)
        after = PLAN_LIFECYCLE.after(before["status"], PlanAction.OBJECT)
        parties = {p["id"] for p in registry.parties_of(uow.conn, before["case_id"])}
        if party_id not in parties:
            raise ValidationFailed(
                "the objection is of a party of the case", field="party_id", party_id=party_id
            )
        objection_id = distribution_store.insert_objection(
            uow.conn,
            plan_id=plan_id,
            party_id=party_id,
            reason=reason,
            document_reference=document_reference,
            recorded_by=actor.name,
            recorded_at=clock.utc_now(),
        )
        if after != before["status"]:
            distribution_store.move(uow.conn, plan_id, before["status"], after)
        view = _view(uow.conn, plan_id)
        uow.audit(
            actor,
            "distribution_plan.objected",
            "distribution_plan",
            plan_id,
            court=before["court"],
            before={"status": before["status"]},
            after={"status": view["status"], "objection_id": objection_id, "party_id": party_id},
        )
        _tell(uow, view, CaseEvent.DISTRIBUTION_PLAN_OBJECTED)
        uow.commit()
    return view


def withdraw_plan(
    uow: UnitOfWork, actor: Actor, plan_id: int, *, document_reference: str | None = None
) -> dict:
    """Withdraw a plan that is not executed (e.g. to issue a corrected one): release its hold."""
    require(actor, Verb.PLACE_HOLD)
    document_reference = (document_reference or "").strip() or None
    with uow:
        before = _visible(uow, actor, plan_id, lock=True)
        after = PLAN_LIFECYCLE.after(before["status"], PlanAction.WITHDRAW)
        distribution_store.move(
            uow.conn,
            plan_id,
            before["status"],
            after,
            decided_by=actor.name,
            decided_at=clock.utc_now(),
        )
        view = _view(uow.conn, plan_id)
        uow.audit(
            actor,
            "distribution_plan.withdrawn",
            "distribution_plan",
            plan_id,
            court=before["court"],
            before={"status": before["status"]},
            after={"status": view["status"], "document_reference": document_reference},
        )
        _tell(uow, view, CaseEvent.DISTRIBUTION_PLAN_WITHDRAWN)
        uow.commit()
    _release(uow.engine, actor, before, document_reference or before["document_reference"])
    return get_plan(UnitOfWork(uow.engine, read_only=True), actor, plan_id)


def execute_plan(
    uow: UnitOfWork, actor: Actor, plan_id: int, *, settings: dict, today: date | None = None
) -> dict:
    """Execute a plan whose objection period ended with no objection: release its hold and
    request the payment of each share."""
    require(actor, Verb.REQUEST)
    today = today or clock.local_today()
    with uow:
        before = _visible(uow, actor, plan_id, lock=True)
        _decide_execution(uow, actor, before, today)
        uow.commit()
    done = _carry_out(uow.engine, actor, before, settings)
    if done is None:  # another executor resumed it meanwhile and requests its shares
        return {**get_plan(UnitOfWork(uow.engine, read_only=True), actor, plan_id), "refused": []}
    return done


def execute_due_plans(
    engine: Engine, settings: dict, today: date | None = None, actor: Actor = SYSTEM
) -> dict:
    """Execute every plan whose objection period ended before `today` with no objection.

    Safe beside other executors: each plan is claimed with a row lock (SKIP LOCKED on
    PostgreSQL) and moved by a guarded update, so it is executed once."""
    today = today or clock.local_today()
    with UnitOfWork(engine, read_only=True) as reading:
        due = distribution_store.due_plans(reading.conn, today)
    executed, requests, refused = 0, 0, 0
    for plan_id in due:
        uow = UnitOfWork(engine)
        with uow:
            plan = distribution_store.claim_due(uow.conn, plan_id, today)
            if plan is None:
                continue
            try:
                _decide_execution(uow, actor, plan, today)
            except Conflict:
                continue  # executed or objected meanwhile
            uow.commit()
        executed += 1
        done = _carry_out_logged(engine, actor, plan, settings)
        if done is not None:
            requests += sum(1 for s in done["shares"] if s["disbursement_id"])
            refused += len(done["refused"])
    resumed = 0
    with UnitOfWork(engine, read_only=True) as reading:
        before = clock.utc_now() - STALLED_AFTER
        stalled = distribution_store.stalled_plans(reading.conn, before)
    for plan in stalled:
        done = _carry_out_logged(engine, actor, plan, settings, resuming=True)
        if done is not None:
            resumed += 1
            requests += sum(1 for s in done["shares"] if s["disbursement_id"])
            refused += len(done["refused"])
    return {
        "as_of": today,
        "executed": executed,
        "resumed": resumed,
        "requests": requests,
        "refused": refused,
    }


def get_plan(uow: UnitOfWork, actor: Actor, plan_id: int) -> dict:
    """Return a plan with its shares and objections."""
    require(actor, Verb.READ)
    with uow:
        _visible(uow, actor, plan_id)
        return _view(uow.conn, plan_id)


def plans_of_case(uow: UnitOfWork, actor: Actor, case_id: int) -> list[dict]:
    """Return a case's plans, newest first."""
    require(actor, Verb.READ)
    with uow:
        visible_case(uow.conn, actor, case_id)
        return [
            _view(uow.conn, p["id"]) for p in distribution_store.plans_of_case(uow.conn, case_id)
        ]


def plan_form(uow: UnitOfWork, actor: Actor, case_id: int, settings: dict) -> dict:
    """Return what a new plan's form starts from: the applicants (with a claim where the
    case states it), the available money, the unpaid fee and the distributable amount."""
    require(actor, Verb.READ)
    with uow:
        case = visible_case(uow.conn, actor, case_id)
        applicants = _applicants(uow.conn, case_id)
        owed = {e.party_id: e for e in entitlements_of(uow.conn, case)}
        fee_unpaid = _fee_unpaid(uow.conn, case, settings)
        respondents = [
            {"party_id": p["id"], "name": p["name"]}
            for p in registry.parties_of(uow.conn, case_id)
            if p["role"] == "respondent"
        ]
    available = case["balance"].available if case["balance"] else 0
    return {
        "available": available,
        "fee_unpaid": fee_unpaid,
        "distributable": distributable_amount(available, fee_unpaid),
        "objection_days": int(settings["distribution"]["objection_days"]),
        "applicants": [
            {**a, "claim": owed[a["party_id"]].due if a["party_id"] in owed else None}
            for a in applicants.values()
        ],
        "respondents": respondents,
    }


# ---- the steps ----


def _decide_execution(uow: UnitOfWork, actor: Actor, plan: dict, today: date) -> None:
    """Move the plan to executed in the open unit of work, or refuse."""
    PLAN_LIFECYCLE.after(plan["status"], PlanAction.EXECUTE)
    if today <= plan["objection_ends_on"]:
        raise Conflict(
            "the objection period has not ended",
            objection_ends_on=plan["objection_ends_on"].isoformat(),
        )
    if distribution_store.count_objections(uow.conn, plan["id"]):
        raise Conflict("an objection was recorded: the plan is not executed")
    distribution_store.move(
        uow.conn,
        plan["id"],
        plan["status"],
        PlanStatus.EXECUTED.value,
        decided_by=actor.name,
        decided_at=clock.utc_now(),
    )
    uow.audit(
        actor,
        "distribution_plan.executed",
        "distribution_plan",
        plan["id"],
        court=plan["court"],
        before={"status": plan["status"]},
        after={"status": PlanStatus.EXECUTED.value, "as_of": today},
    )


def _carry_out(
    engine: Engine, actor: Actor, plan: dict, settings: dict, *, resuming: bool = False
) -> dict | None:
    """Release the executed plan's hold and request each share not requested yet.

    Only the executor that released the hold goes on to the requests: another that lost
    the release to it (a resumption beside it) stops, so no share is requested twice.
    Resuming a stalled plan, the hold must be released by this call. None: stopped."""
    released = _release(engine, actor, plan, plan["document_reference"])
    if released == "lost" or (resuming and released != "released"):
        return None
    with UnitOfWork(engine, read_only=True) as reading:
        to_request = [
            s
            for s in distribution_store.shares_of(reading.conn, plan["id"])
            if s["share"] > 0 and s["disbursement_id"] is None
        ]
        applicants = _applicants(reading.conn, plan["case_id"])
    refused = []
    for share in to_request:
        payee = applicants.get(share["party_id"], {}).get("payee_account_number")
        try:
            made = payments.request_disbursement(
                UnitOfWork(engine),
                actor,
                plan["case_id"],
                amount=share["share"],
                payee_account_number=payee or "",
                note=f"分配方案 {plan['document_reference']}",
                settings=settings,
            )
        except DomainError as refusal:
            log.warning("plan %s: share %s not requested: %s", plan["id"], share["id"], refusal)
            refused.append({"party_id": share["party_id"], "code": refusal.code})
            continue
        with UnitOfWork(engine) as uow:
            distribution_store.record_request(uow.conn, share["id"], made["id"])
            uow.commit()
    with UnitOfWork(engine) as uow:
        view = _view(uow.conn, plan["id"])
        uow.audit(
            actor,
            "distribution_plan.requests_made",
            "distribution_plan",
            plan["id"],
            court=plan["court"],
            after={"shares": view["shares"], "refused": refused},
        )
        _tell(uow, view, CaseEvent.DISTRIBUTION_PLAN_EXECUTED)
        uow.commit()
    return {**view, "refused": refused}


def _carry_out_logged(engine: Engine, actor: Actor, plan: dict, settings: dict, **how):
    """Carry out one plan of the daily job; a failure is logged and the job goes on (the
    plan, executed with its hold active, is resumed by a later run)."""
    try:
        return _carry_out(engine, actor, plan, settings, **how)
    except Exception:
        log.exception("distribution plan %s: execution stopped; resumed later", plan["id"])
        return None


def _release(engine: Engine, actor: Actor, plan: dict, document_reference: str) -> str:
    """Release what the plan's hold still holds; return `released` (by this call),
    `already` (staff released it before) or `lost` (another released it meanwhile)."""
    if plan["hold_id"] is None:
        return "already"
    hold = holds.get_hold(UnitOfWork(engine, read_only=True), actor, plan["hold_id"])
    if hold["status"] != "active":
        return "already"
    try:
        holds.release_hold(
            UnitOfWork(engine), actor, plan["hold_id"], document_reference=document_reference
        )
    except Conflict:  # IllegalTransition too: released meanwhile
        return "lost"
    return "released"


def _claim(given: dict, applicants: dict[int, dict]) -> Claim:
    """A claim as given; without an order, the applicant's registered one (else 0)."""
    party_id = int(given["party_id"])
    order = given.get("order")
    if order is None:
        order = (applicants.get(party_id) or {}).get("order") or 0
    return Claim(party_id, int(given["amount"]), int(order))


def _refuse_if_open(conn, case_id: int) -> None:
    found = distribution_store.open_plan_of_case(conn, case_id)
    if found is not None:
        raise Conflict(
            "the case has an open distribution plan: withdraw it first", plan_id=found["id"]
        )


def _applicants(conn, case_id: int) -> dict[int, dict]:
    """Return the case's applicants by party id: name, stated claim, first payee account."""
    found = {}
    for party in registry.parties_of(conn, case_id):
        if party["role"] != "applicant":
            continue
        payees = [a for a in party["accounts"] if a["kind"] == "payee"]
        found[party["id"]] = {
            "party_id": party["id"],
            "name": party["name"],
            "amount_due": party.get("amount_due"),
            "order": party.get("order") or party.get("claim_order"),
            "payee_account_number": payees[0]["account_number"] if payees else None,
        }
    return found


def _fee_unpaid(conn, case: dict, settings: dict) -> int:
    """The execution fee on what the case received, less the fee payments asked for."""
    received = case["balance"].received if case["balance"] else 0
    fee = total(execution_fee(schedule_from(settings), received))
    return max(0, fee - distribution_store.fee_asked(conn, case["id"], _FEE_NOT_TAKEN))


def _visible(uow: UnitOfWork, actor: Actor, plan_id: int, *, lock: bool = False) -> dict:
    row = distribution_store.plan_by_id(uow.conn, plan_id, lock=lock)
    if row is None or not actor.may_see(row["court"]):
        raise NotFound("distribution plan not found")
    return row


def _view(conn, plan_id: int) -> dict:
    plan = distribution_store.plan_by_id(conn, plan_id)
    names = {p["id"]: p["name"] for p in registry.parties_of(conn, plan["case_id"])}
    return {
        "id": plan["id"],
        "case_id": plan["case_id"],
        "case_number": plan["case_number"],
        "court": plan["court"],
        "method": plan["method"],
        "status": plan["status"],
        "distributable": plan["distributable"],
        "surplus": plan["surplus"],
        "hold_id": plan["hold_id"],
        "document_reference": plan["document_reference"],
        "served_on": plan["served_on"],
        "objection_ends_on": plan["objection_ends_on"],
        "issued_by": plan["issued_by"],
        "issued_at": plan["issued_at"],
        "decided_by": plan["decided_by"],
        "decided_at": plan["decided_at"],
        "shares": [
            {
                "party_id": s["party_id"],
                "name": names.get(s["party_id"]),
                "claim": s["claim"],
                "share": s["share"],
                "order": s["claim_order"],
                "disbursement_id": s["disbursement_id"],
            }
            for s in distribution_store.shares_of(conn, plan_id)
        ],
        "objections": [
            {
                "id": o["id"],
                "party_id": o["party_id"],
                "name": names.get(o["party_id"]),
                "reason": o["reason"],
                "document_reference": o["document_reference"],
                "recorded_by": o["recorded_by"],
                "recorded_at": o["recorded_at"],
            }
            for o in distribution_store.objections_of(conn, plan_id)
        ],
    }


def _tell(uow: UnitOfWork, view: dict, event: CaseEvent) -> None:
    alert_store.emit_case_event(
        uow,
        court=view["court"],
        case_id=view["case_id"],
        event=event,
        facts={
            "plan_id": view["id"],
            "status": view["status"],
            "method": view["method"],
            "document_reference": view["document_reference"],
            "objection_ends_on": view["objection_ends_on"].isoformat(),
            "shares": [
                {k: s[k] for k in ("party_id", "share", "disbursement_id")} for s in view["shares"]
            ],
        },
    )
