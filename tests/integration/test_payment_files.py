"""The payment file (付款文件, #21): each reviewed payment exported exactly once, in a batch
downloaded again unchanged; CSV, XLSX (numbers) and ISO 20022 pain.001 (valid)."""

import csv
import io
from pathlib import Path

import pytest
from lxml import etree
from openpyxl import load_workbook
from sqlalchemy import select

from reconcile.db.tables import audit_records
from tests.integration import court_flow
from tests.integration.court_flow import PAYEE, approved

settings = court_flow.settings
staff = court_flow.staff
funded = court_flow.funded

XSD = Path(__file__).resolve().parents[2] / "reconcile" / "schemas" / "pain.001.001.03.xsd"
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}


def export(client, headers, format_name="csv", **query):
    return client.get(
        "/api/v1/disbursements/payment-file",
        query_string={"format": format_name, **query},
        headers=headers,
    )


def download(client, headers, batch_id: int, format_name: str):
    return client.get(
        f"/api/v1/disbursements/payment-files/{batch_id}/file",
        query_string={"format": format_name},
        headers=headers,
    )


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_a_batch_is_exported_once_downloaded_again_identical_and_never_grows(
    client, staff, funded, engine
):
    case = funded(100_000_00)
    first, second = (approved(client, staff, case["id"], a) for a in ("5000.00", "7000.50"))
    answer = export(client, staff.finance)
    assert answer.status_code == 200, answer.get_json()
    batch_id = int(answer.headers["X-Payment-Batch-Id"])
    _header, *lines = csv_rows(answer.data)
    assert [line[9] for line in lines] == [first["reference"], second["reference"]]
    assert [line[6] for line in lines] == ["5000.00", "7000.50"]
    assert lines[0][7] == "伍仟元整" and lines[1][7] == "柒仟元伍角整"
    assert lines[0][8] == f"{case['case_number']} {first['reference']}"  # 附言
    assert lines[0][3] == PAYEE
    nothing_new = export(client, staff.finance)
    assert (nothing_new.status_code, nothing_new.get_json()["code"]) == (
        409,
        "no_payments_to_export",
    )
    for format_name in ("csv", "xlsx", "pain.001"):
        once = download(client, staff.finance, batch_id, format_name).data
        assert once == download(client, staff.other_finance, batch_id, format_name).data
        again = export(client, staff.finance, format_name, batch=batch_id)
        assert again.data == once
    assert download(client, staff.finance, batch_id, "csv").data == answer.data
    third = approved(client, staff, case["id"], "100.00")
    newer = export(client, staff.finance)
    assert int(newer.headers["X-Payment-Batch-Id"]) == batch_id + 1
    assert [line[9] for line in csv_rows(newer.data)[1:]] == [third["reference"]]
    assert csv_rows(download(client, staff.finance, batch_id, "csv").data)[1:] == lines
    shown = client.get(f"/api/v1/disbursements/{first['id']}", headers=staff.finance).get_json()
    assert (shown["payment_batch_id"], shown["status"]) == (batch_id, "approved")
    batch = client.get(
        f"/api/v1/disbursements/payment-files/{batch_id}", headers=staff.finance
    ).get_json()
    assert (batch["payment_count"], batch["total"]) == (2, "12000.50")
    assert [p["disbursement_id"] for p in batch["payments"]] == [first["id"], second["id"]]
    with engine.connect() as conn:
        actions = (
            conn.execute(
                select(audit_records.c.action).where(audit_records.c.entity_type == "payment_batch")
            )
            .scalars()
            .all()
        )
    assert actions.count("payment_file.exported") == 2
    assert actions.count("payment_file.downloaded") >= 8


def test_a_payment_awaiting_review_or_approval_is_not_exported(client, staff, funded):
    case = funded(100_000_00)
    waiting = court_flow.request(client, case["id"], "300.00", staff.judge).get_json()
    court_flow.approve(client, waiting["id"], staff.director)  # in review
    court_flow.request(client, case["id"], "200.00", staff.judge)  # requested
    answer = export(client, staff.finance)
    assert answer.get_json()["code"] == "no_payments_to_export"


def test_only_finance_exports_and_other_courts_see_no_batch(client, staff, funded, other_court):
    case = funded(100_000_00)
    approved(client, staff, case["id"], "500.00")
    assert export(client, staff.judge).status_code == 403
    batch_id = int(export(client, staff.finance).headers["X-Payment-Batch-Id"])
    outsider = other_court.headers("finance")
    assert download(client, outsider, batch_id, "csv").status_code == 404
    listed = client.get("/api/v1/disbursements/payment-files", headers=outsider).get_json()
    assert listed["items"] == []


def test_the_pain001_file_validates_against_the_iso_20022_schema(client, staff, funded):
    case = funded(100_000_00)
    one, two = (approved(client, staff, case["id"], a) for a in ("5000.00", "1234.56"))
    data = export(client, staff.finance, "pain.001").data
    document = etree.fromstring(data)
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    schema.assertValid(document)
    ids = document.xpath("//p:CdtTrfTxInf/p:PmtId/p:EndToEndId/text()", namespaces=NS)
    assert ids == [one["reference"], two["reference"]]
    assert document.xpath("//p:GrpHdr/p:CtrlSum/text()", namespaces=NS) == ["6234.56"]
    remarks = document.xpath("//p:RmtInf/p:Ustrd/text()", namespaces=NS)
    assert remarks[0] == f"{case['case_number']} {one['reference']}"
    broken = etree.fromstring(data.replace(b"<NbOfTxs>2</NbOfTxs>", b"<NbOfTxs>two</NbOfTxs>", 1))
    assert not schema.validate(broken)  # the schema does check


def test_the_xlsx_opens_in_openpyxl_with_amounts_as_numbers(client, staff, funded):
    case = funded(100_000_00)
    approved(client, staff, case["id"], "5000.00")
    approved(client, staff, case["id"], "12345.67")
    sheet = load_workbook(io.BytesIO(export(client, staff.finance, "xlsx").data)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[6] for r in rows] == [
        pytest.approx(5000),
        pytest.approx(12345.67),
        pytest.approx(17345.67),
    ]
    assert all(isinstance(r[6], int | float) for r in rows)
    assert sheet.cell(row=2, column=7).number_format == "#,##0.00"
    assert rows[1][7] == "壹万贰仟叁佰肆拾伍元陆角柒分"
    assert rows[2][0] == "合计 Total"


@pytest.mark.postgres
def test_exports_at_once_put_each_payment_in_one_batch(app, client, staff, funded, engine):
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from reconcile.db.tables_payments import payment_batch_items

    case = funded(100_000_00)
    for amount in ("100.00", "200.00", "300.00"):
        approved(client, staff, case["id"], amount)
    start = Barrier(4)

    def export_now(headers):
        start.wait()
        with app.test_client() as c:
            answer = export(c, headers)
            return answer.status_code, (answer.get_json() or {}).get("code")

    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(export_now, [staff.finance, staff.other_finance] * 2))
    assert sorted(s for s, _ in answers) == [200, 409, 409, 409], answers
    with engine.connect() as conn:
        rows = conn.execute(select(payment_batch_items.c.disbursement_id)).scalars().all()
    assert len(rows) == len(set(rows)) == 3
