"""The main flows, driven by a client generated from the live document, over real HTTP.

`openapi-python-client` (pinned in the `test` extra) builds a client from
GET /api/v1/openapi.json once per session, failing on any warning; the test imports it
and drives a real server on a free port: register a case, upload a statement
(multipart), list orphans, assign one, request a payment, approve it as another person,
read the alerts and check an account as the desk, and branch on a problem's `code`.

Every answer is parsed into the typed model of its documented status, and must come
back out of that model unchanged (`round_trip`): a field the code sends that the
document does not declare, a missing required one, an undocumented status or enum
value, or a changed type fails here.
"""

from __future__ import annotations

import importlib
import io
import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.integration import payments
from tests.integration.conftest import case_body
from tests.integration.statement_files import Row, csv_statement

people = payments.people
PACKAGE = "reconcile_api_client"
GENERATOR = Path(sys.executable).with_name("openapi-python-client")


@pytest.fixture(scope="session")
def generated(tmp_path_factory):
    """Import the client generated from the live document (one app, no database use)."""
    from api import create_app
    from reconcile.db.engine import make_engine
    from reconcile.settings import load_settings

    where = tmp_path_factory.mktemp("client")
    url = f"sqlite:///{where / 'unused.db'}"
    app = create_app(
        {
            "settings": load_settings(environ={}, overrides={"database": {"url": url}}),
            "engine": make_engine(url),
        }
    )
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    (where / "openapi.json").write_text(json.dumps(document), encoding="utf-8")
    (where / "config.yaml").write_text("post_hooks: []\n", encoding="utf-8")
    generated = subprocess.run(
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(where / "openapi.json"),
            "--config",
            str(where / "config.yaml"),
            "--meta",
            "none",
            "--output-path",
            str(where / PACKAGE),
            "--fail-on-warning",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    sys.path.insert(0, str(where))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(where))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]


@pytest.fixture
def server(app):
    """Serve the test app over HTTP on a free port; return its base URL."""
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{http.server_port}"
    finally:
        http.shutdown()
        http.server_close()
        thread.join()


def call(module, **kwargs):
    """Return `module.sync_detailed(**kwargs)`, its answer parsed as documented."""
    return module.sync_detailed(**kwargs)


def parsed_as(response, status: int, model):
    """Return the parsed answer, checking its status, its model and its round trip."""
    body = json.loads(response.content)
    assert response.status_code == status, body
    assert isinstance(response.parsed, model), type(response.parsed)
    assert response.parsed.to_dict() == body, "the answer is not what the document says"
    return response.parsed


def test_the_main_flows_through_the_generated_client(generated, server, court, people):
    c = generated
    from reconcile_api_client.api.alerts import get_api_v1_alerts
    from reconcile_api_client.api.cases import post_api_v1_cases
    from reconcile_api_client.api.disbursements import (
        post_api_v1_cases_case_id_disbursements as request_payment,
    )
    from reconcile_api_client.api.disbursements import (
        post_api_v1_disbursements_disbursement_id_approve as approve,
    )
    from reconcile_api_client.api.statements import post_api_v1_statements
    from reconcile_api_client.api.transactions import (
        get_api_v1_transactions,
        post_api_v1_transactions_transaction_id_assign,
    )
    from reconcile_api_client.api.verify import get_api_v1_verify_account
    from reconcile_api_client.models import (
        AlertPage,
        Assign,
        Case,
        CaseCreate,
        Decision,
        Disbursement,
        DisbursementCreate,
        PostApiV1CasesResponse403,
        Report,
        Transaction,
        TransactionPage,
        Upload,
        Verify,
    )
    from reconcile_api_client.models.get_api_v1_transactions_status import (
        GetApiV1TransactionsStatus,
    )
    from reconcile_api_client.types import File

    def as_(role: str, token: str | None = None):
        return c.AuthenticatedClient(base_url=server, token=token or court.tokens[role])

    enforcement, finance, desk = as_("enforcement"), as_("finance"), as_("desk")
    approver = as_("approver", people("approver", "庭长")["Authorization"].split()[1])

    body = CaseCreate.from_dict(case_body(court.code))
    case = parsed_as(call(post_api_v1_cases, client=enforcement, body=body), 201, Case)
    assert case.balance.available == "0.00"

    statement = csv_statement(
        [
            Row("2026-11-02", "60000.00", "某公司", "6222999900001111", "", "", "G1"),
            Row("2026-11-02", "50.00", "丁", "6222000000000004", "货款", "", "G2"),
        ]
    )
    upload = Upload(
        file=File(payload=io.BytesIO(statement), file_name="s.csv", mime_type="text/csv"),
        account=court.account,
    )
    report = parsed_as(call(post_api_v1_statements, client=finance, body=upload), 201, Report)
    assert (report.lines_new, report.orphans) == (2, 2)

    orphans = parsed_as(
        call(
            get_api_v1_transactions,
            client=finance,
            status=GetApiV1TransactionsStatus.ORPHAN,
        ),
        200,
        TransactionPage,
    )
    big = next(t for t in orphans.items if t.amount == "60000.00")
    assigned = parsed_as(
        call(
            post_api_v1_transactions_transaction_id_assign,
            transaction_id=big.id,
            client=finance,
            body=Assign(case_id=case.id, reason="来电确认"),
        ),
        200,
        Transaction,
    )
    assert (assigned.status, assigned.case_id) == ("matched", case.id)

    asked = DisbursementCreate(amount="20000.00", payee_account_number=payments.PAYEE, note="发放")
    payment = parsed_as(
        call(request_payment, case_id=case.id, client=enforcement, body=asked), 201, Disbursement
    )
    assert (payment.status, payment.amount) == ("requested", "20000.00")
    decided = parsed_as(
        call(approve, disbursement_id=payment.id, client=approver, body=Decision()),
        200,
        Disbursement,
    )
    assert decided.status == "approved"
    assert [a.approver_name for a in decided.approvals] == ["庭长"]

    alerts = parsed_as(call(get_api_v1_alerts, client=desk), 200, AlertPage)
    assert "orphan_funds" in {str(a.kind) for a in alerts.items}

    checked = parsed_as(
        call(
            get_api_v1_verify_account,
            client=desk,
            case_number=case.case_number,
            account_number=case.sub_account_number,
        ),
        200,
        Verify,
    )
    assert checked.designated is True

    refused = parsed_as(
        call(post_api_v1_cases, client=desk, body=CaseCreate.from_dict(case_body(court.code))),
        403,
        PostApiV1CasesResponse403,
    )
    assert str(refused.code) == "forbidden"  # a client branches on the documented enum
