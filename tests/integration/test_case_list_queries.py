"""The case list (案件) sends as many SQL statements for a page of 12 cases as of 3: what a
case's row shows of its payments (paid and reserved per applicant, fees paid) is read for
the page at once (it was two statements a case: 113 for a page of 50, 408 ms for its
download on PostgreSQL at 100,000 cases)."""

from __future__ import annotations

from sqlalchemy import event

from tests.integration.staff_pages import sign_in, staff  # noqa: F401 (fixture)


def test_the_case_list_sends_as_many_statements_for_12_cases_as_for_3(
    client,
    staff,  # noqa: F811
    register_case,
    engine,
):
    sign_in(client, staff("finance"))
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    def statements(path: str) -> int:
        client.get(path)  # what a process reads once
        seen.clear()
        event.listen(engine, "before_cursor_execute", record)
        try:
            assert client.get(path).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", record)
        return len(seen)

    for _ in range(3):
        register_case()
    three = [statements("/cases"), statements("/cases?format=csv&scope=page")]
    for _ in range(9):
        register_case()
    assert [statements("/cases"), statements("/cases?format=csv&scope=page")] == three
