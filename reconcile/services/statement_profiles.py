"""Statement profiles (流水格式): a bank export layout a court taught the service once.

A profile is the keys of a `config/csv_profiles/*.toml` file (`detect`, `columns`,
`date_order`, `decimal_mark`, …) kept in the database for one court. The import reads a
file whose header holds all of a profile's `detect` headers with that profile, so the next
file of the layout imports without asking. A profile is made from the mapping a clerk gave
on the upload page (`definition_from_mapping`), or sent whole through the API; every change
is audited. `export_toml` gives it back as a profile file.
"""

from __future__ import annotations

from importers.tabular.profiles import COLUMN_FIELDS, check_profile_data, profile_toml
from reconcile.actors import Actor
from reconcile.clock import utc_now
from reconcile.db import profile_store
from reconcile.db.uow import UnitOfWork
from reconcile.errors import N_, Conflict, NotFound, ValidationFailed
from reconcile.permissions import Verb
from reconcile.services.access import require, require_court

MAX_NAME = 100
#: the fields a clerk may give a column on the mapping page, in the order shown
MAPPABLE = (
    "booked_on",
    "time",
    "value_date",
    "amount",
    "debit",
    "credit",
    "flag",
    "balance",
    "currency",
    "counterparty_name",
    "counterparty_account",
    "counterparty_bank",
    "remark",
    "sub_account",
    "bank_reference",
)
#: fields of which one column is read; `remark` may take several
_SINGLE = set(MAPPABLE) - {"remark"}


def list_profiles(uow: UnitOfWork, actor: Actor) -> list[dict]:
    """The profiles of the actor's courts."""
    require(actor, Verb.READ)
    with uow:
        rows = profile_store.of_courts(uow.conn, None if actor.all_courts else sorted(actor.courts))
    return [_shown(row) for row in rows]


def get_profile(uow: UnitOfWork, actor: Actor, profile_id: int) -> dict:
    require(actor, Verb.READ)
    with uow:
        return _shown(_found(uow, actor, profile_id))


def export_toml(uow: UnitOfWork, actor: Actor, profile_id: int) -> tuple[str, str]:
    """The profile as a `config/csv_profiles/*.toml` file: (file name, text)."""
    found = get_profile(uow, actor, profile_id)
    comment = (
        f"statement profile {found['name']!r} of court {found['court']}, "
        f"made by {found['created_by']}"
    )
    return f"profile-{found['id']}.toml", profile_toml(found["definition"], comment)


def create_profile(
    uow: UnitOfWork, actor: Actor, *, court: str, name: str, definition: dict
) -> dict:
    """Store a court's new profile; Conflict when the court has one of that name."""
    require(actor, Verb.DEFINE_STATEMENT_PROFILE)
    require_court(actor, court, N_("court"))
    name, definition = _name(name), _definition(definition)
    with uow:
        values = {
            "court": court,
            "name": name,
            "definition": definition,
            "created_by": actor.name,
            "created_at": utc_now(),
        }
        _unique(uow, court, name)
        try:
            profile_id = profile_store.add(uow.conn, **values)
        except profile_store.NameTaken:
            raise Conflict("the court has a statement profile named '{name}'", name=name) from None
        shown = _shown({"id": profile_id, **values, "updated_by": None, "updated_at": None})
        uow.audit(actor, "statement_profile.created", "statement_profile", profile_id,
                  court=court, after=_audited(shown))  # fmt: skip
        uow.commit()
    return shown


def update_profile(uow: UnitOfWork, actor: Actor, profile_id: int, changes: dict) -> dict:
    """Rename a profile (`name`) or change keys of its definition (`definition`: the keys
    given replace the profile's; a key given as null is dropped)."""
    require(actor, Verb.DEFINE_STATEMENT_PROFILE)
    values = {}
    if changes.get("name") is not None:
        values["name"] = _name(changes["name"])
    with uow:
        before = _found(uow, actor, profile_id, for_update=True)
        if changes.get("definition"):
            merged = {**before["definition"], **changes["definition"]}
            values["definition"] = _definition({k: v for k, v in merged.items() if v is not None})
        if not values:
            return _shown(before)
        if values.get("name", before["name"]) != before["name"]:
            _unique(uow, before["court"], values["name"])
        values |= {"updated_by": actor.name, "updated_at": utc_now()}
        try:
            profile_store.change(uow.conn, profile_id, **values)
        except profile_store.NameTaken:
            raise Conflict(
                "the court has a statement profile named '{name}'", name=values["name"]
            ) from None
        after = _shown({**before, **values})
        uow.audit(actor, "statement_profile.changed", "statement_profile", profile_id,
                  court=before["court"], before=_audited(_shown(before)),
                  after=_audited(after))  # fmt: skip
        uow.commit()
    return after


def saved_profiles(conn, actor: Actor) -> dict[str, dict]:
    """The definitions of the actor's courts' profiles by name, for the importer (a name
    two courts both use is kept once: the first court's)."""
    courts = None if actor.all_courts else sorted(actor.courts)
    found: dict[str, dict] = {}
    for row in profile_store.of_courts(conn, courts):
        found.setdefault(row["name"], row["definition"])
    return found


def definition_from_mapping(
    layout: dict,
    header_line: int | None,
    fields: dict[int, str],
    *,
    headerless: bool = False,
    date_order: str | None = None,
    decimal_mark: str | None = None,
    description: str = "",
) -> dict:
    """Turn what a clerk said of an unknown layout into a profile's keys.

    `layout` is the importer's (its `rows`); `header_line` the line of the header row;
    `fields` column index → field. The header cells become `detect` (a file holding all
    of them is of this layout) and each mapped column's header its field's name. A file
    with no header row (`headerless`) has its columns mapped by their positions.
    """
    if headerless:
        positions = _positions(fields)
        definition = {"description": description, "positions": positions, "skip_rows": 0}
        return _definition(_with_choices(definition, positions, date_order, decimal_mark))
    rows = {row["line"]: row["cells"] for row in layout.get("rows", ())}
    if header_line not in rows:
        raise ValidationFailed("say which row is the header row", field="header_line")
    header = rows[header_line]
    columns: dict[str, list[str]] = {}
    for index, field_name in sorted(fields.items()):
        if not field_name:
            continue
        if field_name not in MAPPABLE:
            raise ValidationFailed(
                "'{field_name}' is not a field", field_name=field_name, field=f"column_{index}"
            )
        if index >= len(header) or not header[index].strip():
            raise ValidationFailed(
                "column {column} has no header: it cannot be recognised in the next file",
                column=index + 1,
                field=f"column_{index}",
            )
        if field_name in _SINGLE and field_name in columns:
            raise ValidationFailed(
                "two columns are marked {field_name}: mark one",
                field_name=field_name,
                field=f"column_{index}",
            )
        columns.setdefault(field_name, []).append(header[index].strip())
    _require_date_and_amount(columns)
    definition: dict = {
        "description": description,
        "detect": [cell.strip() for cell in header if cell.strip()],
        "skip_rows": 0,
        "inherit_columns": False,
    }
    definition = _with_choices(definition, columns, date_order, decimal_mark)
    definition["columns"] = {f: columns[f] for f in COLUMN_FIELDS if f in columns}
    return _definition(definition)


def _positions(fields: dict[int, str]) -> dict[str, list[int]]:
    """Field → 1-based column numbers, from what the clerk marked (column index → field)."""
    positions: dict[str, list[int]] = {}
    for index, field_name in sorted(fields.items()):
        if not field_name:
            continue
        if field_name not in MAPPABLE:
            raise ValidationFailed(
                "'{field_name}' is not a field", field_name=field_name, field=f"column_{index}"
            )
        if field_name in _SINGLE and field_name in positions:
            raise ValidationFailed(
                "two columns are marked {field_name}: mark one",
                field_name=field_name,
                field=f"column_{index}",
            )
        positions.setdefault(field_name, []).append(index + 1)
    _require_date_and_amount(positions)
    return {f: positions[f] for f in COLUMN_FIELDS if f in positions}


def _require_date_and_amount(mapped: dict) -> None:
    if "booked_on" not in mapped:
        raise ValidationFailed("mark the column holding the booking date", field="booked_on")
    if "amount" not in mapped and not {"debit", "credit"} <= mapped.keys():
        raise ValidationFailed(
            "mark the amount column, or both the debit and the credit columns", field="amount"
        )


def _with_choices(
    definition: dict, mapped: dict, date_order: str | None, decimal_mark: str | None
) -> dict:
    """Add the date order, decimal mark and amount layout the clerk's mapping implies."""
    if date_order:
        definition["date_order"] = date_order
    if decimal_mark:
        definition["decimal_mark"] = decimal_mark
    definition["amount_layout"] = implied_amount_layout(mapped)
    return definition


def implied_amount_layout(mapped: dict) -> str:
    """How rows state their amount, given the fields a mapping names."""
    if "amount" in mapped and "flag" in mapped:
        return "flag"
    return "signed" if "amount" in mapped else "two_columns"


def _unique(uow: UnitOfWork, court: str, name: str) -> None:
    if any(row["name"] == name for row in profile_store.of_courts(uow.conn, [court])):
        raise Conflict("the court has a statement profile named '{name}'", name=name)


def _found(uow: UnitOfWork, actor: Actor, profile_id: int, *, for_update: bool = False) -> dict:
    found = profile_store.get(uow.conn, profile_id, for_update=for_update)
    if found is None or not actor.may_see(found["court"]):
        raise NotFound("statement profile not found")
    return found


def _name(name: str | None) -> str:
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME:
        raise ValidationFailed("a name of 1 to {most} characters", most=MAX_NAME, field="name")
    return name


def _definition(definition: dict) -> dict:
    try:
        checked = check_profile_data(definition)
    except ValueError as error:
        raise ValidationFailed("{reason}", reason=error, field="definition") from None
    if checked.get("positions"):
        return checked  # a headerless layout: check_profile_data checked its positions
    columns = checked.get("columns", {})
    if "booked_on" not in columns or not columns.keys() & {"amount", "debit", "credit"}:
        raise ValidationFailed(
            "columns must name the booking date and an amount (or debit and credit), or "
            "positions place them",
            field="definition",
        )
    if not checked.get("detect"):
        raise ValidationFailed(
            "detect must list the headers that identify the layout", field="definition"
        )
    return checked


def _shown(row: dict) -> dict:
    return {
        key: row[key]
        for key in ("id", "court", "name", "definition", "created_by", "created_at",
                    "updated_by", "updated_at")
    }  # fmt: skip


def _audited(shown: dict) -> dict:
    moments = {key: _iso(shown[key]) for key in ("created_at", "updated_at")}
    return {**shown, **moments}


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None
