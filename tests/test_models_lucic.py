"""lucic_infogan (Lucic et al. 2018, compare_gan v1 abstract_gan.py) against the same network built
here from plain Keras layers, its initialisation, batch norm and the uniform latent prior."""
import math

import keras
import numpy as np
import pytest

from tfgan_suite import models
from tfgan_suite.layers.factory import NormalToUniform


def _reference_generator():
    """compare_gan v1 AbstractGAN.generator, written out layer by layer."""
    bn = dict(momentum=0.999, epsilon=0.001)
    return keras.Sequential([
        keras.Input((64,)),
        keras.layers.Dense(1024), keras.layers.BatchNormalization(**bn), keras.layers.LeakyReLU(0.2),
        keras.layers.Dense(7 * 7 * 128), keras.layers.BatchNormalization(**bn),
        keras.layers.LeakyReLU(0.2), keras.layers.Reshape((7, 7, 128)),
        keras.layers.Conv2DTranspose(64, 4, 2, padding="same"),
        keras.layers.BatchNormalization(**bn), keras.layers.LeakyReLU(0.2),
        keras.layers.Conv2DTranspose(1, 4, 2, padding="same", activation="sigmoid")])


def _reference_discriminator(batchnorm):
    """compare_gan v1 AbstractGAN.discriminator (discriminator_batchnorm on or off)."""
    def bn():
        return [keras.layers.BatchNormalization(momentum=0.999, epsilon=0.001)] if batchnorm else []

    return keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(64, 4, 2, padding="same"), keras.layers.LeakyReLU(0.2),
        keras.layers.Conv2D(128, 4, 2, padding="same"), *bn(), keras.layers.LeakyReLU(0.2),
        keras.layers.Flatten(), keras.layers.Dense(1024), *bn(), keras.layers.LeakyReLU(0.2),
        keras.layers.Dense(1)])


def _count(model, trainable=True):
    weights = model.trainable_weights if trainable else model.non_trainable_weights
    return sum(math.prod(w.shape) for w in weights)


@pytest.mark.parametrize("batchnorm", [True, False])
def test_parameter_counts_match_a_plain_keras_build(batchnorm):
    generator, discriminator = models.get("lucic_infogan", batchnorm=batchnorm)
    reference_g, reference_d = _reference_generator(), _reference_discriminator(batchnorm)
    assert _count(generator) == _count(reference_g) == 6_642_241
    assert _count(generator, False) == _count(reference_g, False)  # BN moving averages
    assert _count(discriminator) == _count(reference_d) == (6_559_169 if batchnorm else 6_556_865)
    assert [tuple(w.shape) for w in generator.weights] == [tuple(w.shape) for w in reference_g.weights]


def test_same_weights_give_the_reference_function_in_our_pixel_range():
    """With the reference's weights, G(z) = 2 * reference(erf(z / sqrt 2)) - 1 and D(x) = reference
    ((x + 1) / 2): the [-1, 1] mapping and the uniform prior are exact."""
    generator, discriminator = models.get("lucic_infogan")
    reference_g, reference_d = _reference_generator(), _reference_discriminator(True)
    reference_g.set_weights(generator.get_weights())
    reference_d.set_weights(discriminator.get_weights())
    z = np.random.default_rng(0).normal(size=(8, 64)).astype(np.float32)
    uniform = np.array([math.erf(v / math.sqrt(2)) for v in z.ravel()], np.float32).reshape(z.shape)
    np.testing.assert_allclose(generator(z, training=False),
                               2 * reference_g(uniform, training=False) - 1, atol=1e-5)
    x = np.random.default_rng(1).uniform(-1, 1, (8, 28, 28, 1)).astype(np.float32)
    np.testing.assert_allclose(discriminator(x, training=False),
                               reference_d((x + 1) / 2, training=False), rtol=1e-4, atol=1e-5)


def test_initialisation_std_bias_and_batch_norm_decay():
    generator, discriminator = models.get("lucic_infogan")
    kernels = [w for w in generator.weights + discriminator.weights if "kernel" in w.path]
    biases = [w for w in generator.weights + discriminator.weights if w.path.endswith("bias")]
    assert len(kernels) == 8 and len(biases) == 8  # a bias on every weighted layer, also before BN
    big = [np.asarray(k) for k in kernels if math.prod(k.shape) > 100_000]
    for kernel in big:  # std 0.02 (ops.py), the sample std within 2%
        assert abs(kernel.std() - 0.02) < 0.0004 or abs(kernel.std() - 0.02 * 0.8796) < 0.0004
    conv = [np.asarray(k) for k in discriminator.weights if "conv" in k.path and "kernel" in k.path]
    assert all(np.abs(c).max() <= 2 * 0.02 for c in conv)  # truncated normal (ops.conv2d)
    assert all(np.count_nonzero(np.asarray(b)) == 0 for b in biases)
    norms = [l for l in generator.layers + discriminator.layers
             if isinstance(l, keras.layers.BatchNormalization)]
    assert len(norms) == 5 and all(l.momentum == 0.999 and l.epsilon == 0.001 for l in norms)


def test_normal_to_uniform_is_uniform_on_minus_one_one():
    z = np.random.default_rng(0).normal(size=200_000).astype(np.float32)
    u = np.asarray(NormalToUniform()(z))
    assert u.min() > -1 and u.max() < 1
    counts, _ = np.histogram(u, bins=10, range=(-1, 1))
    assert np.all(np.abs(counts / len(u) - 0.1) < 0.005), counts  # flat: 10% per bin


def test_options_sigmoid_output_and_autoencoder():
    _, d = models.get("lucic_infogan", sigmoid_output=True)
    out = np.asarray(d(np.zeros((2, 28, 28, 1), np.float32), training=False))
    assert np.all((out > 0) & (out < 1))
    _, ae = models.get("lucic_infogan", autoencoder=True)
    energy, embedding = ae(np.zeros((2, 28, 28, 1), np.float32), training=False)
    assert energy.shape == (2,) and embedding.shape == (2, 64)
