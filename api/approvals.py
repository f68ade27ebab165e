"""What every request approved in layers accepts and shows, and the endpoints they share.

Payments, refunds, deferrals and payee-account changes are asked for on a case, read
one by one, and decided the same way: an approver posts an optional note to
`…/approve` or `…/reject` and gets the request back. Each view calls one use case.
"""

from __future__ import annotations

from collections.abc import Callable

import marshmallow as ma
from flask_smorest import Blueprint

from api.auth import current_actor
from api.context import services
from api.fields import Amount, Id, LocalDateTime, Text
from api.idempotency import idempotent
from api.pagination import page_schema


class DecisionSchema(ma.Schema):
    note = Text(load_default=None, allow_none=True)


def bulk_approval_schema(most: int) -> type[ma.Schema]:
    """The body of a bulk approval: the requests (at most `most`) and one note for all."""
    return ma.Schema.from_dict(
        {
            "ids": ma.fields.List(
                Id(), required=True, validate=ma.validate.Length(min=1, max=most)
            ),
            "note": Text(load_default=None, allow_none=True),
        },
        name="BulkApproval",
    )


def bulk_approved_schema(shown: type[ma.Schema], name: str) -> type[ma.Schema]:
    """What a bulk approval answers: each request as now, their count and their sum."""
    return ma.Schema.from_dict(
        {
            "items": ma.fields.List(ma.fields.Nested(shown)),
            "count": ma.fields.Integer(),
            "amount": Amount(dump_only=True),
        },
        name=name,
    )


class ApprovalSchema(ma.Schema):
    level = ma.fields.Integer()
    decision = ma.fields.String(metadata={"description": "approve | reject"})
    approver_name = ma.fields.String()
    approver_position = ma.fields.String(
        allow_none=True, metadata={"description": "the approver's position (职务) when deciding"}
    )
    note = ma.fields.String(allow_none=True)
    decided_at = LocalDateTime()


class RequestSchema(ma.Schema):
    """What every request shows; each kind adds its own fields and says its statuses."""

    id = ma.fields.Integer()
    case_id = ma.fields.Integer()
    case_number = ma.fields.String()
    levels_required = ma.fields.Integer()
    approvals_count = ma.fields.Integer()
    approvals = ma.fields.List(ma.fields.Nested(ApprovalSchema))
    requested_by = ma.fields.String()
    requested_at = LocalDateTime()
    decided_at = LocalDateTime(allow_none=True)


class RequestRoutes:
    """The endpoints of one kind of request on a blueprint; `rule` names one request."""

    def __init__(
        self, blp: Blueprint, rule: str, shown: type[ma.Schema], docs: dict[str, str]
    ) -> None:
        self.blp, self.rule, self.shown = blp, rule, shown
        self.docs = docs  #: each endpoint's summary in the OpenAPI document, by its name

    def create(self, name: str, rule: str, body: type[ma.Schema], use_case: Callable) -> None:
        """POST `rule` (on a case): ask for a request under the app's approval settings."""

        def view(data: dict, case_id: int):
            actor, settings = current_actor(), services().settings
            return use_case(services().uow(), actor, case_id, settings=settings, **data)

        view = self._shows(self._named(view, name), 201)
        self._add(rule, "POST", idempotent(self.blp.arguments(body)(view)))

    def read(self, use_case: Callable) -> None:
        """GET the request with its approvals."""

        def view(**path: int):
            (request_id,) = path.values()
            return use_case(services().uow(read_only=True), current_actor(), request_id)

        self._add(self.rule, "GET", self._shows(self._named(view, "get")))

    def of_case(self, rule: str, use_case: Callable, page: str) -> None:
        """GET a case's requests of this kind, oldest first, as one page (named `page`)."""

        def view(case_id: int):
            items = use_case(services().uow(read_only=True), current_actor(), case_id)
            return {"items": items, "next_cursor": None}

        shown = page_schema(self.shown, page)
        view = self.blp.response(200, shown)(self._named(view, "list_of_case"))
        self._add(rule, "GET", view)

    def decisions(self, approve: Callable, reject: Callable) -> None:
        """POST `rule`/approve and `rule`/reject, each with an optional note."""
        for name, use_case in (("approve", approve), ("reject", reject)):
            view = self._shows(self._named(_decision_view(use_case), name))
            self._add(f"{self.rule}/{name}", "POST", idempotent(self._decided(view)))

    def bulk_approve(self, rule: str, use_case: Callable, most: int, shown_name: str) -> None:
        """POST `rule`: approve several requests, each at its next level, with one note —
        all of them or none, through the use case the approvals page's 批量同意 uses."""

        def view(data: dict):
            return use_case(services().uow(), current_actor(), data["ids"], data["note"])

        answer = self.blp.response(200, bulk_approved_schema(self.shown, shown_name))
        view = answer(self._named(view, "bulk_approve"))
        self._add(rule, "POST", idempotent(self.blp.arguments(bulk_approval_schema(most))(view)))

    def _decided(self, view: Callable) -> Callable:
        return self.blp.arguments(DecisionSchema)(view)

    def _shows(self, view: Callable, status: int = 200) -> Callable:
        return self.blp.response(status, self.shown)(view)

    def _named(self, view: Callable, name: str) -> Callable:
        """Give a view its endpoint name and its summary in the OpenAPI document."""
        view.__name__, view.__doc__ = name, self.docs[name]
        return view

    def _add(self, rule: str, method: str, view: Callable) -> None:
        self.blp.route(rule, methods=[method], endpoint=view.__name__)(view)


def _decision_view(use_case: Callable) -> Callable:
    def view(data: dict, **path: int):
        (request_id,) = path.values()
        return use_case(services().uow(), current_actor(), request_id, **data)

    return view
