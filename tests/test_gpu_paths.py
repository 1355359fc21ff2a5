"""GPU paths reviewed without a GPU: what each process asks of TensorFlow and Ray, checked on a CPU.

No GPU can run here; these tests check the settings a GPU run depends on (docs/scale.md lists what
each one stands in for): memory growth in the environment of every child that runs TensorFlow next
to another, the GPUs Ray reserves per BogoNet task, and the CLI's op-determinism switch.
"""
import importlib.util
import subprocess
import types
from pathlib import Path

import pytest

from tfgan_suite.bogonet import ray_engine, runner, sampler, sweep
from tfgan_suite.errors import UserInputError

GPU_CHECK = Path(__file__).resolve().parents[1] / "benchmarks" / "gpu_check.py"


def test_gpu_check_parent_and_cifar10_child_grow_gpu_memory(tmp_path, monkeypatch):
    monkeypatch.delenv("TF_FORCE_GPU_ALLOW_GROWTH", raising=False)
    spec = importlib.util.spec_from_file_location("gpu_check_under_test", GPU_CHECK)
    gpu_check = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gpu_check)
    import os  # pylint: disable=import-outside-toplevel

    assert os.environ["TF_FORCE_GPU_ALLOW_GROWTH"] == "true"  # the parent, before TF starts
    seen = {}

    def fake_run(command, **kwargs):
        seen.update(command=command, env=kwargs.get("env"))
        return subprocess.CompletedProcess(command, 1, "", "stopped by the test")

    monkeypatch.setattr(gpu_check.subprocess, "run", fake_run)
    with pytest.raises(RuntimeError, match="stopped by the test"):
        gpu_check.cifar10_run_speed("cifar10", 4, 1, str(tmp_path / "run"))
    assert "tfgan_suite.run" in seen["command"]
    assert seen["env"]["TF_FORCE_GPU_ALLOW_GROWTH"] == "true"  # the child


def test_bogonet_local_workers_grow_gpu_memory(tmp_path, monkeypatch):
    monkeypatch.delenv("TF_FORCE_GPU_ALLOW_GROWTH", raising=False)
    started = []

    class FinishedProcess:
        returncode = 0

        def __init__(self, command, env=None, **kwargs):
            started.append(env)

        def poll(self):
            return 0

    monkeypatch.setattr(sweep.subprocess, "Popen", FinishedProcess)
    codes = sweep.launch_workers(["--steps=1"], 2, str(tmp_path), total_jobs=0)
    assert codes == [0, 0] and len(started) == 2
    assert all(env["TF_FORCE_GPU_ALLOW_GROWTH"] == "true" for env in started)


class _Submitted(Exception):
    pass


def fake_ray(recorded):
    """Just enough of ``ray`` to see what a task asks for: ``.options(...)`` is recorded, then
    submitting stops the engine."""

    def remote(function):
        def options(**kwargs):
            recorded.update(kwargs)

            def submit(*args):
                raise _Submitted

            return types.SimpleNamespace(remote=submit)

        return types.SimpleNamespace(options=options)

    return types.SimpleNamespace(remote=remote, is_initialized=lambda: True)


def test_bogonet_ray_tasks_reserve_gpus_and_grow_memory(tmp_path, monkeypatch):
    settings = runner.Settings(steps=2, batch_size=8, num_eval_samples=32, diversity_samples=16)
    specs = sampler.sample_specs(1, seed=0, width_multiplier=0.25)
    workdir = str(tmp_path / "sweep")
    sweep.prepare_workdir(workdir, settings, specs)
    recorded = {}
    monkeypatch.setattr(ray_engine, "import_ray", lambda: fake_ray(recorded))
    with pytest.raises(_Submitted):
        ray_engine.run_jobs_on_ray(workdir, specs, ["nsgan"], settings, gpus_per_run=0.5,
                                   progress=False)
    assert recorded["num_gpus"] == 0.5 and recorded["num_cpus"] == 1
    assert recorded["runtime_env"]["env_vars"]["TF_FORCE_GPU_ALLOW_GROWTH"] == "true"
    with pytest.raises(UserInputError, match=r"--ray_gpus_per_run must be >= 0, got -1"):
        ray_engine.run_jobs_on_ray(workdir, specs, ["nsgan"], settings, gpus_per_run=-1,
                                   progress=False)


@pytest.mark.parametrize("deterministic, jit_compile, expected", [
    (None, False, True),  # the default: on (what the CLI always did without XLA) ...
    (None, True, False),  # ... and off with XLA, which Keras drops while determinism is on
    (False, False, False), (True, False, True), (False, True, False)])
def test_deterministic_flag_defaults_to_on_unless_xla(deterministic, jit_compile, expected):
    from tfgan_suite import run  # pylint: disable=import-outside-toplevel

    assert run.deterministic_ops(deterministic, jit_compile) is expected


def test_deterministic_with_xla_is_refused_in_one_line():
    from tfgan_suite import run  # pylint: disable=import-outside-toplevel

    with pytest.raises(UserInputError, match="--deterministic and --jit_compile exclude each other"):
        run.deterministic_ops(True, True)


def test_cli_deterministic_flag_reaches_tensorflow(tmp_path, monkeypatch):
    """--nodeterministic leaves op determinism off for a plain CPU run (it was always on)."""
    from tfgan_suite import run  # pylint: disable=import-outside-toplevel
    from tfgan_suite.training import experiment  # pylint: disable=import-outside-toplevel
    from tfgan_suite.utils import cli  # pylint: disable=import-outside-toplevel

    asked = []
    monkeypatch.setattr(experiment, "set_global_determinism",
                        lambda seed, deterministic_ops=True: asked.append(deterministic_ops))
    monkeypatch.setattr(experiment, "train", lambda config: {"workdir": config.workdir})
    try:
        for flag in ([], ["--nodeterministic"], ["--deterministic"]):
            cli.parse_flags(run.FLAGS, ["run", f"--workdir={tmp_path}", *flag])
            assert run.main(["run"]) == 0
            run.FLAGS.unparse_flags()
    finally:
        run.FLAGS.unparse_flags()
    assert asked == [True, False, True]
