"""The benchmarks write their records through ``utils.machine.write_record``: the committed records
are byte for byte what it writes, so a re-run that measured the same figures leaves them unchanged,
and the scripts whose records have sorted keys still write them sorted."""
import json
import sys
from pathlib import Path

import pytest

from tfgan_suite.utils.machine import write_record

ROOT = Path(__file__).resolve().parents[1]
RECORDS = sorted(
    list((ROOT / "docs" / "measurements").glob("*.json"))
    + list((ROOT / "benchmarks" / "results").glob("*.json"))
    + list((ROOT / "docs" / "results").glob("conditional_*.json")))


def test_write_record_keeps_the_key_order_unless_asked_to_sort_and_ends_in_one_newline(
        tmp_path, capsys):
    record = {"b": 1, "a": {"d": 2.5, "c": [1, 2]}}
    write_record(tmp_path / "kept.json", record)
    write_record(tmp_path / "sorted.json", record, sort_keys=True)
    assert (tmp_path / "kept.json").read_text() == json.dumps(record, indent=2) + "\n"
    assert (tmp_path / "sorted.json").read_text() == (
        json.dumps(record, indent=2, sort_keys=True) + "\n")
    assert capsys.readouterr().out == (f"wrote {tmp_path / 'kept.json'}\n"
                                       f"wrote {tmp_path / 'sorted.json'}\n")


@pytest.mark.parametrize("path", RECORDS, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_committed_record_is_what_write_record_writes(path, tmp_path):
    rewritten = tmp_path / path.name
    write_record(rewritten, json.loads(path.read_text()))
    assert rewritten.read_bytes() == path.read_bytes()


def _written(path, sorted_keys):
    """The record at ``path``, after checking it is laid out as the committed ones of its script."""
    text = path.read_text()
    record = json.loads(text)
    assert text == json.dumps(record, indent=2, sort_keys=sorted_keys) + "\n"
    if sorted_keys:
        assert list(record) == sorted(record)
    return record


def test_toy_budget_probe_writes_the_kept_fields_of_each_probe(benchmark_module, tmp_path,
                                                               monkeypatch):
    run_record = {"suite": "ring8", "objective": "nsgan", "seed": 0, "steps": 10, "status": "ok",
                  "metrics": {"modes": 8, "high_quality": 0.9, "kl": 0.01},
                  "jit_compile": False, "not_kept": "dropped"}
    record_path = tmp_path / "probes" / "ring8_10" / "runs" / "seed0__nsgan.json"
    record_path.parent.mkdir(parents=True)
    record_path.write_text(json.dumps(run_record))  # already trained: the probe only reads it
    output = tmp_path / "probe.json"
    monkeypatch.setattr(sys, "argv", ["toy_budget_probe.py", "--budgets=ring8:10",
                                      f"--workdir={tmp_path / 'probes'}", f"--output={output}"])
    module = benchmark_module("toy_budget_probe")
    module.main()
    record = _written(output, sorted_keys=False)
    assert list(record) == ["command", "date", "load_start", "probes", "load_end"]
    [row] = record["probes"]
    assert row["metrics"] == run_record["metrics"] and "not_kept" not in row
    assert "| ring8 | 10 | off | 8 | 0.900 | 0.010 |" in module.markdown(record)


def test_lucic_their_loop_writes_its_record_with_sorted_keys(benchmark_module, tmp_path,
                                                              monkeypatch):
    import tensorflow as tf  # pylint: disable=import-outside-toplevel

    module = benchmark_module("lucic_their_loop")
    monkeypatch.setattr(module, "escape_section", lambda args: {"seeds": {"0": 1}, "lr": args.lr})
    # main sets TensorFlow's thread count, which raises once an earlier test has started TensorFlow
    monkeypatch.setattr(tf.config.threading, "set_intra_op_parallelism_threads", lambda n: None)
    output = tmp_path / "loop.json"
    monkeypatch.setattr(sys, "argv", ["lucic_their_loop.py", "--sections=escape",
                                      f"--output={output}"])
    module.main()
    record = _written(output, sorted_keys=True)
    assert record["benchmark"] == "lucic_their_loop" and record["escape"]["lr"] == 5e-5
    assert list(record["escape"]) == ["lr", "seeds"]


def test_fid_lucic_writes_its_record_with_sorted_keys(benchmark_module, tmp_path, monkeypatch):
    module = benchmark_module("fid_lucic")
    monkeypatch.setattr(module, "resize_section", lambda n: {"n_test": n, "fid_tf1": 31.7})
    output = tmp_path / "fid_lucic.json"
    monkeypatch.setattr(sys, "argv", ["fid_lucic.py", "--sections=resize", "--resize_n=4",
                                      "--threads=0", f"--output={output}"])
    module.main()
    record = _written(output, sorted_keys=True)
    assert record["resize"] == {"fid_tf1": 31.7, "n_test": 4}


def test_metric_speed_writes_its_sections_between_the_load_averages(benchmark_module, tmp_path,
                                                                     monkeypatch):
    module = benchmark_module("metric_speed")
    monkeypatch.setattr(module, "bench_frechet", lambda: {"speedup": 3.0})
    output = tmp_path / "metric_speed.json"
    monkeypatch.setattr(sys, "argv", ["metric_speed.py", "--sections=frechet",
                                      f"--output={output}"])
    module.main()
    record = _written(output, sorted_keys=False)
    assert list(record) == ["command", "date", "threads", "cpu_count", "load_average_before",
                            "frechet", "load_average_after"]
    assert record["frechet"] == {"speedup": 3.0}


def test_gpu_check_writes_its_rows_after_the_settings(benchmark_module, tmp_path, monkeypatch):
    module = benchmark_module("gpu_check")
    monkeypatch.setattr(module, "train_step_speed",
                        lambda model, mode, *args: {"plain": 10.0}.get(mode, 20.0))

    def no_cifar10(*args):
        raise RuntimeError("no CIFAR-10 here")

    monkeypatch.setattr(module, "cifar10_run_speed", no_cifar10)
    output = tmp_path / "gpu_check.json"
    module.main(["--models=dcgan32", "--modes=plain,mirrored-1", "--inception_weights=",
                 f"--output={output}"])
    record = _written(output, sorted_keys=False)
    assert list(record) == ["device", "gpu", "tensorflow", "keras", "settings", "total_s",
                            "load_average_1min", "rows"]
    assert [(row["mode"], row["value"], row.get("vs_plain")) for row in record["rows"][:2]] == [
        ("plain", 10.0, 1.0), ("mirrored-1", 20.0, 2.0)]
    assert record["rows"][-1]["note"] == "no CIFAR-10 here"
