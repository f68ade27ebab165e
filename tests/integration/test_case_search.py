"""The case list of the API: one search box, filters, sort and pages by key."""

from __future__ import annotations

import pytest
from sqlalchemy import func, insert, select

from reconcile.clock import utc_now
from reconcile.db.tables_alerts import alerts
from reconcile.db.tables_search import case_search_keys
from tests.integration.statement_files import Row, csv_statement, upload


def _applicant(name: str, account: str) -> list[dict]:
    return [
        {
            "name": name,
            "payee_accounts": [
                {"account_number": account, "account_name": name, "bank_name": "交通银行"}
            ],
        }
    ]


@pytest.fixture
def three(register_case) -> dict:
    """Three cases with distinct numbers, parties and accounts."""
    return {
        "zhang": register_case(
            case_number="(2024)京0105执1234号",
            respondents=[{"name": "张伟", "accounts": []}],
            applicants=_applicant("北京华信商贸有限公司", "110060149018800012345"),
        ),
        "li": register_case(
            case_number="（2025）京0105执12号",
            respondents=[{"name": "李娜", "accounts": []}],
            applicants=_applicant("上海东方建设集团", "622202020077788899"),
        ),
        "wang": register_case(
            case_number="〔2025〕京0105执恢88号",
            respondents=[{"name": "王强", "accounts": []}],
            applicants=_applicant("张伟明", "955880000123"),
        ),
    }


def _search(client, asking, **query) -> dict:
    response = client.get("/api/v1/cases", query_string=query, headers=asking.headers("finance"))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _numbers(page: dict) -> list[str]:
    return [item["case_number"] for item in page["items"]]


@pytest.mark.parametrize(
    "written",
    [
        "（2024）京0105执1234号",
        "(2024)京0105执1234号",
        "〔2024〕京0105执1234号",
        "2024京0105执1234",
    ],
)
def test_a_whole_or_partial_number_in_any_bracket_style_finds_its_case(
    client, court, three, written
):
    page = _search(client, court, q=written)
    assert _numbers(page) == ["（2024）京0105执1234号"]
    assert page["items"][0]["match"] == {"kind": "case_number"}


def test_a_sequence_or_a_court_and_type_prefix_finds_every_case_it_begins(client, court, three):
    assert _numbers(_search(client, court, q="1234")) == ["（2024）京0105执1234号"]
    assert _numbers(_search(client, court, q="12")) == [
        "（2025）京0105执12号",
        "（2024）京0105执1234号",
    ]
    assert len(_numbers(_search(client, court, q="京0105执"))) == 3  # 执恢 begins with 执
    assert _numbers(_search(client, court, q="京0105执恢")) == ["（2025）京0105执恢88号"]
    assert _numbers(_search(client, court, q="（2025）京0105")) == [
        "（2025）京0105执恢88号",
        "（2025）京0105执12号",
    ]


def test_a_party_name_finds_its_cases_as_applicant_or_respondent(client, court, three):
    page = _search(client, court, q="张伟")
    assert _numbers(page) == ["（2025）京0105执恢88号", "（2024）京0105执1234号"]
    assert {item["match"]["kind"] for item in page["items"]} == {"party"}
    assert _numbers(_search(client, court, q="华信")) == ["（2024）京0105执1234号"]
    assert _numbers(_search(client, court, q="李娜")) == ["（2025）京0105执12号"]
    assert _search(client, court, q="赵六")["items"] == []


def test_a_payee_account_finds_its_case(client, court, three):
    page = _search(client, court, q="6222 0202 0077 7888 99")
    assert _numbers(page) == ["（2025）京0105执12号"]
    assert page["items"][0]["match"] == {"kind": "account"}


def test_a_sub_account_finds_its_case_and_one_digit_off_offers_it(client, court, three):
    number = three["li"]["sub_account_number"]
    page = _search(client, court, q=number)
    assert _numbers(page) == ["（2025）京0105执12号"]
    assert page["items"][0]["match"] == {"kind": "sub_account"}
    typo = number[:6] + str((int(number[6]) + 1) % 10) + number[7:]
    offered = _search(client, court, q=typo)
    assert _numbers(offered) == ["（2025）京0105执12号"]
    assert offered["items"][0]["match"] == {
        "kind": "sub_account_near_miss",
        "reason": "one digit differs at position 7",
    }
    swapped = number[:8] + number[9] + number[8] + number[10:]
    if swapped != number:
        assert _numbers(_search(client, court, q=swapped)) == ["（2025）京0105执12号"]


def test_another_courts_cases_are_never_found(client, court, other_court, three):
    from tests.integration.conftest import case_body

    other = client.post(
        "/api/v1/cases",
        json=case_body(other_court.code, respondents=[{"name": "张伟", "accounts": []}]),
        headers=other_court.headers("enforcement"),
    ).get_json()
    assert other["case_number"] not in _numbers(_search(client, court, q="张伟"))
    assert _search(client, court, q=other["sub_account_number"])["items"] == []
    assert _search(client, court, court=other_court.code)["items"] == []


def test_filters_status_held_available_and_overdue(client, court, engine, three):
    zhang, li = three["zhang"], three["li"]
    rows = [Row("2026-11-02", "300.00", "张伟", "", "", sub_account=zhang["sub_account_number"])]
    rows.append(Row("2026-11-02", "80.00", "李娜", "", "", sub_account=li["sub_account_number"]))
    assert upload(client, court, csv_statement(rows)).status_code == 201
    held = client.post(
        f"/api/v1/cases/{li['id']}/holds",
        json={"amount": "30.00", "reason": "执行异议", "document_reference": "（2026）异1号"},
        headers=court.headers("enforcement"),
    )
    assert held.status_code == 201, held.get_json()
    closed = client.patch(
        f"/api/v1/cases/{three['wang']['id']}",
        json={"status": "closed", "closure_type": "completed"},
        headers=court.headers("enforcement"),
    )
    assert closed.status_code == 200, closed.get_json()
    with engine.begin() as conn:
        conn.execute(
            insert(alerts).values(
                kind="notice_overdue",
                severity="warning",
                court=court.code,
                subject=f"case:{zhang['id']}",
                case_id=zhang["id"],
                facts={},
                status="open",
                raised_at=utc_now(),
            )
        )
    assert _numbers(_search(client, court, held="true")) == [li["case_number"]]
    assert _numbers(_search(client, court, available_gt="100.00")) == [zhang["case_number"]]
    assert set(_numbers(_search(client, court, available_gt="0.00"))) == {
        zhang["case_number"],
        li["case_number"],
    }
    assert _numbers(_search(client, court, status="closed")) == [three["wang"]["case_number"]]
    assert _numbers(_search(client, court, overdue="true")) == [zhang["case_number"]]
    assert zhang["case_number"] not in _numbers(_search(client, court, overdue="false"))
    assert _numbers(_search(client, court, q="张伟", status="open")) == [zhang["case_number"]]
    by_available = _search(client, court, sort="available", order="desc")
    assert _numbers(by_available)[:2] == [zhang["case_number"], li["case_number"]]
    assert by_available["items"][1]["balance"]["available"] == "50.00"


def test_pages_follow_the_cursor_in_each_order_without_gaps_or_repeats(
    client, court, register_case
):
    made = [register_case(filed_on=f"2026-0{1 + n % 3}-1{n}") for n in range(7)]
    for sort in ("registered", "filed_on"):
        for order in ("asc", "desc"):
            seen, cursor = [], None
            while True:
                query = {"limit": 3, "sort": sort, "order": order}
                page = _search(client, court, **query, **({"cursor": cursor} if cursor else {}))
                seen += [(item["filed_on"], item["id"]) for item in page["items"]]
                cursor = page["next_cursor"]
                if cursor is None:
                    break
            expected = sorted(
                ((c["filed_on"], c["id"]) for c in made),
                key=(lambda x: x[1]) if sort == "registered" else None,
                reverse=order == "desc",
            )
            assert seen == expected, (sort, order)


SORTS = ("registered", "filed_on", "received", "available")
BAD_CURSORS = ("-1.5", "5", "1.2.3", f"{2**63}.1", f"1.{2**64}", "²", "1_0.1", "a.b")


def _cursor(text: str) -> str:
    import base64

    return base64.urlsafe_b64encode(text.encode()).decode()


def test_a_bad_filter_or_cursor_is_a_422_never_a_500(client, court, three):
    for query in (
        {"status": "lost"},
        {"sort": "name"},
        {"available_gt": "1.234"},
        {"cursor": "bm90LWEtY3Vyc29y"},
        *({"cursor": _cursor(text), "sort": sort} for text in BAD_CURSORS for sort in SORTS),
        {"q": "x" * 300},
    ):
        response = client.get("/api/v1/cases", query_string=query, headers=court.headers("finance"))
        assert response.status_code == 422, query
    huge = _cursor(f"{2**63 - 1}.{2**63 - 1}")
    for sort in SORTS:  # the largest cursor there can be: an empty page, not an error
        page = _search(client, court, cursor=huge, sort=sort, order="asc")
        assert page["items"] == [], sort


def test_the_exact_case_number_lookup_still_answers(client, court, three):
    page = _search(client, court, case_number="(2024)京0105执1234号")
    assert _numbers(page) == ["（2024）京0105执1234号"] and page["next_cursor"] is None


def test_registration_writes_the_search_keys(engine, three):
    with engine.connect() as conn:
        keys = set(
            conn.execute(
                select(case_search_keys.c.key).where(
                    case_search_keys.c.case_id == three["zhang"]["id"]
                )
            ).scalars()
        )
        total = conn.execute(select(func.count()).select_from(case_search_keys)).scalar_one()
    assert {
        "2024京0105执1234",
        "京0105执1234",
        "执1234",
        "1234",
        "张伟",
        "华信商贸有限公司",
    } <= keys
    assert total > 12


def test_pages_by_a_balance_follow_the_cursor_through_ties(client, court, register_case):
    made = [register_case() for _ in range(6)]
    rows = [
        Row("2026-11-02", amount, "甲", "", "", sub_account=case["sub_account_number"])
        for case, amount in zip(made, ["50.00", "50.00", "70.00", "50.00"], strict=False)
    ]
    assert upload(client, court, csv_statement(rows)).status_code == 201
    for sort in ("available", "received"):
        for order in ("asc", "desc"):
            seen, cursor = [], None
            while True:
                query = {"limit": 2, "sort": sort, "order": order}
                page = _search(client, court, **query, **({"cursor": cursor} if cursor else {}))
                seen += [(item["balance"][sort], item["id"]) for item in page["items"]]
                cursor = page["next_cursor"]
                if cursor is None:
                    break
            expected = sorted(
                ((c["balance"][sort], c["id"]) for c in _all(client, court)),
                key=lambda pair: (float(pair[0]), pair[1]),
                reverse=order == "desc",
            )
            assert seen == expected and len(seen) == 6, (sort, order)


def _all(client, court) -> list[dict]:
    return _search(client, court, limit=500)["items"]
