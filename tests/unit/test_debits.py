"""Explaining debits: approved payments settle, anything else is flagged."""

from reconcile.debits import Debit, DebitReconciler

PAYEE = "110060149018800012345"
COURT_FEE_ACCOUNT = "0200009999"


def awaiting(*payments):
    return [
        {"id": i, "payee_account_number": acc, "amount": amount, "bank_reference": ref}
        for i, (acc, amount, ref) in enumerate(payments, start=1)
    ]


def test_a_debit_to_an_approved_payee_for_the_approved_amount_settles_that_payment():
    reconciler = DebitReconciler(awaiting((PAYEE, 500_00, None)), {PAYEE})
    outcome = reconciler.explain(Debit(500_00, PAYEE, "B1"))
    assert (outcome.kind, outcome.disbursement_id) == ("settles", 1)


def test_the_same_payment_cannot_be_settled_twice():
    reconciler = DebitReconciler(awaiting((PAYEE, 500_00, None)), {PAYEE})
    reconciler.explain(Debit(500_00, PAYEE, None))
    assert reconciler.explain(Debit(500_00, PAYEE, None)).kind == "unmatched"


def test_a_debit_of_the_wrong_amount_to_a_named_account_is_unmatched():
    reconciler = DebitReconciler(awaiting((PAYEE, 500_00, None)), {PAYEE})
    assert reconciler.explain(Debit(501_00, PAYEE, None)).kind == "unmatched"


def test_a_debit_to_an_account_no_document_names_is_unauthorised():
    reconciler = DebitReconciler(awaiting((PAYEE, 500_00, None)), {PAYEE})
    assert reconciler.explain(Debit(500_00, "6222999988887777", None)).kind == "unauthorised"
    assert reconciler.explain(Debit(500_00, None, None)).kind == "unauthorised"


def test_a_debit_to_a_configured_court_account_is_not_unauthorised():
    reconciler = DebitReconciler([], {PAYEE, COURT_FEE_ACCOUNT})
    assert reconciler.explain(Debit(80_00, COURT_FEE_ACCOUNT, None)).kind == "unmatched"


def test_the_bank_reference_picks_the_payment_it_names():
    reconciler = DebitReconciler(awaiting((PAYEE, 500_00, "R1"), (PAYEE, 500_00, "R2")), {PAYEE})
    assert reconciler.explain(Debit(500_00, PAYEE, "R2")).disbursement_id == 2
    assert reconciler.explain(Debit(500_00, PAYEE, "R9")).kind == "unmatched"


def test_a_refund_to_the_payers_own_account_is_a_named_destination():
    refund_to = "6222020200112233445"
    reconciler = DebitReconciler(awaiting((refund_to, 300_00, None)), {PAYEE})
    assert reconciler.explain(Debit(300_00, refund_to, None)).kind == "settles"


def test_a_debit_carrying_a_reference_settles_exactly_that_payment():
    from reconcile.disbursements import reference_of

    reconciler = DebitReconciler(awaiting((PAYEE, 500_00, None), (PAYEE, 500_00, None)), {PAYEE})
    second = reconciler.explain(Debit(500_00, PAYEE, "B1", remark=f"执行款 {reference_of(2)}"))
    first = reconciler.explain(Debit(500_00, PAYEE, "B2", end_to_end_id=reference_of(1)))
    assert (second.disbursement_id, first.disbursement_id) == (2, 1)


def test_a_reference_to_a_payment_not_awaiting_or_of_another_amount_settles_nothing():
    from reconcile.disbursements import reference_of

    reconciler = DebitReconciler(awaiting((PAYEE, 500_00, None), (PAYEE, 400_00, None)), {PAYEE})
    assert (
        reconciler.explain(Debit(500_00, PAYEE, None, remark=reference_of(9))).kind == "unmatched"
    )
    assert (
        reconciler.explain(Debit(400_00, PAYEE, None, remark=reference_of(1))).kind == "unmatched"
    )
    assert reconciler.explain(Debit(500_00, PAYEE, None)).disbursement_id == 1  # still awaiting
