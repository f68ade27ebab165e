"""登记案件 in the staff pages (/cases/new, #19): what POST /api/v1/cases does, through the
same use case — the same parties, payee accounts and audit record; a refusal at the form,
in Chinese, with the input kept; a role that may not register gets 403."""

from __future__ import annotations

import itertools

from reconcile.db import audit_log
from tests.integration.staff_pages import post_form, sign_in, staff

__all__ = ["staff"]

_numbers = itertools.count(7100)


def text(response) -> str:
    return response.get_data(as_text=True)


def form_fields(court_code: str, **overrides) -> dict:
    """The form of a case with two applicants (one with a payee account) and a respondent."""
    fields = {
        "case_number": f"(2026)京0105执{next(_numbers)}号",
        "court": court_code,
        "amount_due": "500000.00",
        "a1_name": "北京华信商贸有限公司",
        "a1_amount_due": "300000.00",
        "a1_order": "1",
        "a1_account_number": "110060149018800012345",
        "a1_account_name": "北京华信商贸有限公司",
        "a1_bank_name": "交通银行北京朝阳支行",
        "a2_name": "李娜",
        "a2_amount_due": "200000.00",
        "a2_order": "2",
        "a3_name": "",
        "r1_name": "张伟",
        "r1_account_number": "6222020200112233445",
        "r2_name": "",
        "r2_account_number": "",
    }
    return {**fields, **overrides}


def api_body(fields: dict, case_number: str) -> dict:
    """The API's body of the same registration."""
    return {
        "case_number": case_number,
        "court": fields["court"],
        "amount_due": fields["amount_due"],
        "applicants": [
            {
                "name": fields["a1_name"],
                "amount_due": fields["a1_amount_due"],
                "order": 1,
                "payee_accounts": [
                    {
                        "account_number": fields["a1_account_number"],
                        "account_name": fields["a1_account_name"],
                        "bank_name": fields["a1_bank_name"],
                    }
                ],
            },
            {
                "name": fields["a2_name"],
                "amount_due": fields["a2_amount_due"],
                "order": 2,
                "payee_accounts": [],
            },
        ],
        "respondents": [
            {
                "name": fields["r1_name"],
                "accounts": [{"account_number": fields["r1_account_number"]}],
            }
        ],
    }


def _comparable(case: dict) -> dict:
    """A case view without what differs between two registrations of the same parties."""
    drop = ("id", "case_number", "case_number_raw", "sub_account_number", "party_id")

    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in drop}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return strip(case)


def test_a_page_post_registers_the_case_as_the_api_does(client, court, staff, engine):
    staff("enforcement", "执行法官")
    sign_in(client, "执行法官")
    listed = text(client.get("/cases"))
    assert 'data-testid="register-case-link"' in listed and "登记案件" in listed
    fields = form_fields(court.code)
    answer = post_form(client, "/cases/new", "/cases/new", **fields)
    assert answer.status_code == 302, text(answer)
    case_id = int(answer.headers["Location"].rsplit("/", 1)[1])
    page = text(client.get(answer.headers["Location"]))
    number = fields["case_number"].replace("(", "（").replace(")", "）")
    assert f"已登记案件 {number}" in page
    assert "110060149018800012345" in page and "李娜" in page

    headers = court.headers("enforcement")
    by_page = client.get(f"/api/v1/cases/{case_id}", headers=headers).get_json()
    twin_number = f"（2026）京0105执{next(_numbers)}号"
    by_api = client.post("/api/v1/cases", json=api_body(fields, twin_number), headers=headers)
    assert by_api.status_code == 201, by_api.get_json()
    by_api = by_api.get_json()
    assert by_page["case_number"] == number
    assert by_page["amount_due"] == "500000.00"
    assert [a["name"] for a in by_page["applicants"]] == ["北京华信商贸有限公司", "李娜"]
    assert by_page["applicants"][0]["payee_accounts"] == [
        {
            "account_number": "110060149018800012345",
            "account_name": "北京华信商贸有限公司",
            "bank_name": "交通银行北京朝阳支行",
        }
    ]
    assert [(a["amount_due"], a["order"]) for a in by_page["applicants"]] == [
        ("300000.00", 1),
        ("200000.00", 2),
    ]
    assert by_page["respondents"][0]["accounts"][0]["account_number"] == "6222020200112233445"
    assert _comparable(by_page) == _comparable(by_api)

    with engine.connect() as conn:
        [page_record] = audit_log.records_for(conn, "case", str(case_id))
        [api_record] = audit_log.records_for(conn, "case", str(by_api["id"]))
    assert page_record["action"] == api_record["action"] == "case.registered"
    assert (page_record["role"], page_record["court"]) == ("enforcement", court.code)
    assert page_record["actor"] != api_record["actor"]  # the signed-in judge, not the token
    assert page_record["after"]["case_number"] == number
    assert _comparable(page_record["after"]) == _comparable(api_record["after"])


def _cases(client, court) -> list[dict]:
    found = client.get("/api/v1/cases", headers=court.headers("enforcement")).get_json()
    return found["items"]


def test_a_bad_case_number_is_refused_at_the_form_in_chinese_with_the_input_kept(
    client, court, staff
):
    staff("enforcement", "执行法官")
    sign_in(client, "执行法官")
    fields = form_fields(court.code, case_number="2026京0105执")
    answer = post_form(client, "/cases/new", "/cases/new", **fields)
    assert answer.status_code == 422
    shown = text(answer)
    assert 'data-testid="refusal-register"' in shown
    assert "“2026京0105执”不是（2024）京0105执1234号格式的案号" in shown
    assert "is not a case number" not in shown
    for kept in ("2026京0105执", "北京华信商贸有限公司", "110060149018800012345", "300000.00"):
        assert f'value="{kept}"' in shown
    assert _cases(client, court) == []


def test_a_bad_amount_or_no_payee_account_is_refused_at_the_form(client, court, staff):
    staff("enforcement", "执行法官")
    sign_in(client, "执行法官")
    wrong = post_form(
        client, "/cases/new", "/cases/new", **form_fields(court.code, amount_due="12.345")
    )
    assert wrong.status_code == 422
    assert "申请执行标的须为大于零的金额" in text(wrong) and 'value="12.345"' in text(wrong)
    zero = post_form(
        client, "/cases/new", "/cases/new", **form_fields(court.code, a2_amount_due="0")
    )
    assert zero.status_code == 422 and "申请执行人的应得金额须为大于零的金额" in text(zero)
    long = post_form(
        client, "/cases/new", "/cases/new", **form_fields(court.code, a2_name="名" * 201)
    )
    assert long.status_code == 422 and "“姓名或名称”最多 200 个字符。" in text(long)
    no_account = form_fields(court.code, a1_account_number="", a1_account_name="", a1_bank_name="")
    refused = post_form(client, "/cases/new", "/cases/new", **no_account)
    assert refused.status_code == 422
    assert 'data-testid="refusal-register"' in text(refused)
    assert "art. 20" not in text(refused) and "账户" in text(refused)
    assert _cases(client, court) == []


def test_a_role_that_may_not_register_gets_403_and_no_button(client, court, staff):
    staff("finance", "财务")
    sign_in(client, "财务")
    assert "register-case-link" not in text(client.get("/cases"))
    assert client.get("/cases/new").status_code == 403
    # a CSRF token of a page it may open (the sign-out form): refused by role, not by token
    answer = post_form(client, "/", "/cases/new", **form_fields(court.code))
    assert answer.status_code == 403
    assert _cases(client, court) == []
