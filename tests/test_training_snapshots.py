"""Generator snapshots (TrainConfig.export_at, callbacks.GeneratorSnapshots): exported at the named
generator steps, and a run stopped part-way and resumed with the same command gives the same
snapshots and final generator as a run that was never stopped."""
import dataclasses

import numpy as np

from tfgan_suite.reproduce.runner import load_generated
from tfgan_suite.training import experiment
from tfgan_suite.training.callbacks import snapshot_path


def _config(shared_data, workdir, steps):
    return experiment.TrainConfig(
        loss="nsgan", model="dcgan28", model_options={"width": 8},
        dataset=str(shared_data / "mnist.npz"), batch_size=4,
        steps=steps, workdir=str(workdir), verbose=0, log_every=1, checkpoint_every=2,
        sample_every=100, export_at=(2, 3, 5), lr_d=5e-5, lr_g=5e-5, beta_1=0.0)


def _samples(path):
    return load_generated(str(path), 8, seed=7)


def test_snapshots_and_resume_match_an_uninterrupted_run(shared_data, tmp_path):
    whole = tmp_path / "whole"
    experiment.train(_config(shared_data, whole, 6))
    stopped = tmp_path / "stopped"
    experiment.train(_config(shared_data, stopped, 4))  # stops after step 4 (a checkpoint)
    assert sorted(p.name for p in (stopped / "generators").iterdir()) == ["step_2", "step_3"]
    experiment.train(_config(shared_data, stopped, 6))  # the same command with the full budget
    for step in (2, 3, 5):
        a = _samples(snapshot_path(whole / "generators", step))
        b = _samples(snapshot_path(stopped / "generators", step))
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(_samples(whole / "generator"), _samples(stopped / "generator"))
    # the snapshots are different generators (training moved them), in [-1, 1]
    assert not np.array_equal(_samples(snapshot_path(whole / "generators", 2)),
                              _samples(whole / "generator"))
    assert np.abs(_samples(whole / "generator")).max() <= 1.0


def test_export_points_outside_the_run_are_refused(shared_data, tmp_path):
    import pytest

    from tfgan_suite.errors import UserInputError

    config = dataclasses.replace(_config(shared_data, tmp_path / "x", 4), export_at=(0, 2))
    with pytest.raises(UserInputError, match=r"--export_at=0: each point must be a generator step "
                                             r">= 1"):
        experiment.train(config)
