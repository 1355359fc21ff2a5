"""Helpers shared by the tests/test_metrics_*.py files (locating the real data in ../shared/data)."""
import os
from pathlib import Path

import pytest

TORCHSCRIPT = "inception_2015-12-05_fid_torchscript.pt"


def shared_data_dir():
    """``$TFGAN_SUITE_SHARED_DATA`` or ``<repo>/../shared/data``; skips the test when absent."""
    path = Path(os.environ.get("TFGAN_SUITE_SHARED_DATA")
                or Path(__file__).resolve().parents[1].parent / "shared" / "data")
    if not path.is_dir():
        pytest.skip(f"real data not found at {path} (set TFGAN_SUITE_SHARED_DATA)")
    return path


def shared_file(name):
    path = shared_data_dir() / name
    if not path.is_file():
        pytest.skip(f"{name} not found in {path.parent}")
    return path
