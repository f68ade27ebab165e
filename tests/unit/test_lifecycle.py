"""Lifecycles: one shape for every record's status moves."""

from enum import StrEnum

import pytest

from reconcile.alerts import ALERT_LIFECYCLE
from reconcile.cases import CASE_LIFECYCLE
from reconcile.errors import IllegalTransition
from reconcile.lifecycle import Lifecycle, check_sql
from reconcile.statement_lines import LINE_LIFECYCLE, LineAction, LineStatus
from reconcile.webhooks import DELIVERY_LIFECYCLE


class Light(StrEnum):
    RED = "red"
    GREEN = "green"


class Press(StrEnum):
    GO = "go"
    STOP = "stop"


LIGHT = Lifecycle("light", Light, Press, {(Light.RED, Press.GO): Light.GREEN})


def test_a_declared_move_leads_where_it_says():
    assert LIGHT.after("red", "go") is Light.GREEN


def test_an_undeclared_move_raises_a_named_error_naming_the_record_state_and_action():
    with pytest.raises(IllegalTransition) as caught:
        LIGHT.after("green", "go")
    assert (caught.value.facts["current"], caught.value.facts["event"]) == ("green", "go")
    assert "light" in str(caught.value)


def test_an_unknown_state_or_action_is_not_a_move():
    with pytest.raises(ValueError):
        LIGHT.after("blue", "go")
    with pytest.raises(ValueError):
        LIGHT.after("red", "jump")


def test_moves_must_use_the_declared_enums():
    with pytest.raises(TypeError):
        Lifecycle("light", Light, Press, {("red", Press.GO): Light.GREEN})


def test_the_check_constraint_admits_exactly_the_states():
    assert check_sql("status", Light) == "status in ('red', 'green')"


@pytest.mark.parametrize(
    ("current", "action", "after"),
    [
        ("orphan", LineAction.ASSIGN, LineStatus.MATCHED),
        ("matched", LineAction.UNASSIGN, LineStatus.ORPHAN),
        ("orphan", LineAction.REQUEST_REFUND, LineStatus.REFUNDING),
        ("refunding", LineAction.REFUND_REJECTED, LineStatus.ORPHAN),
        ("refunding", LineAction.REFUND_PAID, LineStatus.REFUNDED),
    ],
)
def test_a_statement_line_moves_only_along_its_lifecycle(current, action, after):
    assert LINE_LIFECYCLE.after(current, action) is after


@pytest.mark.parametrize(
    ("current", "action"),
    [
        ("reconciled", LineAction.ASSIGN),
        ("flagged", LineAction.UNASSIGN),
        ("refunded", LineAction.REQUEST_REFUND),
        ("refunding", LineAction.ASSIGN),
        ("matched", LineAction.ASSIGN),
    ],
)
def test_a_debit_or_a_settled_line_cannot_be_moved_by_staff(current, action):
    with pytest.raises(IllegalTransition):
        LINE_LIFECYCLE.after(current, action)


@pytest.mark.parametrize("lifecycle", [LINE_LIFECYCLE, CASE_LIFECYCLE, ALERT_LIFECYCLE])
def test_every_state_is_reachable_or_a_starting_state(lifecycle):
    reached = {after for after in lifecycle.moves.values()}
    assert set(lifecycle.states) <= reached | set(lifecycle.initial_states())


def test_a_dead_delivery_can_only_be_requeued():
    assert DELIVERY_LIFECYCLE.after("dead", "requeued") == "pending"
    with pytest.raises(IllegalTransition):
        DELIVERY_LIFECYCLE.after("delivered", "retried")
