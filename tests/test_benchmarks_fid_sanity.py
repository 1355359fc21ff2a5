"""benchmarks/fid_sanity.py: the comparisons it makes, and docs/metrics.md's table is its record's."""
import json
from pathlib import Path

import numpy as np

from tfgan_suite import metrics

ROOT = Path(__file__).resolve().parents[1]
RECORD = ROOT / "docs" / "measurements" / "fid_sanity.json"


def _kid(a, b):
    return metrics.kernel_classifier_distance_and_std_from_activations(a, b, num_subsets=10,
                                                                       max_subset_size=6)


def test_halves_are_disjoint_and_train_is_compared_at_the_halves_size(benchmark_module):
    rng = np.random.default_rng(0)
    f_test, f_train = rng.normal(size=(20, 3)), rng.normal(size=(16, 3)) + 0.5
    fid = metrics.frechet_classifier_distance_from_activations

    rows = benchmark_module("fid_sanity").comparisons(f_test, f_train, fid, _kid)

    assert [(r["n_a"], r["n_b"]) for r in rows] == [(10, 10), (10, 10), (16, 20)]
    assert rows[0]["fid"] == float(fid(f_test[0::2], f_test[1::2]))
    assert rows[1]["fid"] == float(fid(f_train[:10], f_test[0::2]))
    assert rows[2]["fid"] == float(fid(f_train, f_test))
    assert rows[1]["kid"] is None and rows[2]["kid"] == float(_kid(f_train, f_test)[0])
    json.dumps(rows)  # a record: plain floats, no numpy scalars


def test_the_metrics_doc_shows_the_committed_records_table(benchmark_module):
    table = benchmark_module("fid_sanity").markdown(json.loads(RECORD.read_text()))
    assert table in (ROOT / "docs" / "metrics.md").read_text(), (
        "docs/metrics.md is stale: paste `python benchmarks/fid_sanity.py "
        "--markdown=docs/measurements/fid_sanity.json`")
