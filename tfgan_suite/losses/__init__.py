"""GAN losses: TF-GAN-compatible functions and a registry of named objectives.

``tfgan_suite.losses.get(name, **options)`` returns an :class:`Objective` that unpacks into a
``(discriminator_loss, generator_loss)`` pair; ``names()`` lists what is registered.
"""
from tfgan_suite.losses.registry import Objective, get, names, register
from tfgan_suite.losses.standard import (
    least_squares_discriminator_loss,
    least_squares_generator_loss,
    minimax_discriminator_loss,
    minimax_generator_loss,
    modified_discriminator_loss,
    modified_generator_loss,
    wasserstein_discriminator_loss,
    wasserstein_generator_loss,
    wasserstein_hinge_discriminator_loss,
    wasserstein_hinge_generator_loss,
)
from tfgan_suite.losses import catalogue  # noqa: F401  (registers the classic objectives)
from tfgan_suite.losses import ebgan, mmd, penalized  # noqa: E402,F401  (register the catalogue)
