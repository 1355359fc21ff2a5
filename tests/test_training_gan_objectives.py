"""The objectives inside GAN.compile/train_step: default penalties, weight clipping, EMA and
historical averaging, checked against their formulas on tiny models."""
import keras
import numpy as np
import pytest
import tensorflow as tf

from tfgan_suite import layers, losses, penalties
from tfgan_suite.training import settings, step
from tfgan_suite.training.gan import GAN

LATENT = 4
SHAPE = (4, 4, 1)


def tiny_gan(d_out=1, seed=0, d_spec=None):
    keras.utils.set_random_seed(seed)
    generator = layers.build("dense:16,act=tanh; reshape:4x4x1", (LATENT,))
    discriminator = layers.build(d_spec or f"flatten; dense:8,act=lrelu; dense:{d_out}", SHAPE)
    return GAN(generator, discriminator, LATENT, seed=seed)


def real_batch(n, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, size=(n, *SHAPE)).astype(np.float32)


def names(gan):
    return [p.__name__ for p in gan.penalties]


def test_penalty_auto_takes_the_objective_default_and_can_be_overridden():
    gan = tiny_gan()
    gan.compile(loss="wgan_gp")
    assert names(gan) == ["gradient_penalty"]
    gan.compile(loss="wgan_gp", penalty=None)
    assert gan.penalties == []
    gan.compile(loss="dragan")
    assert names(gan) == ["dragan"]
    gan.compile(loss="nsgan")
    assert gan.penalties == []
    gan.compile(loss="nsgan", penalty="dragan", penalty_options={"perturbation": "gaussian"})
    assert names(gan) == ["dragan"]
    gan.compile(loss="hinge", penalty=["gradient_penalty", "dragan"])
    assert names(gan) == ["gradient_penalty", "dragan"]
    with pytest.raises(ValueError, match="unknown option"):
        gan.compile(loss="nsgan", penalty="dragan", penalty_options={"lambda": 3})


def test_compiling_wgan_gp_alone_trains_with_the_papers_settings():
    """Gulrajani et al. (2017), Algorithm 1: Adam(1e-4, beta_1=0, beta_2=0.9) and n_critic=5, reached
    by ``compile(loss="wgan_gp")`` with nothing else given: one generator update makes five critic
    updates."""
    gan = tiny_gan()
    gan.compile(loss="wgan_gp")
    for optimizer, lr in ((gan.d_optimizer, 1e-4), (gan.g_optimizer, 1e-4)):
        assert isinstance(optimizer, keras.optimizers.Adam)
        assert float(optimizer.learning_rate.numpy()) == pytest.approx(lr, rel=1e-6)
        assert (optimizer.beta_1, optimizer.beta_2) == (0.0, 0.9)
    real = real_batch(5 * 4)
    gan.train_on_batch(real, return_dict=True)
    assert int(gan.d_optimizer.iterations.numpy()) == 5 and int(gan.g_optimizer.iterations.numpy()) == 1


def test_penalty_weight_reaches_the_trained_loss():
    """The logged penalty of a train step equals the penalty function's value at that step."""
    real = real_batch(8)
    values = {}
    for weight in (10.0, 2.5):
        gan = tiny_gan()
        gan.compile(loss="wgan_gp", penalty_options={"weight": weight}, n_critic=1)
        logs = gan.train_on_batch(real, return_dict=True)
        values[weight] = logs["penalty"]
    assert values[2.5] == pytest.approx(values[10.0] / 4.0, rel=1e-4)


def test_weight_clipping_keeps_every_critic_weight_in_range():
    gan = tiny_gan()
    # Start far outside the box so the clip (not the small RMSProp step) does the work.
    for v in gan.discriminator.trainable_variables:
        v.assign(tf.random.stateless_normal(v.shape, [1, 2]) * 3.0)
    gan.compile(loss="wgan", n_critic=1)  # the paper's clip_value 0.01 and RMSProp 5e-5
    assert gan.clip_value == 0.01
    gan.train_on_batch(real_batch(8), return_dict=True)
    for v in gan.discriminator.trainable_variables:
        assert np.abs(v.numpy()).max() <= 0.01 + 1e-7
    gan = tiny_gan()
    gan.compile(loss="wgan", clip_value=0.05, n_critic=2)
    for v in gan.discriminator.trainable_variables:
        v.assign(tf.ones(v.shape))
    gan.train_on_batch(real_batch(8), return_dict=True)
    flat = np.concatenate([v.numpy().ravel() for v in gan.discriminator.trainable_variables])
    assert flat.max() == pytest.approx(0.05) and np.abs(flat).max() <= 0.05 + 1e-7


def test_ema_generator_follows_the_exponential_average():
    gan = tiny_gan()
    gan.compile(loss="nsgan", ema_decay=0.9)
    ema = [w.copy() for w in gan.ema_generator.get_weights()]
    real = real_batch(8)
    for _ in range(3):
        gan.train_on_batch(real, return_dict=True)
        current = gan.generator.get_weights()
        ema = [0.9 * e + 0.1 * c for e, c in zip(ema, current)]
    for got, want in zip(gan.ema_generator.get_weights(), ema):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert gan.sampling_generator is gan.ema_generator
    assert not np.allclose(gan.generate(4, use_ema=True), gan.generate(4, use_ema=False))


def test_historical_averaging_tracks_the_mean_of_past_weights():
    gan = tiny_gan()
    gan.compile(loss="nsgan", historical_averaging=0.5, d_optimizer=keras.optimizers.SGD(0.1),
                g_optimizer=keras.optimizers.SGD(0.1))
    history = [[v.numpy().copy() for v in gan.discriminator.trainable_variables]]
    real = real_batch(8)
    for _ in range(4):
        gan.train_on_batch(real, return_dict=True)
        history.append([v.numpy().copy() for v in gan.discriminator.trainable_variables])
    # After k updates the running average is the mean of the k post-update weights.
    for i, avg in enumerate(gan.d_history):
        np.testing.assert_allclose(avg.numpy(), np.mean([h[i] for h in history[1:]], axis=0),
                                   rtol=1e-5, atol=1e-6)
    # The penalty is w * ||theta - avg||^2 summed over the variables.
    theta = [v.numpy() for v in gan.discriminator.trainable_variables]
    expected = 0.5 * sum(((t - a.numpy()) ** 2).sum() for t, a in zip(theta, gan.d_history))
    got = float(step.historical_penalty(0.5, gan.discriminator, gan.d_history))
    assert got == pytest.approx(expected, rel=1e-5)
    assert expected > 0


@pytest.mark.parametrize("loss", ["mmd", "rep", "rmb"])
def test_mmd_objectives_log_kernel_means_in_a_train_step(loss):
    gan = tiny_gan(d_out=losses.get(loss).discriminator_output_dim)
    gan.compile(loss=loss)
    logs = gan.train_on_batch(real_batch(8), return_dict=True)
    for name in ("k_real_real", "k_fake_fake", "k_real_fake"):
        assert 0.0 < logs[name] <= 5.0 and np.isfinite(logs[name])
    assert np.isfinite(logs["d_loss"]) and np.isfinite(logs["g_loss"])


def test_every_registered_penalty_combines_with_every_loss_in_a_step():
    real = real_batch(4)
    for loss in ("gan", "nsgan", "lsgan", "hinge", "wgan"):
        for penalty in penalties.names():
            gan = tiny_gan()
            gan.compile(loss=loss, penalty=penalty, n_critic=1)
            logs = gan.train_on_batch(real, return_dict=True)
            assert np.isfinite(logs["penalty"]) and logs["penalty"] >= 0, (loss, penalty)


def test_runner_applies_objective_architecture_defaults():
    from tfgan_suite.layers.spectral_norm import SpectralNormalization
    from tfgan_suite.training.experiment import TrainConfig, build_gan, model_name

    gan, _ = build_gan(TrainConfig(loss="rep", model_options={"width": 8}), image_channels=1)
    assert any(isinstance(l, SpectralNormalization) for l in gan.discriminator.layers)
    assert gan.discriminator.output_shape == (None, 16)
    gan, _ = build_gan(TrainConfig(loss="rep", model_options={"width": 8, "spectral_norm": False}),
                       image_channels=1)
    assert not any(isinstance(l, SpectralNormalization) for l in gan.discriminator.layers)
    assert model_name(TrainConfig(loss="ebgan")) == "ebgan"
    assert model_name(TrainConfig(loss="nsgan")) == "dcgan28"
    gan, _ = build_gan(TrainConfig(loss="ebgan", model_options={"width": 8}), image_channels=1)
    assert len(gan.discriminator.outputs) == 2
    gan, _ = build_gan(TrainConfig(loss="wgan_gp", model_options={"width": 8}), image_channels=1)
    assert [p.__name__ for p in gan.penalties] == ["gradient_penalty"] and gan.n_critic == 5
    gan, _ = build_gan(TrainConfig(loss="wgan_gp", penalty=None, model_options={"width": 8}),
                       image_channels=1)
    assert gan.penalties == []
