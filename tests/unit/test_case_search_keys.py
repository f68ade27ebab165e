"""Search keys of cases and what a search box's text means."""

from reconcile.case_search import fold, name_keys, number_keys, prefix_range, read_query


def test_a_case_number_is_found_from_its_year_court_type_or_sequence():
    assert number_keys("（2024）京0105执恢1234号") == [
        "2024京0105执恢1234",
        "京0105执恢1234",
        "执恢1234",
        "1234",
    ]


def test_a_name_is_found_from_each_of_its_characters_on():
    assert name_keys("张伟") == ["张伟"]
    assert name_keys("北京 华信") == ["北京华信", "京华信", "华信"]
    assert name_keys("王") == ["王"]
    assert len(name_keys("长" * 300)) == 40 and max(map(len, name_keys("长" * 300))) == 64


def test_brackets_spaces_width_and_case_do_not_matter():
    assert (
        fold("（２０２４）京0105 执１２３４号")
        == fold("〔2024〕京0105执1234号")
        == "2024京0105执1234号"
    )
    assert fold("ABC Trading") == "abctrading"


def test_a_whole_case_number_is_matched_exactly_and_a_part_by_prefix():
    whole = read_query("[2024]京0105执1234号")
    assert whole.case_number == "（2024）京0105执1234号" and whole.prefixes == ()
    part = read_query("(2024)京0105执12")
    assert part.case_number is None and part.prefixes == ("2024京0105执12",)
    assert read_query("6222 0202-0077").digits == "622202020077"
    assert read_query("张伟").digits is None


def test_a_prefix_range_holds_exactly_the_strings_that_begin_with_it():
    low, high = prefix_range("京0105执")
    inside = ["京0105执", "京0105执1", "京0105执恢88", "京0105执\U0010ffff"]
    outside = ["京0105", "京0105扶", "京0106执1", "京0105执"[:-1] + "扩"]
    assert all(low <= s < high for s in inside)
    assert not any(low <= s < high for s in outside)
