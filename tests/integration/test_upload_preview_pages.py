"""The upload page previews a file before anything is booked; 确认导入 imports it."""

import io

from sqlalchemy import func, select

from reconcile.db.tables_statements import statement_lines, upload_previews
from tests.integration.staff_pages import post_form, sign_in, staff
from tests.integration.statement_files import Row, csv_statement

__all__ = ["staff"]


def lines_stored(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(statement_lines)).scalar_one()


def previewed(client, staff, court, rows, *, user="finance", filename="流水.csv") -> str:
    assert sign_in(client, staff("finance", user)).status_code == 302
    response = post_form(
        client,
        "/statements/upload",
        "/statements/upload",
        file=(io.BytesIO(csv_statement(rows)), filename),
        account=court.account,
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


ROWS = [
    Row("2026-11-16", "50.00", "甲", "6222000000000001", "货款", reference="P1"),
    Row("2026-11-17", "-20.00", "乙", "6222000000000002", "转账", reference="P2"),
]


def test_the_preview_books_nothing_and_shows_totals_outcomes_and_warnings(
    client, staff, court, engine
):
    url = previewed(client, staff, court, ROWS)
    page = client.get(url).get_data(as_text=True)
    assert lines_stored(engine) == 0
    assert "50.00" in page and "20.00" in page  # money in, money out
    assert page.count('data-testid="preview-line"') == 2
    assert "可疑支出" in page and "收款账户未经法律文书载明" in page
    assert "这可能不是执行款专户的流水" in page  # nothing for cases, a debit flagged
    only_orphans = client.get(url, query_string={"outcome": "orphan"}).get_data(as_text=True)
    assert only_orphans.count('data-testid="preview-line"') == 1


def test_confirming_imports_the_kept_file_once_without_a_second_upload(
    client, staff, court, engine
):
    url = previewed(client, staff, court, ROWS)
    confirmed = post_form(client, url, f"{url}/confirm")
    assert "/statements/" in confirmed.headers["Location"]
    assert lines_stored(engine) == 2
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(upload_previews)).scalar_one() == 0
    again = post_form(client, "/statements/upload", f"{url}/confirm")
    assert again.headers["Location"].endswith("/statements/upload")  # gone: nothing twice
    assert lines_stored(engine) == 2


def test_cancelling_forgets_the_file_and_imports_nothing(client, staff, court, engine):
    url = previewed(client, staff, court, ROWS)
    post_form(client, url, f"{url}/discard")
    assert client.get(url).headers["Location"].endswith("/statements/upload")
    assert lines_stored(engine) == 0


def test_another_user_cannot_see_or_confirm_a_preview(client, app, staff, court, engine):
    url = previewed(client, staff, court, ROWS)
    other = app.test_client()
    assert sign_in(other, staff("finance", "另一位会计")).status_code == 302
    assert other.get(url).headers["Location"].endswith("/statements/upload")
    post_form(other, "/statements/upload", f"{url}/confirm")
    assert lines_stored(engine) == 0


def test_an_expired_preview_is_gone(client, staff, court, engine, settings):
    settings["imports"]["preview_keep_minutes"] = 0
    url = previewed(client, staff, court, ROWS)
    assert client.get(url).headers["Location"].endswith("/statements/upload")
    post_form(client, "/statements/upload", f"{url}/confirm")
    assert lines_stored(engine) == 0


def test_the_preview_page_speaks_english_too(client, staff, court):
    url = previewed(client, staff, court, ROWS)
    post_form(client, url, "/language", language="en", next=url)
    page = client.get(url).get_data(as_text=True)
    assert "Confirm import" in page and "Flagged debit" in page and "确认导入" not in page
