"""Precision / recall / density / coverage: hand-made cases and agreement with the authors' ``prdc``."""
import contextlib
import io

import numpy as np
import pytest
import scipy.spatial

from tfgan_suite import metrics

KEYS = ("precision", "recall", "density", "coverage")


def _reference(real, fake, k):
    prdc = pytest.importorskip("prdc", reason="the test extra's oracle: pip install prdc==0.2")
    with contextlib.redirect_stdout(io.StringIO()):  # compute_prdc prints the set sizes
        return {key: float(v) for key, v in prdc.compute_prdc(real, fake, nearest_k=k).items()}


@pytest.mark.parametrize("n_real, n_fake, dim, k, block_size, scale", [
    (600, 400, 32, 5, 128, 1.1),  # fewer fakes, several blocks
    (300, 500, 2048, 3, 1024, 1.01),  # Inception-sized features, one block
    (257, 257, 8, 10, 64, 1.1),  # a last block of one row
])
def test_agrees_with_the_reference_implementation(n_real, n_fake, dim, k, block_size, scale):
    rng = np.random.default_rng(n_real + dim)
    real = rng.normal(size=(n_real, dim)).astype(np.float32)
    # an overlapping but different distribution, so no value is trivially 0 or 1 (in 2048-d a 1% wider
    # Gaussian is already far outside the real k-NN balls)
    fake = (rng.normal(size=(n_fake, dim)) * scale + 0.5 / np.sqrt(dim)).astype(np.float32)
    ours = metrics.precision_recall_density_coverage(real, fake, nearest_k=k, block_size=block_size)
    reference = _reference(real, fake, k)
    assert set(ours) == set(KEYS)
    for key in KEYS:
        assert ours[key] == pytest.approx(reference[key], abs=1e-6), key
    assert 0.0 < ours["precision"] < 1.0 and 0.0 < ours["coverage"] < 1.0


def test_identical_sets_score_one():
    # precision = recall = coverage = 1 (each point is in its own ball); density = 1 exactly: over all
    # fakes, every real ball contains its centre plus exactly its k - 1 nearest other points (no ties).
    x = np.random.default_rng(0).normal(size=(200, 16))
    result = metrics.precision_recall_density_coverage(x, x.copy(), nearest_k=5, block_size=64)
    assert result == {"precision": 1.0, "recall": 1.0, "density": pytest.approx(1.0, abs=1e-12), "coverage": 1.0}


def test_disjoint_far_sets_score_zero():
    rng = np.random.default_rng(1)
    real = rng.normal(size=(100, 10))
    fake = rng.normal(size=(120, 10)) + 100.0
    assert metrics.precision_recall_density_coverage(real, fake) == {key: 0.0 for key in KEYS}


def test_precision_and_recall_separate_quality_from_diversity():
    # Fakes collapsed onto a small part of the real distribution: high precision, low recall/coverage.
    rng = np.random.default_rng(2)
    real = rng.normal(size=(500, 4))
    collapsed = rng.normal(size=(500, 4)) * 0.1 + real[0]
    result = metrics.precision_recall_density_coverage(real, collapsed, nearest_k=5)
    assert result["precision"] > 0.9
    assert result["recall"] < 0.1 and result["coverage"] < 0.1


def test_float32_products_decide_near_ties_exactly():
    # Fakes placed at (1 -+ 1e-8) times a real point's k-NN radius from it: float32 rounding of
    # |x|^2 + |y|^2 - 2 x.y (even on centred features) exceeds that margin, so only the float64
    # recomputation of near-threshold entries gets these decisions right.
    rng = np.random.default_rng(3)
    real = rng.normal(size=(200, 512)) * 10.0 + 50.0
    radii = np.sort(scipy.spatial.distance.cdist(real, real), axis=1)[:, 5]
    directions = rng.normal(size=(100, 512))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    factor = np.where(np.arange(100) < 50, 1 - 1e-8, 1 + 1e-8)[:, None]
    fake = real[:100] + directions * radii[:100, None] * factor
    x, y = (real[:100] - real.mean(0)).astype(np.float32), (fake - real.mean(0)).astype(np.float32)
    d2_float32 = np.sum(x ** 2, 1) + np.sum(y ** 2, 1) - 2 * np.einsum("ij,ij->i", x, y)
    naive_inside = d2_float32 < (radii[:100] ** 2).astype(np.float32)
    assert np.any(naive_inside != (factor[:, 0] < 1))  # the case is hard for plain float32
    fast = metrics.precision_recall_density_coverage(real, fake, dtype="float32", block_size=64)
    assert fast == metrics.precision_recall_density_coverage(real, fake, dtype="float64", block_size=64)
    reference = _reference(real, fake, 5)
    for key in KEYS:
        assert fast[key] == pytest.approx(reference[key], abs=1e-6), key


@pytest.mark.parametrize("kwargs, message", [
    (dict(nearest_k=0), "nearest_k must be in"),
    (dict(nearest_k=10), "nearest_k must be in \\[1, 9\\]"),
    (dict(dtype="float16"), "unknown dtype 'float16'; valid choices: float32, float64"),
])
def test_bad_arguments_name_the_value_and_the_choices(kwargs, message):
    x = np.zeros((10, 3))
    with pytest.raises(ValueError, match=message):
        metrics.precision_recall_density_coverage(x, x + 1.0, **kwargs)


def test_prdc_over_image_sources_uses_the_features_of_the_chosen_network(shared_data):
    with np.load(shared_data / "mnist.npz") as data:
        real, generated = data["x_test"][:300], data["x_train"][:300]
    result = metrics.prdc(real, generated, nearest_k=5, classifier="mnist", progress=False)
    classifier = metrics.domain_classifier("mnist")
    expected = metrics.precision_recall_density_coverage(classifier.features(real), classifier.features(generated),
                                                         nearest_k=5)
    for key in KEYS:
        assert result[key] == pytest.approx(expected[key], abs=1e-6), key
    # two halves of the same real data: both sets lie on one manifold
    assert result["precision"] > 0.8 and result["recall"] > 0.8
