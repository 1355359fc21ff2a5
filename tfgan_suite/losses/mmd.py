"""MMD-GAN objectives: attractive MMD (Li et al., 2017), repulsive and bounded-repulsive losses
(Wang, Sun & Halgamuge, "Improving MMD-GAN training with repulsive loss function", ICLR 2019).

The discriminator maps an image to a feature vector ``D(x)`` in R^d (d = 16 by default) and the
kernel is a Gaussian on those features, ``k(a, b) = sum_s exp(-||a - b||^2 / (2 s^2))`` over one or
several bandwidths ``s`` (a mixture is the sum of its members, as in MMD-GAN). With ``x`` real and
``y`` generated features of batches of ``m`` and ``n`` rows, the kernel means are the unbiased
estimates (diagonal excluded where both arguments come from the same batch)::

    E k(x, x') = 1 / (m (m - 1)) sum_{i != j} k(x_i, x_j)          "k_real_real"
    E k(y, y') = 1 / (n (n - 1)) sum_{i != j} k(y_i, y_j)          "k_fake_fake"
    E k(x, y)  = 1 / (m n)       sum_{i, j}   k(x_i, y_j)          "k_real_fake"
    MMD^2      = E k(x, x') - 2 E k(x, y) + E k(y, y')             (unbiased MMD_u^2, Gretton 2012)

The authors' code (``matrix_mean_wo_diagonal``) also drops the ``i == j`` cross pairs of
``k(x_i, y_j)``. With equal batch sizes that is unbiased too: it is the U-statistic ``MMD_u^2`` of
Gretton et al. (2012, Lemma 6), whose pairs ``(x_i, y_i)`` form one sample; the estimate here
(their eq. 3, all ``m n`` cross pairs) is also unbiased when ``m != n``. The two differ by a term of
order ``1/m``.

Objectives (the generator always minimizes ``MMD^2``):

* ``mmd``: the attractive discriminator loss ``L_D = -MMD^2``.
* ``rep``: the generalized loss ``L_D = w0 E k(x, y) - E k(y, y') - w1 E k(x, x')`` with
  ``w0 - w1 = 1``; ``(w0, w1) = (0, -1)`` (default) is the repulsive loss
  ``L_D = E k(x, x') - E k(y, y')`` and ``(2, 1)`` gives back ``-MMD^2``. Checked against the
  authors' code (richardwth/MMD-GAN, ``mmd_g(custom_weights=...)``; their ``x`` is the generated
  batch and their ``y`` the real one, hence "kyy is for the real data").
* ``rmb``: ``rep`` with the bounded kernel in the discriminator loss only. Following the paper (and
  the authors' ``mmd_g_bounded``, which agrees): real-real squared distances are clipped from
  **above** at ``b_u = 4`` (``exp(-min(d, b_u) / 2s^2)``: the discriminator stops spreading real
  features once they are ``b_u`` apart), generated-generated distances from **below** at
  ``b_l = 0.25`` (``exp(-max(d, b_l) / 2s^2)``: it stops contracting generated features once they
  are that close), and real-generated pairs are not bounded. For general weights the same hinge
  rule applies to every term here: a term the discriminator minimizes by pushing pairs apart is
  clipped from above at ``b_u``, one it minimizes by pulling pairs together from below at ``b_l``.
  This agrees with the authors' ``mmd_g_bounded`` for the default weights only: with ``w0 != 0``
  their cross term stays unbounded (the bounded ``k_xy`` they build for ``w0 > 0`` is not the one
  averaged).

All functions are pure: they take the two feature batches and return tensors.
"""
import math

import tensorflow as tf

from tfgan_suite.errors import UserInputError
from tfgan_suite.losses.registry import Objective, register

METRICS = ("k_real_real", "k_fake_fake", "k_real_fake")
# The repulsive-loss paper's MMD baseline bandwidths (the authors' GANLoss.sigma).
DEFAULT_MIXTURE = (1.0, math.sqrt(2.0), 2.0, math.sqrt(8.0), 4.0)


def _features(outputs):
    outputs = tf.convert_to_tensor(outputs)
    outputs = tf.cast(outputs, tf.float32) if outputs.dtype != tf.float32 else outputs
    return tf.reshape(outputs, [tf.shape(outputs)[0], -1])


def squared_distances(a, b):
    """Pairwise squared Euclidean distances ``d_ij = ||a_i - b_j||^2`` (clipped at 0), shape [m, n]."""
    a, b = _features(a), _features(b)
    aa = tf.reduce_sum(tf.square(a), axis=1, keepdims=True)
    bb = tf.reduce_sum(tf.square(b), axis=1, keepdims=True)
    return tf.maximum(aa - 2.0 * tf.matmul(a, b, transpose_b=True) + tf.transpose(bb), 0.0)


def _sigmas(sigma):
    sigmas = tuple(float(s) for s in (sigma if isinstance(sigma, (list, tuple)) else (sigma,)))
    if not sigmas or any(not s > 0 for s in sigmas):
        raise UserInputError(f"kernel bandwidths must be positive floats, got {sigma!r}")
    return sigmas


def gaussian_kernel(squared_distance, sigma=1.0):
    """``k = sum_s exp(-d / (2 s^2))`` of a tensor of squared distances, for one or several ``s``."""
    return tf.add_n([tf.exp(-squared_distance / (2.0 * s * s)) for s in _sigmas(sigma)])


def _mean_off_diagonal(matrix):
    n = tf.cast(tf.shape(matrix)[0], matrix.dtype)
    return (tf.reduce_sum(matrix) - tf.reduce_sum(tf.linalg.diag_part(matrix))) / (n * (n - 1.0))


def kernel_means(real, generated, sigma=1.0, real_bound=None, fake_bound=None, cross_bound=None):
    """Unbiased kernel means ``(E k(x, x'), E k(y, y'), E k(x, y))``.

    Args:
      real, generated: discriminator features ``x`` and ``y``, shape [batch, ...].
      sigma: a bandwidth or a list of bandwidths (mixture = sum).
      real_bound, fake_bound, cross_bound: ``None`` or ``("upper"|"lower", b)``: clip that group's
        squared distances with ``min(d, b)`` (upper) or ``max(d, b)`` (lower) before the kernel.
    """
    def kernel(a, b, bound):
        d = squared_distances(a, b)
        if bound is not None:
            side, value = bound
            d = tf.minimum(d, value) if side == "upper" else tf.maximum(d, value)
        return gaussian_kernel(d, sigma)

    k_xx = _mean_off_diagonal(kernel(real, real, real_bound))
    k_yy = _mean_off_diagonal(kernel(generated, generated, fake_bound))
    k_xy = tf.reduce_mean(kernel(real, generated, cross_bound))
    return k_xx, k_yy, k_xy


def mmd2(real, generated, sigma=1.0):
    """Unbiased ``MMD^2 = E k(x, x') - 2 E k(x, y) + E k(y, y')``."""
    k_xx, k_yy, k_xy = kernel_means(real, generated, sigma)
    return k_xx - 2.0 * k_xy + k_yy


def kernel_monitors(real, generated, sigma=1.0):
    """The monitors of every MMD objective: the unbounded kernel means
    ``{"k_real_real": E k(x, x'), "k_fake_fake": E k(y, y'), "k_real_fake": E k(x, y)}``."""
    return dict(zip(METRICS, kernel_means(real, generated, sigma)))


def check_weights(weights):
    """Returns ``(w0, w1)`` as floats, or raises if ``w0 - w1 != 1``."""
    try:
        w0, w1 = (float(w) for w in weights)
    except (TypeError, ValueError):
        raise UserInputError(f"rep_weights must be two numbers (w0, w1) with w0 - w1 = 1, "
                         f"got {weights!r}") from None
    if abs((w0 - w1) - 1.0) > 1e-6:
        raise UserInputError(f"rep_weights {weights!r} break w0 - w1 = 1 (w0 - w1 = {w0 - w1:g}); "
                         f"valid examples: (0, -1) repulsive, (2, 1) attractive -MMD^2, "
                         f"(-1, -2)")
    return w0, w1


def repulsive_discriminator_loss(real, generated, sigma=1.0, weights=(0.0, -1.0)):
    """``L_D = w0 E k(x, y) - E k(y, y') - w1 E k(x, x')`` (``w0 - w1 = 1``).

    ``weights=(0, -1)``: ``L_D = E k(x, x') - E k(y, y')``; ``(2, 1)``: ``L_D = -MMD^2``.
    """
    w0, w1 = check_weights(weights)
    k_xx, k_yy, k_xy = kernel_means(real, generated, sigma)
    return w0 * k_xy - k_yy - w1 * k_xx


def bounded_repulsive_discriminator_loss(real, generated, sigma=1.0, weights=(0.0, -1.0),
                                         lower_bound=0.25, upper_bound=4.0):
    """The repulsive loss with the bounded Gaussian kernel (rmb).

    ``L_D = w0 E k_b(x, y) - E k_b(y, y') - w1 E k_b(x, x')`` where a term the discriminator lowers
    by pushing pairs apart uses ``exp(-min(d, b_u) / 2s^2)`` and one it lowers by pulling pairs
    together uses ``exp(-max(d, b_l) / 2s^2)``. With the default ``(0, -1)``: real-real distances
    ``min(d, b_u)``, generated-generated ``max(d, b_l)``, real-generated unbounded (weight 0).
    Its monitors (:func:`kernel_monitors`) are the unbounded kernel means (what the generator sees).
    """
    w0, w1 = check_weights(weights)
    if not 0 <= lower_bound < upper_bound:
        raise UserInputError(f"need 0 <= lower_bound < upper_bound, got {lower_bound}, {upper_bound}")
    push, pull = ("upper", float(upper_bound)), ("lower", float(lower_bound))
    real_bound = push if w1 < 0 else pull if w1 > 0 else None  # coefficient of E k(x,x') is -w1
    cross_bound = push if w0 > 0 else pull if w0 < 0 else None
    b_xx, b_yy, b_xy = kernel_means(real, generated, sigma, real_bound=real_bound,
                                    fake_bound=pull, cross_bound=cross_bound)
    return w0 * b_xy - b_yy - w1 * b_xx


# --------------------------------------------------------------------------- registration
# Training settings (Adam, learning rates, the spectrally normalized discriminator the authors'
# code uses) are in training.settings.PAPER. Every MMD objective takes ``sigmas`` (one bandwidth or
# a mixture) and logs the kernel means as monitors.
def _mmd_objective(name, d_loss, sigmas):
    return Objective(
        name, d_loss, lambda real, fake: mmd2(real, fake, sigmas),
        monitor_fn=lambda real, fake: kernel_monitors(real, fake, sigmas), monitor_names=METRICS,
        discriminator_output_dim=16, generator_uses_real=True)


@register("mmd")
def mmd(sigmas=DEFAULT_MIXTURE):
    """MMD-GAN with a Gaussian (mixture) kernel: ``L_G = MMD^2``, ``L_D = -MMD^2``."""
    sigmas = _sigmas(sigmas)
    return _mmd_objective("mmd", lambda real, fake: -mmd2(real, fake, sigmas), sigmas)


@register("rep")
def rep(sigmas=1.0, rep_weights=(0.0, -1.0)):
    """Repulsive MMD-GAN: ``L_D = w0 E k(x,y) - E k(y,y') - w1 E k(x,x')``, ``L_G = MMD^2``."""
    sigmas = _sigmas(sigmas)
    check_weights(rep_weights)
    return _mmd_objective(
        "rep", lambda real, fake: repulsive_discriminator_loss(real, fake, sigmas, rep_weights),
        sigmas)


@register("rmb")
def rmb(sigmas=1.0, rep_weights=(0.0, -1.0), lower_bound=0.25, upper_bound=4.0):
    """Repulsive MMD-GAN with the bounded kernel (b_l=0.25, b_u=4) in the discriminator loss."""
    sigmas = _sigmas(sigmas)
    check_weights(rep_weights)
    return _mmd_objective(
        "rmb", lambda real, fake: bounded_repulsive_discriminator_loss(
            real, fake, sigmas, rep_weights, lower_bound, upper_bound),
        sigmas)
