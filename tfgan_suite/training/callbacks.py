"""Keras callbacks for GAN runs: sample grids (SGAN ensemble grids too) and step-indexed logs.

Losses go through Keras's own ``CSVLogger`` and ``TensorBoard``; :class:`StepCounter` adds the
generator-update count to the logs so those files are indexed by training step.
"""
import os

import keras
import numpy as np

from tfgan_suite.utils.images import save_grid


def generator_step(model):
    """Generator updates made so far (the GAN's step counter)."""
    return int(model.g_optimizer.iterations.numpy())


class StepCounter(keras.callbacks.Callback):
    """Puts ``step`` (generator updates so far) into each epoch's logs; list it before loggers."""

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["step"] = generator_step(self.model)


class SampleGrid(keras.callbacks.Callback):
    """Saves a PNG grid of samples from fixed latent vectors every ``every_n_steps`` and at the end.

    Files: ``<directory>/<prefix>_<step>.png`` and ``<directory>/<prefix>_final.png``. Subclasses
    change what a grid shows by overriding :meth:`write`.
    """

    prefix = "samples"

    def __init__(self, directory, every_n_steps=500, num_samples=64, seed=0):
        super().__init__()
        self.directory = directory
        self.every_n_steps = int(every_n_steps)
        self.num_samples = num_samples
        self.seed = seed

    def write(self, path):
        """Draws the grid into ``path``."""
        images = self.model.generate(self.num_samples, seed=self.seed)
        return save_grid(images, path)

    def on_train_batch_end(self, batch, logs=None):
        step = generator_step(self.model)
        if self.every_n_steps and step % self.every_n_steps == 0:
            self.write(os.path.join(self.directory, f"{self.prefix}_{step:07d}.png"))

    def on_train_end(self, logs=None):
        self.write(os.path.join(self.directory, f"{self.prefix}_final.png"))


# ---------------------------------------------------------------------- SGAN ensemble grids
def ensemble_grid_images(model, num_samples=8, seed=0):
    """Images for a side-by-side grid: row r holds sample r of G_0, G_1, ..., G_N (same latent).

    Returns ``(num_samples * (N + 1), H, W, C)`` images in [-1, 1]; tile with ``ncols = N + 1``.
    """
    per_generator = np.stack(model.generate_all(num_samples, seed=seed), axis=1)  # (n, N+1, ...)
    return per_generator.reshape((-1,) + per_generator.shape[2:])


def save_ensemble_grid(model, path, num_samples=8, seed=0):
    """Writes a PNG whose first column is the global generator G_0 and column i is G_i."""
    return save_grid(ensemble_grid_images(model, num_samples, seed), path,
                     ncols=model.num_pairs + 1)


class EnsembleGrid(SampleGrid):
    """Saves ``<directory>/ensemble_<step>.png`` every ``every_n_steps`` and ``ensemble_final.png``:
    G_0 (first column) and every local G_i side by side on the same latent vectors."""

    prefix = "ensemble"

    def __init__(self, directory, every_n_steps=500, num_samples=8, seed=0):
        super().__init__(directory, every_n_steps, num_samples, seed)

    def write(self, path):
        return save_ensemble_grid(self.model, path, self.num_samples, self.seed)
