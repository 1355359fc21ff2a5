"""CI=true turns a skip (missing shared data, missing devices) into a failure; locally it stays a skip."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent

PROBE = '''
import pytest
from skip_policy import pytest_make_collect_report, pytest_runtest_makereport  # noqa: F401

@pytest.fixture
def shared_data():
    pytest.skip("real data not found at /nowhere")

def test_needs_data(shared_data):
    pass

def test_needs_torch():
    pytest.importorskip("no_such_module_for_the_probe")

@pytest.mark.xfail(strict=True, reason="known")
def test_expected_failure():
    assert False
'''


@pytest.mark.parametrize("ci, outcome", [("true", "1 failed, 1 xfailed, 2 errors"), ("", "3 skipped, 1 xfailed")])
def test_skips_fail_under_ci(tmp_path, ci, outcome):
    (tmp_path / "conftest.py").write_text(PROBE.split("\n\n@pytest.fixture")[0])
    (tmp_path / "test_probe.py").write_text(PROBE)
    (tmp_path / "test_probe_module.py").write_text(
        'import pytest\npytest.importorskip("no_such_module_for_the_probe")\n\ndef test_x():\n    pass\n')
    env = {**os.environ, "CI": ci, "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rfEs",
                             "--continue-on-collection-errors", "--rootdir", str(tmp_path), str(tmp_path)],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert outcome in result.stdout, result.stdout
    if ci:
        assert result.returncode == 1
        assert "skipped under CI=true (CI must run every test): Skipped: real data not found" in result.stdout
    else:
        assert result.returncode == 0
