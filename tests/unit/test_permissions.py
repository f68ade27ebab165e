"""Who may do what is declared once, in reconcile/permissions.py."""

import ast
from pathlib import Path

import pytest

from reconcile.permissions import PERMISSIONS, Role, Verb, may, roles_for

ROOT = Path(__file__).resolve().parents[2]
ROLE_NAMES = [r.value for r in Role]


def test_every_verb_has_its_roles_and_the_system_may_do_all():
    assert set(PERMISSIONS) == set(Verb)
    for verb in Verb:
        assert may("system", verb)
        assert roles_for(verb) == [r for r in ROLE_NAMES if may(r, verb)]


@pytest.mark.parametrize(
    ("role", "verb", "allowed"),
    [
        ("finance", Verb.IMPORT_STATEMENT, True),
        ("enforcement", Verb.IMPORT_STATEMENT, False),
        ("approver", Verb.APPROVE, True),
        ("finance", Verb.APPROVE, False),
        ("desk", Verb.HANDLE_ALERT, True),
        ("enforcement", Verb.READ_RECONCILIATION, False),
        ("nobody", Verb.READ, False),
    ],
)
def test_a_role_may_do_exactly_what_the_table_says(role, verb, allowed):
    assert may(role, verb) is allowed


def _role_tuples(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            names = {e.value for e in node.elts if isinstance(e, ast.Constant)}
            if len(names & set(ROLE_NAMES)) >= 2:
                found.append(node.lineno)
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "require_role":
            found.append(node.lineno)
    return found


def test_no_module_declares_its_own_list_of_roles():
    sources = [
        p
        for folder in ("reconcile", "api")
        for p in (ROOT / folder).rglob("*.py")
        if "migrations" not in p.parts and p.name != "permissions.py"
    ]
    offenders = {str(p.relative_to(ROOT)): lines for p in sources if (lines := _role_tuples(p))}
    assert offenders == {}


def test_no_template_names_roles_instead_of_asking_the_table():
    templates = (ROOT / "api" / "templates").rglob("*.html")
    offenders = [
        str(p.relative_to(ROOT)) for p in templates if "staff.role in" in p.read_text("utf-8")
    ]
    assert offenders == []
