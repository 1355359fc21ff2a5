"""Every ```python block of README.md runs, in order, in one fresh Python process (one namespace,
as in a notebook), with tiny step and sample counts substituted in."""
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)
WEIGHTS = "inception_2015-12-05_fid_torchscript.pt"

# (what the README says, what the test runs): tiny counts, the weights from the shared data folder.
# Each must match in at least one block, so an edited README cannot silently run at full size.
def substitutions(shared_data):
    return [("epochs=10, steps_per_epoch=300", "epochs=1, steps_per_epoch=2"),
            ("10000", "20"),
            (f'weights = "{WEIGHTS}"', f"weights = {str(shared_data / WEIGHTS)!r}")]


def readme_blocks():
    """``[(line number, source)]`` of the README's python blocks."""
    text = README.read_text(encoding="utf-8")
    return [(text[:match.start()].count("\n") + 2, match.group(1))
            for match in BLOCK.finditer(text)]


def padded(line, source):
    """``source`` preceded by blank lines so that its first line is line ``line``."""
    return "\n" * (line - 1) + source


def test_readme_blocks_run(tmp_path, shared_data):
    """``shared_data`` (the Inception weights): one README block computes FID with them."""
    blocks = readme_blocks()
    assert len(blocks) >= 3
    used = set()
    runnable = []
    for line, source in blocks:
        for old, new in substitutions(shared_data):
            if old in source:
                used.add(old)
                source = source.replace(old, new)
        runnable.append((line, source))
    assert used == {old for old, _ in substitutions(shared_data)}, (
        "a substitution no longer matches the README")

    # each block compiled under its README line numbers, so a traceback points into README.md
    script = "namespace = {}\n" + "".join(
        f"print('README.md line {line}', flush=True)\n"
        f"exec(compile({padded(line, source)!r}, 'README.md', 'exec'), namespace)\n"
        for line, source in runnable)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3",
               TFGAN_SUITE_SHARED_DATA=str(shared_data))
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, textwrap.shorten(result.stdout, 500) + result.stderr[-3000:]
    assert result.stdout.count("README.md line") == len(runnable)
    assert "`shuffle=True` was passed" not in result.stderr  # no spurious warning from the README
    assert (tmp_path / "samples" / "samples_final.png").exists()
