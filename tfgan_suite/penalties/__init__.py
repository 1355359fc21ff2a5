"""Discriminator penalties by name (``--penalty=NAME``, ``GAN.compile(penalty=...)``).

A penalty is a callable ``penalty(discriminator, real, generated, seed) -> scalar`` that already
includes its weight. ``seed`` is a stateless-RNG seed (shape [2], int64); draw with
:mod:`tfgan_suite.utils.randomness` so the draw is identical under any number of replicas.

A penalty may ask the training step for more through attributes (``training.step`` passes them):

* ``extras``: keyword arguments it takes: ``outputs`` (``(D(real), D(generated))`` of the
  discriminator's loss pass, so the penalty does not judge them again) and ``source``
  (``(images_of, z)``: the function that made ``generated`` from the latents ``z``);
* ``generator_term(generator, z, generated, seed) -> scalar``: a term added to the generator's loss
  (zCR's diversity term);
* ``variables``: its state (LeCam's anchors), saved in checkpoints.

Registered: ``gradient_penalty``, ``dragan`` (:mod:`.gradient`), ``bcr``, ``zcr``
(:mod:`.consistency`), ``lecam`` (:mod:`.lecam`).
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
from tfgan_suite.penalties import consistency  # noqa: E402,F401  (registers bcr, zcr)
from tfgan_suite.penalties import lecam  # noqa: E402,F401  (registers lecam)
