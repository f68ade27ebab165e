"""The charts page's figures: orphan ageing bands, alerts per week, deadline load."""

from __future__ import annotations

import re
from datetime import timedelta

from reconcile.clock import local_today
from reconcile.services import charts
from tests.integration.alerting import raise_many
from tests.integration.staff_pages import sign_in, staff
from tests.integration.statement_files import Row, csv_statement, upload

__all__ = ["staff"]  # the fixture


def test_orphans_fall_in_their_age_band_with_their_sum(client, uow, admin, court):
    today = local_today()
    ages = {3: "100.00", 7: "0.50", 8: "200.00", 45: "300.00", 91: "400.00", 200: "5.00"}
    rows = [
        Row((today - timedelta(days=age)).isoformat(), amount, "赵敏", "6214830100456789", "转账")
        for age, amount in sorted(ages.items(), reverse=True)
    ]
    assert upload(client, court, csv_statement(rows)).status_code == 201
    bands = charts.orphan_ageing(uow(), admin, today)
    assert [(b["band"], b["count"], b["amount"]) for b in bands] == [
        ("0-7", 2, 10050),
        ("8-30", 1, 20000),
        ("31-90", 1, 30000),
        ("90+", 2, 40500),
    ]


def test_alerts_are_counted_per_week_and_kind_and_deadlines_by_load(uow, admin, court):
    raise_many(uow, court.code, 2)
    raise_many(uow, court.code, 3, kind="notice_overdue", facts={})
    raise_many(uow, court.code, 1, kind="notice_due_soon", facts={})
    weeks = charts.alerts_per_week(uow(), admin, local_today(), 8)
    assert len(weeks) == 8 and weeks[-1]["week"].weekday() == 0
    assert weeks[-1]["kinds"] == {"orphan_funds": 2, "notice_overdue": 3, "notice_due_soon": 1}
    assert all(w["kinds"] == {} for w in weeks[:-1])
    load = charts.deadline_load(uow(), admin)
    assert load == {
        "due_week": {"notice_due_soon": 1},
        "overdue": {"notice_overdue": 3, "payment_overdue": 0},
    }


def test_the_page_draws_svg_for_finance_and_not_for_enforcement(client, uow, staff, court):
    raise_many(uow, court.code, 2, kind="notice_overdue", facts={})
    sign_in(client, staff("finance", "会计"))
    page = client.get("/reports/charts").get_data(as_text=True)
    assert page.count('<svg class="chart"') == 4  # no statement yet: no balance line
    assert "该期间没有银行余额数据" in page
    assert "<script" not in page.split("<main", 1)[1]
    assert re.search(r"图表</a>", page)  # in the navigation
    other = client.application.test_client()
    sign_in(other, staff("enforcement", "执行员"))
    assert other.get("/reports/charts").status_code == 403
