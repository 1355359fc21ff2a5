"""Multi-scale structural similarity (MS-SSIM) of image pairs, and its use as a diversity score.

Wang, Simoncelli & Bovik 2003, "Multi-scale structural similarity for image quality assessment",
Sec. 2 (Eq. 7): over ``M = 5`` scales (the pair averaged 2x2 and subsampled between scales),

    MS-SSIM(x, y) = l_M(x, y)^a_M * prod_{j=1..M} c_j(x, y)^b_j * s_j(x, y)^g_j,

with ``l = (2 mu_x mu_y + C1) / (mu_x^2 + mu_y^2 + C1)``, ``c s = (2 sigma_xy + C2) / (sigma_x^2 +
sigma_y^2 + C2)`` from an 11x11 Gaussian window (sigma 1.5, "valid" positions), ``C1 = (0.01 L)^2``,
``C2 = (0.03 L)^2``, ``L`` the dynamic range, and exponents ``(0.0448, 0.2856, 0.3001, 0.2363,
0.1333)`` (Sec. 3.2); averaged over colour channels. This is exactly ``tf.image.ssim_multiscale``
(which uses the same windows, constants and weights), used here as is, on images scaled to [0, 255]
with ``max_val=255``. Agreement with ``pytorch_msssim.ms_ssim`` (the reference PyTorch port of
Wang's MATLAB code; ``win_size=11``, ``data_range=255``) is asserted to 1e-4 absolute per pair in
``tests/test_metrics_ms_ssim.py``.

**Small images.** Five scales of an 11x11 window need at least ``11 * 2^4 = 176`` pixels per side,
more than CIFAR-10 (32x32) or CelebA (64x64). We follow the MMD-GAN repository (Wang et al. 2019,
richardwth/MMD-GAN, ``GeneralTools/graph_func.py``, ``GenerativeModelMetric.ms_ssim``), which this
suite reproduces: every image whose side is not 256 is resized **bilinearly to 256x256** with TF1's
``resize_bilinear`` sampling (``align_corners=False``, ``half_pixel_centers=False``) before
``tf.image.ssim_multiscale``. (That code maps [-1, 1] to ``(x + 1) * 128.5``, a slight overshoot of
255; we use the exact ``(x + 1) * 127.5``.) ``resize_to=None`` keeps the native size and needs sides
of at least 176.

**Diversity** (Odena et al. 2017, "Conditional Image Synthesis with Auxiliary Classifier GANs",
Sec. 4.2): the mean MS-SSIM over random pairs of distinct images of one set; lower means more
diverse. The MMD-GAN code pairs the two halves of a batch; we draw ``num_pairs`` pairs ``(i, j)``,
``i != j``, uniformly with ``np.random.default_rng(seed)``.
"""
import numpy as np

POWER_FACTORS = (0.0448, 0.2856, 0.3001, 0.2363, 0.1333)
FILTER_SIZE = 11
RESIZE_TO = 256  # the MMD-GAN repository's size


def _pixels_0_255(images):
    from tfgan_suite.metrics import sources  # pylint: disable=import-outside-toplevel

    return sources.to_uint8_range(sources.unit_range_converter("images")(images))


_SCORERS = {}


def _scorer(resize_to, power_factors, filter_size, filter_sigma, k1, k2):
    """A cached ``tf.function``: two [b, h, w, c] batches in [0, 255] -> [b] MS-SSIM."""
    key = (resize_to, tuple(power_factors), filter_size, filter_sigma, k1, k2)
    if key not in _SCORERS:
        import tensorflow as tf  # pylint: disable=import-outside-toplevel

        def resize(x):
            if resize_to is None or (x.shape[1] == resize_to and x.shape[2] == resize_to):
                return x
            return tf.raw_ops.ResizeBilinear(images=x, size=[resize_to, resize_to], align_corners=False,
                                             half_pixel_centers=False)

        @tf.function(reduce_retracing=True)
        def score(a, b):
            return tf.image.ssim_multiscale(resize(a), resize(b), max_val=255.0, power_factors=power_factors,
                                            filter_size=filter_size, filter_sigma=filter_sigma, k1=k1, k2=k2)

        _SCORERS[key] = score
    return _SCORERS[key]


def ms_ssim(images_a, images_b, resize_to=RESIZE_TO, batch_size=32, power_factors=POWER_FACTORS,
            filter_size=FILTER_SIZE, filter_sigma=1.5, k1=0.01, k2=0.03):
    """MS-SSIM of each pair ``(images_a[i], images_b[i])``: a float64 array of ``[n]`` values in [0, 1].

    Args:
      images_a, images_b: NHWC (or NHW) arrays of the same shape, uint8 in [0, 255] or float in [-1, 1].
      resize_to: side the images are resized to (bilinear, TF1 sampling) unless already that size;
        256 is the MMD-GAN convention (module docstring); None keeps the native size (>= 176 needed).
      batch_size: pairs per TensorFlow call.
      power_factors, filter_size, filter_sigma, k1, k2: Wang et al.'s values by default.
    """
    a, b = _pixels_0_255(images_a), _pixels_0_255(images_b)
    if a.shape != b.shape:
        raise ValueError(f"ms_ssim needs two image arrays of the same shape, got {a.shape} and {b.shape}")
    side = min(a.shape[1:3]) if resize_to is None else int(resize_to)
    needed = filter_size * 2 ** (len(power_factors) - 1)
    if side < needed:
        raise ValueError(f"MS-SSIM with {len(power_factors)} scales of a {filter_size}x{filter_size} window needs "
                         f"sides of at least {needed}, got {side}; pass resize_to={RESIZE_TO} (the MMD-GAN "
                         "convention) or a larger size")
    score = _scorer(None if resize_to is None else int(resize_to), tuple(power_factors), int(filter_size),
                    float(filter_sigma), float(k1), float(k2))
    values = [np.asarray(score(a[i:i + batch_size], b[i:i + batch_size]), np.float64)
              for i in range(0, len(a), batch_size)]
    return np.concatenate(values) if values else np.zeros(0)


def random_distinct_pairs(count, num_pairs, seed=0):
    """``(first, second)`` index arrays of ``num_pairs`` uniform pairs of distinct indices in ``[0, count)``."""
    if count < 2:
        raise ValueError(f"MS-SSIM diversity needs at least 2 images, got {count}")
    rng = np.random.default_rng(seed)
    first = rng.integers(0, count, size=int(num_pairs))
    second = (first + rng.integers(1, count, size=int(num_pairs))) % count  # uniform over the others
    return first, second


def ms_ssim_diversity(images, num_pairs=1000, seed=0, num_samples=None, batch_size=32, split="train",
                      resize_to=RESIZE_TO):
    """Mean MS-SSIM over ``num_pairs`` random pairs of distinct images (lower = more diverse).

    ``images`` is any image source (see :mod:`tfgan_suite.metrics.sources`; generators need
    ``num_samples``); ``seed`` fixes the generated sample and the pairs.
    """
    from tfgan_suite.metrics import sources  # pylint: disable=import-outside-toplevel

    if int(num_pairs) < 1:
        raise ValueError(f"num_pairs must be positive, got {num_pairs!r}")
    pixels = sources.collect_images(images, num_samples, 100, seed, split)
    first, second = random_distinct_pairs(len(pixels), num_pairs, seed)
    values = [ms_ssim(pixels[first[i:i + batch_size]], pixels[second[i:i + batch_size]], resize_to=resize_to,
                      batch_size=batch_size) for i in range(0, len(first), batch_size)]
    return float(np.mean(np.concatenate(values)))
