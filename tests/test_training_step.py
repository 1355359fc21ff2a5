"""training.step: the simultaneous update against a hand-written one, the WGAN critic schedule,
loss scaling and XLA for SGAN, typed settings, and saving GAN/SGAN as .keras files."""
import keras
import numpy as np
import pytest
import tensorflow as tf

import tfgan_suite
from tfgan_suite import models
from tfgan_suite.errors import UserInputError
from tfgan_suite.training import precision, settings, step
from tfgan_suite.utils import randomness


def linear_pair(pixels=4, latent=2):
    generator = keras.Sequential([keras.Input((latent,)), keras.layers.Dense(
        pixels, kernel_initializer="glorot_uniform", bias_initializer="zeros")])
    discriminator = keras.Sequential([keras.Input((pixels,)), keras.layers.Dense(
        1, use_bias=True, kernel_initializer="ones")])
    return generator, discriminator


# ---------------------------------------------------------------------- simultaneous update
def hand_written_simultaneous(g_weights, d_weights, real, z, lr_d, lr_g):
    """Non-saturating losses on D(x) = x w + c, G(z) = z W + b; both gradients at the old weights."""
    W, b = (tf.Variable(w) for w in g_weights)
    w, c = (tf.Variable(v) for v in d_weights)
    with tf.GradientTape(persistent=True) as tape:
        fake = z @ W + b
        real_logits, fake_logits = real @ w + c, fake @ w + c
        d_loss = tf.reduce_mean(tf.nn.softplus(-real_logits) + tf.nn.softplus(fake_logits))
        g_loss = tf.reduce_mean(tf.nn.softplus(-fake_logits))
    d_grads = tape.gradient(d_loss, [w, c])
    g_grads = tape.gradient(g_loss, [W, b])
    return ([W - lr_g * g_grads[0], b - lr_g * g_grads[1]],
            [w - lr_d * d_grads[0], c - lr_d * d_grads[1]], float(d_loss), float(g_loss))


def test_one_simultaneous_step_equals_the_hand_written_step():
    keras.utils.set_random_seed(3)
    real = np.random.default_rng(0).normal(0.5, 1.0, (6, 4)).astype(np.float32)
    results = {}
    for update in ("simultaneous", "alternating"):
        generator, discriminator = linear_pair()
        if update == "simultaneous":
            start = (generator.get_weights(), discriminator.get_weights())
        else:
            generator.set_weights(start[0])
            discriminator.set_weights(start[1])
        gan = tfgan_suite.GAN(generator, discriminator, latent_dim=2, seed=7)
        gan.compile(loss="nsgan", update=update, d_optimizer=keras.optimizers.SGD(0.3),
                    g_optimizer=keras.optimizers.SGD(0.2))
        logs = gan.train_on_batch(real, return_dict=True)
        results[update] = (generator.get_weights(), discriminator.get_weights(), logs)
    z = randomness.replica_normal([6, 2], randomness.step_seed(7, 0, 0))
    want_g, want_d, d_loss, g_loss = hand_written_simultaneous(start[0], start[1], real, z, 0.3, 0.2)
    got_g, got_d, logs = results["simultaneous"]
    for got, want in zip(got_g + got_d, want_g + want_d):
        np.testing.assert_allclose(got, np.asarray(want), rtol=1e-5, atol=1e-6)
    assert logs["d_loss"] == pytest.approx(d_loss, rel=1e-5)
    assert logs["g_loss"] == pytest.approx(g_loss, rel=1e-5)
    # alternating differs: G's gradient is taken against the updated D
    assert np.abs(results["alternating"][0][1] - got_g[1]).max() > 1e-4


def test_simultaneous_refuses_more_than_one_critic_update():
    generator, discriminator = linear_pair()
    gan = tfgan_suite.GAN(generator, discriminator, latent_dim=2)
    with pytest.raises(ValueError, match=r"update='simultaneous' .* needs n_critic=1") as error:
        gan.compile(loss="wgan_gp", update="simultaneous")  # the paper's n_critic is 5
    assert "\n" not in str(error.value)


# ---------------------------------------------------------------------- WGAN critic schedule
@pytest.mark.parametrize("generator_step, expected", [(0, 100), (24, 100), (25, 5), (499, 5),
                                                      (500, 100)])
def test_wgan_schedule_makes_the_authors_number_of_critic_updates(generator_step, expected):
    generator, discriminator = linear_pair()
    gan = tfgan_suite.GAN(generator, discriminator, latent_dim=2)
    gan.compile(loss="wgan", critic_schedule="wgan")  # n_critic 5, clip 0.01, RMSProp
    gan.step_counter.assign(generator_step)
    assert step.critic_count("wgan", 5, generator_step) == expected
    batches = np.random.default_rng(0).normal(size=(expected, 3, 4)).astype(np.float32)
    gan.train_on_batch(batches)
    assert int(gan.d_optimizer.iterations) == expected
    assert int(gan.step_counter) == generator_step + 1 and int(gan.g_optimizer.iterations) == 1
    assert np.abs(discriminator.get_weights()[0]).max() <= 0.01 + 1e-7
    # an element that does not hold the schedule's number of batches is refused
    with pytest.raises(tf.errors.InvalidArgumentError, match="number of critic batches"):
        gan.train_on_batch(batches[:3])


def test_critic_batches_before_is_the_sum_of_the_schedule_for_ints_and_tensors():
    for schedule in ("constant", "wgan"):
        total = 0
        for generator_step in range(1200):
            assert step.critic_batches_before(schedule, 5, generator_step) == total
            total += step.critic_count(schedule, 5, generator_step)
    for generator_step in (0, 1, 24, 25, 26, 500, 501, 1001):
        assert int(step.critic_batches_before("wgan", 5, tf.constant(generator_step, tf.int64))) == \
            step.critic_batches_before("wgan", 5, generator_step)


def test_scheduled_batches_group_the_data_by_generator_step():
    batches = tf.data.Dataset.range(10_000).batch(2, drop_remainder=True)
    sizes = [int(e.shape[0]) for e in step.scheduled_batches(batches, 5, start_step=23).take(3)]
    assert sizes == [100, 100, 5]
    resumed = step.scheduled_batches(
        batches.skip(step.critic_batches_before("wgan", 5, 499)), 5, start_step=499)
    first, second = list(resumed.take(2))
    assert (first.shape[0], second.shape[0]) == (5, 100)
    # exact resume: the element of step 499 holds the batches a run from step 0 gives it
    consumed = 25 * 100 + (499 - 25) * 5
    assert int(first[0, 0]) == 2 * consumed


# ---------------------------------------------------------------------- SGAN: loss scale, XLA
def toy_pair():
    return models.get("toy_mlp", latent_dim=4, hidden=8, depth=1)


def test_sgan_under_float16_scales_every_loss():
    """A huge initial loss scale overflows the float16 gradients: every update must be skipped
    and every scale halved. Without loss scaling the step would apply tiny finite gradients."""
    keras.utils.set_random_seed(0)
    with precision.precision_policy("float16"):
        model = tfgan_suite.SGAN(lambda: models.get("toy_mlp", latent_dim=4, hidden=8, depth=1),
                                 num_pairs=2, seed=0)
        scaled = keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD(0.1),
                                                     initial_scale=2.0 ** 100)
        model.compile(loss="nsgan", d_optimizer=scaled, g_optimizer=scaled, sync_every=1)
    optimizers = ([model.d_optimizer, model.g_optimizer] + model.local_d_optimizers
                  + model.local_g_optimizers + model.messenger_optimizers)
    assert all(isinstance(o, keras.optimizers.LossScaleOptimizer) for o in optimizers)
    before = [np.array(w) for w in model.trainable_weights]
    x = np.random.default_rng(0).normal(size=(8, 2)).astype(np.float32)
    model.fit(x, batch_size=8, epochs=1, verbose=0, shuffle=False)
    # one skipped update each; a messenger starts from its local D's state (already halved once)
    assert [float(o.dynamic_scale) for o in optimizers] == [2.0 ** 99] * 6 + [2.0 ** 98] * 2
    for a, b in zip(before, model.trainable_weights):
        np.testing.assert_array_equal(a, np.array(b))


def test_sgan_step_compiles_with_xla_or_is_refused_on_several_devices():
    keras.utils.set_random_seed(0)
    model = tfgan_suite.SGAN(toy_pair, num_pairs=2, seed=0)
    model.compile(loss="nsgan", jit_compile=True, sync_every=2)
    assert model.jit_compile
    before = np.array(model.generator.trainable_weights[0])
    x = np.random.default_rng(0).normal(size=(16, 2)).astype(np.float32)
    history = model.fit(x, batch_size=8, epochs=1, verbose=0, shuffle=False).history
    assert np.isfinite(history["g_loss"][-1])
    assert not np.array_equal(before, np.array(model.generator.trainable_weights[0]))
    spread = tfgan_suite.SGAN(toy_pair, num_pairs=2, devices=["/cpu:0", "/cpu:0"])
    with pytest.raises(ValueError, match="jit_compile needs SGAN on one device") as error:
        spread.compile(loss="nsgan", jit_compile=True)
    assert "\n" not in str(error.value)


def test_build_sgan_passes_jit_compile_and_loss_scaling(tmp_path):
    from tfgan_suite.training.experiment import TrainConfig, build_sgan

    config = TrainConfig(ensemble="sgan", num_pairs=2, jit_compile=True, mixed_precision="float16",
                         model_options={"width": 8}, workdir=str(tmp_path))
    with precision.precision_policy("float16"):
        model, _ = build_sgan(config, image_channels=1)
    assert model.jit_compile
    assert isinstance(model.local_d_optimizers[1], keras.optimizers.LossScaleOptimizer)


# ---------------------------------------------------------------------- settings
def test_settings_resolve_overrides_and_validate_in_one_line():
    wgan_gp = settings.resolve("wgan_gp", lr_d=3e-4, penalty_options={"weight": 5.0})
    assert (wgan_gp.lr_d, wgan_gp.lr_g, wgan_gp.n_critic) == (3e-4, 1e-4, 5)
    assert dict(wgan_gp.penalty_options) == {"weight": 5.0}
    assert settings.resolve("wgan_gp", penalty="dragan").penalty_options == {}
    assert settings.resolve("nsgan", lr_d=settings.DEFAULT) == settings.PAPER["nsgan"]
    assert settings.resolve("wgan_gp", penalty=None).penalty is None
    d_opt, g_opt = settings.resolve("wgan").optimizers()
    assert isinstance(d_opt, keras.optimizers.RMSprop) and float(g_opt.learning_rate) == pytest.approx(5e-5)
    for bad, pattern in [(dict(lr_d=0.0), "lr_d must be > 0, got 0.0"),
                         (dict(ema_decay=1.0), r"ema_decay must be in \[0, 1\)"),
                         (dict(n_critic=1.5), "n_critic must be an int >= 1, got 1.5"),
                         (dict(beta_1=1.0), r"beta_1 must be in \[0, 1\), got 1.0"),
                         (dict(clip_value=-1), "clip_value must be > 0"),
                         (dict(update="both"), "unknown update 'both'; valid choices"),
                         (dict(learning_rate=1), r"unknown setting\(s\) \['learning_rate'\]")]:
        with pytest.raises(UserInputError, match=pattern) as error:
            settings.resolve("nsgan", **bad)
        assert "\n" not in str(error.value)


# ---------------------------------------------------------------------- .keras round trips
def test_gan_saves_and_loads_as_a_keras_file_with_identical_samples(tmp_path):
    generator, discriminator = models.get("dcgan28", width=8, latent_dim=16)
    gan = tfgan_suite.GAN(generator, discriminator, latent_dim=16, seed=3)
    gan.compile(loss="nsgan", ema_decay=0.5)
    gan.train_on_batch(np.random.default_rng(0).uniform(-1, 1, (4, 28, 28, 1)).astype(np.float32))
    path = str(tmp_path / "gan.keras")
    gan.save(path)
    loaded = keras.models.load_model(path)
    assert isinstance(loaded, tfgan_suite.GAN) and loaded.seed == 3
    np.testing.assert_array_equal(loaded.generate(6, seed=2), gan.generate(6, seed=2))
    np.testing.assert_array_equal(loaded.generate(6, seed=2, use_ema=False),
                                  gan.generate(6, seed=2, use_ema=False))
    assert not np.array_equal(gan.generate(6, seed=2), gan.generate(6, seed=2, use_ema=False))


def test_sgan_saves_and_loads_as_a_keras_file_with_identical_samples(tmp_path):
    keras.utils.set_random_seed(0)
    model = tfgan_suite.SGAN(toy_pair, num_pairs=2, seed=4)
    model.compile(loss="nsgan")
    model.fit(np.random.default_rng(0).normal(size=(8, 2)).astype(np.float32), batch_size=8,
              epochs=1, verbose=0)
    path = str(tmp_path / "sgan.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    assert isinstance(loaded, tfgan_suite.SGAN) and loaded.num_pairs == 2
    for pair in range(3):
        np.testing.assert_array_equal(loaded.generate(5, seed=1, pair=pair, clip=False),
                                      model.generate(5, seed=1, pair=pair, clip=False))


def test_a_run_feeds_the_wgan_schedule_from_any_step(tmp_path):
    from tfgan_suite.training.experiment import Run, TrainConfig

    config = TrainConfig(loss="wgan", critic_schedule="wgan", batch_size=4, steps=30, log_every=10,
                         model_options={"width": 8}, workdir=str(tmp_path / "run"))
    run = Run(config).build()
    assert run.gan.game.critic_schedule == "wgan" and run.gan.n_critic == 5
    for step_number, count in ((0, 100), (24, 100), (25, 5)):
        element = next(iter(run.dataset(step_number)))
        assert tuple(element.shape) == (count, 4, 28, 28, 1), step_number
    with pytest.raises(UserInputError, match="--critic_schedule=wgan feeds batches of varying"):
        Run(TrainConfig(loss="wgan", critic_schedule="wgan", strategy="mirrored",
                        workdir=str(tmp_path / "mirrored")))
