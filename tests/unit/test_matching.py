"""Placing credits on cases: each rule, its evidence, and never a guess."""

from dataclasses import replace
from datetime import date

import pytest

from reconcile.case_index import CaseIndex, CaseRef
from reconcile.expected_receipts import ExpectedReceipt
from reconcile.matching import Credit, Matcher
from reconcile.sub_accounts import issue_sub_account

PREFIX = "8801"


def sub(sequence: int) -> str:
    return issue_sub_account(PREFIX, sequence)


@pytest.fixture
def index() -> CaseIndex:
    index = CaseIndex(sub_account_prefix=PREFIX, sub_account_length=len(sub(1)), check_digits=True)
    cases = [
        CaseRef(1, "（2026）京0105执1234号", sub(1), True),
        CaseRef(2, "（2026）京0105执1235号", sub(2), True),
        CaseRef(3, "（2025）京0105执恢88号", sub(3), False),
        CaseRef(4, "（2026）京0105执2001号", sub(4), True),
    ]
    for case in cases:
        index.add_case(case)
    index.add_respondent(1, "张伟", "6222020200112233445")
    index.add_respondent(2, "北京远航物流有限公司", "0109014170001122")
    index.add_respondent(4, "刘强", None)
    index.add_respondent(4, "北京远航物流有限公司", "0109014170009999")
    index.add_respondent(3, "王五", "6228480010000000001")
    return index


def credit(sub_account=None, remark=None, account=None, name=None) -> Credit:
    return Credit(sub_account, remark, account, name)


def test_the_sub_account_the_payer_addressed_places_the_credit(index):
    match = Matcher(index).match(credit(sub_account=sub(2)))
    assert (match.case_id, match.rule) == (2, "sub_account")
    assert match.evidence == {"sub_account": sub(2), "from": "field"}


def test_a_sub_account_written_in_the_remark_places_the_credit(index):
    match = Matcher(index).match(credit(remark=f"还款 转入{sub(4)} 刘强"))
    assert (match.case_id, match.rule) == (4, "sub_account")
    assert match.evidence["from"] == "remark"


def test_a_sub_account_with_spaces_in_its_field_is_read(index):
    spaced = " ".join([sub(1)[:4], sub(1)[4:8], sub(1)[8:]])
    assert Matcher(index).match(credit(sub_account=spaced)).case_id == 1


def test_a_mistyped_sub_account_is_an_orphan_even_when_the_remark_names_a_case(index):
    typo = sub(1)[:-3] + str((int(sub(1)[-3]) + 1) % 10) + sub(1)[-2:]
    match = Matcher(index).match(credit(sub_account=typo, remark="（2026）京0105执1235号"))
    assert match.is_orphan
    assert match.orphan_reason == "sub_account_check_failed"
    assert match.suggestions[0]["case_id"] == 1
    assert "sub-account" in match.suggestions[0]["reason"]


def test_a_valid_sub_account_of_no_case_is_an_orphan_not_a_guess(index):
    match = Matcher(index).match(credit(sub_account=sub(99), account="6222020200112233445"))
    assert match.is_orphan
    assert match.orphan_reason == "sub_account_unknown"
    assert [s["case_id"] for s in match.suggestions] == [1]


def test_the_case_number_in_the_remark_places_the_credit(index):
    match = Matcher(index).match(credit(remark="执行款 案号(2026)京0105执1234号 张伟"))
    assert (match.case_id, match.rule) == (1, "case_number")
    assert match.evidence == {"case_number": "（2026）京0105执1234号"}


@pytest.mark.parametrize(
    "remark",
    [
        "〔2026〕京0105执1235号还款",
        "2026京0105执1235号",
        "（２０２６）京０１０５执１２３５号",
        "案号: ( 2026 ) 京0105 执 1235 号",
        "执行款2026年京0105执1235号",
    ],
)
def test_case_numbers_in_every_usual_style_place_the_credit(index, remark):
    assert Matcher(index).match(credit(remark=remark)).case_id == 2


def test_two_different_case_numbers_in_one_remark_make_an_orphan(index):
    match = Matcher(index).match(credit(remark="（2026）京0105执1234号及（2026）京0105执1235号"))
    assert match.is_orphan
    assert match.orphan_reason == "ambiguous"


def test_a_case_number_of_no_case_is_an_orphan_with_the_near_number_suggested(index):
    match = Matcher(index).match(
        credit(remark="（2026）京0105执1243号", account="6222020200112233445")
    )
    assert match.is_orphan
    assert match.orphan_reason == "case_number_unknown"
    assert match.suggestions[0] == {
        "case_id": 1,
        "case_number": "（2026）京0105执1234号",
        "sub_account_number": sub(1),
        "reason": "case number one digit away",
    }


def test_a_judgment_number_in_the_remark_is_not_a_case_number(index):
    match = Matcher(index).match(credit(remark="（2026）京0105民初1234号判决款"))
    assert match.is_orphan
    assert match.orphan_reason == "unidentified"


def test_the_payers_account_places_the_credit_when_it_is_one_open_cases(index):
    match = Matcher(index).match(credit(account="6222 0202 0011 2233 445", name="张伟"))
    assert (match.case_id, match.rule) == (1, "payer")


def test_the_payers_name_alone_never_places_money_but_suggests_the_case_first(index):
    match = Matcher(index).match(credit(name="刘强"))
    assert match.is_orphan
    assert match.orphan_reason == "payer_name_only"
    assert match.suggestions[0]["case_id"] == 4
    assert match.suggestions[0]["reason"] == "the payer's name is a respondent's"


def test_a_payers_name_with_an_unknown_account_is_only_a_suggestion(index):
    match = Matcher(index).match(credit(name="刘强", account="6217000011112222"))
    assert (match.case_id, match.orphan_reason) == (None, "payer_name_only")
    assert [s["case_id"] for s in match.suggestions] == [4]


def test_a_payer_who_is_respondent_in_two_open_cases_makes_an_orphan(index):
    match = Matcher(index).match(credit(name="北京远航物流有限公司"))
    assert match.is_orphan
    assert match.orphan_reason == "ambiguous"
    assert {s["case_id"] for s in match.suggestions} == {2, 4}


def test_a_payer_account_of_one_case_wins_over_a_name_shared_by_two(index):
    match = Matcher(index).match(credit(account="0109014170009999", name="北京远航物流有限公司"))
    assert match.case_id == 4


def test_a_credit_for_a_closed_case_is_held_for_review_not_credited(index):
    match = Matcher(index).match(credit(sub_account=sub(3)))
    assert match.is_orphan
    assert match.orphan_reason == "closed_case"
    assert match.evidence["case_id"] == 3
    assert match.suggestions[0]["reason"] == "the case is closed"


def test_the_payer_rule_ignores_closed_cases(index):
    match = Matcher(index).match(credit(account="6228480010000000001", name="王五"))
    assert match.is_orphan
    assert match.orphan_reason == "unidentified"
    assert [s["case_id"] for s in match.suggestions] == [3]


def test_a_credit_nothing_identifies_is_an_orphan_without_suggestions(index):
    match = Matcher(index).match(credit(remark="货款", name="某某公司", account="123456"))
    assert match.is_orphan
    assert match.orphan_reason == "unidentified"
    assert match.suggestions == []


def test_a_phone_number_in_the_remark_is_not_taken_for_a_sub_account(index):
    match = Matcher(index).match(credit(remark="联系电话13812345678 张伟"))
    assert match.case_id is None or match.rule == "payer"


def test_a_credit_carrying_an_expected_receipts_reference_matches_it_once(index):
    case = index.by_sub_account(sub(4))
    receipt = ExpectedReceipt(7, case.case_number, 500_00, date(2026, 3, 10), "KH77", None)
    matcher = Matcher(index, expected=[receipt])
    match = matcher.match(credit(remark="网络扣划 KH77", name="某银行"))
    assert (match.case_id, match.rule) == (case.id, "expected")
    assert match.evidence == {"expected_receipt_id": 7, "by": "reference"}
    assert matcher.match(credit(remark="网络扣划 KH77", name="某银行")).is_orphan


def test_an_expected_receipt_fits_the_same_amount_from_its_payer_within_the_window(index):

    case = index.by_sub_account(sub(4))
    receipt = ExpectedReceipt(8, case.case_number, 500_00, date(2026, 3, 10), None, "62170001")
    base = replace(credit(account="6217 0001", name="某人"), amount=500_00)
    late = replace(base, booked_on=date(2026, 3, 21))
    assert Matcher(index, expected=[receipt]).match(late).is_orphan
    fits = replace(base, booked_on=date(2026, 3, 20))
    assert Matcher(index, expected=[receipt]).match(fits).rule == "expected"
