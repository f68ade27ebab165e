"""Implausible booking dates refuse the file, through the API and the CLI; nothing changes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from api.cli import cli
from reconcile.booking_window import BookingWindow
from reconcile.clock import local_today
from reconcile.db.tables_statements import statement_imports, statement_lines
from tests.integration.statement_files import Row, csv_statement, upload


def stored(engine) -> tuple[int, int]:
    with engine.connect() as conn:
        return tuple(
            conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (statement_imports, statement_lines)
        )


def statement_with(day: date) -> bytes:
    today = local_today().isoformat()
    return csv_statement(
        [
            Row(today, "100.00", "张伟", "6222020200112233445", "执行款", reference="B1"),
            Row(day.isoformat(), "50.00", "李四", "6222999900001111", "还款", reference="B2"),
        ]
    )


@pytest.mark.parametrize(
    "offset",
    [timedelta(days=2), timedelta(days=3650 * 5), -timedelta(days=366 * 10 + 3)],
    ids=["two days ahead", "years ahead", "over ten years ago"],
)
def test_a_line_booked_outside_the_window_refuses_the_file(client, court, engine, offset):
    response = upload(client, court, statement_with(local_today() + offset), name="bad.csv")
    assert response.status_code == 422, response.get_json()
    problem = response.get_json()
    assert problem["code"] == "invalid_file"
    assert (problem["file"], problem["line"], problem["field"]) == ("bad.csv", 3, "booked_on")
    assert "bad.csv, line 3, booked_on" in problem["detail"]
    assert stored(engine) == (0, 0)


def test_a_line_booked_tomorrow_is_within_the_tolerance(client, court):
    response = upload(client, court, statement_with(local_today() + timedelta(days=1)))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["lines_new"] == 2


def test_a_preview_refuses_the_same_dates(client, court, engine):
    response = upload(
        client,
        court,
        statement_with(local_today() + timedelta(days=30)),
        query_string={"dry_run": "true"},
    )
    assert response.status_code == 422
    assert response.get_json()["field"] == "booked_on"
    assert stored(engine) == (0, 0)


def test_the_earliest_date_is_a_setting(app, client, court, engine):
    a_month_ago = local_today() - timedelta(days=30)
    app.extensions["reconcile"].settings["imports"]["booking_not_before"] = (
        local_today() - timedelta(days=7)
    ).isoformat()
    response = upload(client, court, statement_with(a_month_ago))
    assert response.status_code == 422
    assert "the earliest date accepted" in response.get_json()["detail"]
    assert stored(engine) == (0, 0)


def test_the_cli_refuses_the_file_with_exit_2_and_stores_nothing(
    court, engine, database_url, monkeypatch, tmp_path
):
    monkeypatch.setenv("RECONCILE_DATABASE_URL", database_url)
    path = tmp_path / "future.csv"
    path.write_bytes(statement_with(local_today() + timedelta(days=10)))
    result = CliRunner().invoke(cli, ["import", str(path), "--account", court.account])
    assert result.exit_code == 2, result.output
    assert "future.csv, line 3, booked_on" in result.output
    assert "in the future" in result.output
    assert stored(engine) == (0, 0)


@pytest.mark.parametrize("command", ["import", "parse"])
def test_the_cli_names_the_known_profiles_for_an_unknown_one(
    court, database_url, monkeypatch, tmp_path, command
):
    monkeypatch.setenv("RECONCILE_DATABASE_URL", database_url)
    path = tmp_path / "s.csv"
    path.write_bytes(statement_with(local_today()))
    result = CliRunner().invoke(cli, [command, str(path), "--format", "csv:NOSUCH"])
    assert result.exit_code == 2, result.output
    assert "unknown statement profile 'NOSUCH'" in result.output
    assert "known profiles: abc, alipay, auto" in result.output
    assert "Traceback" not in result.output


def test_a_profile_name_in_another_case_is_the_same_profile(
    court, database_url, monkeypatch, tmp_path
):
    monkeypatch.setenv("RECONCILE_DATABASE_URL", database_url)
    path = tmp_path / "s.csv"
    path.write_bytes(statement_with(local_today()))
    result = CliRunner().invoke(cli, ["parse", str(path), "--format", "csv:AUTO"])
    assert result.exit_code == 0, result.output


def test_the_window_reads_its_settings():
    window = BookingWindow.from_settings(
        {"booking_future_days": 0, "booking_past_years": 0, "booking_not_before": "2020-01-01"}
    )
    today = date(2026, 12, 3)
    assert window.bounds(today) == (date(2020, 1, 1), today)
    assert BookingWindow().bounds(date(2028, 2, 29)) == (date(2018, 2, 28), date(2028, 3, 1))


@pytest.mark.parametrize(
    ("ahead", "status"), [(10, 201), (400, 422)], ids=["forward value", "years ahead"]
)
def test_a_value_date_may_be_weeks_ahead_of_the_booking_not_years(client, court, ahead, status):
    today = local_today()
    value_day = (today + timedelta(days=ahead)).isoformat()
    data = (
        f"交易日期,起息日,收入金额,支出金额,余额,摘要\n{today},{value_day},100.00,,100.00,执行款\n"
    )
    response = upload(client, court, data.encode(), name="v.csv")
    assert response.status_code == status, response.get_json()
    if status == 422:
        assert (response.get_json()["line"], response.get_json()["field"]) == (2, "value_date")
