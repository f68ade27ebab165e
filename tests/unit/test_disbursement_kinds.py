"""The kinds of a case's disbursement: what each needs, and how a debit to the fee account
that settles nothing is told apart (#17)."""

import pytest

from reconcile.debits import Debit, DebitReconciler
from reconcile.disbursements import (
    DisbursementKind,
    EscrowNotApproved,
    check_escrow_allowed,
    check_kind_request,
)
from reconcile.entitlements import Entitlement, EntitlementsUnpaid, check_refund_allowed
from reconcile.errors import ValidationFailed

FEE = "0200009999"


@pytest.mark.parametrize("kind", ["payment", "fee", "escrow"])
def test_a_kind_without_a_document_of_its_own_needs_none(kind):
    assert check_kind_request(kind, None) == DisbursementKind(kind)


@pytest.mark.parametrize("kind", ["respondent_refund", "court_transfer"])
def test_a_refund_to_the_respondent_and_a_transfer_name_their_document(kind):
    with pytest.raises(ValidationFailed) as refused:
        check_kind_request(kind, "  ")
    assert refused.value.field == "document_reference"
    assert check_kind_request(kind, "（2026）京0105执1号之一") == DisbursementKind(kind)


@pytest.mark.parametrize("kind", ["refund", "other", ""])
def test_an_orphans_refund_or_an_unknown_kind_is_no_cases(kind):
    with pytest.raises(ValidationFailed) as refused:
        check_kind_request(kind, "x")
    assert refused.value.field == "kind"


def test_a_refund_to_the_respondent_waits_for_every_applicant_unless_the_document_says():
    paid = Entitlement(1, "甲", entitled=100_00, paid=100_00)
    requested = Entitlement(2, "乙", entitled=50_00, reserved=50_00)
    unknown = Entitlement(3, "丙", entitled=None)
    check_refund_allowed([paid, requested], document_overrides=False)
    with pytest.raises(EntitlementsUnpaid) as refused:
        check_refund_allowed([paid, unknown], document_overrides=False)
    assert refused.value.facts["applicants"] == ["丙"]
    check_refund_allowed([paid, unknown], document_overrides=True)


def test_escrow_needs_an_approved_escrow_deferral():
    with pytest.raises(EscrowNotApproved):
        check_escrow_allowed(0)
    check_escrow_allowed(1)


def test_a_debit_to_the_fee_account_that_settles_nothing_is_an_unrequested_fee():
    fee = {"id": 7, "payee_account_number": FEE, "amount": 350_00, "bank_reference": None}
    reconciler = DebitReconciler([fee], {"6222"}, fee_accounts={FEE})
    assert reconciler.explain(Debit(350_00, FEE, None)).kind == "settles"
    assert reconciler.explain(Debit(350_00, FEE, None)).kind == "unrequested_fee"
    assert reconciler.explain(Debit(1_00, "6222", None)).kind == "unmatched"
    assert reconciler.explain(Debit(1_00, "9999", None)).kind == "unauthorised"
