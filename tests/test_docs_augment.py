"""Every ```python block of docs/augment.md runs (in one fresh process, in order)."""
import os
import re
import subprocess
import sys
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "augment.md"


def test_docs_augment_blocks_run(tmp_path):
    blocks = re.findall(r"^```python\n(.*?)^```", DOC.read_text(encoding="utf-8"), re.S | re.M)
    assert blocks
    script = "\n".join(blocks) + "\nprint('gan.game.augment =', gan.game.augment)\n"
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True,
                            text=True, timeout=600, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "DiffAugment('translation,cutout')" in result.stdout
