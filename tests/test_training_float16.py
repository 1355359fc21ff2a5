"""float16 the Keras way: loss-scale optimizers from ``compile`` under ``mixed_float16``, a step
counter that advances on skipped steps, and a gradient penalty whose inner gradient is scaled."""
import keras
import numpy as np
import pytest

import tfgan_suite
from tfgan_suite.training import checkpointing, settings as settings_lib
from tfgan_suite.training.sgan import SGAN

LSO = keras.optimizers.LossScaleOptimizer


@pytest.fixture
def mixed_float16():
    """The notebook user's switch: Keras's global policy, nothing of ours."""
    previous = keras.config.dtype_policy()
    keras.mixed_precision.set_global_policy("mixed_float16")
    yield
    keras.config.set_dtype_policy(previous)


def tiny_pair(pixels=4):
    generator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(8, activation="relu"),
                                  keras.layers.Dense(pixels, activation="tanh", dtype="float32")])
    discriminator = keras.Sequential([keras.Input((pixels,)), keras.layers.Dense(8),
                                      keras.layers.LeakyReLU(0.2),
                                      keras.layers.Dense(1, dtype="float32")])
    return generator, discriminator


def loss_scale_optimizers(optimizers):
    wrapped = [o for o in optimizers if isinstance(o, LSO)]
    assert not any(isinstance(o.inner_optimizer, LSO) for o in wrapped)  # never wrapped twice
    return len(wrapped)


def test_compile_wraps_like_keras_model_compile(mixed_float16):
    # what keras.Model.compile does under the policy: our compile must do the same
    reference = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    reference.compile(optimizer=keras.optimizers.Adam(), loss="mse")
    assert isinstance(reference.optimizer, LSO)

    paper = tfgan_suite.GAN(*tiny_pair(), latent_dim=2)
    paper.compile(loss="wgan_gp")  # optimizers from the paper settings
    assert loss_scale_optimizers([paper.d_optimizer, paper.g_optimizer]) == 2
    assert isinstance(paper.d_optimizer.inner_optimizer, keras.optimizers.Adam)

    given = tfgan_suite.GAN(*tiny_pair(), latent_dim=2)
    already = LSO(keras.optimizers.SGD(0.1))
    given.compile(d_optimizer=already, g_optimizer=keras.optimizers.SGD(0.1), loss="nsgan")
    assert given.d_optimizer is already  # an already-wrapped optimizer stays as it is
    assert loss_scale_optimizers([given.d_optimizer, given.g_optimizer]) == 2

    opted_out = tfgan_suite.GAN(*tiny_pair(), latent_dim=2)
    opted_out.compile(loss="nsgan", auto_scale_loss=False)  # Keras's own switch
    assert loss_scale_optimizers([opted_out.d_optimizer, opted_out.g_optimizer]) == 0


def test_cli_path_does_not_wrap_twice(mixed_float16):
    kwargs = settings_lib.resolve("nsgan").compile_kwargs(mixed_precision="float16")
    gan = tfgan_suite.GAN(*tiny_pair(), latent_dim=2)
    gan.compile(loss="nsgan", **kwargs)
    assert gan.d_optimizer is kwargs["d_optimizer"] and gan.g_optimizer is kwargs["g_optimizer"]
    assert loss_scale_optimizers([gan.d_optimizer, gan.g_optimizer]) == 2


def test_sgan_compile_wraps_every_optimizer_once(mixed_float16):
    sgan = SGAN(tiny_pair, num_pairs=2, latent_dim=2)
    sgan.compile(loss="nsgan")
    optimizers = [sgan.d_optimizer, sgan.g_optimizer, *sgan.local_d_optimizers,
                  *sgan.local_g_optimizers, *sgan.messenger_optimizers]
    assert len(optimizers) == 8 and loss_scale_optimizers(optimizers) == 8


def test_float32_policy_keeps_plain_optimizers():
    gan = tfgan_suite.GAN(*tiny_pair(), latent_dim=2)
    gan.compile(loss="nsgan")
    assert loss_scale_optimizers([gan.d_optimizer, gan.g_optimizer]) == 0


REAL = np.random.default_rng(0).uniform(-1, 1, (8, 4)).astype(np.float32)


def _fresh_gan(loss_scaled=False):
    keras.utils.set_random_seed(0)
    gan = tfgan_suite.GAN(*tiny_pair(), latent_dim=2, seed=3)
    wrap = LSO if loss_scaled else (lambda optimizer: optimizer)
    gan.compile(d_optimizer=wrap(keras.optimizers.Adam(2e-4)),
                g_optimizer=wrap(keras.optimizers.Adam(2e-4)), loss="nsgan")
    return gan


def test_skipped_float16_step_advances_the_counter_and_draws_new_noise(mixed_float16):
    gan = _fresh_gan(loss_scaled=True)
    for optimizer in (gan.d_optimizer, gan.g_optimizer):  # every gradient overflows float16
        optimizer.dynamic_scale.assign(2.0 ** 100)
    first = gan.train_on_batch(REAL, return_dict=True)
    second = gan.train_on_batch(REAL, return_dict=True)
    # both steps were skipped: no weight moved, the optimizers' iterations stayed at 0 ...
    assert int(gan.d_optimizer.iterations) == 0 and int(gan.g_optimizer.iterations) == 0
    assert float(gan.d_optimizer.dynamic_scale) == 2.0 ** 98
    # ... but the step counter advanced, and the second step drew step 1's noise: its critic loss
    # (same weights) is the one a fresh model computes at step 1, not step 0's again
    assert int(gan.step_counter) == 2
    assert float(second["d_loss"]) != pytest.approx(float(first["d_loss"]), rel=1e-4)
    at_step_1 = _fresh_gan(loss_scaled=True)
    at_step_1.step_counter.assign(1)
    expected = at_step_1.train_on_batch(REAL, return_dict=True)
    assert float(second["d_loss"]) == pytest.approx(float(expected["d_loss"]), rel=1e-6)
    assert checkpointing.checkpoint_objects(gan)["step_counter"] is gan.step_counter


def test_checkpoint_from_before_the_step_counter_restores_it_from_the_optimizer(tmp_path):
    import tensorflow as tf  # pylint: disable=import-outside-toplevel

    old = _fresh_gan()
    for _ in range(3):
        old.train_on_batch(REAL)
    legacy = {k: v for k, v in checkpointing.checkpoint_objects(old).items() if k != "step_counter"}
    tf.train.CheckpointManager(tf.train.Checkpoint(**legacy), str(tmp_path), 3,
                               checkpoint_name="ckpt").save(checkpoint_number=3)
    resumed = _fresh_gan()
    step = checkpointing.RunCheckpoints(resumed, str(tmp_path)).restore_latest()
    assert step == 3 and int(resumed.step_counter) == 3 == int(resumed.g_optimizer.iterations)


def critic_with_underflowing_inner_gradient():
    """D(x) = x on 1-D points through a float16 hidden layer: h = 2^14 x on 8192 units, then
    D = 2^-27 sum(h) in float32. Its input gradient is exactly 1, but the inner backward pass
    carries 2^-27 per hidden unit into float16, where it flushes to 0 (smallest float16 2^-24)."""
    return keras.Sequential([
        keras.Input((1,)),
        keras.layers.Dense(8192, use_bias=False, kernel_initializer=keras.initializers.Constant(2.0 ** 14)),
        keras.layers.Dense(1, use_bias=False, dtype="float32",
                           kernel_initializer=keras.initializers.Constant(2.0 ** -27))])


def test_gradient_penalty_inner_gradient_does_not_underflow_in_float16(mixed_float16):
    generator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, dtype="float32")])
    gan = tfgan_suite.GAN(generator, critic_with_underflowing_inner_gradient(), latent_dim=2)
    gan.compile(d_optimizer=LSO(keras.optimizers.Adam(1e-4)),
                g_optimizer=LSO(keras.optimizers.Adam(1e-4)), loss="wgan_gp",
                n_critic=1)  # the paper's penalty: 10 (||grad D|| - 1)^2
    real = np.linspace(-0.9, 0.9, 8, dtype=np.float32).reshape(8, 1)
    logs = gan.train_on_batch(real, return_dict=True)
    # ||grad D|| = 1 everywhere, so the penalty is 0; an underflowed gradient would give 10
    assert float(logs["penalty"]) == pytest.approx(0.0, abs=1e-6)
