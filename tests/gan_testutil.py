"""A GAN small enough that fit-level tests (callbacks, TensorBoard, saving) take seconds."""
import keras
import numpy as np
import tensorflow as tf

import tfgan_suite


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
