"""Keras callbacks for GAN runs: sample grids and step-indexed logs.

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
    change what a grid shows by overriding :meth:`write`. With ``num_classes`` (a class-conditional
    GAN) the grid has one row per class: row ``c`` holds ``max(1, num_samples // num_classes)``
    samples conditioned on class ``c``.
    """

    prefix = "samples"

    def __init__(self, directory, every_n_steps=500, num_samples=64, seed=0, num_classes=None):
        super().__init__()
        self.directory = directory
        self.every_n_steps = int(every_n_steps)
        self.num_samples = num_samples
        self.seed = seed
        self.num_classes = num_classes

    def write(self, path):
        """Draws the grid into ``path``."""
        if not self.num_classes:
            return save_grid(self.model.generate(self.num_samples, seed=self.seed), path)
        per_class = max(1, self.num_samples // self.num_classes)
        labels = np.repeat(np.arange(self.num_classes, dtype=np.int32), per_class)
        images = self.model.generate(len(labels), seed=self.seed, labels=labels)
        return save_grid(images, path, ncols=per_class)

    def on_train_batch_end(self, batch, logs=None):
        step = generator_step(self.model)
        if self.every_n_steps and step % self.every_n_steps == 0:
            self.write(os.path.join(self.directory, f"{self.prefix}_{step:07d}.png"))

    def on_train_end(self, logs=None):
        self.write(os.path.join(self.directory, f"{self.prefix}_final.png"))
