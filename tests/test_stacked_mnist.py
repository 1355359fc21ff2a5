"""Stacked MNIST: the data set (three MNIST digits as channels) and its mode-coverage metric."""
import math

import numpy as np
import pytest

from tfgan_suite import data
from tfgan_suite.data import stacked_mnist
from tfgan_suite.metrics import domain
from tfgan_suite.metrics.modes import (modes_from_counts, stacked_mnist_mode_counts,
                                       stacked_mnist_modes)


@pytest.fixture(scope="module")
def mnist_test(mnist):
    return mnist["x_test"], mnist["y_test"]


def test_channels_are_the_drawn_digits_and_the_draw_is_seeded(shared_data, monkeypatch):
    monkeypatch.setenv("TFGAN_SUITE_SHARED_DATA", str(shared_data))
    images = data.load_array("stacked_mnist", split="test", num_examples=500)
    assert images.shape == (500, 28, 28, 3) and images.dtype == np.uint8
    with np.load(shared_data / "mnist.npz") as arrays:
        expected, index = stacked_mnist.stack(arrays["x_test"], 500, [0, 1])
    np.testing.assert_array_equal(images, expected)
    np.testing.assert_array_equal(images[7, ..., 2], arrays_test_image(shared_data, index[7, 2]))
    again = data.load_array("stacked_mnist", split="test", num_examples=500)
    np.testing.assert_array_equal(images, again)
    other_seed = data.raw("stacked_mnist", split="test", num_examples=500, seed=1)
    assert not np.array_equal(images, other_seed)
    batch = next(iter(data.load("stacked_mnist", split="test", batch_size=8, num_examples=64)))
    assert tuple(batch.shape) == (8, 28, 28, 3) and float(batch.numpy().min()) >= -1.0


def arrays_test_image(shared_data, i):
    with np.load(shared_data / "mnist.npz") as arrays:
        return arrays["x_test"][i, ..., 0]


def test_real_stacked_data_covers_all_modes_with_kl_near_zero(mnist_test):
    images, labels = mnist_test
    stacked, index = stacked_mnist.stack(images, 26_000, seed=5)
    # a stacked image's mode is made of its three source images' digits: classify the 10,000 sources
    # once, check that the metric gives exactly that on a part of the draw, then score all 26,000
    digits = np.argmax(domain.domain_classifier("mnist").logits(images), axis=1)
    modes = 100 * digits[index[:, 0]] + 10 * digits[index[:, 1]] + digits[index[:, 2]]
    np.testing.assert_array_equal(stacked_mnist_mode_counts(stacked[:1500]),
                                  np.bincount(modes[:1500], minlength=1000))
    true_modes = 100 * labels[index[:, 0]] + 10 * labels[index[:, 1]] + labels[index[:, 2]]
    assert np.mean(modes == true_modes) > 0.95  # ~99% per digit: ~97% of triples
    covered, kl = modes_from_counts(np.bincount(modes, minlength=1000))
    assert covered == 1000
    # a finite sample of the uniform law: KL ~ (K - 1) / (2 n) = 0.019 at n = 26,000
    assert 0.0 < kl < 0.05


def test_collapsed_generator_scores_few_modes_and_high_kl(mnist_test):
    images, labels = mnist_test
    ones, sevens = images[labels == 1][:300], images[labels == 7][:300]
    collapsed = np.concatenate([
        np.concatenate([ones, ones, sevens], axis=-1),   # mode 117
        np.concatenate([sevens, ones, ones], axis=-1),   # mode 711
    ])
    counts = stacked_mnist_mode_counts(collapsed)
    assert counts[117] + counts[711] >= 0.97 * len(collapsed)  # a few misread digits stray
    p = counts[counts > 0] / len(collapsed)
    result = stacked_mnist_modes(collapsed)
    assert result.modes_covered == len(p) < 10
    assert result.kl_to_uniform == pytest.approx(float(np.sum(p * np.log(1000 * p))))
    assert result.kl_to_uniform > math.log(1000) - math.log(2) - 0.2  # log(1000 / 2) if exact
    with pytest.raises(ValueError, match="28, 28, 3"):
        stacked_mnist_modes(images[:10])
