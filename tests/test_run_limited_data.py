"""Limited data through the training entry point: --num_examples, --augment and the new penalties in a
TrainConfig, bit-exact resume with ADA's p and LeCam's anchors, SGAN with DiffAugment, and the
limited-data reproduction suites' rows."""
import dataclasses

import numpy as np
import pytest

from tfgan_suite import data as data_lib
from tfgan_suite.errors import UserInputError
from tfgan_suite.reproduce import suites
from tfgan_suite.training import experiment
from tfgan_suite.training.experiment import TrainConfig

TINY = dict(model_options={"width": 8, "latent_dim": 16}, batch_size=8, log_every=4,
            checkpoint_every=4, sample_every=1000, verbose=0, seed=3)


def _state(gan):
    arrays = gan.generator.get_weights() + gan.discriminator.get_weights()
    arrays += [v.numpy() for v in gan.d_optimizer.variables + gan.g_optimizer.variables]
    return arrays + [v.numpy() for v in gan.checkpoint_objects().get("training_state", [])]


def test_num_examples_trains_on_the_first_images_only(tmp_path):
    config = TrainConfig(workdir=str(tmp_path / "run"), steps=4, num_examples=16, **TINY)
    run = experiment.Run(config).build()
    first = data_lib.load_array(None, num_examples=16).astype(np.float32) / 127.5 - 1.0
    seen = np.concatenate([batch.numpy() for batch in run.dataset(0).take(6)])
    distances = np.abs(seen[:, None] - first[None]).reshape(len(seen), 16, -1).max(axis=2)
    assert (distances.min(axis=1) < 1e-5).all()  # every image fed is one of the first 16


def test_resume_with_ada_and_lecam_is_bit_exact(tmp_path):
    # target 0: this young discriminator's r_t is above it, so p moves (by 32 / 128 per adjustment)
    options = dict(TINY, augment="ada", ada_target=0.0, ada_speed_images=128, penalty="lecam",
                   penalty_options={"start": 2})
    straight = experiment.train(TrainConfig(workdir=str(tmp_path / "a"), steps=8, **options))
    p = float(straight["gan"].game.augment.p.numpy())
    assert p == 0.5 and straight["history"]["augment_p"] == [0.25, 0.5]
    workdir = str(tmp_path / "b")
    experiment.train(TrainConfig(workdir=workdir, steps=4, **options))
    resumed = experiment.train(TrainConfig(workdir=workdir, steps=8, **options))
    for x, y in zip(_state(resumed["gan"]), _state(straight["gan"]), strict=True):
        np.testing.assert_array_equal(x, y)
    with open(f"{workdir}/losses.csv") as f:
        header = f.readline().strip().split(",")
    assert "augment_p" in header and "augment_rt" in header


def test_sgan_trains_with_diffaugment_and_refuses_ada(tmp_path):
    options = dict(TINY, ensemble="sgan", num_pairs=2, steps=4)
    result = experiment.train(TrainConfig(workdir=str(tmp_path / "s"), augment="translation",
                                          **options))
    assert np.isfinite(result["history"]["d_loss"]).all()
    with pytest.raises(ValueError, match="SGAN does not support augment=ada"):
        experiment.train(TrainConfig(workdir=str(tmp_path / "t"), augment="ada", **options))


def test_limited_data_suites_rows_are_objective_plus_technique():
    suite = suites.get("limited_mnist")
    assert len(suite.objectives) == 10 and suite.seeds == (0, 1, 2)
    fields = suite.train_fields("hinge_ada")
    assert (fields["loss"], fields["augment"], fields["num_examples"]) == ("hinge", "ada", 600)
    assert fields["model_options"] == {"spectral_norm": True}  # the objective's network
    assert suite.train_fields("nsgan_lecam")["penalty"] == "lecam"
    assert suite.train_fields("nsgan_diffaugment")["augment"] == "translation,cutout"
    assert "augment" not in suite.train_fields("nsgan_none")
    for row in suite.objectives:  # every row is a valid run configuration
        config = TrainConfig(workdir="unused", steps=100, log_every=100,
                             **{k: v for k, v in suite.train_fields(row).items() if k != "dataset"})
        experiment._validate(config)  # pylint: disable=protected-access
    with pytest.raises(UserInputError, match="valid choices: .*nsgan_ada"):
        suite.train_fields("nsgan_cutmix")


def test_bcr_probe_rows_differ_from_limited_mnist_in_one_setting_each():
    probe, base = suites.get("limited_mnist_bcr"), suites.get("limited_mnist")
    assert probe.objectives == ("nsgan_bcr_reflect", "nsgan_sn_none", "nsgan_sn_bcr")
    fields = probe.train_fields("nsgan_bcr_reflect")
    assert fields.pop("penalty_options") == {"padding": "reflect"}
    expected = base.train_fields("nsgan_bcr")
    expected.pop("penalty_options", None)
    assert fields == expected
    assert (probe.protocol, probe.steps) == (base.protocol, base.steps)
    for name in ("none", "bcr"):  # nsgan on hinge's (spectrally normalized, no batch norm) critic
        fields = probe.train_fields(f"nsgan_sn_{name}")
        assert fields.pop("model_options") == {"spectral_norm": True}
        expected = base.train_fields(f"nsgan_{name}")
        assert expected.pop("model_options") == {}
        assert fields == expected


def test_old_configs_still_resume():
    """The new fields default to None: a config.json written before them compares equal."""
    saved = {k: v for k, v in dataclasses.asdict(TrainConfig()).items()
             if k not in ("num_examples", "augment", "ada_target", "ada_speed_images")}
    current = experiment._comparable(TrainConfig())  # pylint: disable=protected-access
    assert all(saved.get(k) == v for k, v in current.items() if k not in saved)
