"""line rules (#18): lines that are not case money, recognised by finance's rules

- `line_rules`: conditions (counterparty, remark text or pattern, amount range, direction)
  and an outcome (a non-case ledger: interest | bank_fee | court_transfer, or a case);
- `statement_lines.status`: `non_case` (a line a rule decided is not case money).

The status CHECK is widened as 0031 does it (on SQLite by editing the stored CREATE TABLE
text: admitting one more value can invalidate no existing row).

Revision ID: 0029
Revises: 0031
Create Date: 2026-12-07 01:00:00.000000
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0031"
branch_labels = None
# after every migration of the statements' branch (0003 … 0017 and its heads), whose
# rebuilds of statement_lines (0013's status CHECK, …) would otherwise undo this one's
# change when both branches are upgraded from below them
depends_on = ("0018", "0021", "0022")

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
OUTCOMES = ("interest", "bank_fee", "court_transfer", "case")


def upgrade() -> None:
    op.create_table(
        "line_rules",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("court", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("direction", sa.String(length=6), nullable=True),
        sa.Column("counterparty_name", sa.String(length=200), nullable=True),
        sa.Column("counterparty_account", sa.String(length=64), nullable=True),
        sa.Column("remark_text", sa.String(length=200), nullable=True),
        sa.Column("remark_pattern", sa.String(length=200), nullable=True),
        sa.Column("amount_min", sa.BigInteger(), nullable=True),
        sa.Column("amount_max", sa.BigInteger(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("case_id", Id, nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(_in("outcome", OUTCOMES), name=op.f("ck_line_rules_outcome")),
        sa.CheckConstraint(
            "direction is null or direction in ('credit', 'debit')",
            name=op.f("ck_line_rules_direction"),
        ),
        sa.CheckConstraint(
            "(outcome = 'case') = (case_id is not null)",
            name=op.f("ck_line_rules_case_outcome_names_case"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_line_rules_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_line_rules")),
        sa.UniqueConstraint("court", "name", name="uq_line_rules_court_name"),
    )
    op.create_index("ix_line_rules_court_active", "line_rules", ["court", "active", "id"])
    _change_check("statement_lines", "status", lambda values: [*values, "non_case"])


def downgrade() -> None:
    bind = op.get_bind()
    decided = "SELECT count(*) FROM statement_lines WHERE status = 'non_case'"
    if bind.execute(sa.text(decided)).scalar():
        raise RuntimeError("lines are decided as not case money: the statements keep them")
    _change_check(
        "statement_lines", "status", lambda values: [v for v in values if v != "non_case"]
    )
    op.drop_index("ix_line_rules_court_active", table_name="line_rules")
    op.drop_table("line_rules")


def _in(column: str, values) -> str:
    return f"{column} in (" + ", ".join(f"'{v}'" for v in values) + ")"


def _change_check(table: str, column: str, change) -> None:
    """Replace the CHECK `ck_<table>_<column>` (`column in (...)`) by `change(values)`."""
    bind = op.get_bind()
    name = f"ck_{table}_{column}"
    if bind.dialect.name != "sqlite":
        current = bind.execute(
            sa.text("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = :n"),
            {"n": name},
        ).scalar_one()
        op.drop_constraint(op.f(name), table, type_="check")
        op.create_check_constraint(op.f(name), table, _in(column, change(_values(current))))
        return
    sql = bind.execute(
        sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :t"), {"t": table}
    ).scalar_one()
    pattern = re.compile(rf"(CONSTRAINT {name} CHECK \()([^()]*\([^()]*\))(\))")
    found = pattern.search(sql)
    if found is None:
        raise RuntimeError(f"{table}: no CHECK {name} of the expected form")
    check = _in(column, change(_values(found.group(2))))
    new_sql = sql[: found.start(2)] + check + sql[found.end(2) :]
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.execute(
        sa.text("UPDATE sqlite_master SET sql = :s WHERE type = 'table' AND name = :t"),
        {"s": new_sql, "t": table},
    )
    bind.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def _values(check: str) -> list[str]:
    """The quoted values of a CHECK text `... in ('a', 'b')`, in order."""
    return re.findall(r"'([^']*)'", check)
