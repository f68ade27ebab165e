"""Statement profiles (流水格式): bank export layouts a court taught the service once.

The body of a profile is the keys of a `config/csv_profiles/*.toml` file as JSON (`detect`,
`columns`, `amount_layout`, `date_order`, `decimal_mark`, `date_formats`, `flag`, …) plus
`name` and `court`. A file whose header holds all of a profile's `detect` headers is read
with it; a profile of `positions` (field → 1-based column numbers) reads files that have no
header row. `GET /statement-profiles/{id}/toml` gives it back as a profile file.
"""

from __future__ import annotations

import marshmallow as ma
from flask import Response
from flask_smorest import Blueprint

from api.auth import current_actor
from api.context import services
from api.fields import LocalDateTime
from api.idempotency import idempotent
from reconcile.services import statement_profiles

blp = Blueprint(
    "statement_profiles",
    __name__,
    url_prefix="",
    description="Bank export layouts the courts taught the service (statement profiles)",
)


class ProfileCreateSchema(ma.Schema):
    class Meta:
        unknown = ma.INCLUDE  #: the other members are the profile's keys

    name = ma.fields.String(required=True, validate=ma.validate.Length(1, 100))
    court = ma.fields.String(required=True, validate=ma.validate.Length(1, 16))


class ProfilePatchSchema(ma.Schema):
    class Meta:
        unknown = ma.INCLUDE  #: the profile's keys to change (null drops one)

    name = ma.fields.String(validate=ma.validate.Length(1, 100))


class ProfileSchema(ma.Schema):
    id = ma.fields.Integer()
    court = ma.fields.String()
    name = ma.fields.String()
    definition = ma.fields.Dict(
        metadata={
            "description": "the keys of a config/csv_profiles/*.toml file: `detect` and "
            "`columns` (header names per field), or `positions` (column numbers per field, "
            "for a file without a header row), `date_order`, `decimal_mark`, …"
        }
    )
    created_by = ma.fields.String()
    created_at = LocalDateTime()
    updated_by = ma.fields.String(allow_none=True)
    updated_at = LocalDateTime(allow_none=True)


class ProfileListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ProfileSchema))


@blp.route("/statement-profiles", methods=["GET"])
@blp.response(200, ProfileListSchema)
def list_profiles():
    """List the statement profiles of the token's courts, by court and name"""
    items = statement_profiles.list_profiles(services().uow(read_only=True), current_actor())
    return {"items": items}


@blp.route("/statement-profiles", methods=["POST"])
@idempotent
@blp.arguments(ProfileCreateSchema)
@blp.response(201, ProfileSchema)
def create(data):
    """Save a court's statement profile (finance)"""
    name, court = data.pop("name"), data.pop("court")
    return statement_profiles.create_profile(
        services().uow(), current_actor(), court=court, name=name, definition=data
    )


@blp.route("/statement-profiles/<int:profile_id>", methods=["GET"])
@blp.response(200, ProfileSchema)
def get(profile_id):
    """Read a statement profile"""
    return statement_profiles.get_profile(
        services().uow(read_only=True), current_actor(), profile_id
    )


@blp.route("/statement-profiles/<int:profile_id>", methods=["PATCH"])
@blp.arguments(ProfilePatchSchema)
@blp.response(200, ProfileSchema)
def patch(data, profile_id):
    """Rename a statement profile or change its keys (finance)"""
    name = data.pop("name", None)
    return statement_profiles.update_profile(
        services().uow(), current_actor(), profile_id, {"name": name, "definition": data}
    )


@blp.route("/statement-profiles/<int:profile_id>/toml", methods=["GET"])
@blp.response(200, content_type="application/toml")
def toml(profile_id):
    """The statement profile as a config/csv_profiles/*.toml file"""
    filename, text = statement_profiles.export_toml(
        services().uow(read_only=True), current_actor(), profile_id
    )
    return Response(
        text,
        mimetype="application/toml",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
