"""Samples as PNG files: grids of images, scatter plots of 2-D points (the toy mixtures)."""
import math
import os

import numpy as np
from PIL import Image


def to_uint8(images):
    """Maps images in [-1, 1] to uint8 [0, 255]."""
    images = np.asarray(images, dtype=np.float32)
    return np.clip(np.rint((images + 1.0) * 127.5), 0, 255).astype(np.uint8)


def grid(images, ncols=None, padding=2):
    """Tiles ``(N, H, W, C)`` images in [-1, 1] into one uint8 ``(rows*H, ncols*W, C)`` array."""
    images = to_uint8(images)
    if images.ndim != 4:
        raise ValueError(f"expected images of shape (N, H, W, C), got {images.shape}")
    n, h, w, c = images.shape
    ncols = ncols or int(math.ceil(math.sqrt(n)))
    nrows = int(math.ceil(n / ncols))
    canvas = np.full((nrows * (h + padding) + padding, ncols * (w + padding) + padding, c), 255,
                     np.uint8)
    for i, image in enumerate(images):
        row, col = divmod(i, ncols)
        top, left = padding + row * (h + padding), padding + col * (w + padding)
        canvas[top:top + h, left:left + w] = image
    return canvas


def save_grid(images, path, ncols=None, scale=2):
    """Writes images in [-1, 1] as one PNG grid, upscaled ``scale`` times for viewing."""
    canvas = grid(images, ncols)
    picture = Image.fromarray(canvas[..., 0] if canvas.shape[-1] == 1 else canvas)
    if scale > 1:
        picture = picture.resize((picture.width * scale, picture.height * scale), Image.NEAREST)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    picture.save(path)
    return path


def save_scatter(panels, path, modes=None, titles=None, limit=None):
    """Writes 2-D points as scatter plots: ``panels`` is one ``(N, 2)`` array, a list of them (one
    row side by side) or a list of such lists (a grid, one row each). ``modes`` (K, 2), when given,
    are marked with red crosses on every panel; a list of them gives each row its own. ``titles``
    follows the shape of ``panels``. Each row's axes span its modes (or its points)."""
    import matplotlib  # pylint: disable=import-outside-toplevel
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # pylint: disable=import-outside-toplevel

    if not isinstance(panels, (list, tuple)):
        panels = [panels]
    rows = panels if isinstance(panels[0], (list, tuple)) else [panels]
    rows = [[np.asarray(points) for points in row] for row in rows]
    for points in (p for row in rows for p in row):
        if points.ndim != 2 or points.shape[1] != 2:
            raise ValueError(f"expected points of shape (N, 2), got {points.shape}")
    shared_modes = modes is None or not isinstance(modes, (list, tuple)) or np.ndim(modes[0]) == 1
    row_modes = [modes] * len(rows) if shared_modes else list(modes)
    if titles is not None and not isinstance(titles[0], (list, tuple)):
        titles = [titles]
    columns = max(len(row) for row in rows)
    fig, axes = plt.subplots(len(rows), columns, figsize=(3 * columns, 3 * len(rows)),
                             squeeze=False)
    for r, (row, marks) in enumerate(zip(rows, row_modes)):
        reference = np.asarray(marks) if marks is not None else np.concatenate(row)
        span = limit if limit is not None else 1.3 * float(np.abs(reference).max()) + 0.5
        for c, ax in enumerate(axes[r]):
            if c >= len(row):
                ax.axis("off")
                continue
            ax.scatter(row[c][:, 0], row[c][:, 1], s=2, alpha=0.3, color="tab:blue")
            if marks is not None:
                ax.scatter(np.asarray(marks)[:, 0], np.asarray(marks)[:, 1], s=25, marker="x",
                           color="tab:red")
            ax.set_xlim(-span, span)
            ax.set_ylim(-span, span)
            ax.set_aspect("equal")
            if titles:
                ax.set_title(titles[r][c], fontsize=8)
    fig.tight_layout()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return path

