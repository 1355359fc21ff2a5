"""docs/bogonet.md and README.md show the committed smoke sweep's report, regenerated from its records."""
import json
import shutil
from pathlib import Path

from tfgan_suite.bogonet import report

ROOT = Path(__file__).resolve().parents[1]
SWEEP = ROOT / "docs" / "results" / "bogonet_smoke"
OBJECTIVES = ["nsgan", "wgan_gp", "dragan", "rep"]  # the sweep's --objectives, in its order
REGENERATE = ("python -m tfgan_suite.bogonet --summarize_only --objectives=nsgan,wgan_gp,dragan,rep "
              "--workdir=docs/results/bogonet_smoke")


def test_the_committed_summary_is_what_the_committed_records_give(tmp_path):
    work = tmp_path / "sweep"
    shutil.copytree(SWEEP, work)
    (work / "summary.md").unlink()
    (work / "summary.json").unlink()

    report.write_report(str(work), OBJECTIVES)

    assert (work / "summary.md").read_text() == (SWEEP / "summary.md").read_text(), (
        f"docs/results/bogonet_smoke/summary.md is stale: run `{REGENERATE}`")
    assert json.loads((work / "summary.json").read_text()) == json.loads(
        (SWEEP / "summary.json").read_text())
    assert len(list((SWEEP / "runs").glob("*.json"))) == 8 * len(OBJECTIVES)  # every run kept


def test_the_docs_show_the_summary_verbatim():
    summary_md = (SWEEP / "summary.md").read_text()
    assert summary_md.strip() in (ROOT / "docs" / "bogonet.md").read_text(), (
        "docs/bogonet.md is stale: paste docs/results/bogonet_smoke/summary.md")
    objective_table = summary_md.split("\n\n")[0]
    assert objective_table.startswith("| objective |")
    assert objective_table in (ROOT / "README.md").read_text(), (
        "README.md's BogoNet table is stale: paste the first table of docs/results/bogonet_smoke/summary.md")
