"""Augmentation of every image the discriminator sees, for training on limited data.

``GAN.compile(augment=...)`` / ``--augment=...`` take:

* ``None`` / ``"none"``: off;
* DiffAugment policies (:mod:`.diffaugment`, Zhao et al. 2020): ``"translation,cutout"``,
  ``"color,translation,cutout"``, ...;
* ``"ada"`` (:mod:`.ada`, Karras et al. 2020): ADA's ``bgc`` pipeline with its adaptive ``p``;
  ``"ada:blit,geom"`` picks groups;
* an augmentation object (below).

An augmentation is called as ``augment(images, seed) -> images``: differentiable in the images,
its random draws stateless and keyed by ``seed`` (the training step derives one per discriminator
pass with :func:`pass_seed`, like its other draws). The step (``training.step``) augments real and
generated images before every discriminator call, in the discriminator's and the generator's
updates, so the generator is trained through ``D(T(G(z)))``. Penalties receive the augmented
images (the discriminator being trained is ``D o T``).

Training state: ``variables`` (saved in checkpoints), ``observe(real_outputs)`` (called with
``D(T(x))`` after each discriminator update), ``end_step(completed_steps)`` (after each train
step) and ``logs()`` (``{name: scalar}`` added to the Keras logs, hence to the CSV and TensorBoard).
DiffAugment has none; ADA keeps its ``p`` there.
"""
import tensorflow as tf

from tfgan_suite.augment.ada import AdaptiveAugment, decision_threshold
from tfgan_suite.augment.diffaugment import POLICIES, DiffAugment
from tfgan_suite.errors import UserInputError

__all__ = ["AdaptiveAugment", "DiffAugment", "POLICIES", "build", "check", "choices", "pass_seed"]

# Salts folded into a discriminator pass's seed: real and generated images get independent draws.
SALT_REAL, SALT_FAKE = 31, 32


def choices():
    """What ``--augment`` accepts (for error lines and help)."""
    return ("none", *POLICIES, "ada", "ada:GROUPS")


def build(spec, objective_name=None, ada_options=None):
    """The augmentation ``spec`` names (module docstring), or ``None`` for none.

    ``objective_name`` picks ADA's decision threshold (and refuses objectives without one);
    ``ada_options``: ``AdaptiveAugment`` keyword arguments (``target``, ``speed_images``,
    ``interval``, ``initial_p``)."""
    if spec is None or (isinstance(spec, str) and spec.strip().lower() in ("", "none")):
        if ada_options:
            raise UserInputError(f"ADA options {sorted(ada_options)} need augment='ada'")
        return None
    if not isinstance(spec, str):
        if not callable(spec):
            raise UserInputError(f"augment must be a name or an augmentation, got {spec!r}; valid "
                                 f"choices: {', '.join(choices())}")
        return spec
    name, _, groups = spec.strip().partition(":")
    if name == "ada":
        threshold = decision_threshold(objective_name) if objective_name else 0.0
        extra = {"groups": groups} if groups else {}
        return AdaptiveAugment(threshold=threshold, **extra, **(ada_options or {}))
    if ada_options:
        raise UserInputError(f"ADA options {sorted(ada_options)} need augment='ada', not {spec!r}")
    try:
        return DiffAugment(spec)
    except UserInputError:
        raise UserInputError(f"unknown augment {spec!r}; valid choices: {', '.join(choices())} "
                             f"(DiffAugment policies combine with commas)") from None


def check(spec, objective_name=None):
    """Validates ``spec`` without building anything (no variables): one line if it is bad."""
    if spec is None or not isinstance(spec, str) or spec.strip().lower() in ("", "none"):
        return
    name, _, groups = spec.strip().partition(":")
    if name == "ada":
        from tfgan_suite.augment.ada import parse_groups  # pylint: disable=import-outside-toplevel

        if objective_name:
            decision_threshold(objective_name)
        if groups:
            parse_groups(groups)
        return
    try:
        DiffAugment(spec)
    except UserInputError:
        raise UserInputError(f"unknown augment {spec!r}; valid choices: {', '.join(choices())} "
                             f"(DiffAugment policies combine with commas)") from None


def pass_seed(seed, salt):
    """The seed of one augmentation call: ``seed`` (a step seed, shape [2]) folded with ``salt``."""
    return tf.random.experimental.stateless_fold_in(tf.cast(seed, tf.int64), salt)
