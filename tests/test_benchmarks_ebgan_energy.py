"""benchmarks/ebgan_energy.py: it reads the energies from losses.csv, and mnist's notes show its record."""
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RECORD = ROOT / "docs" / "measurements" / "ebgan_energy.json"


def test_energies_are_read_from_every_losses_csv_row(benchmark_module, tmp_path):
    csv_path = tmp_path / "losses.csv"
    csv_path.write_text("epoch,d_loss,energy_fake,energy_real,g_loss\n0,1.0,0.5,0.25,0.1\n1,0.5,0.75,0.125,0.2\n")

    rows = benchmark_module("ebgan_energy").energies(csv_path)

    assert rows == [{"row": 1, "energy_fake": 0.5, "energy_real": 0.25},
                    {"row": 2, "energy_fake": 0.75, "energy_real": 0.125}]


def test_the_mnist_notes_show_the_committed_records_table(benchmark_module):
    record = json.loads(RECORD.read_text())
    table = benchmark_module("ebgan_energy").markdown(record)
    assert len(table.splitlines()) == 2 + 3
    assert table in (ROOT / "docs" / "results" / "mnist.notes.md").read_text(), (
        "mnist.notes.md is stale: paste `python benchmarks/ebgan_energy.py "
        "--markdown=docs/measurements/ebgan_energy.json`")
    assert record["threads"] == 1
    for config in record["configs"]:  # each row: 600 updates, scored on 2,000 samples
        assert "--steps=600" in config["train_command"] and config["domain_fd"]["num_samples"] == 2000
        assert config["last"] == config["energies"][-1] and len(config["energies"]) == 6
