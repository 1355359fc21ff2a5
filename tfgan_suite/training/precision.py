"""Mixed precision (``--mixed_precision=bfloat16|float16``) through Keras dtype policies.

* ``float32`` (default): everything in float32.
* ``bfloat16``: policy ``mixed_bfloat16``: layers compute in bfloat16, variables stay float32.
  bfloat16 has float32's exponent range, so no loss scaling is needed.
* ``float16``: policy ``mixed_float16``; both optimizers are wrapped in
  ``keras.optimizers.LossScaleOptimizer`` (dynamic loss scaling: the loss is multiplied by a scale
  before differentiation, gradients are unscaled before the update, and a step whose gradients are
  not finite is skipped while the scale halves). ``GAN.compile`` and ``SGAN.compile`` wrap them the
  way ``keras.Model.compile`` does (:func:`loss_scaled`), so a notebook that only calls
  ``keras.mixed_precision.set_global_policy("mixed_float16")`` gets loss scaling too. The gradient
  penalties scale their inner gradient by the same dynamic scale (``penalties.gradient``), spectral
  norm iterates in float32 (``layers.spectral_norm``), and the step count is a variable of the
  model's own that advances on skipped steps too (``GAN.step_counter``).

What stays float32: variables (kernels), the layers of each network's last spec layer (the
generator's final ``tanh`` output and the discriminator's final dense; see ``layers.factory``),
the discriminator outputs (``GAN`` casts them before the loss), losses and gradient penalties.

The policy is global Keras state: models must be *built* under it. Use
``with precision_policy(name): ...build the GAN...``.
"""
import contextlib

import keras

from tfgan_suite.errors import UserInputError

POLICIES = {"float32": "float32", "bfloat16": "mixed_bfloat16", "float16": "mixed_float16"}


def names():
    return sorted(POLICIES)


def policy_name(precision):
    """``None``/``float32``/``bfloat16``/``float16`` -> the Keras policy name."""
    precision = precision or "float32"
    if precision not in POLICIES:
        raise UserInputError(f"unknown mixed precision {precision!r}; valid choices: "
                             f"{', '.join(names())}")
    return POLICIES[precision]


@contextlib.contextmanager
def precision_policy(precision):
    """Sets the global Keras dtype policy for ``precision`` inside the block, then restores it."""
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(policy_name(precision))
    try:
        yield
    finally:
        keras.config.set_dtype_policy(previous)


def loss_scaled(optimizer, policy, auto_scale_loss=True):
    """``optimizer`` as ``keras.Model.compile`` leaves it under the model's dtype ``policy`` (a
    ``DTypePolicy`` or its name): wrapped in a ``LossScaleOptimizer`` when the policy is
    ``mixed_float16``, ``auto_scale_loss`` is on and it is not one already; unchanged otherwise
    (Keras 3's rule, ``keras/src/trainers/trainer.py`` ``Trainer.compile``)."""
    name = getattr(policy, "name", policy)
    if (auto_scale_loss and name == "mixed_float16" and optimizer
            and not isinstance(optimizer, keras.optimizers.LossScaleOptimizer)):
        return keras.optimizers.LossScaleOptimizer(optimizer)
    return optimizer


def wrap_optimizer(optimizer, precision):
    """Wraps ``optimizer`` in a ``LossScaleOptimizer`` for float16 (once); unchanged otherwise."""
    return loss_scaled(optimizer, policy_name(precision))
