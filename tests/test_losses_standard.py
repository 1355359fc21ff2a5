"""The TF-GAN-named losses against their formulas, computed in numpy on hand-made logits."""
import numpy as np
import pytest

from tfgan_suite import losses

REAL = np.array([[2.0], [-1.0], [0.5], [3.0]], np.float32)
FAKE = np.array([[-2.0], [0.3], [1.5], [-0.7]], np.float32)


def sigmoid_ce(labels, logits):
    p = 1.0 / (1.0 + np.exp(-logits))
    return -(labels * np.log(p) + (1 - labels) * np.log(1 - p))


@pytest.mark.parametrize("smoothing", [0.0, 0.25])
def test_minimax_discriminator_loss_with_label_smoothing(smoothing):
    expected = (sigmoid_ce(1 - smoothing / 2, REAL).mean() + sigmoid_ce(0.0, FAKE).mean())
    got = losses.minimax_discriminator_loss(REAL, FAKE, label_smoothing=smoothing)
    np.testing.assert_allclose(float(got), expected, rtol=1e-6)


def test_minimax_discriminator_loss_default_smoothing_is_tfgan_quarter():
    expected = sigmoid_ce(0.875, REAL).mean() + sigmoid_ce(0.0, FAKE).mean()
    np.testing.assert_allclose(float(losses.minimax_discriminator_loss(REAL, FAKE)), expected,
                               rtol=1e-6)
    np.testing.assert_allclose(float(losses.modified_discriminator_loss(REAL, FAKE)), expected,
                               rtol=1e-6)


def test_minimax_generator_loss_is_negated_discriminator_loss_on_unit_logits():
    # TF-GAN: -minimax_discriminator_loss(ones_like(gen), gen) => -(CE(1, 1) + CE(0, D(G(z)))).
    expected = -(sigmoid_ce(1.0, np.ones_like(FAKE)).mean() + sigmoid_ce(0.0, FAKE).mean())
    np.testing.assert_allclose(float(losses.minimax_generator_loss(FAKE)), expected, rtol=1e-6)
    smoothed = -(sigmoid_ce(0.9, np.ones_like(FAKE)).mean() + sigmoid_ce(0.0, FAKE).mean())
    np.testing.assert_allclose(float(losses.minimax_generator_loss(FAKE, label_smoothing=0.2)),
                               smoothed, rtol=1e-6)


def test_modified_generator_loss_is_non_saturating():
    expected = np.mean(-np.log(1.0 / (1.0 + np.exp(-FAKE))))
    np.testing.assert_allclose(float(losses.modified_generator_loss(FAKE)), expected, rtol=1e-6)
    smoothed = sigmoid_ce(0.95, FAKE).mean()
    np.testing.assert_allclose(float(losses.modified_generator_loss(FAKE, label_smoothing=0.1)),
                               smoothed, rtol=1e-6)


def test_least_squares_losses():
    d = 0.5 * np.mean((REAL - 1) ** 2) + 0.5 * np.mean(FAKE ** 2)
    np.testing.assert_allclose(float(losses.least_squares_discriminator_loss(REAL, FAKE)), d,
                               rtol=1e-6)
    g = 0.5 * np.mean((FAKE - 1) ** 2)
    np.testing.assert_allclose(float(losses.least_squares_generator_loss(FAKE)), g, rtol=1e-6)
    custom = 0.5 * np.mean((REAL - 0.9) ** 2) + 0.5 * np.mean((FAKE + 1) ** 2)
    np.testing.assert_allclose(
        float(losses.least_squares_discriminator_loss(REAL, FAKE, real_label=0.9, fake_label=-1)),
        custom, rtol=1e-6)


def test_wasserstein_and_hinge_losses():
    np.testing.assert_allclose(float(losses.wasserstein_discriminator_loss(REAL, FAKE)),
                               FAKE.mean() - REAL.mean(), rtol=1e-6)
    np.testing.assert_allclose(float(losses.wasserstein_generator_loss(FAKE)), -FAKE.mean(),
                               rtol=1e-6)
    hinge = np.maximum(0, 1 - REAL).mean() + np.maximum(0, 1 + FAKE).mean()
    np.testing.assert_allclose(float(losses.wasserstein_hinge_discriminator_loss(REAL, FAKE)),
                               hinge, rtol=1e-6)
    np.testing.assert_allclose(float(losses.wasserstein_hinge_generator_loss(FAKE)), -FAKE.mean(),
                               rtol=1e-6)


def test_weights_reduce_by_nonzero_count_like_tfgan():
    weights = np.array([[1.0], [0.0], [2.0], [1.0]], np.float32)
    per_example = -FAKE[:, 0] * weights[:, 0]
    expected = per_example.sum() / 3.0  # three non-zero weights
    got = losses.wasserstein_generator_loss(FAKE, weights=weights)
    np.testing.assert_allclose(float(got), expected, rtol=1e-6)


def test_registry_maps_short_names_to_pairs():
    d_loss, g_loss = losses.get("nsgan")
    np.testing.assert_allclose(float(d_loss(REAL, FAKE)),
                               sigmoid_ce(1.0, REAL).mean() + sigmoid_ce(0.0, FAKE).mean(),
                               rtol=1e-6)
    np.testing.assert_allclose(float(g_loss(REAL, FAKE)), sigmoid_ce(1.0, FAKE).mean(), rtol=1e-6)
    d_loss, g_loss = losses.get("hinge")
    np.testing.assert_allclose(float(g_loss(REAL, FAKE)), -FAKE.mean(), rtol=1e-6)
    d_loss, g_loss = losses.get("lsgan")
    np.testing.assert_allclose(float(g_loss(REAL, FAKE)), 0.5 * np.mean((FAKE - 1) ** 2), rtol=1e-6)
    d_loss, g_loss = losses.get("gan")
    np.testing.assert_allclose(float(g_loss(REAL, FAKE)),
                               float(losses.minimax_generator_loss(FAKE)), rtol=1e-6)
    assert {"gan", "nsgan", "lsgan", "wgan", "hinge"} <= set(losses.names())


def test_registry_errors_name_the_bad_value_and_choices():
    with pytest.raises(ValueError, match=r"unknown loss 'nope'; valid choices: .*nsgan"):
        losses.get("nope")
    with pytest.raises(ValueError, match=r"unknown option\(s\) \['smoothing'\]"):
        losses.get("nsgan", smoothing=0.1)
