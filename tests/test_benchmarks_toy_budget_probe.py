"""benchmarks/toy_budget_probe.py: its budgets, and grid25's notes show its committed record's table."""
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RECORD = ROOT / "docs" / "measurements" / "toy_budget_probe.json"


def test_budgets_are_read_per_suite_and_a_malformed_one_is_refused(benchmark_module):
    module = benchmark_module("toy_budget_probe")
    assert module.parse_budgets(["ring8:2500,5000", "grid25:40000"]) == [
        ("ring8", 2500), ("ring8", 5000), ("grid25", 40000)]
    with pytest.raises(SystemExit, match="ring8:2500,5000"):
        module.parse_budgets(["ring8"])
    with pytest.raises(SystemExit, match="'ring8:25x0'.*positive whole numbers"):
        module.parse_budgets(["ring8:25x0"])


def test_the_grid25_notes_show_the_committed_records_table(benchmark_module):
    record = json.loads(RECORD.read_text())
    table = benchmark_module("toy_budget_probe").markdown(record)
    assert len(table.splitlines()) == 2 + 9  # ring8 at 4 budgets, grid25 at 5
    assert table in (ROOT / "docs" / "results" / "grid25.notes.md").read_text(), (
        "grid25.notes.md is stale: paste `python benchmarks/toy_budget_probe.py "
        "--markdown=docs/measurements/toy_budget_probe.json`")
    for row in record["probes"]:  # each row is its suite's nsgan seed 0 at that budget
        assert row["objective"] == "nsgan" and row["seed"] == 0 and row["status"] == "ok"
        assert f"--steps={row['steps']}" in row["command"]


def test_the_grid25_notes_show_the_no_xla_records_table(benchmark_module):
    record = json.loads((RECORD.parent / "toy_budget_probe_no_xla.json").read_text())
    table = benchmark_module("toy_budget_probe").markdown(record)
    assert table in (ROOT / "docs" / "results" / "grid25.notes.md").read_text(), (
        "grid25.notes.md is stale: paste `python benchmarks/toy_budget_probe.py "
        "--markdown=docs/measurements/toy_budget_probe_no_xla.json`")
    for row in record["probes"]:  # each run asked for the suites' records' path, without XLA
        assert row["jit_compile"] is False and "--jit_compile=false" in row["command"]
        assert row["objective"] == "nsgan" and row["seed"] == 0 and row["status"] == "ok"
