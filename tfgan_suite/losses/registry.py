"""Objectives by name: what ``--loss=NAME`` and ``GAN.compile(loss=NAME)`` select.

An :class:`Objective` bundles a discriminator loss and a generator loss, both called as
``fn(real_outputs, generated_outputs)`` with whatever the discriminator returns (logits, an MMD
feature vector, an (energy, embedding) pair, ...). A loss returns a scalar, or a
``(scalar, {metric_name: scalar})`` pair whose extra values the trainer logs as Keras metrics (the
names must be listed in ``metric_names`` so trackers exist before tracing).

It unpacks like TF-GAN's pair: ``d_loss, g_loss = tfgan_suite.losses.get("nsgan")``.
"""
import dataclasses
from typing import Any, Callable, Mapping

from tfgan_suite.utils.registry import Registry


@dataclasses.dataclass(frozen=True)
class Objective:
    """A named (discriminator_loss, generator_loss) pair plus its recommended training settings.

    Attributes:
      name: the registry name.
      discriminator_loss: ``fn(real_outputs, generated_outputs) -> scalar | (scalar, dict)``.
      generator_loss: same signature; the generator minimizes it.
      defaults: the paper's hyper-parameters (e.g. ``n_critic``, ``clip_value``, ``penalty``,
        ``lr_d``, ``lr_g``, ``beta_1``, ``beta_2``, ``optimizer``), used by the command line when the
        user gives none.
      metric_names: names of the extra values the losses report.
      discriminator_output_dim: output width the discriminator needs (16 for MMD losses).
      generator_uses_real: whether ``generator_loss`` reads ``real_outputs`` (MMD does); when False
        the trainer passes ``None`` and skips that discriminator pass.
    """

    name: str
    discriminator_loss: Callable
    generator_loss: Callable
    defaults: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    metric_names: tuple = ()
    discriminator_output_dim: int = 1
    generator_uses_real: bool = False

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
