"""Registers the classic objectives under the short names the command line uses.

Defaults follow the papers: DCGAN's Adam(2e-4, beta_1=0.5) for the cross-entropy family and LSGAN,
SNGAN's hinge setting, and Arjovsky et al.'s RMSProp(5e-5), n_critic=5, clip 0.01 for WGAN.
"""
from tfgan_suite.losses import standard
from tfgan_suite.losses.registry import Objective, register

_DCGAN_ADAM = {"optimizer": "adam", "lr_d": 2e-4, "lr_g": 2e-4, "beta_1": 0.5, "beta_2": 0.999,
               "n_critic": 1}


@register("gan")
def minimax(label_smoothing=0.0):
    """Original saturating minimax GAN."""
    return Objective(
        "gan",
        lambda real, fake: standard.minimax_discriminator_loss(real, fake, label_smoothing),
        lambda real, fake: standard.minimax_generator_loss(fake),
        defaults=_DCGAN_ADAM)


@register("nsgan")
def non_saturating(label_smoothing=0.0):
    """Non-saturating GAN: minimax D loss, ``-log s(D(G(z)))`` for G."""
    return Objective(
        "nsgan",
        lambda real, fake: standard.modified_discriminator_loss(real, fake, label_smoothing),
        lambda real, fake: standard.modified_generator_loss(fake),
        defaults=_DCGAN_ADAM)


@register("lsgan")
def least_squares(real_label=1.0, fake_label=0.0):
    """Least-squares GAN with labels (a, b, c) = (fake_label, real_label, real_label)."""
    return Objective(
        "lsgan",
        lambda real, fake: standard.least_squares_discriminator_loss(real, fake, real_label,
                                                                     fake_label),
        lambda real, fake: standard.least_squares_generator_loss(fake, real_label),
        defaults=_DCGAN_ADAM)


@register("wgan")
def wasserstein(clip_value=0.01):
    """WGAN with weight clipping of the critic to [-clip_value, clip_value]."""
    return Objective(
        "wgan",
        standard.wasserstein_discriminator_loss,
        lambda real, fake: standard.wasserstein_generator_loss(fake),
        defaults={"optimizer": "rmsprop", "lr_d": 5e-5, "lr_g": 5e-5, "n_critic": 5,
                  "clip_value": clip_value})


@register("hinge")
def hinge():
    """Hinge loss (SNGAN / geometric GAN)."""
    return Objective(
        "hinge",
        standard.wasserstein_hinge_discriminator_loss,
        lambda real, fake: standard.wasserstein_hinge_generator_loss(fake),
        defaults={"optimizer": "adam", "lr_d": 2e-4, "lr_g": 2e-4, "beta_1": 0.0, "beta_2": 0.9,
                  "n_critic": 1})
