"""Whose account a payee account is: names compared as written, identity numbers masked."""

import pytest

from reconcile.errors import ValidationFailed
from reconcile.payee_identity import (
    Agent,
    PayeeNameMismatch,
    check_payee_identity,
    mask_identity_number,
    same_name,
)


def test_names_are_the_same_across_full_and_half_width_spaces_and_case():
    assert same_name("北京华信商贸（有限）公司", "北京华信商贸(有限) 公司")
    assert same_name("ＡＢＣ　Ltd", "abc ltd")
    assert not same_name("张伟", "张玮")
    assert not same_name("", "")


def test_an_account_in_another_name_needs_an_authorised_agent():
    check_payee_identity("张伟", "张 伟")
    check_payee_identity("张伟", None)  # no name given: the bank checks it at payment
    with pytest.raises(PayeeNameMismatch):
        check_payee_identity("张伟", "王五")
    check_payee_identity("张伟", "王五", Agent("王五", "特别授权委托书第7号"))
    with pytest.raises(PayeeNameMismatch):
        check_payee_identity("张伟", "赵六", Agent("王五", "特别授权委托书第7号"))
    with pytest.raises(ValidationFailed):
        check_payee_identity("张伟", "王五", Agent("王五", " "))


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        ("110105199001011234", "1101**********1234"),
        ("91110105MA01ABCD2X", "9111**********CD2X"),
        ("G12345678", "G12**5678"),
        ("12345", "*2345"),
        (None, None),
    ],
)
def test_identity_numbers_keep_only_their_first_and_last_characters(number, shown):
    assert mask_identity_number(number) == shown
