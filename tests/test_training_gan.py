"""The GAN keras.Model: n_critic on distinct batches, TTUR, sampling, distribution invariance."""
import keras
import numpy as np
import pytest
import tensorflow as tf

from gan_testutil import one_fit_step
import tfgan_suite
from tfgan_suite import losses, models


def linear_pair(pixels=4):
    """G maps z to zeros-initialised pixels; D(x) = sum_j w_j x_j with w = 1 initially."""
    generator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(
        pixels, kernel_initializer="zeros", bias_initializer="zeros")])
    discriminator = keras.Sequential([keras.Input((pixels,)), keras.layers.Dense(
        1, use_bias=False, kernel_initializer="ones")])
    return generator, discriminator


def test_each_critic_update_sees_its_own_real_batch():
    generator, discriminator = linear_pair()
    gan = tfgan_suite.GAN(generator, discriminator, latent_dim=2)
    gan.compile(d_optimizer=keras.optimizers.SGD(1.0), g_optimizer=keras.optimizers.SGD(0.0),
                loss="wgan", n_critic=2, clip_value=None)
    # WGAN critic loss mean(D(G(z))) - mean(D(x)) with G(z) = 0: each SGD(1) step adds mean(x_i)
    # to w. Distinct batches (0.1 then 0.3) give w = 1.4; reusing one batch would give 1.2 or 1.6.
    real = np.concatenate([np.full((3, 4), 0.1), np.full((3, 4), 0.3)]).astype(np.float32)
    gan.train_on_batch(real)
    np.testing.assert_allclose(discriminator.get_weights()[0], np.full((4, 1), 1.4), rtol=1e-6)
    assert int(gan.d_optimizer.iterations) == 2 and int(gan.g_optimizer.iterations) == 1


def test_batch_not_divisible_by_n_critic_is_rejected():
    generator, discriminator = linear_pair()
    gan = tfgan_suite.GAN(generator, discriminator, latent_dim=2)
    gan.compile(loss="wgan", n_critic=5)
    with pytest.raises(ValueError, match="n_critic"):
        gan.train_on_batch(np.zeros((8, 4), np.float32))


def test_ttur_learning_rates_apply_to_their_own_player():
    generator, discriminator = linear_pair()
    gan = tfgan_suite.GAN(generator, discriminator, latent_dim=2)
    gan.compile(d_optimizer=keras.optimizers.SGD(0.5), g_optimizer=keras.optimizers.SGD(0.25),
                loss="wgan", n_critic=1, clip_value=None)
    z_dependent_before = generator.get_weights()[1].copy()
    gan.train_on_batch(np.full((3, 4), 0.2, np.float32))
    # critic: w = 1 + 0.5 * 0.2; generator bias: d(-mean D(G(z)))/db = -w  => b = 0.25 * w
    w = 1 + 0.5 * 0.2
    np.testing.assert_allclose(discriminator.get_weights()[0], np.full((4, 1), w), rtol=1e-6)
    np.testing.assert_allclose(generator.get_weights()[1], z_dependent_before + 0.25 * w, rtol=1e-6)


def test_wgan_clips_critic_weights_by_default():
    generator, discriminator = linear_pair()
    gan = tfgan_suite.GAN(generator, discriminator, latent_dim=2)
    gan.compile(loss="wgan", n_critic=1)  # the paper's clip_value, 0.01
    gan.train_on_batch(np.ones((2, 4), np.float32))
    assert np.abs(discriminator.get_weights()[0]).max() <= 0.01 + 1e-7


def test_generate_is_seeded_and_in_range():
    generator, discriminator = models.get("dcgan28", width=8)
    gan = tfgan_suite.GAN(generator, discriminator, latent_dim=64)
    gan.compile()
    a, b, c = gan.generate(5, seed=3), gan.generate(5, seed=3), gan.generate(5, seed=4)
    assert a.shape == (5, 28, 28, 1) and a.dtype == np.float32
    assert a.min() >= -1 and a.max() <= 1
    np.testing.assert_array_equal(a, b)
    assert np.abs(a - c).max() > 1e-3


def test_generate_without_clip_returns_toy_points_unbounded():
    generator, discriminator = models.get("toy_mlp")
    gan = tfgan_suite.GAN(generator, discriminator, latent_dim=generator.input_shape[-1])
    gan.compile()
    output = generator.layers[-1]
    output.bias.assign(output.bias + 3.0)  # points around (3, 3), as a ring8 mode at radius 2 is
    raw, clipped = gan.generate(64, clip=False), gan.generate(64)
    assert raw.shape == (64, 2) and raw.min() > 1.5
    assert clipped.max() == 1.0  # the image convention
    np.testing.assert_array_equal(np.clip(raw, -1, 1), clipped)


def test_ema_generator_tracks_the_average():
    generator, discriminator = linear_pair()
    gan = tfgan_suite.GAN(generator, discriminator, latent_dim=2)
    gan.compile(d_optimizer=keras.optimizers.SGD(0.0), g_optimizer=keras.optimizers.SGD(1.0),
                loss="wgan", n_critic=1, clip_value=None, ema_decay=0.9)
    gan.train_on_batch(np.zeros((2, 4), np.float32))
    bias = generator.get_weights()[1]  # 0 -> 1.0 after one step (w = 1)
    np.testing.assert_allclose(bias, np.ones(4), rtol=1e-6)
    np.testing.assert_allclose(gan.ema_generator.get_weights()[1], 0.1 * bias, rtol=1e-6)
    assert gan.sampling_generator is gan.ema_generator




def test_mirrored_strategy_first_step_equals_default_strategy(shared_data, mirrored_strategy):
    real = np.load(shared_data / "mnist.npz")["x_train"][:8].astype(np.float32) / 127.5 - 1
    generator, discriminator = models.get("dcgan28", width=8, latent_dim=16)
    weights = (generator.get_weights(), discriminator.get_weights())
    logs_default, after_default = one_fit_step(tf.distribute.get_strategy(), weights, real)
    logs_mirrored, after_mirrored = one_fit_step(mirrored_strategy, weights, real)
    for key in ("d_loss", "g_loss"):
        np.testing.assert_allclose(logs_mirrored[key], logs_default[key], atol=1e-5)
    assert len(after_default) == len(after_mirrored)
    for a, b in zip(after_default, after_mirrored):
        np.testing.assert_allclose(a, b, atol=1e-5)
    # the step changed the weights, so equality is not trivially the initial state
    assert max(np.abs(a - b).max() for a, b in zip(after_default, weights[0] + weights[1])) > 1e-4


def test_gan_config_round_trip():
    generator, discriminator = models.get("dcgan28", width=8)
    gan = tfgan_suite.GAN(generator, discriminator, latent_dim=64, seed=5)
    clone = tfgan_suite.GAN.from_config(gan.get_config())
    assert clone.latent_dim == 64 and clone.seed == 5
    assert clone.generator.count_params() == generator.count_params()


def test_objective_monitors_are_logged():
    objective = losses.Objective(
        "custom", lambda real, fake: tf.reduce_mean(fake) - tf.reduce_mean(real),
        lambda real, fake: -tf.reduce_mean(fake),
        monitor_fn=lambda real, fake: {"gap": tf.reduce_mean(real - fake)}, monitor_names=("gap",))
    generator, discriminator = linear_pair()
    gan = tfgan_suite.GAN(generator, discriminator, latent_dim=2)
    gan.compile(loss=objective)
    logs = gan.train_on_batch(np.full((2, 4), 0.5, np.float32), return_dict=True)
    np.testing.assert_allclose(logs["gap"], 2.0, rtol=1e-6)  # D(real) = 4 * 0.5, D(G(z)) = 0
