import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from reconcile.sub_accounts import (
    InvalidSubAccount,
    has_valid_check_digits,
    issue_sub_account,
    near_misses,
    normalise_sub_account,
    validate_sub_account,
)

PREFIX = "11000123"

PREFIXES = st.text(alphabet="0123456789", min_size=1, max_size=12)
SEQUENCES = st.integers(min_value=0, max_value=99_999_999)


def _swap(number: str, i: int) -> str:
    return number[:i] + number[i + 1] + number[i] + number[i + 2 :]


def test_an_issued_number_is_prefix_then_padded_sequence_then_two_check_digits():
    number = issue_sub_account(PREFIX, 42)
    assert number.startswith(f"{PREFIX}00000042")
    assert len(number) == len(PREFIX) + 8 + 2


def test_issuing_matches_the_iban_style_mod_97_10_reference_value():
    # Reference value from python-stdnum's own doctest.
    assert issue_sub_account("999912345678", 90121414) == "9999123456789012141490"


def test_a_sequence_wider_than_the_scheme_is_refused():
    with pytest.raises(ValueError, match="does not fit"):
        issue_sub_account(PREFIX, 100_000_000)


def test_a_prefix_with_non_digits_is_refused():
    with pytest.raises(ValueError, match="digits only"):
        issue_sub_account("AB12", 1)


@given(PREFIXES, SEQUENCES, st.integers(min_value=1, max_value=12))
def test_issued_numbers_validate(prefix, sequence, width):
    sequence %= 10**width
    number = issue_sub_account(prefix, sequence, width)
    assert has_valid_check_digits(number)
    assert validate_sub_account(number, prefix=prefix, check_digits=True) == number


@given(PREFIXES, SEQUENCES, st.data())
def test_every_single_digit_substitution_fails_the_check(prefix, sequence, data):
    number = issue_sub_account(prefix, sequence)
    position = data.draw(st.integers(0, len(number) - 1))
    digit = data.draw(st.sampled_from("0123456789").filter(lambda d: d != number[position]))
    mistyped = number[:position] + digit + number[position + 1 :]
    assert not has_valid_check_digits(mistyped)


@given(PREFIXES, SEQUENCES, st.data())
def test_every_adjacent_transposition_fails_the_check(prefix, sequence, data):
    number = issue_sub_account(prefix, sequence)
    swappable = [i for i in range(len(number) - 1) if number[i] != number[i + 1]]
    assume(swappable)
    position = data.draw(st.sampled_from(swappable))
    assert not has_valid_check_digits(_swap(number, position))


def test_every_single_error_of_one_issued_number_fails_the_check_exhaustively():
    number = issue_sub_account(PREFIX, 4253)
    substitutions = {
        number[:i] + d + number[i + 1 :]
        for i in range(len(number))
        for d in "0123456789"
        if d != number[i]
    }
    transpositions = {
        _swap(number, i) for i in range(len(number) - 1) if number[i] != number[i + 1]
    }
    assert not any(has_valid_check_digits(n) for n in substitutions | transpositions)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1100 0123 0000 0042 76", "110001230000004276"),
        ("1100-0123-0000-0042-76", "110001230000004276"),
        ("'110001230000004276", "110001230000004276"),
        ("\t110001230000004276", "110001230000004276"),
        ("\t'0011 0001", "00110001"),
        ("１１００　０１２３", "11000123"),
        ("0000000001", "0000000001"),
    ],
)
def test_normalising_strips_separators_and_spreadsheet_markers_but_keeps_leading_zeros(
    text, expected
):
    assert normalise_sub_account(text) == expected


@pytest.mark.parametrize("text", ["", "  ", "1100A0123", "6.22E+18", "110001230.0", "1100'0123"])
def test_a_number_with_anything_but_digits_is_not_a_sub_account(text):
    with pytest.raises(InvalidSubAccount, match="digits only"):
        normalise_sub_account(text)


def test_validation_returns_the_normalised_number():
    number = issue_sub_account(PREFIX, 7)
    spaced = " ".join(number[i : i + 4] for i in range(0, len(number), 4))
    assert validate_sub_account(spaced, prefix=PREFIX, check_digits=True) == number


def test_a_wrong_check_digit_is_rejected_when_the_scheme_has_check_digits():
    number = issue_sub_account(PREFIX, 7)
    mistyped = number[:-1] + str((int(number[-1]) + 1) % 10)
    with pytest.raises(InvalidSubAccount, match="check digits"):
        validate_sub_account(mistyped, prefix=PREFIX, check_digits=True)


def test_a_wrong_check_digit_is_accepted_when_the_scheme_has_none():
    number = issue_sub_account(PREFIX, 7)
    mistyped = number[:-1] + str((int(number[-1]) + 1) % 10)
    assert validate_sub_account(mistyped, prefix=PREFIX, check_digits=False) == mistyped


def test_a_number_under_another_prefix_is_rejected():
    number = issue_sub_account("22000456", 7)
    with pytest.raises(InvalidSubAccount, match="does not start with"):
        validate_sub_account(number, prefix=PREFIX, check_digits=True)


def test_the_prefix_alone_is_not_a_sub_account():
    with pytest.raises(InvalidSubAccount, match="too short"):
        validate_sub_account(PREFIX, prefix=PREFIX, check_digits=False)


def test_without_a_prefix_only_the_check_digits_are_checked():
    number = issue_sub_account("22000456", 7)
    assert validate_sub_account(number, prefix=None, check_digits=True) == number


def test_a_too_short_number_never_has_valid_check_digits():
    # int("1") % 97 == 1, but one digit cannot hold a payload and two check digits.
    assert not has_valid_check_digits("1")
    assert not has_valid_check_digits("01")


ISSUED = {issue_sub_account(PREFIX, sequence) for sequence in range(100_000)}


def test_a_transposed_number_suggests_the_case_it_was_meant_for():
    intended = issue_sub_account(PREFIX, 4253)
    typed = _swap(intended, 13)
    assert near_misses(typed, ISSUED)[0] == (intended, "digits at positions 14 and 15 swapped")


def test_a_substituted_digit_is_reported_with_its_position():
    intended = issue_sub_account(PREFIX, 4253)
    typed = intended[:11] + str((int(intended[11]) + 5) % 10) + intended[12:]
    assert (intended, "one digit differs at position 12") in near_misses(typed, ISSUED)


def test_a_missing_and_an_extra_digit_are_both_found():
    intended = issue_sub_account(PREFIX, 4253)
    assert (intended, "one digit missing at position 18") in near_misses(intended[:-1], ISSUED)
    assert (intended, "one extra digit at position 19") in near_misses(intended + "5", ISSUED)


def test_near_misses_rank_transpositions_then_substitutions_then_missing_then_extra():
    typed = "12345"
    candidates = ["1234", "123456", "12346", "12354", "99999"]
    assert near_misses(typed, candidates) == [
        ("12354", "digits at positions 4 and 5 swapped"),
        ("12346", "one digit differs at position 5"),
        ("123456", "one digit missing at position 6"),
        ("1234", "one extra digit at position 5"),
    ]


def test_an_exact_match_is_not_a_near_miss():
    number = issue_sub_account(PREFIX, 1)
    assert all(candidate != number for candidate, _ in near_misses(number, ISSUED))


def test_a_number_far_from_every_candidate_has_no_near_misses():
    assert near_misses("99999999999999999999", ISSUED) == []


def test_a_remark_that_is_not_a_number_has_no_near_misses():
    assert near_misses("张三还款", ISSUED) == []


def test_near_misses_accepts_a_typed_number_with_separators():
    intended = issue_sub_account(PREFIX, 4253)
    typed = "'" + " ".join(_swap(intended, 12))
    assert near_misses(typed, ISSUED)[0][0] == intended
