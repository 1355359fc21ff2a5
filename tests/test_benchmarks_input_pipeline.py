"""README.md and data/README.md quote the committed record of benchmarks/input_pipeline.py."""
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RECORD = ROOT / "benchmarks" / "results" / "input_pipeline.json"


def test_the_readmes_quote_the_input_pipeline_record(doc_text):
    record = json.loads(RECORD.read_text())
    ours, naive = record["memory"]["ours"], record["memory"]["naive"]
    stale = f"stale: quote {RECORD.relative_to(ROOT)}"
    assert record["threads"] == 1 and record["rounds"] == 3 and record["examples"] == 50000

    readme = doc_text("README.md")
    assert (f"({record['examples']:,} CIFAR-sized images, {record['copy_mib']} MiB: "
            f"+{ours['loaded_above_before_mib']} MiB for the data, +{ours['peak_above_before_mib']} MiB peak "
            f"in all, against +{naive['peak_above_before_mib']} MiB for the textbook") in readme, stale
    assert (f"delivers {record['ratio_pipeline_to_train_step']:,}x what the SNGAN-CNN train step consumes "
            f"(medians of 3 rounds); training fed by it runs at {record['ratio_fed_to_fixed']:.2f}x") in readme, stale
    assert f"`{record['command']}`" in readme, stale

    data_readme = (ROOT / "data" / "README.md").read_text()
    for line in (f"median: pipeline {record['median_pipeline_images_per_s']:,} images/s; SNGAN-CNN train step "
                 f"(batch 64) consumes {record['median_train_step_images_per_s']} images/s",
                 f"ratio pipeline / train step = {record['ratio_pipeline_to_train_step']:,}x",
                 f"fed a fixed batch = {record['ratio_fed_to_fixed']:.3f}",
                 f"peak over 3000 batches {ours['peak_rss_mib']} MiB (+{ours['peak_above_before_mib']} MiB = "
                 f"{ours['uint8_copies_at_peak']} uint8 copies; {ours['images_per_s']:,} images/s)",
                 record["command"].replace("python ", "TFGAN_SUITE_SHARED_DATA=../shared/data python ", 1)):
        assert line in data_readme, f"data/README.md is {stale}: {line}"
