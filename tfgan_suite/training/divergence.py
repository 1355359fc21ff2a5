"""The divergence guard: stop ``fit`` at the first NaN/Inf logged value, remember where.

Used by the command-line run (which then stops or rolls back to the last good checkpoint, see
``training.experiment``) and by BogoNet's runner (which records the run as diverged).
"""
import math

import keras
import numpy as np


class TrainingDiverged(RuntimeError):
    """A loss became NaN/Inf; the message is one line naming the step and the last good checkpoint."""


def _number(value):
    """``value`` as a float when it is a scalar number, else ``None``."""
    if isinstance(value, (int, float, np.floating, np.integer)) or np.ndim(value) == 0:
        try:
            return float(value)
        except (TypeError, ValueError):
            return None
    return None


def first_non_finite(logs):
    """The name of the first numeric value of a Keras logs dict that is NaN/Inf, else ``None``."""
    for name, value in (logs or {}).items():
        number = _number(value)
        if number is not None and not math.isfinite(number):
            return name
    return None


def all_finite(logs):
    """True when every numeric value of a Keras logs dict is finite."""
    return first_non_finite(logs) is None


class DivergenceGuard(keras.callbacks.Callback):
    """Stops ``fit`` at the first train step whose logged values are not finite.

    Attributes:
      diverged_at: that step, counted from the start of training (``epoch * steps_per_epoch +
        batch + 1``; ``initial_epoch`` of a resumed ``fit`` is included), or ``None``. With
        ``steps_per_execution=k`` Keras reports every ``k``-th step: the exact step is then read
        from the model's ``first_non_finite()`` (``GAN`` keeps it), else it is the last step of
        the execution in which the first non-finite value appeared.
      bad_metric: the name of the non-finite value.
      last_logs: the logs of the last train step, as floats.
    """

    def __init__(self):
        super().__init__()
        self.diverged_at = None
        self.bad_metric = None
        self.last_logs = {}
        self._epoch = 0

    def reset(self):
        """Forget a divergence (after a roll-back) before fitting again."""
        self.diverged_at = self.bad_metric = None

    def on_train_begin(self, logs=None):
        if hasattr(self.model, "reset_first_non_finite"):  # a new fit (after a roll-back)
            self.model.reset_first_non_finite()

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        self.last_logs = {k: v for k, v in ((k, _number(v)) for k, v in (logs or {}).items())
                          if v is not None}
        if self.diverged_at is not None:
            return
        bad = first_non_finite(self.last_logs)
        if bad is not None:
            steps_per_epoch = (self.params or {}).get("steps") or 0
            exact = getattr(self.model, "first_non_finite", lambda: None)()
            self.diverged_at, self.bad_metric = exact or (
                self._epoch * steps_per_epoch + batch + 1, bad)
            self.model.stop_training = True
