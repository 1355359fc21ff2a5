"""MMD, repulsive and bounded-repulsive losses against numpy formulas on hand-made features."""
import numpy as np
import pytest

from tfgan_suite import losses
from tfgan_suite.losses import mmd as mmd_lib

RNG = np.random.default_rng(3)
REAL = RNG.normal(size=(6, 4)).astype(np.float32)
FAKE = (RNG.normal(size=(5, 4)) * 1.5 + 0.7).astype(np.float32)


def np_d2(a, b):
    return ((a[:, None, :] - b[None, :, :]) ** 2).sum(-1)


def np_kernel(d2, sigmas):
    return sum(np.exp(-d2 / (2 * s * s)) for s in sigmas)


def np_off_diag_mean(k):
    n = k.shape[0]
    return (k.sum() - np.trace(k)) / (n * (n - 1))


def np_means(real, fake, sigmas, clip_rr=None, clip_ff=None, clip_rf=None):
    def clipped(d, clip):
        if clip is None:
            return d
        side, b = clip
        return np.minimum(d, b) if side == "upper" else np.maximum(d, b)

    k_rr = np_off_diag_mean(np_kernel(clipped(np_d2(real, real), clip_rr), sigmas))
    k_ff = np_off_diag_mean(np_kernel(clipped(np_d2(fake, fake), clip_ff), sigmas))
    k_rf = np_kernel(clipped(np_d2(real, fake), clip_rf), sigmas).mean()
    return k_rr, k_ff, k_rf


def test_squared_distances_and_kernel_means_match_numpy():
    np.testing.assert_allclose(mmd_lib.squared_distances(REAL, FAKE), np_d2(REAL, FAKE),
                               rtol=1e-5, atol=1e-5)
    got = mmd_lib.kernel_means(REAL, FAKE, sigma=[1.0, 2.0])
    np.testing.assert_allclose([float(g) for g in got], np_means(REAL, FAKE, [1.0, 2.0]),
                               rtol=1e-5)


@pytest.mark.parametrize("sigmas", [(1.0,), mmd_lib.DEFAULT_MIXTURE])
def test_mmd_objective_generator_and_discriminator(sigmas):
    objective = losses.get("mmd", sigmas=sigmas)
    k_rr, k_ff, k_rf = np_means(REAL, FAKE, sigmas)
    expected = k_rr - 2 * k_rf + k_ff
    g_loss = objective.generator_loss(REAL, FAKE)
    d_loss = objective.discriminator_loss(REAL, FAKE)
    monitors = objective.monitors(REAL, FAKE)
    assert float(g_loss) == pytest.approx(expected, rel=1e-5)
    assert float(d_loss) == pytest.approx(-expected, rel=1e-5)
    assert float(monitors["k_real_real"]) == pytest.approx(k_rr, rel=1e-5)
    assert float(monitors["k_fake_fake"]) == pytest.approx(k_ff, rel=1e-5)
    assert float(monitors["k_real_fake"]) == pytest.approx(k_rf, rel=1e-5)
    assert objective.monitor_names == ("k_real_real", "k_fake_fake", "k_real_fake")
    assert objective.discriminator_output_dim == 16 and objective.generator_uses_real


def test_every_objective_returns_a_scalar_and_monitors_come_separately():
    for name in losses.names():
        objective = losses.get(name)
        d_loss = objective.discriminator_loss(REAL[:, :1], FAKE[:, :1])
        g_loss = objective.generator_loss(REAL[:, :1], FAKE[:, :1])
        assert np.shape(d_loss) == () and np.shape(g_loss) == (), name
        assert tuple(objective.monitors(REAL[:, :1], FAKE[:, :1])) == objective.monitor_names


def test_mmd_is_unbiased_near_zero_for_identical_distributions():
    rng = np.random.default_rng(0)
    values = [float(mmd_lib.mmd2(rng.normal(size=(64, 3)), rng.normal(size=(64, 3))))
              for _ in range(30)]
    # The unbiased estimator averages to 0 (a biased one would be > 0 by ~2/64).
    assert abs(np.mean(values)) < 3 * np.std(values) / np.sqrt(len(values)) + 1e-3


def test_repulsive_loss_is_real_real_minus_fake_fake():
    objective = losses.get("rep")
    k_rr, k_ff, k_rf = np_means(REAL, FAKE, [1.0])
    d_loss = objective.discriminator_loss(REAL, FAKE)
    assert float(d_loss) == pytest.approx(k_rr - k_ff, rel=1e-5)
    g_loss = objective.generator_loss(REAL, FAKE)
    assert float(g_loss) == pytest.approx(k_rr - 2 * k_rf + k_ff, rel=1e-5)


@pytest.mark.parametrize("weights", [(2.0, 1.0), (-1.0, -2.0), (0.5, -0.5)])
def test_generalized_repulsive_weights(weights):
    w0, w1 = weights
    k_rr, k_ff, k_rf = np_means(REAL, FAKE, [1.0])
    d_loss = losses.get("rep", rep_weights=weights).discriminator_loss(REAL, FAKE)
    assert float(d_loss) == pytest.approx(w0 * k_rf - k_ff - w1 * k_rr, rel=1e-5, abs=1e-6)
    if weights == (2.0, 1.0):  # the attractive loss -MMD^2
        assert float(d_loss) == pytest.approx(-(k_rr - 2 * k_rf + k_ff), rel=1e-5)


@pytest.mark.parametrize("bad", [(1.0, 1.0), (2.0, 0.0), (0.0,), "x"])
def test_weights_that_break_w0_minus_w1_equals_one_are_rejected(bad):
    with pytest.raises(ValueError, match="w0 - w1 = 1"):
        losses.get("rep", rep_weights=bad)


def test_bounded_kernel_clips_real_pairs_from_above_and_fake_pairs_from_below():
    # Features spread so that some real-real distances exceed 4 and some fake-fake fall below 0.25.
    real = np.array([[0.0, 0.0], [3.0, 0.0], [0.0, 0.5], [2.5, 2.5]], np.float32)
    fake = np.array([[1.0, 1.0], [1.2, 1.1], [1.0, 1.3], [3.0, 3.0]], np.float32)
    assert (np_d2(real, real) > 4).any() and ((np_d2(fake, fake) < 0.25) & (
        np_d2(fake, fake) > 0)).any()
    objective = losses.get("rmb")
    b_rr, b_ff, _ = np_means(real, fake, [1.0], clip_rr=("upper", 4.0), clip_ff=("lower", 0.25))
    d_loss = objective.discriminator_loss(real, fake)
    metrics = objective.monitors(real, fake)  # the unbounded kernel means
    assert float(d_loss) == pytest.approx(b_rr - b_ff, rel=1e-5)
    unbounded = np_means(real, fake, [1.0])
    assert float(d_loss) != pytest.approx(unbounded[0] - unbounded[1], rel=1e-3)
    assert float(metrics["k_real_real"]) == pytest.approx(unbounded[0], rel=1e-5)
    g_loss = objective.generator_loss(real, fake)  # the generator keeps the unbounded MMD^2
    assert float(g_loss) == pytest.approx(unbounded[0] - 2 * unbounded[2] + unbounded[1],
                                          rel=1e-5)


def test_bounded_kernel_with_attractive_weights_clips_by_direction():
    real, fake = REAL, FAKE
    d_loss = losses.get("rmb", rep_weights=(2.0, 1.0)).discriminator_loss(real, fake)
    b_rr, b_ff, b_rf = np_means(real, fake, [1.0], clip_rr=("lower", 0.25),
                                clip_ff=("lower", 0.25), clip_rf=("upper", 4.0))
    assert float(d_loss) == pytest.approx(2 * b_rf - b_ff - b_rr, rel=1e-5)
