"""Money for a closed case (art. 64 of the 若干问题的规定): what its closure type allows.

A case closed as 终结本次执行程序 (terminated_this_round) may resume when the respondent's
money turns up: a credit for it is placed on it, and a `resume_needed` alert tells the
desk the case may need 恢复执行 (执恢). Every other closure type is final — 执行完毕,
终结执行, 销案, 不予执行, 驳回申请, and a case closed before closure types were recorded:
nothing is owed through it any more, so its credit stays an orphan (不明款) whose first
suggestion names the case and proposes the refund to the payer, and staff may not assign
money to it (409 `case_closed`).
"""

from __future__ import annotations

from reconcile.case_closing import ClosureType
from reconcile.errors import IllegalTransition

#: closure types under which the case takes credits (and may resume)
RESUMABLE = frozenset({ClosureType.TERMINATED_THIS_ROUND})

#: the suggestion's reason for a credit to a case closed for good; its `action` proposes
#: what to do with the money
CLOSED_REASON = "the case is closed"
REFUND_TO_PAYER = "refund_to_payer"


class CaseClosed(IllegalTransition):
    """Money may not be placed on a case closed for good."""

    code = "case_closed"


def takes_credits(status: str, closure_type: str | None) -> bool:
    """Whether money for a case in this state is placed on it."""
    return status == "open" or closure_type in RESUMABLE


def resume_needed(status: str, closure_type: str | None) -> bool:
    """Whether money placed on the case asks for 恢复执行 (a closed case that may resume)."""
    return status != "open" and closure_type in RESUMABLE


def refuse_if_closed_for_good(case: dict) -> None:
    """Raise CaseClosed unless money may be placed on `case` (a row with status, closure_type)."""
    if not takes_credits(case["status"], case["closure_type"]):
        if not case["closure_type"]:
            raise CaseClosed(
                "case {case_number} is closed: "
                "money for it is refunded to the payer, not placed on it",
                case_number=case["case_number"],
                case_id=case["id"],
                closure_type=case["closure_type"],
                suggestion="refund_to_payer",
            )
        raise CaseClosed(
            "case {case_number} is closed ({closure_type}): "
            "money for it is refunded to the payer, not placed on it",
            case_number=case["case_number"],
            case_id=case["id"],
            closure_type=case["closure_type"],
            suggestion="refund_to_payer",
        )
