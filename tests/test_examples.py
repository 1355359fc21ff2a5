"""The notebooks in examples/ run from top to bottom (small step counts) and are stored clean."""
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
NOTEBOOKS = sorted(EXAMPLES.glob("*.ipynb"))
STEPS = "4"  # TFGAN_SUITE_EXAMPLE_STEPS: each notebook's parameter cell reads it


def test_every_notebook_is_stored_without_outputs_and_reads_the_step_parameter():
    assert len(NOTEBOOKS) >= 4
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        code = [cell for cell in notebook.cells if cell.cell_type == "code"]
        assert all(cell.outputs == [] and cell.execution_count is None for cell in code), path.name
        assert "TFGAN_SUITE_EXAMPLE_STEPS" in code[0].source, path.name
        assert "parameters" in code[0].metadata.get("tags", []), path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path, tmp_path, monkeypatch, shared_data):
    monkeypatch.setenv("TFGAN_SUITE_EXAMPLE_STEPS", STEPS)
    monkeypatch.setenv("TFGAN_SUITE_SHARED_DATA", str(shared_data))
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "3")
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError naming the cell and its traceback
    errors = [output for cell in notebook.cells for output in cell.get("outputs", [])
              if output.get("output_type") == "error"]
    assert errors == []
