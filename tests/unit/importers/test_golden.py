"""Every statement file in tests/data reads as the normalised JSON stored beside it.

As beangulp's tests do: `tests/data/ofx/foo.ofx` is checked against
`tests/data/ofx/foo.ofx.expected.json`, which holds what `reconcile parse --format ofx`
prints for it (a list of `importers.serialize.statement_to_json`), or `{"error": "..."}`
for a file the importer refuses. The format comes from the file's top folder.

A mismatch fails with a unified diff. To accept what the importers give now, rewrite the
expected files (each change is printed as a diff), then review them with `git diff`:

    .venv/bin/python -m pytest tests/unit/importers/test_golden.py --regenerate-golden
    RECONCILE_REGENERATE_GOLDEN=1 .venv/bin/python -m pytest tests/unit/importers/test_golden.py
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path

import pytest

from importers import parse_file
from importers.base import StatementParseError
from importers.serialize import statement_to_json

from .samples import DATA

EXPECTED_SUFFIX = ".expected.json"
#: top folder of tests/data → (format name, suffixes of its statement files)
FORMATS = {
    "ofx": ("ofx", (".ofx", ".qfx")),
    "camt": ("camt053", (".xml",)),
    "mt940": ("mt940", (".sta", ".txt")),
    "csv": ("csv", (".csv", ".xls", ".xlsx", ".txt")),
}


def statement_files() -> list[Path]:
    """Return every statement file under tests/data, in a stable order."""
    return sorted(
        path
        for folder, (_, suffixes) in FORMATS.items()
        for path in (DATA / folder).rglob("*")
        if path.is_file() and path.suffix.lower() in suffixes
    )


def normalised(path: Path) -> str:
    """Return what `reconcile parse` prints for the file, or its refusal, as JSON text."""
    format_name = FORMATS[path.relative_to(DATA).parts[0]][0]
    try:
        with path.open("rb") as source:
            result = [
                statement_to_json(s) for s in parse_file(source, format_name, filename=path.name)
            ]
    except StatementParseError as error:
        result = {"error": str(error)}
    return json.dumps(result, ensure_ascii=False, indent=2) + "\n"


def regenerating(config: pytest.Config) -> bool:
    return bool(config.getoption("--regenerate-golden")) or (
        os.environ.get("RECONCILE_REGENERATE_GOLDEN") == "1"
    )


def unified_diff(old: str, new: str, name: str) -> str:
    return "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True), new.splitlines(keepends=True), name, f"{name} (now)"
        )
    )


def test_tests_data_holds_the_statement_files_of_every_format():
    folders = {path.relative_to(DATA).parts[0] for path in statement_files()}
    assert folders == set(FORMATS)


def test_every_expected_file_has_its_statement_file():
    inputs = {str(path) + EXPECTED_SUFFIX for path in statement_files()}
    orphans = [str(p) for p in DATA.rglob("*" + EXPECTED_SUFFIX) if str(p) not in inputs]
    assert orphans == []


@pytest.mark.parametrize("path", statement_files(), ids=lambda path: str(path.relative_to(DATA)))
def test_a_statement_file_reads_as_its_expected_json(path: Path, request, capsys):
    expected_path = path.with_name(path.name + EXPECTED_SUFFIX)
    name = str(expected_path.relative_to(DATA.parents[1]))
    now = normalised(path)
    before = expected_path.read_text(encoding="utf-8") if expected_path.exists() else ""
    if now == before:
        return
    diff = unified_diff(before, now, name)
    if regenerating(request.config):
        expected_path.write_text(now, encoding="utf-8")
        with capsys.disabled():
            print(f"\nrewrote {name}:\n{diff}")
        return
    pytest.fail(f"{name} differs (--regenerate-golden rewrites it):\n{diff}", pytrace=False)
