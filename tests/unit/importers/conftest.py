"""Fixtures and options for the importer tests: where the statement files are."""

from __future__ import annotations

from pathlib import Path

import pytest

from .samples import DATA


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--regenerate-golden",
        action="store_true",
        help="rewrite tests/data/**/*.expected.json from what the importers give now",
    )


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """All statement files of the importer tests: our own and the copied public samples."""
    return DATA
