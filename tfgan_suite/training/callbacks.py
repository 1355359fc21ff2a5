"""Keras callbacks for GAN runs: sample grids (PNG and TensorBoard; SGAN ensemble grids), step-indexed
logs, HParams.

Losses go through Keras's own ``CSVLogger`` and ``TensorBoard``; :class:`StepCounter` adds the
generator-update count to the logs so those files are indexed by training step. :class:`SampleGrid`
writes its grids as PNG files and, given ``tensorboard_dir``, as image summaries under
``<tensorboard_dir>/samples``; :class:`HParams` puts the run's configuration into TensorBoard's
HParams dashboard, so runs of different objectives sit side by side in one table
(``tensorboard --logdir runs/``).
"""
import dataclasses
import glob
import json
import os
from collections.abc import Mapping

import keras
import numpy as np
from PIL import Image

from tfgan_suite.utils.images import save_grid, save_scatter


def draws_points(model):
    """Whether ``model``'s generator draws 2-D points (a toy mixture) rather than images."""
    return len(model.generator.output_shape) == 2


def generator_step(model):
    """Train steps made so far (the model's ``step_counter``: one generator update each, also when
    float16 loss scaling skipped it)."""
    return int(model.step_counter.numpy())


class StepCounter(keras.callbacks.Callback):
    """Puts ``step`` (generator updates so far) into each epoch's logs; list it before loggers."""

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["step"] = generator_step(self.model)


class SampleGrid(keras.callbacks.Callback):
    """Saves a grid of samples from fixed latent vectors every ``every_n_steps`` and at the end.

    Files: ``<directory>/<prefix>_<step>.png`` and ``<directory>/<prefix>_final.png``. With
    ``tensorboard_dir``, each grid is also an image summary named ``<prefix>`` at its generator
    step in ``<tensorboard_dir>/<prefix>`` (a run of its own: TensorBoard reads one event file per
    directory at a time, so grids do not share Keras's ``train`` directory, nor one grid callback's
    directory with another's). Subclasses change what a grid shows by overriding :meth:`write`.
    With ``num_classes`` (a class-conditional GAN) the grid has one row per class: row ``c`` holds
    ``max(1, num_samples // num_classes)`` samples conditioned on class ``c``.
    """

    prefix = "samples"

    def __init__(self, directory, every_n_steps=500, num_samples=64, seed=0, tensorboard_dir=None,
                 num_classes=None):
        super().__init__()
        self.directory = directory
        self.every_n_steps = int(every_n_steps)
        self.num_samples = num_samples
        self.seed = seed
        self.tensorboard_dir = tensorboard_dir
        self.num_classes = num_classes
        self._writer = None
        self._last_step = 0

    def write(self, path):
        """Draws the grid into ``path``; returns the path."""
        if not self.num_classes:
            if draws_points(self.model):  # more points than a grid's 64, not clipped like pixels
                return save_scatter(self.model.generate(max(self.num_samples, 1000),
                                                        seed=self.seed, clip=False), path)
            return save_grid(self.model.generate(self.num_samples, seed=self.seed), path)
        per_class = max(1, self.num_samples // self.num_classes)
        labels = np.repeat(np.arange(self.num_classes, dtype=np.int32), per_class)
        images = self.model.generate(len(labels), seed=self.seed, labels=labels)
        return save_grid(images, path, ncols=per_class)

    def _grid(self, name, step):
        path = self.write(os.path.join(self.directory, f"{self.prefix}_{name}.png"))
        if self.tensorboard_dir:
            self._summarize(path, step)

    def _summarize(self, path, step):
        # the PNG just written is the summary, so TensorBoard shows exactly the file (any subclass)
        import tensorflow as tf  # pylint: disable=import-outside-toplevel

        with Image.open(path) as picture:
            image = np.asarray(picture if picture.mode in ("L", "RGB") else picture.convert("RGB"))
        if image.ndim == 2:
            image = image[..., None]
        if self._writer is None:
            self._writer = tf.summary.create_file_writer(
                os.path.join(self.tensorboard_dir, self.prefix))
        with self._writer.as_default():
            tf.summary.image(self.prefix, image[None], step=step)
        self._writer.flush()

    def on_train_begin(self, logs=None):
        self._last_step = generator_step(self.model)

    def on_train_batch_end(self, batch, logs=None):
        # With steps_per_execution > 1 Keras calls this every few steps: draw the grid when a
        # multiple of every_n_steps was reached since the last call (exactly on it when the
        # execution length divides every_n_steps, as the command line's always does).
        step, last = generator_step(self.model), self._last_step
        self._last_step = step
        if self.every_n_steps and step // self.every_n_steps > last // self.every_n_steps:
            self._grid(f"{step:07d}", step)

    def on_train_end(self, logs=None):
        self._grid("final", generator_step(self.model))


def hparam_values(config):
    """A flat ``{name: bool | int | float | str}`` of ``config`` (a dataclass or a mapping) for HParams.

    Nested mappings and dataclasses become ``outer.inner`` keys; ``None`` becomes ``"none"`` and
    lists/tuples/other values their JSON (or ``str``) text, the value types the HParams dashboard
    accepts.
    """
    if dataclasses.is_dataclass(config):
        config = {field.name: getattr(config, field.name) for field in dataclasses.fields(config)}
    values = {}
    for key, value in dict(config).items():
        if isinstance(value, Mapping) or dataclasses.is_dataclass(value):
            for inner, inner_value in hparam_values(value).items():
                values[f"{key}.{inner}"] = inner_value
        elif value is None:
            values[key] = "none"
        elif isinstance(value, (bool, int, float, str)):
            values[key] = value
        else:
            try:
                values[key] = json.dumps(value, sort_keys=True)
            except TypeError:
                values[key] = str(value)
    return dict(sorted(values.items()))


class HParams(keras.callbacks.Callback):
    """Writes ``config`` into TensorBoard's HParams dashboard when training begins.

    ``log_dir`` is the directory given to ``keras.callbacks.TensorBoard``: the HParams session is
    that directory, and the dashboard takes its metrics from the scalars Keras writes below it
    (``train/epoch_d_loss``, ...). Point TensorBoard at the parent of several runs' ``log_dir`` to
    compare them side by side. A ``log_dir`` that already holds the session (a resumed run) is
    left as it is.
    """

    def __init__(self, log_dir, config, trial_id=None):
        super().__init__()
        self.log_dir = log_dir
        self.values = hparam_values(config)
        self.trial_id = trial_id
        self._written = False

    def on_train_begin(self, logs=None):
        # once per run: not again when fit is called again (roll-back) or the run resumes
        if self._written or glob.glob(os.path.join(self.log_dir, "events.out.tfevents.*")):
            return
        import tensorflow as tf  # pylint: disable=import-outside-toplevel
        from tensorboard.plugins.hparams import api as hp  # pylint: disable=import-outside-toplevel

        writer = tf.summary.create_file_writer(self.log_dir)
        with writer.as_default():
            hp.hparams(self.values, trial_id=self.trial_id)
        writer.close()
        self._written = True


# ---------------------------------------------------------------------- SGAN ensemble grids
def ensemble_grid_images(model, num_samples=8, seed=0):
    """Images for a side-by-side grid: row r holds sample r of G_0, G_1, ..., G_N (same latent).

    Returns ``(num_samples * (N + 1), H, W, C)`` images in [-1, 1]; tile with ``ncols = N + 1``.
    """
    per_generator = np.stack(model.generate_all(num_samples, seed=seed), axis=1)  # (n, N+1, ...)
    return per_generator.reshape((-1,) + per_generator.shape[2:])


def save_ensemble_grid(model, path, num_samples=8, seed=0):
    """Writes a PNG whose first column is the global generator G_0 and column i is G_i (for 2-D
    points: one scatter plot per generator, G_0 first)."""
    if draws_points(model):
        samples = model.generate_all(max(num_samples, 512), seed=seed, clip=False)
        return save_scatter(samples, path, titles=["G_0"] + [f"G_{i + 1}" for i in
                                                              range(model.num_pairs)])
    return save_grid(ensemble_grid_images(model, num_samples, seed), path,
                     ncols=model.num_pairs + 1)


class EnsembleGrid(SampleGrid):
    """Saves ``<directory>/ensemble_<step>.png`` every ``every_n_steps`` and ``ensemble_final.png``:
    G_0 (first column) and every local G_i side by side on the same latent vectors."""

    prefix = "ensemble"

    def __init__(self, directory, every_n_steps=500, num_samples=8, seed=0, tensorboard_dir=None):
        super().__init__(directory, every_n_steps, num_samples, seed, tensorboard_dir)

    def write(self, path):
        return save_ensemble_grid(self.model, path, self.num_samples, self.seed)


def snapshot_path(directory, step):
    """Where :class:`GeneratorSnapshots` puts the generator of generator step ``step``."""
    return os.path.join(directory, f"step_{int(step)}")


class GeneratorSnapshots(keras.callbacks.Callback):
    """Exports the sampling generator (a SavedModel, as the run's final ``generator/``) when the
    generator step reaches each of ``steps``, into ``<directory>/step_<k>``, so a run can be scored
    at several points of its training (Lucic et al. 2018 score every checkpoint and report the best).

    Written beside and renamed (a kill leaves no half snapshot); a snapshot already on disk is kept
    (a resumed run passes the same step again with the same weights). The step is checked after
    every batch: with several steps per execution, put the points on multiples of it.
    """

    def __init__(self, directory, steps, latent_dim):
        super().__init__()
        self.directory = directory
        self.steps = sorted(int(s) for s in steps)
        self.latent_dim = int(latent_dim)

    def on_train_batch_end(self, batch, logs=None):
        step = generator_step(self.model)
        if step not in self.steps:
            return
        path = snapshot_path(self.directory, step)
        if os.path.isdir(path):
            return
        import shutil  # pylint: disable=import-outside-toplevel

        from tfgan_suite import export  # pylint: disable=import-outside-toplevel

        staging = path + ".partial"
        shutil.rmtree(staging, ignore_errors=True)
        export.export_generator(self.model.sampling_generator, staging, self.latent_dim)
        os.replace(staging, path)
