"""The import contracts in pyproject.toml hold, and break when a layer imports past its own.

Each case copies the packages to a temporary directory, plants one illegal import in the
copy, and runs `lint-imports` with the project's own contracts on it.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("reconcile", "importers", "api")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """Return a copy of the packages and the contracts, to break."""
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package,
            tmp_path / package,
            ignore=shutil.ignore_patterns("__pycache__", "static", "templates"),
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-logo", "--no-cache", str(tree / "pyproject.toml")],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def plant(tree: Path, module: str, line: str) -> None:
    path = tree / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")


def test_the_unmodified_tree_keeps_every_contract(tree: Path) -> None:
    result = lint_imports(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract", "offence"),
    [
        (
            "reconcile/ledger.py",
            "import flask",
            "domain (reconcile/*.py): no Flask, SQLAlchemy, db, services or api",
            "reconcile.ledger -> flask",
        ),
        (
            "reconcile/money.py",
            "from reconcile.db import tables",
            "domain (reconcile/*.py): no Flask, SQLAlchemy, db, services or api",
            "reconcile.money -> reconcile.db.tables",
        ),
        (
            "importers/ofx/importer.py",
            "import reconcile.money",
            "importers import nothing of ours",
            "importers.ofx.importer -> reconcile.money",
        ),
        (
            "reconcile/services/watch.py",
            "import sqlalchemy",
            "only reconcile.db imports SQLAlchemy",
            "reconcile.services.watch -> sqlalchemy",
        ),
        (
            "reconcile/db/registry.py",
            "from reconcile.services import access",
            "api -> reconcile.services -> reconcile.db, never upwards",
            "reconcile.db.registry -> reconcile.services.access",
        ),
        (
            "api/cli_ledger.py",
            "from reconcile.db import ledger_store",
            "api calls use cases (reconcile.services), never stores",
            "api.cli_ledger -> reconcile.db.ledger_store",
        ),
    ],
)
def test_an_illegal_import_breaks_its_contract(
    tree: Path, module: str, line: str, contract: str, offence: str
) -> None:
    plant(tree, module, line)
    result = lint_imports(tree)
    assert result.returncode == 1, result.stdout + result.stderr
    broken = result.stdout.split("Broken contracts", 1)[-1]
    assert contract in broken
    assert offence in broken


def test_the_api_never_commits_a_connection_itself() -> None:
    commits = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in sorted((ROOT / "api").rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "commit"
    ]
    assert commits == [], "use cases commit, not the api: " + ", ".join(commits)
