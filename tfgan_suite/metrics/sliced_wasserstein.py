"""Sliced Wasserstein distance (SWD) between Laplacian-pyramid patch statistics of two image sets.

Karras et al. 2018, "Progressive Growing of GANs for Improved Quality, Stability, and Variation",
Sec. 5 and Appendix D ("multi-scale statistical similarity"); reference code
tkarras/progressive_growing_of_gans, ``metrics/sliced_wasserstein.py``. Per image set:

1. **Laplacian pyramid** (Burt & Adelson 1983): ``G_0`` = the image, ``G_{l+1} = down(G_l)`` and
   ``L_l = G_l - up(G_{l+1})`` for every level but the last, which keeps ``G_l``. ``down`` convolves
   with the 5x5 binomial kernel ``[1,4,6,4,1]^T [1,4,6,4,1] / 256`` (mirror borders: ``d c b | a b c
   d | c b a``) and keeps every other row and column; ``up`` puts the pixels on the even rows and
   columns of a zero image twice the size and convolves with 4 times that kernel (OpenCV's
   pyrDown/pyrUp). One level per resolution from the image size down to ``min_resolution`` (16 in
   the reference: 32x32 images give levels 32 and 16; 28x28 images only 28).
2. **Descriptors**: from every image, ``patches_per_image`` (128) 7x7 neighbourhoods at uniformly
   random centres ``(y, x)`` with ``3 <= y < h - 3``, ``3 <= x < w - 3`` on each level, flattened
   channel-major, ``(channel, dy, dx)``: ``7 * 7 * C`` numbers (147 for RGB).
3. **Normalization**: each level's descriptors minus their mean and divided by their standard
   deviation, per colour channel over all descriptors and positions. As in the reference
   (``finalize_descriptors``, called once per set), each set is normalized with *its own* statistics.
4. **Sliced Wasserstein distance** per level: ``repeats`` (4) times, ``directions_per_repeat`` (128)
   random unit directions ``v`` (normal draws, normalized); for each, the 1-D Wasserstein-1 distance
   between the two sets' projections ``{a.v}`` and ``{b.v}`` of equal size ``n``, i.e.
   ``1/n sum_i |sort(a.v)_i - sort(b.v)_i|``; averaged over directions and repeats.

Reported per resolution and their mean ``"avg"``, multiplied by 1e3 as in the paper's tables. The two
sets must have the same number of images. Because of step 3 a global affine change of intensity does
not change the value; SWD of a set with itself is 0 when the same patch positions are drawn (they are
not: real and generated sets get independent positions, so the self-distance is small, not 0).

**Random draws** (one ``np.random.default_rng(seed)``, in this order, so ``seed`` fixes the result):
for each level from the highest resolution, the real set's centre rows then columns
(``integers(3, h - 3, size=n * patches_per_image)``, then ``integers(3, w - 3, ...)``), the
generated set's rows then columns, then for each repeat ``standard_normal((7 * 7 * C,
directions_per_repeat))``. The reference draws from NumPy's global state per minibatch instead.

Memory: the descriptors of one level of both sets, ``2 * n * patches_per_image * 7*7*C * 4`` bytes
(1.5 GB for 10,000 RGB images); levels are processed one at a time.
"""
import numpy as np

PATCH_SIZE = 7
_BINOMIAL = np.array([1.0, 4.0, 6.0, 4.0, 1.0], np.float32) / 16.0  # the 5x5 kernel is its outer product


def _filter_axis(x, axis, taps):
    """1-D 5-tap correlation along ``axis`` with mirror ('reflect') borders; same size as ``x``."""
    pad = [(0, 0)] * x.ndim
    pad[axis] = (2, 2)
    padded = np.pad(x, pad, mode="reflect")
    size = x.shape[axis]
    out = np.zeros_like(x)
    for offset, tap in enumerate(taps):
        out += tap * np.take(padded, np.arange(offset, offset + size), axis=axis)
    return out


def _blur(x, gain=1.0):
    """Separable 5x5 binomial filter on the H and W axes of ``[n, h, w, c]`` images."""
    return _filter_axis(_filter_axis(x, 1, _BINOMIAL * gain), 2, _BINOMIAL * gain)


def pyramid_down(images):
    """Blur with the 5x5 binomial kernel, keep even rows/columns (cv2.pyrDown): ``[n, ceil(h/2), ceil(w/2), c]``."""
    return _blur(images)[:, ::2, ::2]


def pyramid_up(images):
    """Zero-insertion upsampling by 2 then 4 x the binomial kernel (cv2.pyrUp): ``[n, 2h, 2w, c]``."""
    n, h, w, c = images.shape
    up = np.zeros((n, 2 * h, 2 * w, c), images.dtype)
    up[:, ::2, ::2] = images
    return _blur(up, gain=2.0)  # 2 per axis: 4 in all


def laplacian_pyramid(images, num_levels):
    """``num_levels`` float32 levels ``[L_0, ..., L_{num_levels-2}, G_{num_levels-1}]`` of NHWC images."""
    levels = [np.asarray(images, np.float32)]
    for _ in range(1, num_levels):
        if levels[-1].shape[1] % 2 or levels[-1].shape[2] % 2:
            raise ValueError(f"a Laplacian pyramid level of size {levels[-1].shape[1:3]} has an odd side; "
                             "SWD needs sides divisible by 2 for every level but the last")
        lower = pyramid_down(levels[-1])
        levels[-1] = levels[-1] - pyramid_up(lower)
        levels.append(lower)
    return levels


def pyramid_resolutions(size, min_resolution=16):
    """The levels' resolutions: ``size, size/2, ...`` while ``>= min_resolution`` (the reference's rule)."""
    resolutions, current = [], int(size)
    while current >= min_resolution:
        resolutions.append(current)
        current //= 2
    if not resolutions:
        raise ValueError(f"images of size {size} are smaller than min_resolution={min_resolution}")
    return resolutions


def patch_descriptors(level, rows, cols, patches_per_image):
    """``[len(rows), 7*7*C]`` descriptors ``(channel, dy, dx)`` centred at ``(rows[i], cols[i])`` of image
    ``i // patches_per_image`` of ``level`` ``[n, h, w, C]``."""
    half = PATCH_SIZE // 2
    offsets = np.arange(-half, half + 1)
    image = (np.arange(len(rows)) // patches_per_image)[:, None, None]
    patches = level[image, (rows[:, None] + offsets)[:, :, None], (cols[:, None] + offsets)[:, None, :]]
    return np.ascontiguousarray(patches.transpose(0, 3, 1, 2)).reshape(len(rows), -1)


def normalize_descriptors(descriptors, channels):
    """Per-channel standardization over all descriptors and patch positions (in place; returned)."""
    view = descriptors.reshape(len(descriptors), channels, -1)
    mean = view.mean(axis=(0, 2), dtype=np.float64, keepdims=True)
    std = view.std(axis=(0, 2), dtype=np.float64, keepdims=True)
    view -= mean.astype(descriptors.dtype)
    view /= np.maximum(std, 1e-12).astype(descriptors.dtype)
    return descriptors


def sliced_wasserstein(a, b, directions, chunk=32):
    """Mean over ``directions`` (``[d, k]`` unit columns) of ``1/n sum_i |sort(a v)_i - sort(b v)_i|``."""
    if a.shape != b.shape:
        raise ValueError(f"sliced_wasserstein needs equal-size sets, got {a.shape} and {b.shape}")
    total = 0.0
    for start in range(0, directions.shape[1], chunk):
        dirs = directions[:, start:start + chunk].T  # [chunk, d]: projections come out row-contiguous
        proj_a = np.sort(dirs @ a.T, axis=1)
        proj_b = np.sort(dirs @ b.T, axis=1)
        total += float(np.abs(proj_a - proj_b).sum(dtype=np.float64))
    return total / (a.shape[0] * directions.shape[1])


def random_directions(rng, dimension, count):
    """``[dimension, count]`` normal draws, each column scaled to unit length."""
    dirs = rng.standard_normal((dimension, count))
    return (dirs / np.sqrt(np.sum(np.square(dirs), axis=0, keepdims=True))).astype(np.float32)


def sliced_wasserstein_from_images(real, generated, seed=0, patches_per_image=128, repeats=4,
                                   directions_per_repeat=128, min_resolution=16):
    """SWD x 1e3 per resolution and ``"avg"`` between two NHWC arrays of equal shape (module docstring).

    Any intensity range works (the descriptors are standardized); square images assumed for the
    resolution keys (the height is used).
    """
    real = np.asarray(real, np.float32)
    generated = np.asarray(generated, np.float32)
    if real.ndim != 4 or real.shape != generated.shape:
        raise ValueError(f"SWD needs two NHWC image arrays of the same shape (same number of images), got "
                         f"{real.shape} and {generated.shape}")
    n, height, width, channels = real.shape
    if min(height, width) < PATCH_SIZE:
        raise ValueError(f"images of size {height}x{width} are smaller than the {PATCH_SIZE}x{PATCH_SIZE} patches")
    resolutions = pyramid_resolutions(height, min_resolution)
    pyramids = [laplacian_pyramid(x, len(resolutions)) for x in (real, generated)]
    rng = np.random.default_rng(seed)
    half = PATCH_SIZE // 2
    result = {}
    for level, resolution in enumerate(resolutions):
        descriptors = []
        for pyramid in pyramids:
            _, h, w, _ = pyramid[level].shape
            rows = rng.integers(half, h - half, size=n * patches_per_image)
            cols = rng.integers(half, w - half, size=n * patches_per_image)
            descriptors.append(normalize_descriptors(
                patch_descriptors(pyramid[level], rows, cols, patches_per_image), channels))
            pyramid[level] = None  # free the level once its descriptors exist
        distances = [sliced_wasserstein(descriptors[0], descriptors[1],
                                        random_directions(rng, descriptors[0].shape[1], directions_per_repeat))
                     for _ in range(repeats)]
        result[resolution] = float(np.mean(distances)) * 1e3
    result["avg"] = float(np.mean([result[r] for r in resolutions]))
    return result


def sliced_wasserstein_distance(real, generated, num_samples=None, seed=0, batch_size=100, split="train",
                                patches_per_image=128, repeats=4, directions_per_repeat=128, min_resolution=16,
                                num_real=None):
    """SWD x 1e3 (Karras et al. 2018) between two image sources: ``{resolution: value, ..., "avg": mean}``.

    Args:
      real, generated: any image sources (see :mod:`tfgan_suite.metrics.sources`); generators need
        ``num_samples``. Both sides must give the same number of images.
      num_samples: generated images (and real, unless ``num_real``); None: all of a finite source.
      seed: fixes the generated sample and every random draw of the metric (module docstring).
      batch_size, split: streaming batch size; split of a dataset name.
      patches_per_image, repeats, directions_per_repeat, min_resolution: the reference's 128, 4, 128, 16.
    """
    from tfgan_suite.metrics import sources  # pylint: disable=import-outside-toplevel

    real_images = sources.collect_images(real, num_real or num_samples, batch_size, 0, split)
    generated_images = sources.collect_images(generated, num_samples, batch_size, seed,
                                              sources.GENERATED_SPLIT)
    return sliced_wasserstein_from_images(real_images, generated_images, seed, patches_per_image, repeats,
                                          directions_per_repeat, min_resolution)
