"""Registers the classic objectives under the short names the command line uses.

Their papers' training settings (DCGAN's Adam for the cross-entropy family and LSGAN, SNGAN's hinge
setting, WGAN's RMSProp with clipping) are in :mod:`tfgan_suite.training.settings`.
"""
from tfgan_suite.losses import standard
from tfgan_suite.losses.registry import Objective, register

@register("gan")
def minimax(label_smoothing=0.0):
    """Original saturating minimax GAN."""
    return Objective(
        "gan",
        lambda real, fake: standard.minimax_discriminator_loss(real, fake, label_smoothing),
        lambda real, fake: standard.minimax_generator_loss(fake))


@register("nsgan")
def non_saturating(label_smoothing=0.0):
    """Non-saturating GAN: minimax D loss, ``-log s(D(G(z)))`` for G."""
    return Objective(
        "nsgan",
        lambda real, fake: standard.modified_discriminator_loss(real, fake, label_smoothing),
        lambda real, fake: standard.modified_generator_loss(fake))


@register("lsgan")
def least_squares(real_label=1.0, fake_label=0.0):
    """Least-squares GAN with labels (a, b, c) = (fake_label, real_label, real_label)."""
    return Objective(
        "lsgan",
        lambda real, fake: standard.least_squares_discriminator_loss(real, fake, real_label,
                                                                     fake_label),
        lambda real, fake: standard.least_squares_generator_loss(fake, real_label))


@register("wgan")
def wasserstein():
    """WGAN (the critic's weight clipping is a training setting: ``clip_value``)."""
    return Objective(
        "wgan",
        standard.wasserstein_discriminator_loss,
        lambda real, fake: standard.wasserstein_generator_loss(fake))


@register("hinge")
def hinge():
    """Hinge loss (SNGAN / geometric GAN)."""
    return Objective(
        "hinge",
        standard.wasserstein_hinge_discriminator_loss,
        lambda real, fake: standard.wasserstein_hinge_generator_loss(fake))
