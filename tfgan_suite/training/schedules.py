"""Learning-rate decay schedules for TTUR runs (Keras ``LearningRateSchedule`` objects).

``build(learning_rate, spec, total_steps)`` turns a short spec into a schedule over optimizer
iterations (``t``, counted in that optimizer's own updates, so ``n_critic * steps`` for the
discriminator):

* ``"none"`` (or ``None``): the constant ``lr``.
* ``"linear"`` / ``"linear:END"``: ``lr_t = lr + (END * lr - lr) * min(t, T) / T``; ``END`` is the
  final fraction of ``lr`` (default 0: decays to zero at ``T = total_steps``, as in SNGAN/BigGAN-style
  linear decay).
* ``"exponential"`` / ``"exponential:RATE"``: ``lr_t = lr * RATE^(t / T)`` (default ``RATE=0.1``: one
  tenth of the rate at the end of training).
"""
import keras

from tfgan_suite.errors import UserInputError

KINDS = ("none", "linear", "exponential")


def parse(spec):
    """``"kind[:value]"`` -> ``(kind, value or None)``; raises one line on a bad spec."""
    if spec is None:
        return "none", None
    kind, _, value = str(spec).partition(":")
    kind = kind.strip().lower()
    if kind not in KINDS:
        raise UserInputError(f"unknown lr_decay {spec!r}; valid choices: none, linear[:END_FRACTION], "
                         f"exponential[:RATE]")
    if not value:
        return kind, None
    try:
        number = float(value)
    except ValueError:
        raise UserInputError(f"lr_decay {spec!r}: {value!r} is not a number") from None
    if kind == "linear" and not 0 <= number <= 1:
        raise UserInputError(f"lr_decay {spec!r}: the linear end fraction must be in [0, 1]")
    if kind == "exponential" and not 0 < number <= 1:
        raise UserInputError(f"lr_decay {spec!r}: the exponential rate must be in (0, 1]")
    return kind, number


def build(learning_rate, spec, total_steps):
    """A float (``spec`` none) or a ``keras.optimizers.schedules.LearningRateSchedule``."""
    kind, value = parse(spec)
    if kind == "none":
        return float(learning_rate)
    total_steps = int(total_steps)
    if total_steps < 1:
        raise UserInputError(f"lr_decay needs a positive number of steps, got {total_steps}")
    if kind == "linear":
        end = 0.0 if value is None else value
        return keras.optimizers.schedules.PolynomialDecay(
            float(learning_rate), total_steps, end_learning_rate=float(learning_rate) * end,
            power=1.0)
    return keras.optimizers.schedules.ExponentialDecay(
        float(learning_rate), total_steps, 0.1 if value is None else value, staircase=False)
