"""LeCam regularization (Tseng, Jiang, Liu, Yang & Yang, "Regularizing Generative Adversarial Networks
under Limited Data", CVPR 2021), section 3.1, eq. (3)::

    R_LC = E_x[ ||D(x) - alpha_F||^2 ] + E_z[ ||D(G(z)) - alpha_R||^2 ]

``alpha_R`` and ``alpha_F`` are exponential moving averages of the discriminator's mean output on
real and on generated images. As in the authors' code (google/lecam-gan, ``biggan_cifar/losses.py``
``lecam_reg``, ``third_party/utils.py`` ``ema_losses``, ``scripts/lc-*.sh``):

* one-sided: ``mean(relu(D(x) - alpha_F)^2) + mean(relu(alpha_R - D(G(z)))^2)`` (only a real
  output above the fake anchor, or a fake output below the real anchor, is pulled back);
  ``one_sided=False`` gives eq. (3) as written;
* the anchors are updated with the current batch's means *before* the term is computed, with decay
  0.9, and with decay 0 (the anchor is the last batch mean) during the first ``start`` updates, in
  which the term is not applied (authors: ``start_itr=1000``); weight 0.3 (their CIFAR-10 runs,
  ``--LC 0.3``). The authors count ``start`` in generator iterations of 4 critic updates; here it
  counts this penalty's updates (discriminator updates).

The anchors and the update count are non-trainable variables saved in checkpoints (exact resume).
Means are over every output unit and, under a strategy, over the global batch.
"""
import keras
import tensorflow as tf

from tfgan_suite.errors import UserInputError
from tfgan_suite.penalties import register
from tfgan_suite.penalties.gradient import _check_weight, _first_output


def _global_mean(values):
    values = tf.cast(values, tf.float32)
    stats = tf.stack([tf.reduce_sum(values), tf.cast(tf.size(values), tf.float32)])
    context = tf.distribute.get_replica_context()
    if context is not None and context.num_replicas_in_sync > 1:
        stats = context.all_reduce(tf.distribute.ReduceOp.SUM, stats)
    return stats[0] / stats[1]


def lecam_term(real_outputs, fake_outputs, anchor_real, anchor_fake, one_sided=True):
    """``mean(relu(D(x) - alpha_F)^2) + mean(relu(alpha_R - D(G(z)))^2)`` (without relu when not
    ``one_sided``)."""
    real_gap = tf.cast(real_outputs, tf.float32) - anchor_fake
    fake_gap = anchor_real - tf.cast(fake_outputs, tf.float32)
    if one_sided:
        real_gap, fake_gap = tf.nn.relu(real_gap), tf.nn.relu(fake_gap)
    return tf.reduce_mean(tf.square(real_gap)) + tf.reduce_mean(tf.square(fake_gap))


@register("lecam")
def lecam(weight=0.3, decay=0.9, start=1000, one_sided=True):
    """LeCam: ``weight * R_LC`` with EMA anchors (module docstring); ``penalty.variables`` hold the
    anchors and the update count."""
    weight = _check_weight(weight)
    if not 0.0 <= float(decay) < 1.0:
        raise UserInputError(f"lecam decay must be in [0, 1), got {decay!r}")
    if int(start) < 0:
        raise UserInputError(f"lecam start must be >= 0, got {start!r}")

    def state(name, dtype="float32"):
        return keras.Variable(0, dtype=dtype, trainable=False, aggregation="only_first_replica",
                              name=name)

    anchor_real, anchor_fake = state("lecam_anchor_real"), state("lecam_anchor_fake")
    updates = state("lecam_updates", "int64")

    def penalty(discriminator, real, generated, seed, outputs):
        del discriminator, real, generated, seed
        real_out = _first_output(outputs[0])
        fake_out = _first_output(outputs[1])
        warming = updates < int(start)
        rate = tf.where(tf.logical_or(warming, tf.equal(updates, 0)), 0.0, float(decay))
        new_real = rate * anchor_real + (1.0 - rate) * tf.stop_gradient(_global_mean(real_out))
        new_fake = rate * anchor_fake + (1.0 - rate) * tf.stop_gradient(_global_mean(fake_out))
        anchor_real.assign(new_real)
        anchor_fake.assign(new_fake)
        updates.assign_add(1)
        active = tf.cast(tf.logical_not(warming), tf.float32)
        return weight * active * lecam_term(real_out, fake_out, new_real, new_fake, one_sided)

    penalty.__name__ = "lecam"
    penalty.extras = ("outputs",)
    penalty.variables = (anchor_real, anchor_fake, updates)
    return penalty
