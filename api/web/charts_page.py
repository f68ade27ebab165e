"""The charts page (统计图表, /reports/charts): where people would rather look than read."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from decimal import Decimal

from flask import Blueprint, render_template, request

from api.context import services
from api.web import charts
from api.web.auth import staff_required
from api.web.i18n import label, translate
from reconcile.actors import Actor
from reconcile.clock import local_today
from reconcile.money import fen_to_decimal
from reconcile.permissions import Verb
from reconcile.services import charts as figures
from reconcile.services import lookups, reconciliation

bp = Blueprint("charts", __name__, url_prefix="/reports")

BALANCE_DAYS = 30
ALERT_WEEKS = 8
#: the alert kinds drawn one by one; the rest are summed as "other"
MOST_KINDS = 4


@bp.get("/charts")
@staff_required(Verb.READ_RECONCILIATION)
def index(actor: Actor):
    """Draw orphan ageing, bank balance against books, alerts per week and deadline load."""
    today, uow = local_today(), services().uow
    accounts = lookups.collection_accounts(uow(read_only=True), actor)
    numbers = [a["account_number"] for a in accounts]
    account = request.args.get("account")
    account = account if account in numbers else (numbers[0] if numbers else None)
    ageing = figures.orphan_ageing(uow(read_only=True), actor, today)
    balance = _balance(actor, account, today) if account else []
    weeks = figures.alerts_per_week(uow(read_only=True), actor, today, ALERT_WEEKS)
    load = figures.deadline_load(uow(read_only=True), actor)
    series = _week_series(weeks, _week_kinds(weeks))
    return render_template(
        "reports/charts.html",
        accounts=numbers,
        account=account,
        ageing=ageing,
        ageing_count=_ageing_count_chart(ageing),
        ageing_sum=_ageing_sum_chart(ageing),
        balance=balance,
        balance_chart=_balance_chart(balance) if _has_bank(balance) else None,
        weeks=weeks,
        week_series=series,
        alerts_chart=_alerts_chart(weeks, series),
        load=load,
        load_chart=_load_chart(load),
    )


def _ageing_count_chart(ageing: list[dict]):
    labels = [translate(f"charts.band.{b['band']}") for b in ageing]
    counts = [b["count"] for b in ageing]
    return charts.bar_chart(
        translate("charts.ageing_count"), labels, [(translate("charts.ageing_count"), counts)]
    )


def _ageing_sum_chart(ageing: list[dict]):
    labels = [translate(f"charts.band.{b['band']}") for b in ageing]
    sums = [fen_to_decimal(b["amount"]) for b in ageing]
    return charts.bar_chart(
        translate("charts.ageing_sum"),
        labels,
        [(translate("charts.ageing_sum"), sums)],
        number=_money,
    )


def _balance(actor: Actor, account: str, today) -> list[dict]:
    """Return the reconciliation of the account for each of the last BALANCE_DAYS days."""
    days = [today - timedelta(days=n) for n in range(BALANCE_DAYS - 1, -1, -1)]
    uow = services().uow
    return [
        reconciliation.reconciliation_report(uow(read_only=True), actor, account, day)
        for day in days
    ]


def _has_bank(balance: list[dict]) -> bool:
    return any(r["bank_balance"] is not None for r in balance)


def _balance_chart(balance: list[dict]):
    labels = [r["date"][5:] for r in balance]
    series = [
        (translate("charts.bank"), [_amount(r["bank_balance"]) for r in balance]),
        (translate("charts.books"), [_amount(r["books"]) for r in balance]),
    ]
    return charts.line_chart(translate("charts.balance"), labels, series, number=_money)


def _week_kinds(weeks: list[dict]) -> list[str]:
    """The kinds raised most over the weeks, MOST_KINDS of them, then `other` if any."""
    totals = Counter()
    for week in weeks:
        totals.update(week["kinds"])
    kinds = [kind for kind, _ in totals.most_common(MOST_KINDS)]
    return kinds + (["other"] if len(totals) > MOST_KINDS else [])


def _week_series(weeks: list[dict], kinds: list[str]) -> list[tuple[str, list[int]]]:
    named = set(kinds) - {"other"}
    series = []
    for kind in kinds:
        if kind == "other":
            values = [sum(n for k, n in w["kinds"].items() if k not in named) for w in weeks]
        else:
            values = [w["kinds"].get(kind, 0) for w in weeks]
        series.append((_kind_name(kind), values))
    return series


def _alerts_chart(weeks: list[dict], series: list[tuple[str, list[int]]]):
    labels = [w["week"].strftime("%m-%d") for w in weeks]
    drawn = series or [(translate("charts.none"), [0] * len(weeks))]
    return charts.bar_chart(translate("charts.alerts"), labels, drawn, stacked=True)


def _kind_name(kind: str) -> str:
    return translate("charts.other") if kind == "other" else label("kind", kind)


def _load_chart(load: dict):
    kinds = sorted({kind for group in load.values() for kind in group})
    labels = [translate(f"charts.{group}") for group in load]
    series = [(label("kind", kind), [load[g].get(kind, 0) for g in load]) for kind in kinds]
    return charts.bar_chart(translate("charts.deadlines"), labels, series, stacked=True)


def _amount(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _money(value) -> str:
    """Yuan with grouping; whole yuan on the axis ticks, two decimals otherwise."""
    value = Decimal(value)
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"
