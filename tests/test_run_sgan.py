"""--ensemble=sgan through the experiment runner: G_0 exported, side-by-side grids, one-line errors."""
import os
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf

from tfgan_suite.errors import UserInputError
from tfgan_suite.training import experiment


def test_sgan_run_exports_global_generator_and_ensemble_grid(tmp_path):
    workdir = str(tmp_path / "run")
    config = experiment.TrainConfig(
        ensemble="sgan", num_pairs=2, loss="lsgan", model="wgan_mlp",
        model_options={"hidden": 16, "depth": 1, "latent_dim": 8}, batch_size=8, steps=4,
        log_every=2, sample_every=2, workdir=workdir, verbose=0)
    result = experiment.train(config)
    sgan = result["gan"]
    assert type(sgan).__name__ == "SGAN" and sgan.num_pairs == 2
    assert int(sgan.g_optimizer.iterations) == 4
    samples = os.listdir(os.path.join(workdir, "samples"))
    assert {"ensemble_final.png", "samples_final.png", "ensemble_0000002.png"} <= set(samples)
    from PIL import Image
    grid = Image.open(os.path.join(workdir, "samples", "ensemble_final.png"))
    # 3 columns (G_0, G_1, G_2) of 28-pixel images with 2-pixel padding, upscaled twice.
    assert grid.width == 2 * (3 * 30 + 2) and grid.height == 2 * (8 * 30 + 2)
    loaded = tf.saved_model.load(result["generator_path"])
    z = np.random.default_rng(0).normal(size=(3, 8)).astype("float32")
    exported = loaded.signatures["serving_default"](z=tf.constant(z))["images"].numpy()
    np.testing.assert_allclose(exported, sgan.generator(z, training=False).numpy(), atol=1e-5)
    assert "local_d_loss" in result["history"] and "g_loss_2" in result["history"]


@pytest.mark.parametrize("changes, message", [
    ({"ensemble": "stack"}, "unknown ensemble 'stack'; valid choices: none, sgan"),
    ({"ensemble": "sgan", "num_pairs": 0}, "--num_pairs must be positive"),
    ({"ensemble": "sgan", "ema_decay": 0.99}, "not supported with --ensemble=sgan"),
])
def test_bad_ensemble_options_are_one_line_errors(tmp_path, changes, message):
    config = experiment.TrainConfig(workdir=str(tmp_path / "never"), **changes)
    with pytest.raises(UserInputError, match=message):
        experiment.train(config)
    assert not os.path.exists(tmp_path / "never")


@pytest.mark.slow  # a fresh interpreter importing TensorFlow
def test_cli_rejects_bad_ensemble_with_one_line(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "tfgan_suite.run", "--ensemble=bogus",
         f"--workdir={tmp_path / 'w'}"], capture_output=True, text=True, timeout=120,
        env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    assert done.returncode == 2
    assert "error: unknown ensemble 'bogus'; valid choices: none, sgan" in done.stderr
