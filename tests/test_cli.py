"""``python -m tfgan_suite.run``: outputs of a short real run, and one-line errors for bad input."""
import csv
import os

import numpy as np
import pytest
import tensorflow as tf

from gan_testutil import run_cli


def test_short_run_writes_grids_csv_tensorboard_and_savedmodel(tmp_path):
    workdir = tmp_path / "run"
    result = run_cli(f"--workdir={workdir}", "--steps=20", "--log_every=10", "--sample_every=10",
                     "--model_options=width=16")
    assert result.returncode == 0, result.stderr[-2000:]
    samples = sorted(os.listdir(workdir / "samples"))
    assert samples == ["samples_0000010.png", "samples_0000020.png", "samples_final.png"]
    with open(workdir / "losses.csv") as f:
        rows = list(csv.DictReader(f))
    assert [int(float(r["step"])) for r in rows] == [10, 20]
    assert all(np.isfinite(float(r["d_loss"])) and np.isfinite(float(r["g_loss"])) for r in rows)
    assert any(name.startswith("events.out.tfevents")
               for name in os.listdir(workdir / "tensorboard" / "train"))
    generator = tf.saved_model.load(str(workdir / "generator"))
    images = generator.signatures["serving_default"](z=tf.zeros([2, 64]))["images"].numpy()
    assert images.shape == (2, 28, 28, 1) and np.abs(images).max() <= 1.0


@pytest.mark.parametrize("flag, bad, valid", [
    ("--loss", "nosuchloss", "nsgan"),
    ("--model", "nosuchmodel", "dcgan28"),
    ("--dataset", "nosuchdata", "mnist"),
])
def test_unknown_names_exit_with_one_line(tmp_path, flag, bad, valid):
    result = run_cli(f"{flag}={bad}", f"--workdir={tmp_path / 'w'}")
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert bad in lines[0] and valid in lines[0]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "w").exists()


def test_existing_workdir_is_never_overwritten(tmp_path):
    workdir = tmp_path / "run"
    workdir.mkdir()
    (workdir / "precious.txt").write_text("keep me")
    result = run_cli(f"--workdir={workdir}", "--steps=10")
    assert result.returncode != 0
    assert "already holds a run" in result.stderr and "Traceback" not in result.stderr
    assert os.listdir(workdir) == ["precious.txt"]
    assert (workdir / "precious.txt").read_text() == "keep me"


def test_jit_compile_flag_survives_the_cli_determinism(monkeypatch, tmp_path):
    """The CLI seeds everything and asks TF for deterministic ops, which makes Keras compile without
    XLA: with --jit_compile it must not ask, or the flag would be silently ignored."""
    import keras

    from tfgan_suite import run
    from tfgan_suite.training import experiment
    from tfgan_suite.utils.cli import parse_flags

    compiled = {}

    def train_probe(config):
        model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        model.compile(loss="mse", jit_compile=True)
        compiled[config.jit_compile] = model.jit_compile
        return {"workdir": config.workdir}

    monkeypatch.setattr(experiment, "train", train_probe)
    for flag in ("--jit_compile", "--nojit_compile"):
        parse_flags(run.FLAGS, ["run", flag, f"--workdir={tmp_path / flag}"])
        try:
            assert run.main(["run"]) == 0
        finally:
            run.FLAGS.unparse_flags()
    assert compiled == {True: True, False: False}  # XLA kept when asked; determinism otherwise
