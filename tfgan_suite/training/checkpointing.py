"""Exact resume: saving, restoring and rolling back a run's state.

A run's state is saved with ``tf.train.CheckpointManager`` under ``<workdir>/checkpoints/ckpt-<step>``
(``step`` = train steps done, a multiple of ``log_every``): generator, discriminator (including
batch-norm statistics and spectral-norm power-iteration vectors), both optimizers (slots,
``iterations``, learning rate, loss scale), the EMA generator and the historical averages.

Nothing else needs saving for an exact resume:

* **RNG**: every draw in a train step is stateless, keyed by ``(seed, step_counter)``
  (:mod:`tfgan_suite.utils.randomness`; ``GAN.step_counter``), so restoring the counter restores
  the random stream. A checkpoint written before the counter existed (it then was
  ``g_optimizer.iterations``) is restored without it and the counter set from that optimizer.
* **Data position**: the input pipeline is a pure function of the seed (a stateless permutation per
  epoch, see ``data.pipeline``); a resumed run rebuilds it and skips the ``step`` batches already
  consumed (``dataset.skip(step)``, deterministic, recomputed rather than stored). This works the
  same under every strategy, where tf.data iterator checkpoints do not.

A checkpoint that cannot be read back (truncated, corrupted, partially written) is reported in one
warning line and the previous one is used; one that does not fit the model built now (a variable
reshaped, added or removed: other code or flags) stops the run with one line naming the variable. A state with a non-finite weight is never saved, so the
newest checkpoint is always a good one.
"""
import os
import re
import shutil
import sys
import tempfile

import keras
import numpy as np
import tensorflow as tf

from tfgan_suite.errors import UserInputError
from tfgan_suite.training import checkpoint_mismatch


def checkpoint_objects(model):
    """The trackable state of a GAN-like model, by name: its public ``checkpoint_objects()``."""
    return dict(model.checkpoint_objects())


def state_is_finite(model):
    """True when every variable of the model's checkpointed state is finite."""
    variables = []
    for obj in checkpoint_objects(model).values():
        for item in (obj if isinstance(obj, list) else [obj]):  # variables, or models/optimizers
            variables += list(item.variables) if hasattr(item, "variables") else [item]
    return all(_finite(v) for v in variables)


def _finite(variable):
    value = variable.numpy() if hasattr(variable, "numpy") else np.asarray(variable)
    return not np.issubdtype(value.dtype, np.floating) or bool(np.all(np.isfinite(value)))


def _has_step_counter(path):
    """Whether the checkpoint at ``path`` holds a ``step_counter`` (unreadable: assume it does,
    the read then reports the damage)."""
    try:
        return any(name.split("/")[0] == "step_counter" for name, _ in tf.train.list_variables(path))
    except Exception:  # pylint: disable=broad-except
        return True


def _step_of(path):
    match = re.search(r"ckpt-(\d+)$", path)
    return int(match.group(1)) if match else 0


def warn(message):
    print(f"warning: {message}", file=sys.stderr, flush=True)


class RunCheckpoints:
    """Saves and restores a model's state under ``directory`` (``tf.train.CheckpointManager``).

    Args:
      model: a ``GAN`` (or anything :func:`checkpoint_objects` understands).
      directory: where checkpoints are read from (the chief's directory in multi-worker runs).
      max_to_keep: newest checkpoints kept.
      write: False for non-chief workers: they write into a throw-away directory, as every worker
        must take part in a save under ``MultiWorkerMirroredStrategy``.
    """

    def __init__(self, model, directory, max_to_keep=3, write=True):
        self.model = model
        # absolute: tf.train.get_checkpoint_state returns the recorded names joined to the directory
        # it is given, and restore_latest joins relative names once more
        self.directory = os.path.abspath(directory)
        self.checkpoint = tf.train.Checkpoint(**checkpoint_objects(model))
        self.checkpoint.save_counter  # pylint: disable=pointless-statement  (created now, restorable)
        self.manager = tf.train.CheckpointManager(self.checkpoint, self.directory, max_to_keep,
                                                  checkpoint_name="ckpt")
        self._scratch = None
        if write:
            self.writer = self.manager
        else:
            self._scratch = tempfile.mkdtemp(prefix="tfgan_worker_ckpt_")
            self.writer = tf.train.CheckpointManager(self.checkpoint, self._scratch, 1,
                                                     checkpoint_name="ckpt")
        self.last_good = None

    def checkpoints(self):
        """Recorded checkpoint paths, oldest first (re-read from disk)."""
        state = tf.train.get_checkpoint_state(self.directory)
        return list(state.all_model_checkpoint_paths) if state else []

    def restore_latest(self):
        """Restores the newest readable checkpoint; returns its step (0 when there is none).

        Unreadable checkpoints are skipped with a one-line warning each.
        """
        paths = self.checkpoints()
        for path in reversed(paths):
            if not os.path.isabs(path):
                path = os.path.join(self.directory, path)
            checkpoint = self.checkpoint
            objects = checkpoint_objects(self.model)
            if "step_counter" in objects and not _has_step_counter(path):
                # written before GAN.step_counter: still restorable
                checkpoint = tf.train.Checkpoint(**{
                    k: v for k, v in objects.items() if k != "step_counter"})
            mismatch = checkpoint_mismatch.describe(path, checkpoint)
            if mismatch:  # other code or flags wrote it: older checkpoints will not fit either
                raise UserInputError(f"{mismatch}; resume with the flags that wrote it, or choose a new --workdir")
            try:
                checkpoint.read(path).assert_existing_objects_matched()
            except Exception as error:  # pylint: disable=broad-except  (any read failure: skip it)
                reason = (str(error).strip().splitlines() or [type(error).__name__])[0][:160]
                warn(f"checkpoint {path} is unreadable ({type(error).__name__}: {reason}); "
                     f"using the previous one")
                continue
            if checkpoint is not self.checkpoint:  # the step then was the generator's iterations
                self.model.step_counter.assign(self.model.g_optimizer.iterations)
            self.last_good = path
            return _step_of(path)
        if paths:
            raise UserInputError(f"no readable checkpoint in {self.directory} (all {len(paths)} "
                                 f"are corrupt); remove the workdir or choose a new --workdir")
        return 0

    def close(self):
        """Removes a non-chief worker's throw-away checkpoint directory."""
        if self._scratch:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None

    def save(self, step):
        """Saves the state as ``ckpt-<step>`` unless a weight is non-finite; returns the path."""
        if not state_is_finite(self.model):
            warn(f"state at step {step} has non-finite weights; not saved (last good "
                 f"checkpoint: {self.last_good})")
            return None
        path = self.writer.save(checkpoint_number=step)
        if self.writer is self.manager:
            self.last_good = path
        return path


class PeriodicCheckpoint(keras.callbacks.Callback):
    """Saves ``checkpoints`` at the end of every epoch whose step is a multiple of ``every``
    (``steps_per_epoch`` train steps per epoch) and at the last epoch. List it after the loggers."""

    def __init__(self, checkpoints, every, steps_per_epoch, total_steps, guard=None):
        super().__init__()
        self.checkpoints = checkpoints
        self.every = int(every)
        self.steps_per_epoch = int(steps_per_epoch)
        self.total_steps = int(total_steps)
        self.guard = guard

    def on_epoch_end(self, epoch, logs=None):
        if self.guard is not None and self.guard.diverged_at is not None:
            return
        step = (epoch + 1) * self.steps_per_epoch
        if step % self.every == 0 or step >= self.total_steps:
            self.checkpoints.save(step)


def scale_learning_rates(optimizers, factor):
    """Multiplies each optimizer's (constant) learning rate by ``factor``; returns the new rates."""
    rates = []
    for optimizer in optimizers:
        inner = getattr(optimizer, "inner_optimizer", optimizer)
        if isinstance(inner.learning_rate, keras.optimizers.schedules.LearningRateSchedule) or not \
                isinstance(inner._learning_rate, keras.Variable):  # pylint: disable=protected-access
            raise UserInputError("--on_nan=restore needs constant learning rates (a schedule "
                                 "cannot be lowered); use --on_nan=stop")
        inner.learning_rate.assign(inner.learning_rate * factor)
        rates.append(float(inner.learning_rate.numpy()))
    return rates


def truncate_csv(path, step):
    """Drops rows of a Keras ``CSVLogger`` file whose ``step`` column exceeds ``step`` (a resumed
    run writes them again)."""
    if not os.path.exists(path):
        return
    with open(path) as f:
        lines = f.read().splitlines()
    if not lines:
        return
    header = lines[0].split(",")
    if "step" not in header:
        return
    column = header.index("step")
    kept = [lines[0]] + [line for line in lines[1:]
                         if line and float(line.split(",")[column]) <= step]
    with open(path, "w") as f:
        f.write("\n".join(kept) + "\n")
