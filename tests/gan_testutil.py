"""Helpers shared by the tests: a GAN small enough that fit-level tests take seconds, the command
line in a subprocess, parameter counts and smooth test images. (Fixtures live in conftest.py.)"""
import os
import subprocess
import sys

import keras
import numpy as np
import scipy.ndimage
import tensorflow as tf

import tfgan_suite
from tfgan_suite import models
from tfgan_suite.training.settings import DEFAULT


def tiny_image_gan(seed=0, loss="nsgan"):
    """z (4) -> 8x8x1 images in [-1, 1] (with batch norm: state beyond the trainable weights) and a
    linear critic: steps take milliseconds."""
    keras.utils.set_random_seed(seed)
    generator = keras.Sequential([keras.Input((4,)), keras.layers.Dense(64),
                                  keras.layers.BatchNormalization(),
                                  keras.layers.Activation("tanh"), keras.layers.Reshape((8, 8, 1))])
    discriminator = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(),
                                      keras.layers.Dense(1)])
    gan = tfgan_suite.GAN(generator, discriminator, latent_dim=4, seed=seed)
    gan.compile(loss=loss)
    return gan


def tiny_dataset(batch_size=8, same_batch=False):
    """A repeated tf.data pipeline of 8x8x1 images in [-1, 1]; ``same_batch``: one batch forever
    (so a run that restarts its iterator sees the same data)."""
    images = np.random.default_rng(0).uniform(-1, 1, (64, 8, 8, 1)).astype(np.float32)
    if same_batch:
        return tf.data.Dataset.from_tensors(images[:batch_size]).repeat()
    return tf.data.Dataset.from_tensor_slices(images).repeat().batch(batch_size, drop_remainder=True)


def all_weights(gan):
    return [np.asarray(v) for v in gan.generator.weights + gan.discriminator.weights]


def tiny_dense_gan(seed=0, **compile_kwargs):
    """z (4) -> 8x8x1 tanh images (no batch norm) and a linear critic, compiled with
    ``compile_kwargs`` (``loss="nsgan"`` unless given): for tests of what the step feeds D."""
    keras.utils.set_random_seed(seed)
    generator = keras.Sequential([keras.Input((4,)), keras.layers.Dense(64, activation="tanh"),
                                  keras.layers.Reshape((8, 8, 1))])
    discriminator = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(),
                                      keras.layers.Dense(1)])
    gan = tfgan_suite.GAN(generator, discriminator, latent_dim=4, seed=seed)
    gan.compile(**{"loss": "nsgan", **compile_kwargs})
    return gan


TORCHSCRIPT = "inception_2015-12-05_fid_torchscript.pt"  # the FID Inception file of shared/data


def run_cli(*args, module="tfgan_suite.run", cwd=None, timeout=900):
    """``python -m <module> *args`` in a fresh process (quiet TensorFlow): the CompletedProcess."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    return subprocess.run([sys.executable, "-m", module, *args], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=timeout)


def trainable_parameters(model):
    return sum(int(np.prod(w.shape)) for w in model.trainable_weights)


def smooth_images(seed, n, size, channels=3, sigma=1.5, gain=3.0):
    """``[n, size, size, channels]`` float32 images in [-1, 1]: Gaussian-blurred normal noise (blur
    ``sigma`` pixels) times ``gain``, clipped; a function of ``seed``."""
    noise = np.random.default_rng(seed).normal(size=(n, size, size, channels))
    return np.clip(scipy.ndimage.gaussian_filter(noise, sigma=(0, sigma, sigma, 0)) * gain,
                   -1.0, 1.0).astype(np.float32)


def one_fit_step(strategy, weights, batch, loss="nsgan", n_critic=DEFAULT, **arch):
    """One ``fit`` step on ``batch`` of a dcgan28 GAN (width 8, latent 16, seed 7) built under
    ``strategy`` from ``weights`` = (generator, discriminator) weights: ``(history, weights after)``."""
    with strategy.scope():
        generator, discriminator = models.get("dcgan28", width=8, latent_dim=16, **arch)
        gan = tfgan_suite.GAN(generator, discriminator, latent_dim=16, seed=7)
        generator.set_weights(weights[0])
        discriminator.set_weights(weights[1])
        gan.compile(loss=loss, n_critic=n_critic)
    logs = gan.fit(tf.data.Dataset.from_tensors(batch), epochs=1, verbose=0, shuffle=False).history
    return logs, generator.get_weights() + discriminator.get_weights()
