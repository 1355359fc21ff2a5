"""Objectives that are a loss plus a default discriminator penalty.

``defaults["penalty"]`` / ``defaults["penalty_options"]`` name the penalty that ``GAN.compile``
adds when it is given ``penalty="auto"`` (the default); ``penalty=None`` turns it off and any other
value replaces it.

* ``wgan_gp`` (Gulrajani et al., 2017): Wasserstein losses ``L_D = D(G(z)) - D(x)``,
  ``L_G = -D(G(z))`` plus ``gradient_penalty`` with lambda=10, Adam(1e-4, beta_1=0, beta_2=0.9),
  n_critic=5.
* ``dragan`` (Kodali et al., 2017): the non-saturating loss plus the ``dragan`` penalty
  (lambda=10, k=1, C=0.5, ``symmetric_std`` perturbation), Adam(1e-4, beta_1=0.5, beta_2=0.9) as in
  the authors' code.
"""
from tfgan_suite.losses import standard
from tfgan_suite.losses.registry import Objective, register


@register("wgan_gp")
def wgan_gp(penalty_weight=10.0, one_sided=False):
    """WGAN-GP: Wasserstein losses + ``penalty_weight * E[(||grad D(x_hat)|| - 1)^2]``."""
    return Objective(
        "wgan_gp",
        standard.wasserstein_discriminator_loss,
        lambda real, fake: standard.wasserstein_generator_loss(fake),
        defaults={"optimizer": "adam", "lr_d": 1e-4, "lr_g": 1e-4, "beta_1": 0.0, "beta_2": 0.9,
                  "n_critic": 5, "penalty": "gradient_penalty",
                  "penalty_options": {"weight": penalty_weight, "one_sided": one_sided}})


@register("dragan")
def dragan(penalty_weight=10.0, k=1.0, perturbation="symmetric_std", scale=0.5,
           label_smoothing=0.0):
    """DRAGAN: non-saturating GAN + ``penalty_weight * E[(||grad D(x + delta)|| - k)^2]``."""
    return Objective(
        "dragan",
        lambda real, fake: standard.modified_discriminator_loss(real, fake, label_smoothing),
        lambda real, fake: standard.modified_generator_loss(fake),
        defaults={"optimizer": "adam", "lr_d": 1e-4, "lr_g": 1e-4, "beta_1": 0.5, "beta_2": 0.9,
                  "n_critic": 1, "penalty": "dragan",
                  "penalty_options": {"weight": penalty_weight, "k": k,
                                      "perturbation": perturbation, "scale": scale}})
