"""Export: a SavedModel loadable without tfgan_suite, and safe-mode loading of Keras files."""
import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

import tfgan_suite
from tfgan_suite import export, layers, models
from tfgan_suite.errors import UserInputError


def test_fresh_process_plain_load_gives_identical_images(tmp_path):
    generator, discriminator = models.get("dcgan28", width=8, latent_dim=16)
    gan = tfgan_suite.GAN(generator, discriminator, latent_dim=16)
    gan.compile(loss="wgan", n_critic=1, ema_decay=0.5)
    gan.train_on_batch(np.random.default_rng(0).uniform(-1, 1, (8, 28, 28, 1)).astype(np.float32))
    path = export.export_generator(gan.sampling_generator, str(tmp_path / "generator"), 16)
    z = np.random.default_rng(1).normal(size=(5, 16)).astype(np.float32)
    np.save(tmp_path / "z.npy", z)
    expected = gan.ema_generator(z, training=False).numpy()
    assert np.abs(expected - gan.generator(z, training=False).numpy()).max() > 1e-6  # EMA differs
    script = textwrap.dedent(f"""
        import sys, numpy as np, tensorflow as tf
        loaded = tf.saved_model.load({path!r})
        z = np.load({str(tmp_path / 'z.npy')!r})
        np.save({str(tmp_path / 'served.npy')!r},
                loaded.signatures["serving_default"](z=tf.constant(z))["images"].numpy())
        np.save({str(tmp_path / 'sampled.npy')!r},
                loaded.signatures["sample"](n=tf.constant(3), seed=tf.constant(7, tf.int64))["images"].numpy())
        assert not any(m.startswith("tfgan_suite") for m in sys.modules), "tfgan_suite was imported"
    """)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    np.testing.assert_array_equal(np.load(tmp_path / "served.npy"), expected)
    # sample(n, seed) draws the same z as GAN.generate(n, seed)
    np.testing.assert_allclose(np.load(tmp_path / "sampled.npy"), gan.generate(3, seed=7),
                               atol=1e-6)


def test_our_models_load_in_safe_mode_including_the_sum_pool_layer(tmp_path):
    critic = layers.build("conv:4,k=3,act=lrelu; global_sum_pool; dense:1", (8, 8, 3))
    path = tmp_path / "critic.keras"
    critic.save(path)
    loaded = export.load_keras_model(path)
    x = np.random.default_rng(0).normal(size=(2, 8, 8, 3)).astype(np.float32)
    np.testing.assert_allclose(loaded(x).numpy(), critic(x).numpy(), atol=1e-6)
    assert not any(isinstance(layer, keras.layers.Lambda) for layer in critic.layers)


def test_a_file_with_a_lambda_layer_is_refused_in_one_line(tmp_path):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Lambda(lambda x: x * 2.0)])
    path = tmp_path / "lambda.keras"
    model.save(path)
    with pytest.raises(UserInputError) as info:
        export.load_keras_model(path)
    message = str(info.value)
    assert "\n" not in message and "refusing to load" in message and "Lambda" in message
    with pytest.raises(UserInputError, match="not found"):
        export.load_keras_model(tmp_path / "missing.keras")
