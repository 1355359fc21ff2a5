"""benchmarks/inception_agreement.py: what it measures, and docs/metrics.md quotes its record."""
import json
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RECORD = ROOT / "docs" / "measurements" / "inception_agreement.json"
COMMAND = ("python benchmarks/inception_agreement.py --num_images=250 --threads=1 "
           "--output=docs/measurements/inception_agreement.json")


def test_relative_difference_is_per_image_over_the_feature_norm(benchmark_module):
    module = benchmark_module("inception_agreement")
    reference = np.array([[3.0, 4.0], [1.0, 0.0]])
    ours = reference + np.array([[0.0, 0.5], [0.0, 0.0]])

    rel = module.relative_differences(ours, reference)

    np.testing.assert_allclose(rel, [0.1, 0.0])
    figures = module.summary(rel)
    assert figures == {"images": 2, "max": 0.1, "median": 0.05}
    json.dumps(figures)  # a record: plain numbers


def test_the_metrics_doc_quotes_the_committed_record(doc_text):
    record = json.loads(RECORD.read_text())
    doc = doc_text("docs/metrics.md")
    assert record["command"] == COMMAND and record["threads"] == 1
    assert record["both"]["max"] < 1e-5  # tests/test_metrics_inception.py's FEATURE_RTOL
    quoted = (f"at most {record['both']['max']:.1e} relative (median {record['both']['median']:.1e}) on the "
              f"first 250 CIFAR-10 and 250 MNIST test images: at most {record['sets']['cifar10']['max']:.1e} on "
              f"CIFAR-10 and {record['sets']['mnist']['max']:.1e} on MNIST (`{COMMAND}`").replace("e-0", "e-")
    assert quoted in doc, f"docs/metrics.md is stale: quote {RECORD.relative_to(ROOT)}"
