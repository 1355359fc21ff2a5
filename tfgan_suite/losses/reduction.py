"""Weighted reductions with TF-GAN's semantics.

TF-GAN (``tf.compat.v1.losses.compute_weighted_loss``) reduces with ``SUM_BY_NONZERO_WEIGHTS`` by
default: ``sum(w * l) / count(w != 0)``, where ``w`` is broadcast to the shape of ``l``. With the
default ``w = 1`` that is the plain mean.
"""
import tensorflow as tf

SUM_BY_NONZERO_WEIGHTS = "sum_by_nonzero_weights"
MEAN = "mean"
SUM = "sum"
NONE = "none"
REDUCTIONS = (SUM_BY_NONZERO_WEIGHTS, MEAN, SUM, NONE)


def compute_weighted_loss(losses, weights=1.0, reduction=SUM_BY_NONZERO_WEIGHTS):
    """Applies ``weights`` to ``losses`` and reduces.

    Args:
      losses: float tensor of per-element losses.
      weights: scalar or tensor broadcastable to ``losses``.
      reduction: one of ``"sum_by_nonzero_weights"`` (TF-GAN default), ``"mean"`` (sum(w*l) / size),
        ``"sum"`` or ``"none"`` (the weighted elementwise losses).
    """
    if reduction not in REDUCTIONS:
        raise ValueError(f"unknown reduction {reduction!r}; valid choices: {', '.join(REDUCTIONS)}")
    losses = tf.convert_to_tensor(losses)
    losses = tf.cast(losses, tf.float32) if not losses.dtype.is_floating else losses
    weights = tf.cast(weights, losses.dtype)
    weighted = losses * weights
    if reduction == NONE:
        return weighted
    total = tf.reduce_sum(weighted)
    if reduction == SUM:
        return total
    if reduction == MEAN:
        return total / tf.cast(tf.size(weighted), losses.dtype)
    nonzero = tf.math.count_nonzero(tf.broadcast_to(weights, tf.shape(weighted)), dtype=losses.dtype)
    return tf.math.divide_no_nan(total, nonzero)
