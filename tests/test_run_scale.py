"""``python -m tfgan_suite.run``: the scale flags fail in one line when the hardware is not there."""
import os
import subprocess
import sys

import pytest


@pytest.mark.parametrize("flags, expected", [
    (["--strategy=tpu"], "no TPU found"),
    (["--strategy=multi_worker"], "needs the TF_CONFIG environment variable"),
])
def test_scale_flags_fail_in_one_line(tmp_path, flags, expected):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    env.pop("TF_CONFIG", None)
    result = subprocess.run([sys.executable, "-m", "tfgan_suite.run", f"--workdir={tmp_path / 'w'}",
                             *flags], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert any(expected in line for line in lines), result.stderr
    assert "Traceback" not in result.stderr and len(lines) <= 2, result.stderr
    assert not (tmp_path / "w").exists()
