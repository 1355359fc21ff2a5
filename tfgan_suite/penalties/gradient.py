"""Gradient penalties on the discriminator: WGAN-GP and DRAGAN.

Both are ``weight * E[(||grad_x D(x_hat)||_2 - k)^2]`` evaluated at different points ``x_hat``:

* ``gradient_penalty`` (Gulrajani et al., 2017): ``x_hat = a x + (1 - a) G(z)``, ``a ~ U[0, 1]``
  drawn once **per sample**, ``k = 1``; ``one_sided=True`` penalizes only ``max(0, ||g|| - 1)^2``.
* ``dragan`` (Kodali et al., 2017): only around perturbed *real* samples, ``x_hat = x + delta``,
  with one of three perturbations (:func:`perturb`):

  - ``gaussian``: ``x_hat = x + delta``, ``delta ~ N(0, c I)`` (variance ``c = scale``): the
    paper's final algorithm.
  - ``uniform_std``: the authors' released code: ``x_p = x + C std(x) u``, ``u ~ U[0, 1)`` per
    element, ``std`` the standard deviation of the whole batch (a constant, no gradient), then a
    random interpolation ``x_hat = x + a (x_p - x)``, ``a ~ U[0, 1]`` per sample. Its
    perturbation has mean ``C std(x) / 2 > 0``: every point is pushed the same way.
  - ``symmetric_std``: the same with ``u ~ U[-1, 1)``, the zero-mean fix the authors acknowledged.

  **Default: ``symmetric_std`` with ``C = 0.5``.** It samples the neighbourhood of each real point
  on all sides (``uniform_std`` only on one), and its radius follows the data's spread, so ``C``
  keeps its meaning for images in [0, 1] or [-1, 1]; the Gaussian form's ``c`` is an absolute
  variance that must be tuned to the data range (the authors' README warns about it).

``output="sigmoid"`` differentiates ``sigmoid(D(x))`` instead of the logit ``D(x)``: compare_gan v1's
DRAGAN (``compare_gan/src/gans/DRAGAN.py``, the gradient of ``D_inter``, the discriminator's
probability), which the Lucic et al. 2018 suites reproduce.

The norm is ``sqrt(sum g^2 + epsilon)`` so a zero gradient gives no NaN. Random draws are stateless
and made for the global batch (``utils.randomness``); the batch standard deviation is all-reduced
across replicas, so a run is identical under any number of replicas. A discriminator returning
several outputs (EBGAN's ``(energy, embedding)``) is differentiated through its first output; a
vector output is summed per sample (the gradient of ``sum_j D_j(x)``).

**float16**: the inner gradient ``grad_x D`` is a backward pass through the critic's float16 layers,
whose small values flush to zero (float16 keeps nothing below 2^-24 ~ 6e-8) as an unscaled loss's
gradients would; then the penalty sees ``||g|| = 0``. Inside :func:`inner_loss_scale` (the step
enters it with the critic optimizer's dynamic loss scale under ``mixed_float16``),
:func:`gradient_norms` multiplies D's output by that scale before the inner gradient and divides
the float32 gradient by it after: exact in real arithmetic, and the float16 intermediates sit where
loss scaling puts the outer backward pass. A scale too large overflows to inf, the penalty and the
critic's gradients are then not finite, and the ``LossScaleOptimizer`` skips the update and halves
the scale: the same dynamic rule keeps both passes in range.
"""
import contextlib
import threading

import tensorflow as tf

from tfgan_suite.errors import UserInputError
from tfgan_suite.penalties import register
from tfgan_suite.utils import randomness

PERTURBATIONS = ("gaussian", "uniform_std", "symmetric_std")
OUTPUTS = ("logits", "sigmoid")


_SCALES = threading.local()  # per thread: replicas of a strategy trace their steps in threads


@contextlib.contextmanager
def inner_loss_scale(scale):
    """Inside the block :func:`gradient_norms` scales its inner gradient by ``scale`` (a number or
    a variable such as ``LossScaleOptimizer.dynamic_scale``; ``None``: no scaling)."""
    stack = _SCALES.__dict__.setdefault("stack", [])
    stack.append(scale)
    try:
        yield
    finally:
        stack.pop()


def _inner_scale():
    stack = getattr(_SCALES, "stack", None)
    return stack[-1] if stack else None


def _first_output(outputs):
    return outputs[0] if isinstance(outputs, (tuple, list)) else outputs


def gradient_norms(discriminator, points, epsilon=1e-10, output="logits"):
    """Per-sample ``sqrt(||grad_x sum_j D_j(x)||^2 + epsilon)`` at ``points`` (differentiable);
    ``output="sigmoid"``: of ``sigmoid(D_j(x))``. The inner gradient is loss-scaled inside
    :func:`inner_loss_scale` (module docstring)."""
    scale = _inner_scale()
    if scale is not None:
        scale = tf.stop_gradient(tf.cast(scale, tf.float32))
    with tf.GradientTape() as tape:
        tape.watch(points)
        outputs = tf.cast(_first_output(discriminator(points, training=True)), tf.float32)
        if output == "sigmoid":
            outputs = tf.sigmoid(outputs)
        total = tf.reduce_sum(outputs)
        if scale is not None:
            total *= scale
    grads = tape.gradient(total, points)
    if scale is not None:
        grads = tf.cast(grads, tf.float32) / scale
    squared = tf.reduce_sum(tf.square(tf.reshape(grads, [tf.shape(grads)[0], -1])), axis=1)
    return tf.sqrt(squared + epsilon)


def norm_penalty(norms, target=1.0, one_sided=False):
    """``E[(||g|| - target)^2]``, or ``E[max(0, ||g|| - target)^2]`` when one-sided."""
    gap = norms - target
    if one_sided:
        gap = tf.nn.relu(gap)
    return tf.reduce_mean(tf.square(gap))


def _per_sample(values, rank):
    return tf.reshape(values, [-1] + [1] * (rank - 1))


def interpolate(real, generated, seed):
    """``a x + (1 - a) G(z)`` with ``a ~ U[0, 1]`` per sample."""
    real = tf.convert_to_tensor(real, tf.float32)
    alpha = randomness.replica_uniform([tf.shape(real)[0]], seed)
    alpha = _per_sample(alpha, len(real.shape))
    return alpha * real + (1.0 - alpha) * tf.cast(generated, tf.float32)


def batch_std(x):
    """Standard deviation of every element of the global batch (all replicas), without gradient."""
    x = tf.stop_gradient(tf.cast(x, tf.float32))
    stats = tf.stack([tf.reduce_sum(x), tf.reduce_sum(tf.square(x)),
                      tf.cast(tf.size(x), tf.float32)])
    context = tf.distribute.get_replica_context()
    if context is not None and context.num_replicas_in_sync > 1:
        stats = context.all_reduce(tf.distribute.ReduceOp.SUM, stats)
    mean = stats[0] / stats[2]
    return tf.sqrt(tf.maximum(stats[1] / stats[2] - mean * mean, 0.0))


def perturb(real, seed, perturbation="symmetric_std", scale=0.5):
    """The points DRAGAN penalizes, around the real batch (see the module docstring).

    Args:
      real: real images, [batch, ...].
      seed: stateless seed, shape [2].
      perturbation: one of ``gaussian``, ``uniform_std``, ``symmetric_std``.
      scale: ``c`` (the variance) for ``gaussian``, ``C`` for the ``*_std`` variants.
    """
    if perturbation not in PERTURBATIONS:
        raise UserInputError(f"unknown dragan perturbation {perturbation!r}; valid choices: "
                         f"{', '.join(PERTURBATIONS)}")
    real = tf.convert_to_tensor(real, tf.float32)
    noise_seed, alpha_seed = tf.unstack(tf.random.experimental.stateless_split(seed, 2))
    shape = tf.shape(real)
    if perturbation == "gaussian":
        return real + tf.sqrt(float(scale)) * randomness.replica_normal(shape, noise_seed)
    low = 0.0 if perturbation == "uniform_std" else -1.0
    u = randomness.replica_uniform(shape, noise_seed, minval=low, maxval=1.0)
    perturbed = real + scale * batch_std(real) * u
    alpha = _per_sample(randomness.replica_uniform([shape[0]], alpha_seed), len(real.shape))
    return real + alpha * (perturbed - real)


def _check_output(output):
    if output not in OUTPUTS:
        raise UserInputError(f"unknown penalty output {output!r}; valid choices: "
                             f"{', '.join(OUTPUTS)}")


def _check_weight(weight):
    if not isinstance(weight, (int, float)) or isinstance(weight, bool) or weight < 0:
        raise UserInputError(f"penalty weight must be a non-negative float, got {weight!r}")
    return float(weight)


@register("gradient_penalty")
def gradient_penalty(weight=10.0, one_sided=False, target=1.0, epsilon=1e-10, output="logits"):
    """WGAN-GP: ``weight * E[(||grad D(a x + (1-a) G(z))||_2 - 1)^2]``, ``a ~ U[0,1]`` per sample."""
    weight = _check_weight(weight)
    _check_output(output)

    def penalty(discriminator, real, generated, seed):
        points = interpolate(real, generated, seed)
        return weight * norm_penalty(gradient_norms(discriminator, points, epsilon, output),
                                     target, one_sided)

    penalty.__name__ = "gradient_penalty"
    return penalty


@register("dragan")
def dragan(weight=10.0, k=1.0, perturbation="symmetric_std", scale=0.5, epsilon=1e-10,
           output="logits"):
    """DRAGAN: ``weight * E[(||grad D(x + delta)||_2 - k)^2]`` around perturbed real samples."""
    weight = _check_weight(weight)
    _check_output(output)
    if perturbation not in PERTURBATIONS:
        raise UserInputError(f"unknown dragan perturbation {perturbation!r}; valid choices: "
                         f"{', '.join(PERTURBATIONS)}")
    if not scale > 0:
        raise UserInputError(f"dragan scale must be positive, got {scale!r}")

    def penalty(discriminator, real, generated, seed):
        del generated  # DRAGAN only looks around the real data
        points = perturb(real, seed, perturbation, scale)
        return weight * norm_penalty(gradient_norms(discriminator, points, epsilon, output), k)

    penalty.__name__ = "dragan"
    return penalty
