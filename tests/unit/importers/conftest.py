"""Fixtures for the importer tests: where the public statement samples and our own files are."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    """The shared samples folder: `../shared/samples` beside the repo, or RECONCILE_SAMPLES_DIR."""
    path = Path(os.environ.get("RECONCILE_SAMPLES_DIR") or REPO_ROOT.parent / "shared" / "samples")
    if not path.is_dir():
        pytest.fail(f"statement samples not found at {path}; set RECONCILE_SAMPLES_DIR")
    return path


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """Our own small hand-made statement files."""
    return REPO_ROOT / "tests" / "data"
