"""docs/metrics.md quotes the committed record of benchmarks/metric_memory.py."""
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RECORD = ROOT / "docs" / "measurements" / "metric_memory.json"


def test_the_metrics_doc_quotes_the_memory_record(doc_text):
    record = json.loads(RECORD.read_text())
    doc = doc_text("docs/metrics.md")
    stand_in, inception = record["stand_in"], record["inception"]
    stale = f"docs/metrics.md is stale: quote {RECORD.relative_to(ROOT)}"
    assert record["threads"] == 1 and stand_in["images"] == 50000 and inception["images"] == 100
    assert f"`{record['command']}`" in doc, stale
    assert f"(391 MiB per 50k)" in doc and stand_in["kid_features_mib"] == 391, stale
    assert f"**peak RSS {stand_in['peak_rss_mib']:,} MiB** (TensorFlow loaded)" in doc, stale
    assert f"running it on 100 images in the same process: **{inception['peak_rss_mib']:,} MiB**" in doc, stale
    assert f"{inception['peak_rss_mib']:,} + 391 MiB" in doc and f"{inception['peak_rss_mib']:,} − 391 MiB" in doc
    assert f"at the record's {inception['images_per_s']} images/s" in doc, stale
