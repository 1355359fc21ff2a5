"""The README's speed tables are the output of benchmarks/speed_table.py on the committed JSON."""
import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RECORDS = ("roofline.json", "roofline_cli.json", "roofline_inception.json")


def _speed_table():
    spec = importlib.util.spec_from_file_location("speed_table",
                                                  ROOT / "benchmarks" / "speed_table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", RECORDS)
def test_readme_roofline_tables_are_generated_from_the_committed_json(name):
    record = json.loads((ROOT / "benchmarks" / "results" / name).read_text())
    table = _speed_table().roofline_table(record)
    assert table in (ROOT / "README.md").read_text(), f"README differs from {name}'s table"


def test_roofline_rows_are_consistent_with_their_flops_and_matmul_rate():
    record = json.loads((ROOT / "benchmarks" / "results" / "roofline.json").read_text())
    assert record["rows"], "the roofline record has no measured model"
    for row in record["rows"]:
        achieved = row["gflop_per_step"] * row["steps_per_cpu_s"]
        assert achieved == pytest.approx(row["gflops_cpu"], rel=1e-9)
        assert achieved / record["matmul_gflops_cpu"] == pytest.approx(
            row["fraction_of_matmul_cpu"], rel=1e-9)


def test_readme_cli_overhead_table_is_generated_and_its_phases_add_up_to_the_run():
    record = json.loads((ROOT / "benchmarks" / "results" / "cli_overhead.json").read_text())
    assert _speed_table().cli_overhead_table(record) in (ROOT / "README.md").read_text()
    # every second of the process is in exactly one phase (the derived ones take the rest)
    assert sum(row["cpu_s"] for row in record["rows"]) == pytest.approx(record["total_cpu_s"])
    assert sum(row["wall_s"] for row in record["rows"]) == pytest.approx(record["total_wall_s"])
