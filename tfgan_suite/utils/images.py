"""Sample grids as PNG files."""
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
