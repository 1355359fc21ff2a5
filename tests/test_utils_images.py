"""Scatter plots of 2-D samples (toy mixtures): one panel, a row, or a grid of rows."""
import numpy as np
import pytest
from PIL import Image

from tfgan_suite.utils.images import save_scatter


def test_save_scatter_draws_a_row_or_a_grid_of_panels_each_80_dpi_3_inches(tmp_path):
    points = np.random.default_rng(0).normal(size=(200, 2))
    modes = np.array([[2.0, 0.0], [-2.0, 0.0]])
    row = save_scatter([points, points, points], str(tmp_path / "row.png"), modes=modes,
                       titles=["a", "b", "c"])
    assert Image.open(row).size == (3 * 240, 240)
    grid = save_scatter([[points, points], [points]], str(tmp_path / "grid.png"),
                        modes=[modes, 3 * modes], titles=[["a", "b"], ["c"]])
    assert Image.open(grid).size == (2 * 240, 2 * 240)  # the short row leaves a blank panel


def test_save_scatter_rejects_points_that_are_not_2d():
    with pytest.raises(ValueError, match=r"\(N, 2\), got \(5, 3\)"):
        save_scatter([np.zeros((5, 3))], "unused.png")
