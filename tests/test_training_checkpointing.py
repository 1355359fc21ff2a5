"""Exact resume from checkpoints, corrupt checkpoints, resumable workdirs and the divergence guard."""
import dataclasses
import json
import os
import random
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import tensorflow as tf

from tfgan_suite import losses
from tfgan_suite.errors import UserInputError
from tfgan_suite.training import divergence, experiment
from tfgan_suite.training.experiment import TrainConfig

TINY = dict(model_options={"width": 8, "latent_dim": 16}, batch_size=8, log_every=5,
            checkpoint_every=5, sample_every=1000, verbose=0, seed=11)


def _state(gan):
    """Every array a resumed run must reproduce: G, D, EMA, historical averages, optimizer slots."""
    arrays = gan.generator.get_weights() + gan.discriminator.get_weights()
    arrays += gan.ema_generator.get_weights() if gan.ema_generator is not None else []
    arrays += [v.numpy() for v in (gan.d_history or []) + (gan.g_history or [])]
    arrays += [v.numpy() for v in gan.d_optimizer.variables + gan.g_optimizer.variables]
    return arrays


def _assert_bit_exact(a, b):
    assert len(a) == len(b)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)


# ----------------------------------------------------------------------------- workdir semantics
def test_workdir_new_resume_or_refused(tmp_path):
    config = TrainConfig(workdir=str(tmp_path / "run"), **TINY)
    assert experiment.check_workdir(config.workdir, config) == "new"
    os.makedirs(config.workdir)
    assert experiment.check_workdir(config.workdir, config) == "new"  # empty
    with open(os.path.join(config.workdir, "config.json"), "w") as f:
        json.dump(dataclasses.asdict(config), f, default=str)
    assert experiment.check_workdir(config.workdir, config) == "resume"
    # steps may grow (continue a finished run); the trained state's recipe may not change
    longer = dataclasses.replace(config, steps=config.steps * 2, strategy="mirrored")
    assert experiment.check_workdir(config.workdir, longer) == "resume"
    other = dataclasses.replace(config, loss="lsgan", lr_d=1e-3)
    with pytest.raises(UserInputError) as info:
        experiment.check_workdir(config.workdir, other)
    message = str(info.value)
    assert "\n" not in message and "different config" in message
    assert "loss: 'nsgan' -> 'lsgan'" in message and "lr_d: 'default' -> 0.001" in message
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    with pytest.raises(UserInputError, match="already holds a run or other files"):
        experiment.check_workdir(str(foreign), config)
    assert os.listdir(foreign) == ["notes.txt"]


@pytest.mark.parametrize("content", ["{not json", "[1, 2]"])
def test_a_workdir_whose_config_is_not_a_config_is_refused_and_kept(tmp_path, content):
    config = TrainConfig(workdir=str(tmp_path), **TINY)
    (tmp_path / "config.json").write_text(content)
    with pytest.raises(UserInputError, match="config.json is unreadable"):
        experiment.check_workdir(config.workdir, config)
    assert experiment._started_on_xla(config) is None  # check_workdir's line is the one shown
    assert (tmp_path / "config.json").read_text() == content


# ----------------------------------------------------------------------------- exact resume
def test_resume_is_bit_exact_and_a_corrupt_checkpoint_falls_back(tmp_path, capsys):
    options = dict(TINY, ema_decay=0.9, historical_averaging=0.01)
    straight = experiment.train(TrainConfig(workdir=str(tmp_path / "a"), steps=20, **options))
    expected = _state(straight["gan"])

    workdir = str(tmp_path / "b")
    experiment.train(TrainConfig(workdir=workdir, steps=15, **options))
    checkpoints = os.path.join(workdir, "checkpoints")
    state = tf.train.get_checkpoint_state(checkpoints)
    assert [os.path.basename(p) for p in state.all_model_checkpoint_paths] == [
        "ckpt-5", "ckpt-10", "ckpt-15"]  # keep_checkpoints=3 dropped ckpt-0
    # corrupt the newest checkpoint: truncate its data shard to half
    data = next(os.path.join(checkpoints, n) for n in os.listdir(checkpoints)
                if n.startswith("ckpt-15.data"))
    with open(data, "r+b") as f:
        f.truncate(os.path.getsize(data) // 2)
    capsys.readouterr()
    resumed = experiment.train(TrainConfig(workdir=workdir, steps=20, **options))
    warnings = [line for line in capsys.readouterr().err.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "ckpt-15 is unreadable" in warnings[0], warnings
    assert straight["resumed_from"] == 0 and resumed["resumed_from"] == 10  # the good one
    _assert_bit_exact(_state(resumed["gan"]), expected)
    # the CSV holds each step once although steps 15 and 20 were trained after the fallback
    with open(os.path.join(workdir, "losses.csv")) as f:
        steps = [int(float(line.split(",")[3])) for line in f.read().splitlines()[1:]]
    assert steps == [5, 10, 15, 20]
    # the exported generator is the EMA one
    images = tf.saved_model.load(resumed["generator_path"]).signatures["serving_default"](
        z=tf.ones([2, 16]))["images"].numpy()
    np.testing.assert_allclose(images, resumed["gan"].ema_generator(tf.ones([2, 16])).numpy(),
                               atol=1e-6)


def _cli(workdir, *extra):
    return [sys.executable, "-m", "tfgan_suite.run", f"--workdir={workdir}", "--steps=40",
            "--log_every=2", "--checkpoint_every=2", "--batch_size=8", "--sample_every=1000",
            "--model_options=width=8,latent_dim=16", "--ema_decay=0.9", "--seed=5", *extra]


def _generator_output(workdir):
    signature = tf.saved_model.load(str(workdir / "generator")).signatures["serving_default"]
    return signature(z=tf.random.stateless_normal([8, 16], seed=[1, 2]))["images"].numpy()


def test_sigkill_at_a_random_step_then_same_command_resumes_bit_exact(tmp_path):
    """In CI (about a minute): three short command-line runs of a width-8 model."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    reference = subprocess.run(_cli(tmp_path / "ref"), env=env, capture_output=True, text=True,
                               timeout=600)
    assert reference.returncode == 0, reference.stderr[-2000:]

    kill_after = random.Random(1234).randrange(6, 34)  # seeded "random" step
    workdir = tmp_path / "killed"
    process = subprocess.Popen(_cli(workdir), env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    csv_path = workdir / "losses.csv"
    deadline = time.time() + 300
    while time.time() < deadline and process.poll() is None:
        rows = csv_path.read_text().splitlines()[1:] if csv_path.exists() else []
        if rows and float(rows[-1].split(",")[3]) >= kill_after:
            break
        time.sleep(0.05)
    assert process.poll() is None, "training ended before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    state = tf.train.get_checkpoint_state(str(workdir / "checkpoints"))
    assert state is not None and not (workdir / "generator").exists()
    killed_at = int(state.model_checkpoint_path.rsplit("-", 1)[1])
    assert 0 < killed_at < 40

    resumed = subprocess.run(_cli(workdir), env=env, capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    # bit-exact: same initial weights (seeded), same stateless noise (keyed by the restored step),
    # same batches (deterministic pipeline + skip), deterministic CPU kernels
    np.testing.assert_array_equal(_generator_output(workdir), _generator_output(tmp_path / "ref"))


# ----------------------------------------------------------------------------- divergence guard
def test_nan_loss_stops_with_one_line_and_keeps_the_last_good_checkpoint(tmp_path):
    workdir = str(tmp_path / "boom")
    config = TrainConfig(workdir=workdir, steps=20, lr_d=1e30, lr_g=1e30, **TINY)
    with pytest.raises(divergence.TrainingDiverged) as info:
        experiment.train(config)
    message = str(info.value)
    # step 1's critic update (Adam moves every weight by ~1e30) makes step 1's generator loss infinite
    assert "\n" not in message and "non-finite g_loss at step 1" in message
    assert "ckpt-0" in message and "kept" in message
    checkpoint = os.path.join(workdir, "checkpoints", "ckpt-0")
    reader = tf.train.load_checkpoint(checkpoint)  # kept and readable, with finite weights
    for name in reader.get_variable_to_shape_map():
        value = reader.get_tensor(name)
        if np.issubdtype(np.asarray(value).dtype, np.floating):
            assert np.all(np.isfinite(value)), name
    assert not os.path.exists(os.path.join(workdir, "generator"))


class _NaNOnce:
    """A non-saturating objective whose critic loss is NaN on its ``bad_call``-th evaluation only."""

    def __init__(self, bad_call):
        self.calls = tf.Variable(0, dtype=tf.int64, trainable=False)
        self.bad_call = bad_call

    def discriminator_loss(self, real, fake):
        self.calls.assign_add(1)
        loss = losses.get("nsgan").discriminator_loss(real, fake)
        return tf.where(tf.equal(self.calls, self.bad_call), tf.constant(np.nan), loss)


def test_on_nan_restore_rolls_back_and_halves_the_learning_rates(tmp_path, monkeypatch, capsys):
    nan_once = _NaNOnce(bad_call=8)
    nsgan = losses.get("nsgan")
    objective = losses.Objective("nan_once", nan_once.discriminator_loss, nsgan.generator_loss)
    real_get = losses.get
    monkeypatch.setattr(losses, "get",
                        lambda name, **kw: objective if name == "nan_once" else real_get(name, **kw))
    workdir = str(tmp_path / "restore")
    config = TrainConfig(workdir=workdir, steps=10, loss="nan_once", on_nan="restore",
                         lr_d=2e-4, lr_g=1e-4, **TINY)
    result = experiment.train(config)
    err = capsys.readouterr().err
    rolled = [line for line in err.splitlines() if "rolled back" in line]
    assert len(rolled) == 1 and "at step 8" in rolled[0] and "ckpt-5" in rolled[0], err
    gan = result["gan"]
    np.testing.assert_allclose(float(gan.d_optimizer.learning_rate.numpy()), 1e-4, rtol=1e-6)
    np.testing.assert_allclose(float(gan.g_optimizer.learning_rate.numpy()), 5e-5, rtol=1e-6)
    assert int(gan.g_optimizer.iterations.numpy()) == 10  # steps 6-10 redone after the roll-back
    with open(os.path.join(workdir, "losses.csv")) as f:
        rows = f.read().splitlines()[1:]
    assert [int(float(r.split(",")[3])) for r in rows] == [5, 10]
    assert all(np.isfinite(float(r.split(",")[1])) for r in rows)
    assert os.path.isdir(os.path.join(workdir, "generator"))
