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
    """Writes 2-D points as scatter plots side by side: ``panels`` is one ``(N, 2)`` array or a
    list of them; ``modes`` (K, 2), when given, are marked with red crosses on every panel."""
    import matplotlib  # pylint: disable=import-outside-toplevel
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # pylint: disable=import-outside-toplevel

    panels = [np.asarray(panels)] if np.ndim(panels) == 2 else [np.asarray(p) for p in panels]
    for points in panels:
        if points.ndim != 2 or points.shape[1] != 2:
            raise ValueError(f"expected points of shape (N, 2), got {points.shape}")
    if limit is None:
        reference = np.asarray(modes) if modes is not None else np.concatenate(panels)
        limit = 1.3 * float(np.abs(reference).max()) + 0.5
    fig, axes = plt.subplots(1, len(panels), figsize=(3 * len(panels), 3), squeeze=False)
    for i, (ax, points) in enumerate(zip(axes[0], panels)):
        ax.scatter(points[:, 0], points[:, 1], s=2, alpha=0.3, color="tab:blue")
        if modes is not None:
            ax.scatter(np.asarray(modes)[:, 0], np.asarray(modes)[:, 1], s=25, marker="x",
                       color="tab:red")
        ax.set_xlim(-limit, limit)
        ax.set_ylim(-limit, limit)
        ax.set_aspect("equal")
        if titles:
            ax.set_title(titles[i], fontsize=8)
    fig.tight_layout()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return path

