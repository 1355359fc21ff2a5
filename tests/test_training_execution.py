"""The execution path (training.execution): XLA and steps per execution, chosen by "auto".

Steps per execution must not change a single weight; the choice must divide every callback interval;
the path that ran is stored in config.json and a run resumes on it."""
import json
import os

import numpy as np
import pytest
import tensorflow as tf

from gan_testutil import all_weights, tiny_dataset, tiny_image_gan
from tfgan_suite.errors import UserInputError
from tfgan_suite.training import callbacks, execution, experiment
from tfgan_suite.training.experiment import TrainConfig

TINY = dict(model_options={"width": 8, "latent_dim": 16}, batch_size=8, log_every=5,
            checkpoint_every=5, sample_every=1000, verbose=0, seed=11)


@pytest.mark.parametrize("intervals, expected", [
    ((100, 500, 1000), 10), ((100, 250), 10), ((7,), 7), ((11,), 1), ((6, 4), 2), ((), 10),
    ((5, None, 0), 5)])
def test_auto_steps_per_execution_is_the_largest_common_divisor_up_to_ten(intervals, expected):
    assert execution.resolve_steps_per_execution("auto", intervals) == expected


def test_explicit_steps_per_execution_must_divide_every_interval():
    assert execution.resolve_steps_per_execution(4, (100, 500)) == 4
    with pytest.raises(UserInputError, match=r"steps_per_execution=3 must divide .*\[100, 500\]"):
        execution.resolve_steps_per_execution(3, (100, 500))
    for bad in (0, -2, 2.5, "ten", True):
        with pytest.raises(UserInputError, match="positive integer or 'auto'"):
            execution.resolve_steps_per_execution(bad, (100,))


def test_auto_xla_is_off_on_a_cpu_only_machine_and_under_a_multi_device_strategy():
    assert tf.config.list_physical_devices("GPU") == []  # CI and this machine: CPU only
    use, reason = execution.resolve_jit_compile("auto")
    assert use is False and "CPU-only" in reason
    use, reason = execution.resolve_jit_compile("auto", "mirrored")
    assert use is False and "'mirrored' strategy" in reason
    assert execution.resolve_jit_compile(True) == (True, "")
    assert execution.resolve_jit_compile("false") == (False, "")
    with pytest.raises(UserInputError, match="jit_compile must be true, false or 'auto', got 'yes'"):
        execution.resolve_jit_compile("yes")


@pytest.mark.parametrize("network, parameters, steps, expected, phrase", [
    (execution.CONVOLUTIONAL, None, 10**6, False, "a convolutional network on a CPU-only"),
    (execution.UNKNOWN, None, 10**6, False, "a network not measured"),
    (execution.DENSE, 68_995, 20_000, True, "XLA on: a small network without convolutions"),
    (execution.DENSE, 68_995, execution.DENSE_XLA_MIN_STEPS, True, "repay its compile time"),
    (execution.DENSE, 68_995, execution.DENSE_XLA_MIN_STEPS - 1, False, "a run of 9999 steps"),
    (execution.DENSE, 68_995, None, False, "a run of unknown length"),
    (execution.DENSE, 1_906_961, 20_000, False, "with 1,906,961 parameters"),
    (execution.DENSE, None, 20_000, False, "with unknown parameters")])
def test_auto_xla_on_a_cpu_only_for_a_small_mlp_over_a_long_run(network, parameters, steps,
                                                                 expected, phrase):
    use, reason = execution.choose_xla("default", [], network, parameters, steps)
    assert use is expected and phrase in reason
    assert reason.startswith("XLA on" if expected else "XLA off")
    # an accelerator or a strategy that splits the step decide before the network does
    assert execution.choose_xla("default", ["GPU"], network, parameters, steps) == (
        True, "XLA on: GPU visible")
    assert execution.choose_xla("mirrored", ["GPU"], network, parameters, steps)[0] is False


def test_network_kind_from_specs_and_built_models_agree_with_keras_parameter_counts():
    from tfgan_suite import models

    for name in models.names():
        kind, parameters = execution.spec_kind(models.specs(name))
        assert kind == (execution.DENSE if name in ("toy_mlp", "wgan_mlp")
                        else execution.CONVOLUTIONAL), name
        if kind == execution.DENSE:  # no batch norm or spectral norm vectors in these two
            generator, discriminator = models.get(name)
            assert parameters == generator.count_params() + discriminator.count_params()
            assert execution.network_kind(generator, discriminator) == (kind, parameters)
    assert execution.spec_kind(models.specs("toy_mlp"))[1] <= execution.DENSE_XLA_MAX_PARAMETERS
    assert execution.spec_kind(models.specs("wgan_mlp"))[1] > execution.DENSE_XLA_MAX_PARAMETERS
    generator, discriminator = models.get("dcgan28", width=8)
    assert execution.network_kind(generator, discriminator) == (execution.CONVOLUTIONAL, None)
    assert execution.network_kind(tf.keras.Sequential(), discriminator) == (execution.UNKNOWN,
                                                                           None)


def test_the_auto_choice_is_one_line_on_stderr_once_per_process(capsys, monkeypatch):
    monkeypatch.setattr(execution, "_LOGGED", set())
    monkeypatch.setattr(execution, "_PENDING", [])
    for _ in range(3):  # a suite resolves the same choice for every run
        execution.log_choice("XLA off: test line")
    execution.log_choice("")
    assert capsys.readouterr().err == ""  # not before training starts (bad input: one line)
    execution.announce_choices()
    assert capsys.readouterr().err == "tfgan_suite: XLA off: test line\n"
    execution.log_choice("XLA off: test line")  # the next run of the suite
    execution.announce_choices()
    assert capsys.readouterr().err == ""


def test_auto_xla_is_on_when_an_accelerator_is_visible(monkeypatch):
    monkeypatch.setattr(execution, "accelerator_kinds", lambda: ["GPU"])
    assert execution.resolve_jit_compile("auto") == (True, "XLA on: GPU visible")
    assert execution.resolve_jit_compile("auto", "multi_worker")[0] is False


def _fit(steps_per_execution, steps=20, jit_compile=False):
    gan = tiny_image_gan(seed=3)
    gan.compile(loss="nsgan", steps_per_execution=steps_per_execution, jit_compile=jit_compile)
    gan.fit(tiny_dataset(), epochs=1, steps_per_epoch=steps, verbose=0, shuffle=False)
    return gan


def test_steps_per_execution_leaves_every_weight_bit_identical():
    one, ten = _fit(1), _fit(10)
    assert ten.steps_per_execution == 10 and one.steps_per_execution == 1
    assert int(ten.g_optimizer.iterations.numpy()) == 20
    for a, b in zip(all_weights(one), all_weights(ten)):
        np.testing.assert_array_equal(a, b)


def test_gan_fit_auto_picks_a_divisor_of_steps_per_epoch():
    gan = _fit("auto", steps=15)
    assert gan.steps_per_execution == 5  # 10 does not divide 15: Keras would overrun the epoch
    assert int(gan.g_optimizer.iterations.numpy()) == 15
    gan.fit(tiny_dataset(), epochs=1, steps_per_epoch=7, verbose=0, shuffle=False)
    assert gan.steps_per_execution == 7 and int(gan.g_optimizer.iterations.numpy()) == 22


def test_xla_step_is_deterministic_without_op_determinism():
    from tensorflow.python.framework.config import is_op_determinism_enabled

    assert not is_op_determinism_enabled()  # else Keras would silently drop XLA
    first, second = _fit(5, jit_compile=True), _fit(5, jit_compile=True)
    assert first.jit_compile
    for a, b in zip(all_weights(first), all_weights(second)):
        np.testing.assert_array_equal(a, b)


def test_sample_grids_land_on_their_steps_when_executions_are_longer_than_one_step(tmp_path):
    gan = tiny_image_gan(seed=0)
    gan.compile(loss="nsgan", steps_per_execution=10)
    grid = callbacks.SampleGrid(str(tmp_path), every_n_steps=25, num_samples=4)
    gan.fit(tiny_dataset(), epochs=1, steps_per_epoch=60, verbose=0, shuffle=False,
            callbacks=[grid])
    # callbacks run at steps 10, 20, ..., 60: a grid at the first call past each multiple of 25
    assert sorted(os.listdir(tmp_path)) == ["samples_0000030.png", "samples_0000050.png",
                                            "samples_final.png"]


def test_run_stores_the_resolved_path_and_resumes_across_a_changed_count(tmp_path):
    straight = experiment.train(TrainConfig(workdir=str(tmp_path / "a"), steps=20, **TINY))
    with open(tmp_path / "a" / "config.json") as f:
        saved = json.load(f)
    assert saved["jit_compile"] is False and saved["steps_per_execution"] == 5
    assert straight["gan"].steps_per_execution == 5

    workdir = str(tmp_path / "b")
    experiment.train(TrainConfig(workdir=workdir, steps=10, **TINY))
    resumed = experiment.train(TrainConfig(workdir=workdir, steps=20, steps_per_execution=1,
                                           **TINY))
    assert resumed["gan"].steps_per_execution == 1
    for a, b in zip(all_weights(resumed["gan"]), all_weights(straight["gan"])):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(UserInputError, match="jit_compile: False -> True"):
        experiment.Run(TrainConfig(workdir=workdir, steps=30, jit_compile=True, **TINY))
    with pytest.raises(UserInputError, match="steps_per_execution=3 must divide"):
        experiment.Run(TrainConfig(workdir=str(tmp_path / "c"), steps_per_execution=3, **TINY))
    assert not os.path.exists(tmp_path / "c")


TOY = dict(model="toy_mlp", dataset="ring8", batch_size=16, log_every=10, checkpoint_every=10,
           sample_every=10**6, verbose=0, seed=5)


def test_auto_xla_for_a_small_mlp_resumes_bit_exactly_on_the_path_it_started_on(tmp_path,
                                                                                monkeypatch):
    monkeypatch.setattr(execution, "DENSE_XLA_MIN_STEPS", 20)  # a long run, scaled down
    assert experiment.with_execution(TrainConfig(steps=10, **TOY)).jit_compile is False
    straight = experiment.train(TrainConfig(workdir=str(tmp_path / "a"), steps=30, **TOY))
    assert straight["gan"].jit_compile is True
    workdir = str(tmp_path / "b")
    experiment.train(TrainConfig(workdir=workdir, steps=20, **TOY))
    # a larger budget resumes on the stored path, whatever "auto" would choose for it now
    monkeypatch.setattr(execution, "DENSE_XLA_MIN_STEPS", 10**6)
    assert experiment.with_execution(TrainConfig(workdir=workdir, steps=30, **TOY)).jit_compile
    resumed = experiment.train(TrainConfig(workdir=workdir, steps=30, **TOY))
    assert resumed["gan"].jit_compile is True
    for a, b in zip(all_weights(resumed["gan"]), all_weights(straight["gan"])):
        np.testing.assert_array_equal(a, b)


def test_gan_fit_auto_divides_the_grid_interval_of_its_callbacks(tmp_path):
    gan = tiny_image_gan(seed=0)  # compiled with the default steps_per_execution="auto"
    grid = callbacks.SampleGrid(str(tmp_path), every_n_steps=4, num_samples=4)
    gan.fit(tiny_dataset(), epochs=1, steps_per_epoch=20, verbose=0, shuffle=False,
            callbacks=[grid])
    assert gan.steps_per_execution == 4  # not 10: the grid every 4 steps keeps its steps
    assert sorted(os.listdir(tmp_path)) == [f"samples_{s:07d}.png" for s in (4, 8, 12, 16, 20)] + [
        "samples_final.png"]
