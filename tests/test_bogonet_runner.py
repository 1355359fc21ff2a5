"""One BogoNet run in process: a finished run's record, and a NaN loss flagged as divergence."""
import numpy as np
import pytest
import tensorflow as tf

from tfgan_suite import losses
from tfgan_suite.bogonet import runner, sampler
from tfgan_suite.losses import standard


class TinyContext:
    """A Context without files: random 'real' images and a scorer that is the mean generated pixel."""

    def __init__(self, steps=2):
        self.settings = runner.Settings(steps=steps, batch_size=4, num_eval_samples=12,
                                        diversity_samples=12)
        rng = np.random.default_rng(0)
        self.real = rng.uniform(-1, 1, size=(16, 28, 28, 1)).astype("float32")
        self.real_diversity = runner.mean_pairwise_distance(self.real)
        self.scorer = lambda generated: float(np.mean(generated) + 2.0)

    def dataset(self, batch_size):
        return tf.data.Dataset.from_tensor_slices(self.real).repeat().batch(batch_size)


def _nan_objective():
    name = "bogonet_test_nan"
    if name not in losses.names():
        def d_loss(real, fake):
            return standard.modified_discriminator_loss(real, fake) * np.float32("nan")

        losses.register(name, lambda: losses.Objective(
            name, d_loss, lambda real, fake: standard.modified_generator_loss(fake)))
    return name


def test_nan_loss_is_flagged_as_divergence_and_an_exception_as_error():
    spec = sampler.sample_spec(2, seed=0, width_multiplier=0.25)
    diverged = runner.run_one(spec, _nan_objective(), TinyContext(steps=3), samples_path=None)
    assert diverged["error"] is None, diverged["error"]
    assert diverged["status"] == "diverged" and diverged["diverged"]
    assert diverged["diverged_at_step"] == 1  # training stopped at the first NaN
    assert diverged["score"] is None and diverged["final_logs"]["d_loss"] is None

    failed = runner.run_one(spec, "no_such_objective", TinyContext())
    assert failed["status"] == "error" and "no_such_objective" in failed["error"]


@pytest.mark.slow
def test_run_one_record(tmp_path):
    spec = sampler.sample_spec(2, seed=0, width_multiplier=0.25)
    context = TinyContext()
    record = runner.run_one(spec, "nsgan", context, samples_path=str(tmp_path / "s.png"))
    assert record["error"] is None, record["error"]
    assert record["arch_id"] == "arch0002" and record["objective"] == "nsgan"
    assert record["n_critic"] == 1 and record["steps"] == 2 and not record["diverged"]
    assert 1.0 <= record["score"] <= 3.0  # the stand-in scorer: mean pixel + 2
    assert record["diversity_ratio"] == record["diversity"] / context.real_diversity
    assert record["status"] == runner.classify(None, False, record["score"],
                                               record["diversity_ratio"], 0.1)
    assert record["wall_time_s"] >= record["train_time_s"] > 0
    assert (tmp_path / "s.png").stat().st_size > 0
