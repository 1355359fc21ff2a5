"""README.md and docs/metrics.md quote the committed Inception speed record of benchmarks/metric_speed.py."""
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RECORD = ROOT / "docs" / "measurements" / "metric_speed_inception.json"


def test_the_docs_quote_the_inception_speed_record(doc_text):
    record = json.loads(RECORD.read_text())
    row = record["inception"]["batch_sizes"]["32"]
    rates = {name.split(" ")[0] + ("_xla" if "jit_compile=True" in name else ""): value
             for name, value in row["rates"].items()}
    ours, xla, ref = rates["ours"], rates["ours_xla"], rates["reference"]
    ratio, domain = row["ratio_ours_to_reference"], record["inception"]["domain_classifier_mnist"]
    assert record["threads"] == 1 and ratio["wall"] == round(ours["wall"] / ref["wall"], 2)
    stale = f"stale: quote {RECORD.relative_to(ROOT)}"

    metrics_md = doc_text("docs/metrics.md")
    assert f"`{record['command']}`" in metrics_md, stale
    assert (f"ours {ours['wall']:.2f} images/s wall ({ours['cpu']:.2f} per CPU-second), the PyTorch 2.13 "
            f"TorchScript reference {ref['wall']:.2f} images/s ({ref['cpu']:.2f} per CPU-second): "
            f"**ours {ratio['wall']:.2f}× faster** wall, {ratio['cpu']:.2f}× per CPU-second") in metrics_md, stale
    assert f"(XLA), in the same run: {xla['wall']:.2f} images/s wall ({xla['cpu']:.2f} per CPU-second)" in metrics_md
    assert f"classifier: {domain['wall']:,} images/s wall, {domain['cpu']:,} per CPU-second" in metrics_md, stale

    readme = doc_text("README.md")
    assert (f"ran {ratio['wall']:.2f}x faster than the PyTorch reference on the same images in the same run "
            f"({ours['wall']:.2f} vs {ref['wall']:.2f} images/s wall, {ratio['cpu']:.2f}x per CPU-second") in readme, stale
    assert f"`{record['command']}`" in readme and f"{domain['wall']:,} images/s" in readme, stale


def test_the_metrics_doc_quotes_the_ms_ssim_and_frechet_records(doc_text):
    doc = doc_text("docs/metrics.md")
    ms_ssim = json.loads((RECORD.parent / "metric_speed_ms_ssim.json").read_text())
    assert f"`{ms_ssim['command']}`" in doc
    assert (f"{ms_ssim['ms_ssim']['pairs_per_s']} pairs/s wall, {ms_ssim['ms_ssim']['pairs_per_cpu_s']} pairs per "
            f"CPU-second — about {1000 / ms_ssim['ms_ssim']['pairs_per_s']:.0f} s") in doc

    frechet = json.loads((RECORD.parent / "metric_speed_frechet.json").read_text())
    ours, scipy_ = frechet["frechet"]["ours_eigh"], frechet["frechet"]["scipy_sqrtm"]
    assert abs(ours["trace_sqrt"] - scipy_["trace_sqrt"]) < 1e-9 * ours["trace_sqrt"]
    assert f"`{frechet['command']}`" in doc
    assert (f"took {ours['cpu_seconds']} CPU-seconds against {scipy_['cpu_seconds']} for `scipy.linalg.sqrtm` of "
            f"the product, {frechet['frechet']['sqrtm_over_ours_cpu']}× fewer, with the same value to the printed "
            f"digits ({ours['trace_sqrt']:.6f};") in doc
