from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reconcile.case_numbers import (
    COURT_ABBREVIATIONS,
    ENFORCEMENT_TYPE_CODES,
    CaseNumber,
    InvalidCaseNumber,
    find_case_numbers,
    normalise_case_number,
)

NEXT_YEAR = date.today().year + 1
BEIJING_1234 = CaseNumber(2024, "京0105", "执", 1234)

VALID_VARIANTS = [
    ("（2024）京0105执1234号", BEIJING_1234),
    ("(2024)京0105执1234号", BEIJING_1234),
    ("〔2024〕京0105执1234号", BEIJING_1234),
    ("[2024]京0105执1234号", BEIJING_1234),
    ("【2024】京0105执1234号", BEIJING_1234),
    ("［2024］京0105执1234号", BEIJING_1234),
    ("﹝2024﹞京0105执1234号", BEIJING_1234),
    ("〖2024〗京0105执1234号", BEIJING_1234),
    ("（２０２４）京０１０５执１２３４号", BEIJING_1234),
    ("( 2024 ) 京 0105 执 1234 号", BEIJING_1234),
    ("（2024）京0105执12 34号", BEIJING_1234),
    ("\u3000（2024）京0105执1234号\u3000", BEIJING_1234),
    ("（2024）京0105执1234", BEIJING_1234),
    ("（2024）京0105执001234号", BEIJING_1234),
    ("2024京0105执1234号", BEIJING_1234),
    ("2024年京0105执1234号", BEIJING_1234),
    ("（2024)京0105执1234号", BEIJING_1234),
    ("(2024）京0105执1234", BEIJING_1234),
    ("（2024）京01执恢56号", CaseNumber(2024, "京01", "执恢", 56)),
    ("（2023）京执复12号", CaseNumber(2023, "京", "执复", 12)),
    ("（2022）最高法执监88号", CaseNumber(2022, "最高法", "执监", 88)),
    ("（2024）沪0115执保300号", CaseNumber(2024, "沪0115", "执保", 300)),
    ("（2024）粤03执异45号", CaseNumber(2024, "粤03", "执异", 45)),
    ("（2021）苏0508执协7号", CaseNumber(2021, "苏0508", "执协", 7)),
    ("（2020）浙0102执他3号", CaseNumber(2020, "浙0102", "执他", 3)),
    ("（2024）新40执12号", CaseNumber(2024, "新40", "执", 12)),
    ("（2019）兵0101执5号", CaseNumber(2019, "兵0101", "执", 5)),
    ("（2024）沪74执1号", CaseNumber(2024, "沪74", "执", 1)),
    ("（2024）京0491执9号", CaseNumber(2024, "京0491", "执", 9)),
    ("（2024）内0102执999999号", CaseNumber(2024, "内0102", "执", 999999)),
    ("（1990）黔01执1号", CaseNumber(1990, "黔01", "执", 1)),
    (f"（{NEXT_YEAR}）云01执1号", CaseNumber(NEXT_YEAR, "云01", "执", 1)),
]

INVALID_VARIANTS = [
    "（2024）京0105民初1234号",
    "（2024）京01民终56号",
    "（2024）京0105刑初7号",
    "（2024）京0105财保12号",
    "（2024）京0105行初3号",
    "京0105执1234号",
    "（24）京0105执1234号",
    "（1989）京01执1号",
    f"（{NEXT_YEAR + 1}）京01执1号",
    "（2024）0105执1234号",
    "（2024）港0105执1号",
    "（2024）京010执1234号",
    "（2024）京010501执1234号",
    "（2024）京0105执0号",
    "（2024）京0105执1234567号",
    "（2024）京0105执号",
    "（2024）京0105执1234号之一",
    "（2024）京0105执1234号（2024）京0105执1235号",
    "2024-01-05",
    "13812345678",
    "",
    "   ",
]


@pytest.mark.parametrize(("text", "expected"), VALID_VARIANTS)
def test_a_case_number_written_any_usual_way_normalises_to_the_same_number(text, expected):
    assert normalise_case_number(text) == expected


@pytest.mark.parametrize("text", INVALID_VARIANTS)
def test_anything_but_an_enforcement_case_number_is_rejected(text):
    with pytest.raises(InvalidCaseNumber):
        normalise_case_number(text)


def test_a_civil_number_is_rejected_naming_its_type_code():
    with pytest.raises(InvalidCaseNumber, match="民初"):
        normalise_case_number("（2024）京0105民初1234号")


def test_the_canonical_form_uses_full_width_brackets_and_no_leading_zeros():
    assert str(normalise_case_number("(2024)京0105执001234")) == "（2024）京0105执1234号"


def test_a_case_number_cannot_be_built_with_a_non_enforcement_type_code():
    with pytest.raises(InvalidCaseNumber):
        CaseNumber(2024, "京0105", "民初", 1)


REMARKS = [
    ("（2024）京0105执1234号", [BEIJING_1234]),
    ("案号（2024）京0105执1234号", [BEIJING_1234]),
    ("案号:2024京0105执1234号", [BEIJING_1234]),
    ("执行款(2024)京0105执1234号张三", [BEIJING_1234]),
    ("还款 2024京0105执1234", [BEIJING_1234]),
    ("张三2024京0105执1234号13812345678", [BEIJING_1234]),
    ("张三 13812345678 （2024）京0105执1234号", [BEIJING_1234]),
    ("138123456782024京0105执1234号", [BEIJING_1234]),
    ("〔2024〕京0105执1234号执行款", [BEIJING_1234]),
    ("（２０２４）京０１０５执１２３４号 还款", [BEIJING_1234]),
    ("2024 京 0105 执 1234 号", [BEIJING_1234]),
    ("2024年京0105执1234号执行款", [BEIJING_1234]),
    ("2024京0105执00001234号", [BEIJING_1234]),
    ("【2024】京01执恢56号 李四还款", [CaseNumber(2024, "京01", "执恢", 56)]),
    ("代张三支付（2023）京执复12号案款", [CaseNumber(2023, "京", "执复", 12)]),
    ("（2022）最高法执监88号", [CaseNumber(2022, "最高法", "执监", 88)]),
    ("执行案款/2024沪0115执保300/王五", [CaseNumber(2024, "沪0115", "执保", 300)]),
    (
        "案号 2024京0105执1234 2023京01执恢5",
        [BEIJING_1234, CaseNumber(2023, "京01", "执恢", 5)],
    ),
    ("（2024）京0105执1234号、（2024）京0105执1234号", [BEIJING_1234]),
    (
        "(2024)京0105执1235号;(2024)京0105执1234号;(2024)京0105执1235号",
        [CaseNumber(2024, "京0105", "执", 1235), BEIJING_1234],
    ),
    ("依据（2023）京0105民初567号判决 执行（2024）京0105执1234号", [BEIJING_1234]),
    ("2024京0105执1234号 电话13812345678 身份证11010519900101123X", [BEIJING_1234]),
    ("2024执1234号 张三", []),
    ("执1234号还款", []),
    ("（2024）京0105民初1234号判决书", []),
    ("依据（2023）京0105民终567号判决 还款", []),
    ("（2024）京0105刑初7号 罚金", []),
    ("电话13812345678", []),
    ("身份证110105199001011234", []),
    ("账号6222021234567890123", []),
    ("2024-01-05 还款", []),
    ("2024年1月5日 执行款", []),
    ("执行款 20240105", []),
    ("2024京0105执123413812345678", []),
    ("（2024）京0105执行款", []),
    ("（1989）京01执1号", []),
    ("", []),
]


@pytest.mark.parametrize(("remark", "expected"), REMARKS)
def test_every_enforcement_case_number_is_found_in_a_remark_and_nothing_else(remark, expected):
    assert find_case_numbers(remark) == expected


YEARS = st.integers(min_value=1990, max_value=NEXT_YEAR)
ABBREVIATIONS = st.sampled_from(COURT_ABBREVIATIONS)
COURT_CODES = st.one_of(
    st.just("最高法"),
    ABBREVIATIONS,
    st.builds(lambda a, n: f"{a}{n:02d}", ABBREVIATIONS, st.integers(0, 99)),
    st.builds(lambda a, n: f"{a}{n:04d}", ABBREVIATIONS, st.integers(0, 9999)),
)
CASE_NUMBERS = st.builds(
    CaseNumber,
    year=YEARS,
    court_code=COURT_CODES,
    type_code=st.sampled_from(ENFORCEMENT_TYPE_CODES),
    sequence=st.integers(min_value=1, max_value=999999),
)
BRACKETS = st.sampled_from(["（）", "()", "〔〕", "[]", "【】", "［］", "﹝﹞", "  "])
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@st.composite
def written_variants(draw, number: CaseNumber) -> str:
    opening, closing = draw(BRACKETS)
    padding = "0" * draw(st.integers(0, 3))
    suffix = draw(st.sampled_from(["号", "", " 号"]))
    text = f"{opening}{number.year}{closing}{number.court_code} {number.type_code}"
    text += f"{padding}{number.sequence}{suffix}"
    return text.translate(FULL_WIDTH) if draw(st.booleans()) else text


@given(CASE_NUMBERS)
def test_the_canonical_form_normalises_back_to_the_same_number(number):
    assert normalise_case_number(str(number)) == number


@given(st.data(), CASE_NUMBERS)
def test_every_bracket_and_digit_width_variant_normalises_to_the_same_number(data, number):
    assert normalise_case_number(data.draw(written_variants(number))) == number


@given(
    st.data(),
    CASE_NUMBERS,
    st.sampled_from(["", "案号", "执行款", "还款 ", "张三", "13812345678 "]),
    st.sampled_from(["", "张三", " 13812345678", "执行款", "（2023）京0105民初5号判决"]),
)
def test_a_case_number_is_found_whatever_surrounds_it(data, number, before, after):
    written = data.draw(written_variants(number))
    remark = f"{before}{written}" + ("号" if not written.endswith("号") else "") + after
    assert find_case_numbers(remark) == [number]
