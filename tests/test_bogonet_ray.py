"""BogoNet on a local Ray instance: one task per run, atomic records, shards, resume, retried deaths."""
import os
import signal
import subprocess
import sys
import types

import pytest

from tfgan_suite.bogonet import ray_engine, runner, sampler, summary, sweep
from tfgan_suite.errors import UserInputError

ray = pytest.importorskip("ray")
# Ray workers cannot import this test module: send its functions by value
ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])

SETTINGS = runner.Settings(steps=2, batch_size=8, num_eval_samples=32, diversity_samples=16)
SPECS = sampler.sample_specs(2, seed=0, width_multiplier=0.25)
OBJECTIVES = ["nsgan", "lsgan"]


@pytest.fixture(scope="module")
def local_ray():
    """A local Ray instance with two CPUs for this module's tests (what a cluster would be)."""
    context = ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield context.address_info["address"]
    ray.shutdown()


def stub_context(settings):
    return types.SimpleNamespace(settings=settings)


def dying_runner(marker_dir, deaths_per_job=1):
    """A runner that kills its own worker process the first ``deaths_per_job`` times it is given a
    job (counted in marker files, which survive the process), then returns a record whose score
    is a function of the job."""

    def run(spec, objective, context, samples_path=None):
        marker = os.path.join(marker_dir, f"{spec['arch_id']}__{objective}")
        attempts = len(os.listdir(marker_dir)) and sum(
            name.startswith(os.path.basename(marker)) for name in os.listdir(marker_dir))
        if attempts < deaths_per_job:
            open(f"{marker}.{attempts}", "w").close()
            os.kill(os.getpid(), signal.SIGKILL)
        return {"arch_id": spec["arch_id"], "objective": objective, "status": "ok",
                "score": spec["index"] + (0.5 if objective == "lsgan" else 0.0),
                "attempts": attempts + 1, "pid": os.getpid(), "steps": context.settings.steps}

    return run


def test_shards_on_ray_retry_dead_workers_and_resume(tmp_path, local_ray):
    workdir, markers = str(tmp_path / "sweep"), tmp_path / "markers"
    markers.mkdir()
    sweep.prepare_workdir(workdir, SETTINGS, SPECS)
    run = dying_runner(str(markers))
    first = ray_engine.run_jobs_on_ray(workdir, SPECS, OBJECTIVES, SETTINGS, 0, 2, runner=run,
                                       context_factory=stub_context, progress=False)
    assert first == {"shard_jobs": 2, "skipped": 0, "ran": 2, "failed": []}
    # shard 0 of 2 holds (a + o) even: arch0000 nsgan and arch0001 lsgan
    assert sorted(os.listdir(os.path.join(workdir, "runs"))) == [
        "arch0000__nsgan.json", "arch0001__lsgan.json"]
    second = ray_engine.run_jobs_on_ray(workdir, SPECS, OBJECTIVES, SETTINGS, 1, 2, runner=run,
                                        context_factory=stub_context, progress=False)
    assert second["ran"] == 2 and not second["failed"]
    records = sweep.load_records(workdir)
    # every run's worker was killed once, and the task ran again in a new process
    assert [r["attempts"] for r in records] == [2, 2, 2, 2]
    assert sorted(r["score"] for r in records) == [0, 0.5, 1, 1.5]
    assert all(r["steps"] == SETTINGS.steps for r in records)
    assert sorted(os.listdir(markers)) == sorted(f"{a}__{o}.0" for a in ("arch0000", "arch0001")
                                                 for o in OBJECTIVES)
    again = ray_engine.run_jobs_on_ray(workdir, SPECS, OBJECTIVES, SETTINGS, runner=run,
                                       context_factory=stub_context, progress=False)
    assert again == {"shard_jobs": 4, "skipped": 4, "ran": 0, "failed": []}
    assert not [n for n in os.listdir(os.path.join(workdir, "runs")) if n.startswith(".tmp-")]


def test_a_run_whose_worker_keeps_dying_is_reported_and_left_pending(tmp_path, local_ray):
    workdir, markers = str(tmp_path / "sweep"), tmp_path / "markers"
    markers.mkdir()
    sweep.prepare_workdir(workdir, SETTINGS, SPECS[:1])
    counts = ray_engine.run_jobs_on_ray(workdir, SPECS[:1], ["nsgan"], SETTINGS, max_retries=1,
                                        runner=dying_runner(str(markers), deaths_per_job=5),
                                        context_factory=stub_context, progress=False)
    assert counts["ran"] == 0 and [job[:2] for job in counts["failed"]] == [("arch0000", "nsgan")]
    assert len(os.listdir(markers)) == 2  # the first attempt and one retry
    assert sweep.pending_jobs(workdir, [("arch0000", "nsgan")]) == [("arch0000", "nsgan")]


@pytest.mark.slow
def test_cli_runs_a_real_sweep_on_the_test_ray_instance(tmp_path, local_ray):
    """The command line joins the running instance (--ray_address) and trains real runs there."""
    args = [sys.executable, "-m", "tfgan_suite.bogonet", "--engine=ray",
            f"--ray_address={local_ray}", "--objectives=nsgan,lsgan", "--num_architectures=1",
            "--steps=2", "--batch_size=8", "--width_multiplier=0.25", "--num_eval_samples=32",
            "--diversity_samples=16", f"--workdir={tmp_path / 'w'}", "--noprogress"]
    result = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "on Ray: 2 runs done now, 0 found finished, of 2" in result.stdout
    records = sweep.load_records(str(tmp_path / "w"))
    assert sorted(r["objective"] for r in records) == ["lsgan", "nsgan"]
    assert all(r["status"] in summary.STATUSES and r["error"] is None for r in records)
    assert all(r["steps"] == 2 and r["train_time_s"] > 0 for r in records)
    assert (tmp_path / "w" / "summary.md").exists()


def test_cli_unknown_engine_is_one_line(tmp_path):
    result = subprocess.run([sys.executable, "-m", "tfgan_suite.bogonet", "--engine=spark",
                             f"--workdir={tmp_path / 'w'}"], capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        "error: unknown engine 'spark'; valid choices: local, ray")
    assert not (tmp_path / "w").exists()


def test_missing_ray_is_one_line_naming_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # what `import ray` sees when Ray is not installed
    with pytest.raises(UserInputError, match=r"^--engine=ray needs Ray: pip install "
                                             r"'tfgan_suite\[cluster\]'"):
        ray_engine.import_ray()
