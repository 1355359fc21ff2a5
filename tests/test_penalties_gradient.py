"""Gradient penalties with discriminators whose gradient is known, and DRAGAN perturbation stats."""
import keras
import numpy as np
import pytest
import tensorflow as tf

from tfgan_suite import penalties
from tfgan_suite.penalties import gradient as gradient_lib

SEED = tf.constant([7, 11], tf.int64)


class Linear(keras.Model):
    """D(x) = w . vec(x) + b: grad_x D = w everywhere, so ||grad|| = ||w|| exactly."""

    def __init__(self, w, b=0.3, outputs=1):
        super().__init__()
        self.w = tf.constant(np.asarray(w, np.float32).reshape(-1, 1))
        self.b = b
        self.outputs = outputs

    def call(self, x, training=False):
        value = tf.matmul(tf.reshape(x, [tf.shape(x)[0], -1]), self.w) + self.b
        if self.outputs == 2:  # EBGAN-like (energy, embedding) tuple: only the first counts
            return value, tf.tile(value, [1, 3]) * 100.0
        return value


class Quadratic(keras.Model):
    """D(x) = 1/2 ||x||^2: grad_x D = x, so ||grad|| = ||x_hat|| is known per point."""

    def call(self, x, training=False):
        return 0.5 * tf.reduce_sum(tf.square(tf.reshape(x, [tf.shape(x)[0], -1])), axis=1)


def images(n=8, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, size=(n, 3, 3, 2)).astype(np.float32)


@pytest.mark.parametrize("scale", [0.25, 1.0, 3.0])
def test_gradient_penalty_on_linear_discriminator_is_exact(scale):
    w = np.random.default_rng(1).normal(size=18) * scale / np.sqrt(18)
    norm = np.linalg.norm(w)
    penalty = penalties.get("gradient_penalty")
    value = penalty(Linear(w), images(), images(seed=1), SEED)
    assert float(value) == pytest.approx(10.0 * (norm - 1.0) ** 2, rel=1e-4, abs=1e-5)
    one_sided = penalties.get("gradient_penalty", weight=2.0, one_sided=True)
    value = one_sided(Linear(w), images(), images(seed=1), SEED)
    assert float(value) == pytest.approx(2.0 * max(0.0, norm - 1.0) ** 2, rel=1e-4, abs=1e-5)


def test_gradient_penalty_uses_first_output_of_a_tuple_discriminator():
    w = np.full(18, 0.5)
    value = penalties.get("gradient_penalty")(Linear(w, outputs=2), images(), images(1), SEED)
    assert float(value) == pytest.approx(10.0 * (np.linalg.norm(w) - 1.0) ** 2, rel=1e-4)


def test_gradient_penalty_interpolates_per_sample_uniform():
    real, fake = images(), images(seed=5)
    points = gradient_lib.interpolate(real, fake, SEED).numpy()
    # Solve a for each sample: points = a real + (1 - a) fake; one a per sample, in [0, 1].
    a = ((points - fake) / (real - fake)).reshape(len(real), -1)
    np.testing.assert_allclose(a, a[:, :1].repeat(a.shape[1], axis=1), atol=1e-4)
    assert ((a >= 0) & (a <= 1)).all() and np.ptp(a[:, 0]) > 0.1
    # Quadratic D: ||grad D(x_hat)|| = ||x_hat||; the penalty matches numpy at those points.
    value = penalties.get("gradient_penalty", weight=1.0)(Quadratic(), real, fake, SEED)
    norms = np.linalg.norm(points.reshape(len(points), -1), axis=1)
    assert float(value) == pytest.approx(np.mean((norms - 1.0) ** 2), rel=1e-4)


def test_zero_gradient_gives_no_nan():
    penalty = penalties.get("gradient_penalty")
    value = penalty(Linear(np.zeros(18)), images(), images(1), SEED)
    assert np.isfinite(float(value)) and float(value) == pytest.approx(10.0, rel=1e-4)
    # The gradient of the penalty w.r.t. the critic's weights at a zero input-gradient is finite
    # (without the epsilon, d sqrt(s)/ds at s = 0 is infinite and 0 * inf gives NaN).
    critic = keras.Sequential([keras.Input((3, 3, 2)), keras.layers.Flatten(),
                               keras.layers.Dense(1, kernel_initializer="zeros")])
    with tf.GradientTape() as tape:
        value = penalty(critic, images(), images(1), SEED)
    kernel_grad = tape.gradient(value, critic.layers[-1].kernel)
    assert np.isfinite(kernel_grad.numpy()).all()


@pytest.mark.parametrize("perturbation", gradient_lib.PERTURBATIONS)
def test_dragan_on_linear_discriminator_is_exact(perturbation):
    w = np.random.default_rng(2).normal(size=18) * 0.4
    norm = np.linalg.norm(w)
    penalty = penalties.get("dragan", k=1.0, perturbation=perturbation)
    value = penalty(Linear(w), images(), None, SEED)
    assert float(value) == pytest.approx(10.0 * (norm - 1.0) ** 2, rel=1e-4)
    k2 = penalties.get("dragan", weight=3.0, k=2.0, perturbation=perturbation)
    assert float(k2(Linear(w), images(), None, SEED)) == pytest.approx(
        3.0 * (norm - 2.0) ** 2, rel=1e-4)


def test_dragan_looks_only_around_real_points():
    real = images(64)
    penalty = penalties.get("dragan", weight=1.0, perturbation="gaussian", scale=0.01)
    far_fake = np.full_like(real, 100.0)
    value = float(penalty(Quadratic(), real, far_fake, SEED))
    points = gradient_lib.perturb(real, SEED, "gaussian", 0.01).numpy()
    norms = np.linalg.norm(points.reshape(64, -1), axis=1)
    assert value == pytest.approx(np.mean((norms - 1.0) ** 2), rel=1e-4)


# ------------------------------------------------------------- perturbation statistics
BIG = np.random.default_rng(4).normal(0.2, 0.6, size=(4000, 4, 4, 1)).astype(np.float32)


def test_gaussian_perturbation_statistics():
    delta = (gradient_lib.perturb(BIG, SEED, "gaussian", scale=0.5).numpy() - BIG).ravel()
    assert abs(delta.mean()) < 0.02
    assert delta.std() == pytest.approx(np.sqrt(0.5), rel=0.02)
    assert abs(np.mean(delta ** 3)) < 0.05  # symmetric around 0


def np_interpolated_uniform_moments(low, c_std):
    # delta = a * c_std * u, a ~ U[0,1], u ~ U[low, 1): mean and variance of the product.
    mean_a, ea2 = 0.5, 1.0 / 3.0
    mean_u = (low + 1.0) / 2.0
    eu2 = (1.0 + low + low * low) / 3.0
    mean = c_std * mean_a * mean_u
    var = c_std ** 2 * ea2 * eu2 - mean ** 2
    return mean, np.sqrt(var)


@pytest.mark.parametrize("perturbation,low", [("uniform_std", 0.0), ("symmetric_std", -1.0)])
def test_std_perturbation_statistics(perturbation, low):
    out = gradient_lib.perturb(BIG, SEED, perturbation, scale=0.5).numpy()
    delta = (out - BIG).reshape(len(BIG), -1)
    c_std = 0.5 * BIG.std()
    mean, spread = np_interpolated_uniform_moments(low, c_std)
    assert delta.mean() == pytest.approx(mean, abs=0.004)
    assert delta.std() == pytest.approx(spread, rel=0.03)
    assert np.abs(delta).max() <= c_std * 1.0001  # never further than C * std(x)
    if perturbation == "uniform_std":
        assert delta.min() >= -1e-6  # one-sided: every pixel moves up
    else:
        assert (delta < 0).mean() == pytest.approx(0.5, abs=0.02)
        assert abs(np.mean(delta ** 3)) < 1e-3 * c_std ** 3 * 100
    # One interpolation coefficient per sample: delta / u has the same ratio in a sample.
    per_sample_max = np.abs(delta).max(axis=1) / c_std
    assert per_sample_max.min() < 0.2 and per_sample_max.max() > 0.9


def test_unknown_perturbation_and_bad_weight_are_rejected():
    with pytest.raises(ValueError, match="valid choices: gaussian, uniform_std, symmetric_std"):
        penalties.get("dragan", perturbation="laplace")
    with pytest.raises(ValueError, match="weight"):
        penalties.get("gradient_penalty", weight=-1.0)
    with pytest.raises(ValueError, match="unknown penalty 'nope'"):
        penalties.get("nope")
