"""Objectives that are a loss trained with a discriminator penalty.

The penalty and its options are training settings (``training.settings.PAPER``: ``penalty``,
``penalty_options``): ``GAN.compile`` adds them unless told otherwise (``penalty=None`` turns the
penalty off, another name replaces it).

* ``wgan_gp`` (Gulrajani et al., 2017): Wasserstein losses ``L_D = D(G(z)) - D(x)``,
  ``L_G = -D(G(z))``; trained with ``gradient_penalty`` (lambda=10), Adam(1e-4, beta_1=0,
  beta_2=0.9), n_critic=5.
* ``dragan`` (Kodali et al., 2017): the non-saturating loss; trained with the ``dragan`` penalty
  (lambda=10, k=1, C=0.5, ``symmetric_std`` perturbation), Adam(1e-4, beta_1=0.5, beta_2=0.9) as in
  the authors' code.
"""
from tfgan_suite.losses import standard
from tfgan_suite.losses.registry import Objective, register


@register("wgan_gp")
def wgan_gp():
    """WGAN-GP: Wasserstein losses (the gradient penalty is its default training setting)."""
    return Objective(
        "wgan_gp",
        standard.wasserstein_discriminator_loss,
        lambda real, fake: standard.wasserstein_generator_loss(fake))


@register("dragan")
def dragan(label_smoothing=0.0):
    """DRAGAN: the non-saturating GAN loss (the ``dragan`` penalty is its default setting)."""
    return Objective(
        "dragan",
        lambda real, fake: standard.modified_discriminator_loss(real, fake, label_smoothing),
        lambda real, fake: standard.modified_generator_loss(fake))
