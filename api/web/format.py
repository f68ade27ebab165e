"""How the pages show money, times and account numbers (Jinja filters)."""

from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint

from reconcile.account_numbers import is_reachable_account
from reconcile.clock import COURT_TZ, as_utc, local_today
from reconcile.money import fen_to_decimal


def yuan(fen: int | None) -> str:
    """Return fen as yuan with thousands separators: 123456789 -> "1,234,567.89"."""
    if fen is None:
        return "—"
    return f"{fen_to_decimal(fen):,.2f}"


def yuan_text(amount: str | None) -> str:
    """Return a yuan string from a report ("-1234.50") with thousands separators."""
    if amount is None:
        return "—"
    sign, digits = ("-", amount[1:]) if amount.startswith("-") else ("", amount)
    whole, _, cents = digits.partition(".")
    return f"{sign}{int(whole):,}.{cents or '00'}"


def local_time(moment: datetime | None) -> str:
    """Return a stored time in the court's local time, to the minute."""
    if moment is None:
        return "—"
    return as_utc(moment).astimezone(COURT_TZ).strftime("%Y-%m-%d %H:%M")


def days_since(day: date | None) -> int | None:
    """Return how many calendar days ago `day` was (court time)."""
    return None if day is None else (local_today() - day).days


def register(bp: Blueprint) -> None:
    """Make the filters available to the pages' templates."""
    for name, function in (
        ("yuan", yuan),
        ("yuan_text", yuan_text),
        ("local_time", local_time),
        ("days_since", days_since),
        ("reachable", is_reachable_account),
    ):
        bp.add_app_template_filter(function, name)
