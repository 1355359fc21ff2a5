"""Architecture declarations, installed as ``tfgan_suite.models``.

Each module here declares specs as plain data for the layer factory; ``get(name, **overrides)`` builds
the (generator, discriminator) pair and ``specs(name, **overrides)`` returns the data itself.
"""
import dataclasses
from typing import Any

from tfgan_suite.utils.registry import Registry

ARCHITECTURES = Registry("model")


@dataclasses.dataclass(frozen=True)
class ArchitectureSpec:
    """A G/D pair as data: layer specs plus the shapes they connect."""

    generator: Any
    discriminator: Any
    latent_dim: int
    image_shape: tuple


def spectral_norm_keys(spectral_norm, sn_gain=1.0):
    """The layer-spec keys of a (possibly) spectrally normalized layer.

    ``spectral_norm``: ``False``, ``True``/``"matrix"`` (power iteration on the reshaped kernel,
    Miyato et al.) or ``"conv"`` (power iteration on the convolution operator, as in the
    repulsive-loss authors' code); ``sn_gain``: the constant C the normalized kernel is multiplied by
    (their ``act_k``), ignored without spectral norm. Every architecture with a spectrally normalized
    discriminator takes both as options (``--model_options=spectral_norm=conv,sn_gain=1.682``).
    """
    return {"spectral_norm": spectral_norm, "sn_gain": float(sn_gain)}


def register(name, factory=None):
    """Registers ``factory(**overrides) -> ArchitectureSpec`` under ``name``."""
    return ARCHITECTURES.register(name, factory)


def names():
    return ARCHITECTURES.names()


def specs(name, **overrides):
    """The :class:`ArchitectureSpec` registered under ``name``, with ``overrides`` applied."""
    return ARCHITECTURES.build(name, **overrides)


def get(name, **overrides):
    """Builds ``(generator, discriminator)`` Keras models for architecture ``name``.

    Example: ``g, d = tfgan_suite.models.get("sngan_cnn", d_output_dim=16)``.
    """
    from tfgan_suite import layers  # deferred: keeps spec declarations importable without Keras

    arch = specs(name, **overrides)
    generator = layers.build(arch.generator, (arch.latent_dim,), name=f"{name}_generator")
    if isinstance(arch.discriminator, dict):  # {"type": "autoencoder", ...}: EBGAN's (energy, code)
        from tfgan_suite.layers.autoencoder import build_autoencoder
        discriminator = build_autoencoder(arch.discriminator, arch.image_shape,
                                          name=f"{name}_discriminator")
    else:
        discriminator = layers.build(arch.discriminator, arch.image_shape,
                                     name=f"{name}_discriminator")
    return generator, discriminator


from tfgan_suite.models import dcgan, mlp, rep, sngan, toy  # noqa: E402,F401  (register the architectures)
from tfgan_suite.models import ebgan  # noqa: E402,F401  (autoencoder discriminator)
