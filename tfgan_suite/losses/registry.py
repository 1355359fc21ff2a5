"""Objectives by name: what ``--loss=NAME`` and ``GAN.compile(loss=NAME)`` select.

An :class:`Objective` bundles a discriminator loss and a generator loss, both called as
``fn(real_outputs, generated_outputs) -> scalar`` with whatever the discriminator returns (logits, an
MMD feature vector, an (energy, embedding) pair, ...), so the whole catalogue is called the same way.
Values worth watching during training (MMD kernel means, EBGAN energies) come from a separate call,
``objective.monitors(real_outputs, generated_outputs) -> {name: scalar}``, which the training step
logs (the names are listed in ``monitor_names`` so trackers exist before tracing).

The training settings each objective's paper used (optimizer, learning rates, n_critic, penalty, ...)
are typed in :mod:`tfgan_suite.training.settings`, not here.

It unpacks like TF-GAN's pair: ``d_loss, g_loss = tfgan_suite.losses.get("nsgan")``.
"""
import dataclasses
from typing import Callable, Optional

from tfgan_suite.utils.registry import Registry


@dataclasses.dataclass(frozen=True)
class Objective:
    """A named (discriminator_loss, generator_loss) pair.

    Attributes:
      name: the registry name (also the key of its paper settings, ``training.settings.PAPER``).
      discriminator_loss: ``fn(real_outputs, generated_outputs) -> scalar``.
      generator_loss: same signature; the generator minimizes it.
      monitor_fn: ``fn(real_outputs, generated_outputs) -> {name: scalar}`` or ``None``; see
        :meth:`monitors`.
      monitor_names: the keys ``monitor_fn`` returns, in order.
      discriminator_output_dim: output width the discriminator needs (16 for MMD losses).
      generator_uses_real: whether ``generator_loss`` reads ``real_outputs`` (MMD does); when False
        the trainer passes ``None`` and skips that discriminator pass.
    """

    name: str
    discriminator_loss: Callable
    generator_loss: Callable
    monitor_fn: Optional[Callable] = None
    monitor_names: tuple = ()
    discriminator_output_dim: int = 1
    generator_uses_real: bool = False

    def monitors(self, real_outputs, generated_outputs):
        """The values to log for one discriminator pass (``{}`` when the objective has none)."""
        if self.monitor_fn is None:
            return {}
        values = dict(self.monitor_fn(real_outputs, generated_outputs))
        if tuple(values) != tuple(self.monitor_names):
            raise ValueError(f"objective {self.name!r}: monitors returned {sorted(values)}, "
                             f"monitor_names declares {list(self.monitor_names)}")
        return values

    def __iter__(self):
        return iter((self.discriminator_loss, self.generator_loss))


OBJECTIVES = Registry("loss")


def register(name, factory=None):
    """Registers ``factory(**kwargs) -> Objective`` under ``name`` (decorator when no factory)."""
    return OBJECTIVES.register(name, factory)


def names():
    return OBJECTIVES.names()


def get(name, **kwargs):
    """Returns the :class:`Objective` registered under ``name``, built with ``kwargs``.

    An ``Objective`` passed in is returned as is. Unknown names and unknown keyword arguments raise
    one ``ValueError`` naming the valid choices.
    """
    if isinstance(name, Objective):
        return name
    return OBJECTIVES.build(name, **kwargs)
