"""Statements: upload a bank file (imported completely or not at all, once), read its report."""

from __future__ import annotations

import marshmallow as ma
from flask import jsonify
from flask.views import MethodView
from flask_smorest.fields import Upload

from api.auth import current_actor
from api.context import services
from api.fields import Amount
from api.idempotency import idempotent
from api.multipart import MultipartBlueprint
from reconcile.services import imports, statements

blp = MultipartBlueprint(
    "statements",
    __name__,
    url_prefix="/statements",
    description="Bank statements of the collection accounts",
)


class UploadFormSchema(ma.Schema):
    format = ma.fields.String(
        load_default=None,
        metadata={
            "description": "ofx | camt053 | mt940 | csv[:profile]; "
            "detected from the content if omitted"
        },
    )
    account = ma.fields.String(
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
    file = Upload(required=True, metadata={"description": "the bank statement file"})


class PeriodSchema(ma.Schema):
    start = ma.fields.String(allow_none=True)
    end = ma.fields.String(allow_none=True)


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
    debits_reconciled = ma.fields.Integer()
    debits_flagged = ma.fields.Integer()
    balance_check = ma.fields.String(metadata={"description": "ok | mismatch | not_available"})
    pending_skipped = ma.fields.Integer(metadata={"description": "pending entries not booked"})
    duplicate = ma.fields.Boolean(metadata={"description": "the same file was imported before"})


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


@blp.route("")
class Statements(MethodView):
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
        )
        if dry_run:  # a Response: the 201 schema above would drop the preview's lines
            return jsonify(PreviewSchema().dump(report))
        return report, 200 if report["duplicate"] else 201


@blp.route("/<int:statement_id>")
@blp.response(200, ReportSchema)
def get_statement(statement_id):
    """Read the report of an import"""
    return statements.get_report(services().uow(read_only=True), current_actor(), statement_id)
