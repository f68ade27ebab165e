"""Where the shared real-world statement samples live (see ../shared/samples/README.md)."""

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]


def samples_dir() -> Path:
    """Return the samples folder: $RECONCILE_SAMPLES_DIR or ../shared/samples; fail if absent."""
    folder = Path(os.environ.get("RECONCILE_SAMPLES_DIR", REPO_ROOT.parent / "shared" / "samples"))
    if not folder.is_dir():
        pytest.fail(f"statement samples not found at {folder} (set RECONCILE_SAMPLES_DIR)")
    return folder
