"""One BogoNet run in process: a finished run's record, a NaN loss flagged as divergence, an exception
recorded as a harness error, and how the reference images and the domain classifier are chosen."""
import numpy as np
import pytest
import tensorflow as tf

from tfgan_suite import losses
from tfgan_suite.bogonet import runner, sampler
from tfgan_suite.data import DatasetError
from tfgan_suite.errors import UserInputError
from tfgan_suite.losses import standard


class TinyContext:
    """A Context without files: random 'real' images and a scorer that is the mean generated pixel."""

    reference_split = "test"

    def __init__(self, steps=2):
        self.settings = runner.Settings(steps=steps, batch_size=4, num_eval_samples=12,
                                        diversity_samples=12)
        rng = np.random.default_rng(0)
        self.real = rng.uniform(-1, 1, size=(16, 28, 28, 1)).astype("float32")
        self.real_diversity = runner.mean_pairwise_distance(self.real)
        self.scored = []  # the generated images handed to the scorer

    def scorer(self, generated):
        self.scored.append(np.array(generated))
        return float(np.mean(generated) + 2.0)

    def dataset(self, batch_size):
        return tf.data.Dataset.from_tensor_slices(self.real).repeat().batch(batch_size)


@pytest.fixture
def nan_objective(monkeypatch):
    """An objective whose critic loss is NaN, registered for this test only (the catalogue of
    valid loss names must not change for the tests that follow)."""
    name = "bogonet_test_nan"

    def d_loss(real, fake):
        return standard.modified_discriminator_loss(real, fake) * np.float32("nan")

    factories = dict(losses.registry.OBJECTIVES._factories)
    factories[name] = lambda: losses.Objective(
        name, d_loss, lambda real, fake: standard.modified_generator_loss(fake))
    monkeypatch.setattr(losses.registry.OBJECTIVES, "_factories", factories)
    return name


def test_nan_loss_is_flagged_as_divergence_and_an_exception_as_harness_error(nan_objective):
    spec = sampler.sample_spec(2, seed=0, width_multiplier=0.25)
    diverged = runner.run_one(spec, nan_objective, TinyContext(steps=3), samples_path=None)
    assert diverged["error"] is None, diverged["error"]
    assert diverged["status"] == "diverged" and diverged["diverged"]
    assert diverged["diverged_at_step"] == 1  # training stopped at the first NaN
    assert diverged["score"] is None and diverged["final_logs"]["d_loss"] is None

    failed = runner.run_one(spec, "no_such_objective", TinyContext())
    assert failed["status"] == "harness_error" and "no_such_objective" in failed["error"]
    assert failed["traceback"].startswith("Traceback (most recent call last)")
    assert "in run_one" in failed["traceback"] and failed["error"] in failed["traceback"]
    assert failed["score"] is None and failed["reference_split"] == "test"


@pytest.mark.slow
def test_run_one_record(tmp_path):
    spec = sampler.sample_spec(2, seed=0, width_multiplier=0.25)
    context = TinyContext()
    record = runner.run_one(spec, "nsgan", context, samples_path=str(tmp_path / "s.png"))
    assert record["error"] is None, record["error"]
    assert record["arch_id"] == "arch0002" and record["objective"] == "nsgan"
    assert record["n_critic"] == 1 and record["steps"] == 2 and not record["diverged"]
    (generated,) = context.scored
    assert generated.shape == (12, 28, 28, 1) and np.abs(generated).max() <= 1.0
    assert record["score"] == pytest.approx(float(np.mean(generated)) + 2.0, rel=1e-12)
    pairs = [np.linalg.norm(generated[i] - generated[j]) for i in range(12) for j in range(i + 1, 12)]
    assert record["diversity"] == pytest.approx(np.mean(pairs), rel=1e-6) and record["diversity"] > 0
    assert record["status"] == ("ok" if np.mean(pairs) >= 0.1 * context.real_diversity else "collapsed")
    assert record["wall_time_s"] >= record["train_time_s"] > 0
    assert (tmp_path / "s.png").stat().st_size > 0


def test_domain_classifier_comes_from_the_registered_name_or_the_flag_never_the_file_name():
    assert runner.domain_name(runner.Settings()) == "mnist"  # the bundled MNIST subset
    assert runner.domain_name(runner.Settings(dataset="fashion_mnist")) == "fashion_mnist"
    assert runner.domain_name(runner.Settings(dataset="kmnist.npz", domain="fashion_mnist")) == "fashion_mnist"
    for dataset in ("kmnist.npz", "/data/mnist.npz", "fashion_mnist_folder"):
        with pytest.raises(UserInputError, match=f"cannot tell which domain classifier fits --dataset={dataset}; "
                                                 "pass --domain_classifier=fashion_mnist|mnist"):
            runner.domain_name(runner.Settings(dataset=dataset))
    with pytest.raises(UserInputError, match="unknown --domain_classifier 'kmnist'; valid choices: fashion_mnist, mnist"):
        runner.domain_name(runner.Settings(domain="kmnist"))


def test_reference_split_is_recorded_and_never_switched_silently(tmp_path):
    rng = np.random.default_rng(0)
    path = tmp_path / "train_only.npz"
    np.savez(path, x_train=rng.integers(0, 256, (40, 28, 28, 1), dtype=np.uint8))
    settings = runner.Settings(dataset=str(path), num_eval_samples=20, diversity_samples=10)
    context = runner.Context(settings, scorer=lambda generated: 0.0)
    assert context.reference_split == "train" and context.real.shape == (20, 28, 28, 1)
    assert context.reference_note.startswith("BogoNet: scoring against the training split, since")
    with pytest.raises(DatasetError, match="has no array for split 'test'"):
        runner.Context(runner.Settings(dataset=str(path), reference_split="test"), scorer=lambda g: 0.0)
    np.savez(path, x_train=rng.integers(0, 256, (40, 28, 28, 1), dtype=np.uint8),
             x_test=rng.integers(0, 256, (30, 28, 28, 1), dtype=np.uint8))
    context = runner.Context(settings, scorer=lambda g: 0.0)
    assert context.reference_split == "test" and context.reference_note is None
