"""data.pixels: the one rule that turns uint8 and float images into [-1, 1]."""
import logging

import numpy as np
import pytest

from tfgan_suite.data import pixels
from tfgan_suite.errors import UserInputError

RNG = np.random.default_rng(0)
UINT8 = RNG.integers(0, 256, size=(4, 5, 5, 1), dtype=np.uint8)
EXPECTED = UINT8.astype(np.float64) / 127.5 - 1.0


def test_uint8_is_divided_by_127_5_minus_1_for_numpy_and_tensorflow():
    import tensorflow as tf

    np.testing.assert_allclose(pixels.to_unit_range(UINT8), EXPECTED, atol=1e-6)
    np.testing.assert_allclose(pixels.uint8_to_unit(tf.constant(UINT8)).numpy(), EXPECTED, atol=1e-6)
    assert pixels.to_unit_range(UINT8).dtype == np.float32


def test_floats_in_minus_one_one_are_kept():
    images = EXPECTED.astype(np.float32)
    assert images.min() < 0
    np.testing.assert_array_equal(pixels.to_unit_range(images), images)


def test_floats_in_zero_one_are_doubled_and_the_decision_is_logged_once(caplog):
    images = (UINT8 / 255.0).astype(np.float32)
    converter = pixels.PixelRange("unit floats")
    with caplog.at_level(logging.WARNING, logger="tfgan_suite.data"):
        first = converter(images)
        converter(images[:2])
    np.testing.assert_allclose(first, images * 2 - 1, atol=1e-6)
    assert [r.getMessage() for r in caplog.records].count(caplog.records[0].getMessage()) == 1
    assert "read as [0, 1]" in caplog.records[0].getMessage() and len(caplog.records) == 1


def test_floats_in_zero_255_are_scaled_like_uint8():
    np.testing.assert_allclose(pixels.to_unit_range(UINT8.astype(np.float32)), EXPECTED, atol=1e-6)


@pytest.mark.parametrize("values, pattern", [
    ([-2.0, 0.5], r"span \[-2, 0.5\], outside \[-1, 255\]"),
    ([0.0, 300.0], r"outside \[-1, 255\]"),
    ([-0.5, 100.0], r"none of \[-1, 1\], \[0, 1\] or \[0, 255\]"),
    ([0.0, 1.3], r"none of"),
    ([0.0, np.nan], "not finite")])
def test_values_outside_the_rule_are_refused_in_one_line(values, pattern):
    with pytest.raises(UserInputError, match=pattern) as error:
        pixels.to_unit_range(np.array(values, np.float32).reshape(1, 2, 1, 1))
    assert "\n" not in str(error.value)


def test_one_source_keeps_its_decided_range():
    converter = pixels.PixelRange("stream")
    converter(np.array([-1.0, 0.5], np.float32))  # decided: [-1, 1]
    # a later batch without a negative value is still [-1, 1], not doubled
    np.testing.assert_array_equal(converter(np.array([0.25, 0.5], np.float32)), [0.25, 0.5])
    stream = pixels.PixelRange("stream")
    stream(np.array([0.0, 0.5], np.float32))  # decided: [0, 1]
    with pytest.raises(UserInputError, match=r"a batch in \[-1, 1\] follows batches in \[0, 1\]"):
        stream(np.array([-0.5, 0.5], np.float32))
    generated = pixels.PixelRange("generated", assume="[-1, 1]")
    np.testing.assert_allclose(generated(np.array([0.2, 0.9], np.float32)), [0.2, 0.9], rtol=1e-6)
