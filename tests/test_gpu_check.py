"""benchmarks/gpu_check.py --quick runs on a CPU and writes one row per measurement."""
import importlib.util
import json
import os
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "gpu_check.py"


@pytest.mark.slow
def test_quick_gpu_check_measures_every_row(tmp_path, shared_data, monkeypatch):
    monkeypatch.setenv("TFGAN_SUITE_SHARED_DATA", str(shared_data))
    spec = importlib.util.spec_from_file_location("gpu_check", SCRIPT)
    gpu_check = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gpu_check)
    output = tmp_path / "check.json"
    gpu_check.main(["--quick", f"--output={output}"])
    result = json.loads(output.read_text())
    rows = {(row["benchmark"], row["mode"]): row for row in result["rows"]}
    for model in gpu_check.MODELS:
        for mode in gpu_check.MODES:
            assert rows[(f"{model} train step", mode)]["value"] > 0
        assert rows[(f"{model} train step", "plain")]["vs_plain"] == 1.0
    assert rows[("inception features", "batch 8")]["value"] > 0
    run = rows[("cifar10 run (preset)", "4 steps")]
    assert run["value"] > 0 and run["note"].endswith("s end to end")
    assert result["settings"]["cifar10"] == os.path.join(str(shared_data), "cifar10.npz")
