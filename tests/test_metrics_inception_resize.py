"""The Inception input resize conventions (metrics.inception.RESIZES) against a hand computation."""
import math

import numpy as np
import pytest

from tfgan_suite.metrics import inception


def _weights(out_size, in_size, half_pixel):
    """Per output index: (lower index, upper index, fraction), as written in the module docstring:
    half-pixel centres sample ``(i + 0.5) * in / out - 0.5``, TF1 ``i * in / out``; both clamp."""
    scale = in_size / out_size
    rows = []
    for i in range(out_size):
        source = (i + 0.5) * scale - 0.5 if half_pixel else i * scale
        floor = math.floor(source)
        rows.append((max(floor, 0), min(math.ceil(source), in_size - 1), source - floor))
    return rows


def _hand_resize(image, out_size, half_pixel):
    """Bilinear resize of one [H, W] image, one output pixel at a time."""
    h, w = image.shape
    rows, cols = _weights(out_size, h, half_pixel), _weights(out_size, w, half_pixel)
    out = np.zeros((out_size, out_size))
    for i, (y0, y1, fy) in enumerate(rows):
        for j, (x0, x1, fx) in enumerate(cols):
            top = image[y0, x0] + (image[y0, x1] - image[y0, x0]) * fx
            bottom = image[y1, x0] + (image[y1, x1] - image[y1, x0]) * fx
            out[i, j] = top + (bottom - top) * fy
    return out


@pytest.mark.parametrize("resize,half_pixel", [("tf1", False), ("half_pixel", True)])
@pytest.mark.parametrize("size", [2, 3, 5, 28])
def test_resize_matches_the_hand_computation(resize, half_pixel, size):
    images = np.random.default_rng(size).integers(0, 256, (2, size, size, 3)).astype(np.float32)
    resized = np.asarray(inception.resize_299(images, resize))
    assert resized.shape == (2, 299, 299, 3)
    for n in range(2):
        for c in (0, 2):
            np.testing.assert_allclose(resized[n, :, :, c], _hand_resize(images[n, :, :, c], 299,
                                                                         half_pixel), atol=2e-3)


def test_the_two_conventions_differ_and_tf1_keeps_the_first_pixel_at_the_origin():
    image = np.arange(9, dtype=np.float32).reshape(1, 3, 3, 1) * 10
    tf1 = np.asarray(inception.resize_299(image, "tf1"))[0, :, :, 0]
    half = np.asarray(inception.resize_299(image, "half_pixel"))[0, :, :, 0]
    assert tf1[0, 1] > tf1[0, 0] == 0.0  # TF1 starts interpolating at once
    assert half[0, 1] == half[0, 0] == 0.0  # half-pixel: flat up to the first input pixel's centre
    assert tf1[-1, -1] == half[-1, -1] == 80.0
    assert np.abs(tf1 - half).max() > 5.0


def test_unknown_resize_is_refused():
    with pytest.raises(ValueError, match="unknown resize 'nearest'; valid choices: half_pixel, tf1"):
        inception.resize_299(np.zeros((1, 3, 3, 3), np.float32), "nearest")


def test_features_do_not_depend_on_the_batch_size(shared_data):
    """The suites score in batches of 100 (reproduce.runner.INCEPTION_BATCH): the same features,
    bit for bit, as smaller batches (benchmarks/fid_lucic.py measures the speed)."""
    from tfgan_suite.metrics.inception import InceptionExtractor

    with np.load(shared_data / "mnist.npz") as arrays:
        images = np.repeat(arrays["x_test"][:4].astype(np.float32), 3, axis=-1)
    extractor = InceptionExtractor(inception_weights=shared_data / inception.TORCHSCRIPT_NAME,
                                   batch_size=4, resize="tf1")
    whole = extractor(images)
    extractor.batch_size = 2
    np.testing.assert_array_equal(extractor(images), whole)
    assert whole.shape == (4, 2048) and np.isfinite(whole).all()
