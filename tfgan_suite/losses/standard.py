"""The classic GAN losses, with TF-GAN's public names, argument names and defaults.

Each function is a pure function of discriminator outputs (logits, or critic values) and returns a
scalar reduced with TF-GAN's ``SUM_BY_NONZERO_WEIGHTS`` (the mean when weights are 1). Notation:
``D(x)`` is the discriminator output on real data, ``D(G(z))`` on generated data, ``s`` is the
sigmoid, and ``CE(y, l) = -y log s(l) - (1 - y) log(1 - s(l))`` is sigmoid cross-entropy.

Label smoothing follows ``tf.compat.v1.losses.sigmoid_cross_entropy``: positive labels become
``1 - label_smoothing / 2`` (``y * (1 - ls) + 0.5 * ls``).
"""
import tensorflow as tf

from tfgan_suite.losses.reduction import SUM_BY_NONZERO_WEIGHTS, compute_weighted_loss


def _float(x):
    x = tf.convert_to_tensor(x)
    return x if x.dtype.is_floating else tf.cast(x, tf.float32)


def _sigmoid_cross_entropy(labels, logits, weights, label_smoothing, reduction):
    logits = _float(logits)
    labels = tf.cast(labels, logits.dtype)
    if label_smoothing:
        labels = labels * (1.0 - label_smoothing) + 0.5 * label_smoothing
    losses = tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits)
    return compute_weighted_loss(losses, weights, reduction)


# Original losses from `Generative Adversarial Nets` (https://arxiv.org/abs/1406.2661).
def minimax_discriminator_loss(discriminator_real_outputs, discriminator_gen_outputs,
                               label_smoothing=0.25, real_weights=1.0, generated_weights=1.0,
                               reduction=SUM_BY_NONZERO_WEIGHTS):
    """Original minimax discriminator loss, with label smoothing on real labels.

    ``L = CE(1 - ls/2, D(x)) + CE(0, D(G(z)))``, i.e. ``-log s(D(x)) - log(1 - s(D(G(z))))`` when
    ``label_smoothing = 0``. Each term is weighted and reduced on its own, then summed.
    """
    loss_on_real = _sigmoid_cross_entropy(tf.ones_like(discriminator_real_outputs),
                                          discriminator_real_outputs, real_weights,
                                          label_smoothing, reduction)
    loss_on_generated = _sigmoid_cross_entropy(tf.zeros_like(discriminator_gen_outputs),
                                               discriminator_gen_outputs, generated_weights, 0.0,
                                               reduction)
    return loss_on_real + loss_on_generated


def minimax_generator_loss(discriminator_gen_outputs, label_smoothing=0.0, weights=1.0,
                           reduction=SUM_BY_NONZERO_WEIGHTS):
    """Original (saturating) minimax generator loss.

    As in TF-GAN, ``L = -minimax_discriminator_loss(1, D(G(z)))``: the discriminator loss evaluated
    with the constant logit 1 standing in for real outputs, negated. Hence
    ``L = -CE(1 - ls/2, 1) + log(1 - s(D(G(z))))``; the constant leaves the gradient unchanged.
    """
    return -minimax_discriminator_loss(tf.ones_like(discriminator_gen_outputs),
                                       discriminator_gen_outputs, label_smoothing, weights, weights,
                                       reduction)


def modified_discriminator_loss(discriminator_real_outputs, discriminator_gen_outputs,
                                label_smoothing=0.25, real_weights=1.0, generated_weights=1.0,
                                reduction=SUM_BY_NONZERO_WEIGHTS):
    """Same as :func:`minimax_discriminator_loss` (TF-GAN keeps both names)."""
    return minimax_discriminator_loss(discriminator_real_outputs, discriminator_gen_outputs,
                                      label_smoothing, real_weights, generated_weights, reduction)


def modified_generator_loss(discriminator_gen_outputs, label_smoothing=0.0, weights=1.0,
                            reduction=SUM_BY_NONZERO_WEIGHTS):
    """Non-saturating generator loss: ``L = -log s(D(G(z))) = CE(1 - ls/2, D(G(z)))``."""
    return _sigmoid_cross_entropy(tf.ones_like(discriminator_gen_outputs),
                                  discriminator_gen_outputs, weights, label_smoothing, reduction)


# Least squares losses from `Least Squares GANs` (https://arxiv.org/abs/1611.04076).
def least_squares_generator_loss(discriminator_gen_outputs, real_label=1, weights=1.0,
                                 reduction=SUM_BY_NONZERO_WEIGHTS):
    """``L = 1/2 (D(G(z)) - real_label)^2``."""
    losses = tf.math.squared_difference(_float(discriminator_gen_outputs), real_label) / 2.0
    return compute_weighted_loss(losses, weights, reduction)


def least_squares_discriminator_loss(discriminator_real_outputs, discriminator_gen_outputs,
                                     real_label=1, fake_label=0, real_weights=1.0,
                                     generated_weights=1.0, reduction=SUM_BY_NONZERO_WEIGHTS):
    """``L = 1/2 (D(x) - real_label)^2 + 1/2 (D(G(z)) - fake_label)^2``, each term reduced alone."""
    real_losses = tf.math.squared_difference(_float(discriminator_real_outputs), real_label) / 2.0
    fake_losses = tf.math.squared_difference(_float(discriminator_gen_outputs), fake_label) / 2.0
    return (compute_weighted_loss(real_losses, real_weights, reduction)
            + compute_weighted_loss(fake_losses, generated_weights, reduction))


# Wasserstein losses from `Wasserstein GAN` (https://arxiv.org/abs/1701.07875).
def wasserstein_generator_loss(discriminator_gen_outputs, weights=1.0,
                               reduction=SUM_BY_NONZERO_WEIGHTS):
    """``L = -D(G(z))``."""
    return compute_weighted_loss(-_float(discriminator_gen_outputs), weights, reduction)


def wasserstein_discriminator_loss(discriminator_real_outputs, discriminator_gen_outputs,
                                   real_weights=1.0, generated_weights=1.0,
                                   reduction=SUM_BY_NONZERO_WEIGHTS):
    """``L = D(G(z)) - D(x)``, each term reduced alone."""
    return (compute_weighted_loss(_float(discriminator_gen_outputs), generated_weights, reduction)
            - compute_weighted_loss(_float(discriminator_real_outputs), real_weights, reduction))


def wasserstein_hinge_generator_loss(discriminator_gen_outputs, weights=1.0,
                                     reduction=SUM_BY_NONZERO_WEIGHTS):
    """Hinge generator loss (SNGAN, https://arxiv.org/abs/1802.05957): ``L = -D(G(z))``."""
    return wasserstein_generator_loss(discriminator_gen_outputs, weights, reduction)


def wasserstein_hinge_discriminator_loss(discriminator_real_outputs, discriminator_gen_outputs,
                                         real_weights=1.0, generated_weights=1.0, real_hinge=1.0,
                                         generated_hinge=1.0, reduction=SUM_BY_NONZERO_WEIGHTS):
    """``L = max(0, real_hinge - D(x)) + max(0, generated_hinge + D(G(z)))``."""
    hinged_real = tf.nn.relu(real_hinge - _float(discriminator_real_outputs))
    hinged_gen = tf.nn.relu(generated_hinge + _float(discriminator_gen_outputs))
    return (compute_weighted_loss(hinged_gen, generated_weights, reduction)
            + compute_weighted_loss(hinged_real, real_weights, reduction))
