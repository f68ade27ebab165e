"""The API says problems and alerts in the language `Accept-Language` asks for: Chinese by
default (API.md), English on request, from the one catalogue (issue #19)."""

from __future__ import annotations

import io
import re

import pytest

from tests.integration.test_intake_import import GOOD, export

CJK = re.compile(r"[\u4e00-\u9fff]")
MASKED = "9999****0000"


def refused_upload(client, court, language: str | None):
    headers = {"Authorization": f"Bearer {court.tokens['finance']}"}
    if language is not None:
        headers["Accept-Language"] = language
    form = {"file": (io.BytesIO(export(GOOD, f"账号:{MASKED}")), "s.csv")}
    response = client.post(
        "/api/v1/statements", data=form, content_type="multipart/form-data", headers=headers
    )
    assert response.status_code == 422
    return response.get_json()


@pytest.mark.parametrize("language", [None, "zh-CN,zh;q=0.9", "en;q=0.3, zh-TW;q=0.8"])
def test_a_problem_is_said_in_chinese_unless_english_is_asked_for(client, court, language):
    problem = refused_upload(client, court, language)
    assert problem["code"] == "account_mismatch"
    assert CJK.search(problem["title"]) and CJK.search(problem["detail"])
    assert MASKED in problem["detail"] and court.account in problem["detail"]
    assert not re.search(r"[A-Za-z]{4,}", problem["detail"].replace(MASKED, ""))


def test_english_is_said_when_asked_for(client, court):
    problem = refused_upload(client, court, "en-US,en;q=0.9")
    assert problem["title"] == "Account mismatch"
    assert problem["detail"] == (
        f"the file names account {MASKED}, which fits none of the registered collection "
        f"accounts ({court.account})"
    )


def test_a_nested_parse_error_is_said_in_the_language_too(client, court):
    data = export([*GOOD, "2026-11-04 09:00:00,,abc,1000.00,张伟,6222020200112233445,执行款,T4"])
    for language, word in (("zh", "行"), ("en", "line")):
        headers = {**court.headers("finance"), "Accept-Language": language}
        form = {"file": (io.BytesIO(data), "bad.csv"), "account": court.account}
        response = client.post(
            "/api/v1/statements", data=form, content_type="multipart/form-data", headers=headers
        )
        assert response.status_code == 422, response.get_json()
        problem = response.get_json()
        assert problem["code"] == "invalid_file"
        assert "bad.csv" in problem["detail"] and word in problem["detail"]
        assert problem["line"] == 5
        if language == "zh":
            assert not re.search(r"[A-Za-z]{4,}", problem["detail"].replace("bad.csv", ""))


def test_an_alert_and_the_note_the_service_wrote_are_said_in_the_language_asked(
    client, court, register_case
):
    data = export(["2026-11-02 09:00:00,,1000.00,1000.00,张伟,6222020200112233445,无备注,T1"])
    form = {"file": (io.BytesIO(data), "s.csv"), "account": court.account}
    response = client.post(
        "/api/v1/statements",
        data=form,
        content_type="multipart/form-data",
        headers=court.headers("finance"),
    )
    assert response.status_code == 201, response.get_json()
    case = register_case()
    alerts = {}
    for language in ("zh", "en"):
        headers = {**court.headers("desk"), "Accept-Language": language}
        listed = client.get("/api/v1/alerts?kind=orphan_funds", headers=headers).get_json()
        (alerts[language],) = listed["items"]
    assert alerts["zh"]["detail"].endswith("无法对应到唯一案件。")
    assert "1000.00 元" in alerts["zh"]["detail"]
    assert alerts["en"]["detail"].startswith("credit of 1000.00 yuan from 张伟")

    line_id = alerts["zh"]["transaction_id"]
    assigned = client.post(
        f"/api/v1/transactions/{line_id}/assign",
        json={"case_id": case["id"], "reason": "电话核实"},
        headers=court.headers("finance"),
    )
    assert assigned.status_code == 200, assigned.get_json()
    for language, said in (
        ("zh", f"已认领至案件 {case['case_number']}：电话核实"),
        ("en", f"assigned to case {case['case_number']}: 电话核实"),
    ):
        headers = {**court.headers("desk"), "Accept-Language": language}
        alert = client.get(f"/api/v1/alerts/{alerts['zh']['id']}", headers=headers).get_json()
        assert alert["status"] == "resolved"
        assert alert["resolve_note"] == said
