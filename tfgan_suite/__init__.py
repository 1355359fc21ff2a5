"""tfgan_suite: GAN objectives, training and evaluation for TensorFlow 2 / Keras 3.

The pipeline, one subpackage per stage::

    data -> layers (factory) + models (specs) -> losses + penalties -> training (GAN, SGAN)
         -> metrics (FID/KID/IS) -> export

Heavy submodules are imported lazily so ``import tfgan_suite`` stays cheap.
"""
import importlib

__version__ = "0.1.0"

_LAZY = {
    "GAN": ("tfgan_suite.training.gan", "GAN"),
    "SGAN": ("tfgan_suite.training.sgan", "SGAN"),
}
_SUBMODULES = {"data", "layers", "losses", "penalties", "training", "metrics", "models", "export", "utils"}


def __getattr__(name):
    if name in _LAZY:
        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    if name in _SUBMODULES:
        return importlib.import_module(f"tfgan_suite.{name}")
    raise AttributeError(f"module 'tfgan_suite' has no attribute {name!r}")


__all__ = sorted(set(_LAZY) | _SUBMODULES)
