"""Statements: upload a bank file (imported completely or not at all, once), read its report,
its lines and the history of imports; void a wrong import through approval."""

from __future__ import annotations

import marshmallow as ma
from flask import jsonify
from flask.views import MethodView

from api.approvals import RequestRoutes, RequestSchema
from api.auth import current_actor
from api.context import services
from api.fields import MAX_ACCOUNT, Amount, Day, LocalDateTime, StatementFormat, Text, UploadedFile
from api.idempotency import idempotent
from api.multipart import MultipartBlueprint
from api.pagination import PageQuerySchema, decode_cursor, decode_cursor_ids, page, page_schema
from reconcile.booking_window import BookingWindow
from reconcile.services import imports, statement_voids, statements

blp = MultipartBlueprint(
    "statements",
    __name__,
    url_prefix="",  # /statements and /statement-voids
    description="Bank statements of the collection accounts, and voids of wrong imports",
)


class UploadFormSchema(ma.Schema):
    format = StatementFormat(
        load_default=None,
        metadata={
            "description": "ofx | camt053 | mt940 | csv[:profile]; "
            "detected from the content if omitted"
        },
    )
    account = Text(
        MAX_ACCOUNT,
        load_default=None,
        metadata={"description": "the collection account, when the file does not name it in full"},
    )

    dry_run = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "preview: parse and match, store nothing (answers 200)"},
    )


class DryRunQuerySchema(ma.Schema):
    dry_run = ma.fields.Boolean(load_default=False, metadata={"description": "as the form field"})


class UploadSchema(UploadFormSchema):
    file = UploadedFile(required=True, metadata={"description": "the bank statement file"})


class PeriodSchema(ma.Schema):
    start = ma.fields.String(allow_none=True)
    end = ma.fields.String(allow_none=True)


class SkippedLineSchema(ma.Schema):
    line = ma.fields.Integer(allow_none=True, metadata={"description": "line in the file"})
    reason = ma.fields.String()


class BalanceBreakSchema(ma.Schema):
    statement = ma.fields.Integer(metadata={"description": "which statement of the file"})
    line = ma.fields.Integer(allow_none=True, metadata={"description": "null: the closing"})
    expected = ma.fields.String(allow_none=True, metadata={"description": "yuan"})
    found = ma.fields.String(allow_none=True, metadata={"description": "yuan"})
    reason = ma.fields.String()
    kind = ma.fields.String(metadata={"description": "running_balance | closing_balance"})


class AccountChoiceSchema(ma.Schema):
    account = ma.fields.String(metadata={"description": "the collection account imported to"})
    how = ma.fields.String(
        metadata={
            "description": "how the account was chosen: given with the upload, stated in the "
            "file, the only registered account a masked number fits, or the court's only account",
            "enum": ["given", "stated", "masked_fits", "only_account"],
        }
    )
    stated = ma.fields.String(allow_none=True, metadata={"description": "what the file says"})


class ImportWarningSchema(ma.Schema):
    """A note about how the file was read: e.g. two columns naming one field."""

    kind = ma.fields.String(metadata={"description": "ambiguous_column | time_as_date | …"})
    message = ma.fields.String()
    statement = ma.fields.Integer()
    field = ma.fields.String(metadata={"description": "ambiguous_column: the field"})
    used = ma.fields.String(metadata={"description": "ambiguous_column: the column read"})
    others = ma.fields.List(ma.fields.String(), metadata={"description": "the columns not read"})
    column = ma.fields.String()


class ReportSchema(ma.Schema):
    id = ma.fields.Integer()
    format = ma.fields.String()
    account = ma.fields.String()
    period = ma.fields.Nested(PeriodSchema)
    statements = ma.fields.Integer(metadata={"description": "statements in the file"})
    lines_total = ma.fields.Integer()
    lines_new = ma.fields.Integer()
    lines_duplicate = ma.fields.Integer()
    credits_matched = ma.fields.Integer()
    orphans = ma.fields.Integer()
    lines_non_case = ma.fields.Integer(
        metadata={"description": "lines a line rule decided are not case money (利息, 手续费)"}
    )
    debits_reconciled = ma.fields.Integer()
    debits_flagged = ma.fields.Integer()
    balance_check = ma.fields.String(metadata={"description": "ok | mismatch | not_available"})
    pending_skipped = ma.fields.Integer(metadata={"description": "pending entries not booked"})
    duplicate = ma.fields.Boolean(metadata={"description": "the same file was imported before"})
    lines_skipped = ma.fields.Integer(metadata={"description": "lines that move no money"})
    skipped = ma.fields.List(
        ma.fields.Nested(SkippedLineSchema), metadata={"description": "the first 1,000"}
    )
    balance_breaks = ma.fields.List(
        ma.fields.Nested(BalanceBreakSchema), metadata={"description": "the first 1,000"}
    )
    account_choice = ma.fields.Nested(AccountChoiceSchema)
    warnings = ma.fields.List(ma.fields.Nested(ImportWarningSchema))


class PreviewLineSchema(ma.Schema):
    line_number = ma.fields.Integer(attribute="line_no", allow_none=True)
    booked_on = ma.fields.Date()
    direction = ma.fields.String(metadata={"description": "credit | debit"})
    amount = Amount()
    counterparty_name = ma.fields.String(allow_none=True)
    counterparty_account = ma.fields.String(allow_none=True)
    remark = ma.fields.String(allow_none=True)
    outcome = ma.fields.String(
        metadata={"description": "matched | orphan | reconciled | flagged | duplicate"}
    )
    case_id = ma.fields.Integer(allow_none=True)
    case_number = ma.fields.String(allow_none=True)
    match_rule = ma.fields.String(allow_none=True)
    reason = ma.fields.String(
        allow_none=True,
        metadata={"description": "why an orphan is one (orphan_reason), why a debit is flagged"},
    )


class PreviewSchema(ReportSchema):
    dry_run = ma.fields.Boolean()
    lines = ma.fields.List(ma.fields.Nested(PreviewLineSchema))
    lines_truncated = ma.fields.Boolean(
        metadata={"description": "the file has more lines than the preview shows"}
    )


class HistoryItemSchema(ma.Schema):
    id = ma.fields.Integer()
    filename = ma.fields.String(allow_none=True)
    format = ma.fields.String()
    account = ma.fields.String()
    court = ma.fields.String()
    period = ma.fields.Nested(PeriodSchema)
    imported_by = ma.fields.String()
    imported_at = LocalDateTime()
    voided_at = LocalDateTime(allow_none=True)
    status = ma.fields.String(metadata={"description": "imported | voided"})
    lines_total = ma.fields.Integer()
    lines_new = ma.fields.Integer()
    credits_matched = ma.fields.Integer()
    orphans = ma.fields.Integer()
    debits_reconciled = ma.fields.Integer()
    debits_flagged = ma.fields.Integer()
    balance_check = ma.fields.String()


class HistoryQuerySchema(PageQuerySchema):
    account = ma.fields.String(load_default=None, metadata={"description": "collection account"})
    start = Day(
        data_key="from", load_default=None, metadata={"description": "period overlaps from"}
    )
    end = Day(data_key="to", load_default=None, metadata={"description": "… to"})
    imported_by = ma.fields.String(load_default=None, metadata={"description": "who imported"})


class LineQuerySchema(PageQuerySchema):
    limit = ma.fields.Integer(load_default=100, validate=ma.validate.Range(min=1, max=500))
    outcome = ma.fields.String(
        load_default=None, metadata={"description": "matched | orphan | reconciled | flagged | "
        "refunding | refunded | void"},
    )  # fmt: skip


class StatementLineSchema(PreviewLineSchema):
    transaction_id = ma.fields.Integer()
    outcome = ma.fields.String(
        metadata={"description": "where the line stands now: matched | orphan | reconciled | "
        "flagged | refunding | refunded | void"}
    )  # fmt: skip
    bank_reference = ma.fields.String(allow_none=True)


class VoidBodySchema(ma.Schema):
    reason = ma.fields.String(required=True, validate=ma.validate.Length(1, 2000))


class VoidStatementSchema(ma.Schema):
    id = ma.fields.Integer()
    filename = ma.fields.String(allow_none=True)
    account = ma.fields.String()
    imported_by = ma.fields.String()
    imported_at = LocalDateTime()
    voided_at = LocalDateTime(allow_none=True)
    period = ma.fields.Nested(PeriodSchema, allow_none=True)
    lines_new = ma.fields.Integer(allow_none=True)
    credits_matched = ma.fields.Integer(allow_none=True)
    orphans = ma.fields.Integer(allow_none=True)
    debits_reconciled = ma.fields.Integer(allow_none=True)
    debits_flagged = ma.fields.Integer(allow_none=True)


class StatementVoidSchema(RequestSchema):
    statement_id = ma.fields.Integer()
    reason = ma.fields.String()
    status = ma.fields.String(metadata={"description": "requested | approved | rejected"})
    statement = ma.fields.Nested(VoidStatementSchema)
    summary = ma.fields.Dict(
        allow_none=True,
        metadata={"description": "once approved: entries reversed, lines voided, alerts "
        "resolved, the cases and what each gave back"},
    )  # fmt: skip


HistoryPage = page_schema(HistoryItemSchema, "StatementPage")
LinePage = page_schema(StatementLineSchema, "StatementLinePage")
VoidPage = page_schema(StatementVoidSchema, "StatementVoidPage")


@blp.route("/statements/<int:statement_id>/lines", methods=["GET"])
@blp.arguments(LineQuerySchema, location="query")
@blp.response(200, LinePage)
def statement_lines(query, statement_id):
    """List an import's lines in file order, with what became of each"""
    after, limit = _line_cursor(query.pop("cursor")), query.pop("limit")
    items = statements.statement_lines(
        services().uow(read_only=True),
        current_actor(),
        statement_id,
        after=after,
        limit=limit,
        **query,
    )
    for item in items:
        item["position"] = f"{item['line_no'] or 0}.{item['transaction_id']}"
    return page(items, limit, key="position")


def _line_cursor(cursor: str | None) -> tuple[int, int]:
    """Return (line number, id) of the last line of the previous page; the cursor is page()'s
    encoding of "<line number>.<id>" (a line's place in file order)."""
    return decode_cursor_ids(cursor, 2) if cursor else (0, 0)


@blp.route("/statements/<int:statement_id>/voids", methods=["GET"])
@blp.response(200, VoidPage)
def statement_voids_of(statement_id):
    """List an import's void requests, oldest first"""
    items = statement_voids.voids_of_statement(
        services().uow(read_only=True), current_actor(), statement_id
    )
    return {"items": items, "next_cursor": None}


@blp.route("/statements/<int:statement_id>/void", methods=["POST"])
@idempotent
@blp.arguments(VoidBodySchema)
@blp.response(201, StatementVoidSchema)
def request_void(data, statement_id):
    """Ask to void an import (finance); an approver other than the requester decides"""
    return statement_voids.request_void(
        services().uow(), current_actor(), statement_id, settings=services().settings, **data
    )


VOIDS = RequestRoutes(
    blp,
    "/statement-voids/<int:void_id>",
    StatementVoidSchema,
    {
        "get": "Read a statement void request with its approvals",
        "approve": "Approve at the next level; the last level reverses the import "
        "(approver, not the requester)",
        "reject": "Reject a statement void request (approver, not the requester)",
    },
)
VOIDS.read(statement_voids.get_void)
VOIDS.decisions(statement_voids.approve_void, statement_voids.reject_void)


@blp.route("/statements")
class Statements(MethodView):
    @blp.arguments(HistoryQuerySchema, location="query")
    @blp.response(200, HistoryPage)
    def get(self, query):
        """List the imports, newest first (filters: account, from, to, imported_by)"""
        before, limit = decode_cursor(query.pop("cursor")), query.pop("limit")
        items = statements.list_statements(
            services().uow(read_only=True), current_actor(), before_id=before, limit=limit, **query
        )
        return page(items, limit)

    @idempotent
    @blp.arguments(DryRunQuerySchema, location="query")
    @blp.arguments(UploadSchema, location="multipart")
    @blp.response(201, ReportSchema)
    @blp.alt_response(
        200,
        schema=PreviewSchema,
        description="the same file, imported before; or, with dry_run, the preview",
    )
    def post(self, query, form):
        """Import a statement file, or preview its import with dry_run (finance)"""
        upload = form["file"]
        settings = services().settings["imports"]
        dry_run = query["dry_run"] or form["dry_run"]
        report = imports.import_statement(
            services().uow(),
            current_actor(),
            upload.stream,
            filename=upload.filename,
            format=form["format"],
            account=form["account"],
            batch_size=settings["batch_size"],
            dry_run=dry_run,
            preview_limit=settings["preview_lines"],
            booking_window=BookingWindow.from_settings(settings),
            return_window_days=settings.get("returned_payment_window_days", 30),
        )
        if dry_run:  # a Response: the 201 schema above would drop the preview's lines
            return jsonify(PreviewSchema().dump(report))
        return report, 200 if report["duplicate"] else 201


@blp.route("/statements/<int:statement_id>")
@blp.response(200, ReportSchema)
def get_statement(statement_id):
    """Read the report of an import (who imported it when, and any void: GET /statements)"""
    return statements.get_report(services().uow(read_only=True), current_actor(), statement_id)
