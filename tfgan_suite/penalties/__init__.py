"""Discriminator penalties by name (``--penalty=NAME``, ``GAN.compile(penalty=...)``).

A penalty is a callable ``penalty(discriminator, real, generated, seed) -> scalar`` that already
includes its weight. ``seed`` is a stateless-RNG seed (shape [2], int64); draw with
:mod:`tfgan_suite.utils.randomness` so the draw is identical under any number of replicas.
"""

from tfgan_suite.utils.registry import Registry

PENALTIES = Registry("penalty")


def register(name, factory=None):
    """Registers ``factory(**kwargs) -> penalty callable`` under ``name``."""
    return PENALTIES.register(name, factory)


def names():
    return PENALTIES.names()


def get(name, **kwargs):
    """Returns the penalty registered under ``name`` built with ``kwargs``; callables pass through."""
    if callable(name):
        return name
    return PENALTIES.build(name, **kwargs)


from tfgan_suite.penalties import gradient  # noqa: E402,F401  (registers gradient_penalty, dragan)
