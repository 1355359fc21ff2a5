"""README.md quotes the committed record of benchmarks/sgan_mnist.py."""
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RECORD = ROOT / "docs" / "measurements" / "sgan_mnist.json"


def test_the_readme_quotes_the_sgan_mnist_record(doc_text):
    record = json.loads(RECORD.read_text())
    readme = doc_text("README.md")
    last = record["rows"][-1]
    stale = f"README.md is stale: quote {RECORD.relative_to(ROOT)}"
    assert last["step"] == 600 and len(last["local"]) == 3 and record["real_test_images"] == 1000
    assert f"`{record['command']}`" in readme, stale
    assert (f"G_0 reached {last['g0']:.2f} against {last['median_local']:.2f} for the median local generator "
            f"(the three: {', '.join(f'{v:.2f}' for v in last['local'])}), and it was not worse than that "
            f"median at any of the {len(record['rows'])} evaluations") in readme, stale
    assert all(row["g0_not_worse"] for row in record["rows"])
