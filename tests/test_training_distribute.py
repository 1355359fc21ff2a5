"""Strategies by name, and every GAN trick under MirroredStrategy (2 logical CPUs) equal to one device."""
import keras
import numpy as np
import pytest
import tensorflow as tf

import tfgan_suite
from tfgan_suite import layers, models
from tfgan_suite.errors import UserInputError
from tfgan_suite.training import distribute
from tfgan_suite.utils import randomness


def test_unknown_strategy_names_the_valid_ones():
    with pytest.raises(UserInputError, match="unknown strategy 'bogus'; valid choices: default, "
                                             "mirrored, multi_worker, tpu"):
        distribute.make_strategy("bogus")


def test_tpu_without_a_tpu_is_one_clear_line():
    with pytest.raises(UserInputError) as info:
        distribute.make_strategy("tpu")
    message = str(info.value)
    assert "\n" not in message and "no TPU found" in message and "default, mirrored" in message


def test_multi_worker_without_tf_config_is_one_clear_line(monkeypatch):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    with pytest.raises(UserInputError, match="TF_CONFIG"):
        distribute.make_strategy("multi_worker")


def test_default_strategy_is_the_ambient_one():
    assert distribute.make_strategy("default") is tf.distribute.get_strategy()
    assert distribute.is_chief(tf.distribute.get_strategy())


def test_interleave_gives_each_replica_its_share_of_every_critic_batch():
    # 2 critic batches of B=4 (values = global index), 2 replicas: replica r must get rows
    # [i*4 + 2r, i*4 + 2r + 2) of each critic batch i, in critic order.
    batch = tf.reshape(tf.range(8), [8, 1])
    out = distribute.interleave_for_replicas(batch, num_replicas=2, n_critic=2).numpy().ravel()
    np.testing.assert_array_equal(out, [0, 1, 4, 5, 2, 3, 6, 7])
    same = distribute.interleave_for_replicas(batch, num_replicas=2, n_critic=1).numpy().ravel()
    np.testing.assert_array_equal(same, np.arange(8))


def gradient_penalty(discriminator, real, generated, seed):
    """A hand-written WGAN-GP (weight 10) on interpolates drawn with replica-invariant noise (a
    user penalty callable, beside the registered ones)."""
    eps = randomness.replica_uniform([tf.shape(real)[0], 1, 1, 1], seed)
    mixed = real + eps * (generated - real)
    with tf.GradientTape() as tape:
        tape.watch(mixed)
        out = discriminator(mixed, training=True)
    grads = tape.gradient(out, mixed)
    norms = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=[1, 2, 3]) + 1e-12)
    return 10.0 * tf.reduce_mean(tf.square(norms - 1.0))


SN_CRITIC = "conv:8,k=4,s=2,sn=true,act=lrelu; conv:16,k=4,s=2,sn=true,norm=layer,act=lrelu; " \
            "flatten; dense:1,sn=true"
# tiny dense pair on 4x4 images (fast to trace): batch norm in G, spectral norm in D
TINY = ("dense:32,norm=batch,act=relu; dense:16,act=tanh; reshape:4x4x1",
        "flatten; dense:16,sn=true,act=lrelu; dense:1,sn=true")


def _pair(critic_spec):
    if critic_spec == TINY:
        return (layers.build(TINY[0], (16,), name="tiny_g"),
                layers.build(TINY[1], (4, 4, 1), name="tiny_d"))
    generator, _ = models.get("dcgan28", width=8, latent_dim=16)
    return generator, layers.build(critic_spec, (28, 28, 1), name="critic")


def _initial_weights(critic_spec):
    generator, discriminator = _pair(critic_spec)
    return generator.get_weights(), discriminator.get_weights()


def _train(strategy, init, compile_kwargs, real, steps, critic_spec):
    """Builds the pair inside ``strategy``, loads ``init`` and trains ``steps`` steps by ``fit``."""
    with strategy.scope():
        generator, discriminator = _pair(critic_spec)
        if init is not None:
            generator.set_weights(init[0])
            discriminator.set_weights(init[1])
        gan = tfgan_suite.GAN(generator, discriminator, latent_dim=16, seed=3)
        gan.compile(d_optimizer=keras.optimizers.SGD(0.05), g_optimizer=keras.optimizers.SGD(0.05),
                    **compile_kwargs)
    dataset = tf.data.Dataset.from_tensor_slices(real)  # one element = one global batch
    dataset = distribute.distribute_batches(strategy, dataset, gan.n_critic)
    history = gan.fit(dataset, epochs=1, steps_per_epoch=steps, verbose=0, shuffle=False).history
    state = generator.get_weights() + discriminator.get_weights()
    if gan.ema_generator is not None:
        state += gan.ema_generator.get_weights()
    state += [v.numpy() for v in (gan.d_history or []) + (gan.g_history or [])]
    return history, state, (generator.get_weights(), discriminator.get_weights())


def _check_mirrored_equals_one_device(strategy, name, compile_kwargs, critic_spec):
    rng = np.random.default_rng(0)
    n_critic = compile_kwargs.get("n_critic", 1)
    size = 4 if critic_spec == TINY else 28
    real = rng.uniform(-1, 1, (3, 8 * n_critic, size, size, 1)).astype(np.float32)
    init = _initial_weights(critic_spec)
    logs_one, one, _ = _train(tf.distribute.get_strategy(), init, compile_kwargs, real, 3,
                              critic_spec)
    logs_two, two, _ = _train(strategy, init, compile_kwargs, real, 3, critic_spec)
    for key in logs_one:
        np.testing.assert_allclose(logs_two[key], logs_one[key], rtol=1e-4, atol=1e-5, err_msg=key)
    assert len(one) == len(two)
    # float32 sums in a different order (two half-batch gradients all-reduced): 1e-5 tolerance
    for a, b in zip(one, two):
        np.testing.assert_allclose(b, a, atol=2e-5, err_msg=name)
    moved = max(np.abs(a - b).max() for a, b in zip(one, init[0] + init[1]))
    assert moved > 1e-3  # three steps changed the state: the equality is not the initial weights


def test_every_trick_under_mirrored_equals_one_device(mirrored_strategy):
    # weight clipping, EMA, historical averaging, the registered WGAN-GP and DRAGAN penalties
    # (per-replica noise, all-reduced batch std), spectral norm and batch norm at once;
    # n_critic=2: each critic update sees its own real batch on both replicas
    _check_mirrored_equals_one_device(
        mirrored_strategy, "clip+ema+historical+GP+DRAGAN+SN+BN, n_critic=2",
        dict(loss="wgan", n_critic=2, clip_value=0.05, ema_decay=0.9, historical_averaging=0.1,
             penalty=["gradient_penalty", "dragan"]), TINY)


@pytest.mark.slow
def test_conv_critic_with_every_trick_under_mirrored_equals_one_device(mirrored_strategy):
    _check_mirrored_equals_one_device(
        mirrored_strategy, "conv: clip+ema+historical+GP+SN, n_critic=2",
        dict(loss="wgan", n_critic=2, clip_value=0.05, ema_decay=0.9, historical_averaging=0.1,
             penalty=gradient_penalty), SN_CRITIC)
