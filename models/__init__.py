"""Architecture declarations, installed as ``tfgan_suite.models``.

Each module here declares specs as plain data for the layer factory; ``get(name, **overrides)`` builds
the (generator, discriminator) pair and ``specs(name, **overrides)`` returns the data itself.

Class-conditional pairs: ``get(name, num_classes=10)`` turns any architecture whose generator uses
batch norm and whose discriminator ends in a dense layer into the conditional pair of the
projection-discriminator paper (Miyato & Koyama, 2018): every batch norm of a generator layer
(dense, conv, deconv, resblock) becomes a conditional batch norm (per-class scale and shift; a
standalone ``norm`` op, like the ResNets' last one, stays unconditional as in both reference codes)
and the discriminator's last dense layer becomes a ``conditional_dense`` with the projection term.
``auxiliary_classifier=True`` adds AC-GAN class logits (Odena et al., 2017) and
``projection=False`` drops the projection. The generator is then
called on ``[z, labels]``, the discriminator on ``[images, labels]``. Without ``num_classes`` every
architecture is exactly the unconditional one.
"""
import dataclasses
from typing import Any

from tfgan_suite.errors import UserInputError
from tfgan_suite.utils.registry import Registry

ARCHITECTURES = Registry("model")


@dataclasses.dataclass(frozen=True)
class ArchitectureSpec:
    """A G/D pair as data: layer specs plus the shapes they connect."""

    generator: Any
    discriminator: Any
    latent_dim: int
    image_shape: tuple
    num_classes: Any = None


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


def specs(name, num_classes=None, projection=True, auxiliary_classifier=False, **overrides):
    """The :class:`ArchitectureSpec` registered under ``name``, with ``overrides`` applied;
    class-conditional when ``num_classes`` is given (see the module docstring)."""
    arch = ARCHITECTURES.build(name, **overrides)
    if num_classes is None:
        if auxiliary_classifier or not projection:
            raise UserInputError("auxiliary_classifier and projection apply to class-conditional "
                                 "models: also pass num_classes")
        return arch
    return conditional(arch, name, num_classes, projection, auxiliary_classifier)


def _as_dicts(spec):
    if isinstance(spec, str):
        from tfgan_suite.layers import parse  # deferred, as in get()
        return parse(spec)
    return [dict(layer) for layer in spec]


def conditional(arch, name, num_classes, projection=True, auxiliary_classifier=False):
    """``arch`` with conditional batch norm in G and a ``conditional_dense`` head in D."""
    if not isinstance(num_classes, int) or isinstance(num_classes, bool) or num_classes < 2:
        raise UserInputError(f"num_classes must be an int >= 2, got {num_classes!r}")
    if not (projection or auxiliary_classifier):
        raise UserInputError("a conditional discriminator needs projection=True or "
                             "auxiliary_classifier=True (else it would ignore the labels)")
    if isinstance(arch.discriminator, dict):
        raise UserInputError(f"architecture {name!r} has an autoencoder discriminator; num_classes "
                             f"needs a discriminator that ends in a dense layer")
    generator = _as_dicts(arch.generator)
    norms = [layer for layer in generator if layer.get("norm") == "batch" and layer["op"] != "norm"]
    if not norms:
        raise UserInputError(f"architecture {name!r}: num_classes needs batch norm in the generator "
                             f"(it becomes conditional batch norm); this one has none")
    for layer in norms:
        layer["norm"] = "conditional_batch"
    discriminator = _as_dicts(arch.discriminator)
    last = discriminator[-1]
    if last.get("op") != "dense" or last.get("norm", "none") != "none" or last.get(
            "activation", "linear") != "linear":
        raise UserInputError(f"architecture {name!r}: num_classes needs a discriminator that ends in "
                             f"a linear dense layer (the projection head replaces it); it ends in "
                             f"{last.get('op')!r}")
    head = {"op": "conditional_dense", "units": last["units"], "projection": projection,
            "auxiliary": auxiliary_classifier}
    head.update({k: last[k] for k in ("spectral_norm", "sn_gain", "sn_iterations") if k in last})
    if isinstance(last.get("use_bias"), bool):
        head["use_bias"] = last["use_bias"]
    discriminator[-1] = head
    return dataclasses.replace(arch, generator=generator, discriminator=discriminator,
                               num_classes=num_classes)


def get(name, **overrides):
    """Builds ``(generator, discriminator)`` Keras models for architecture ``name``.

    Example: ``g, d = tfgan_suite.models.get("sngan_cnn", d_output_dim=16)``.
    """
    from tfgan_suite import layers  # deferred: keeps spec declarations importable without Keras

    arch = specs(name, **overrides)
    generator = layers.build(arch.generator, (arch.latent_dim,), name=f"{name}_generator",
                             num_classes=arch.num_classes)
    if isinstance(arch.discriminator, dict):  # {"type": "autoencoder", ...}: EBGAN's (energy, code)
        from tfgan_suite.layers.autoencoder import build_autoencoder
        discriminator = build_autoencoder(arch.discriminator, arch.image_shape,
                                          name=f"{name}_discriminator")
    else:
        discriminator = layers.build(arch.discriminator, arch.image_shape,
                                     name=f"{name}_discriminator", num_classes=arch.num_classes)
    return generator, discriminator


from tfgan_suite.models import dcgan, mlp, rep, resnet, sngan, toy  # noqa: E402,F401  (register the architectures)
from tfgan_suite.models import ebgan  # noqa: E402,F401  (autoencoder discriminator)
from tfgan_suite.models import lucic  # noqa: E402,F401  (Lucic et al. 2018, compare_gan v1)
