"""BogoNet sweep on disk: sharding, resume after a kill, atomic records, report, CLI errors."""
import json
import os
import subprocess
import sys

import pytest

from tfgan_suite.bogonet import report, runner, sampler, summary, sweep
from tfgan_suite.errors import UserInputError

SETTINGS = runner.Settings(steps=5, batch_size=8)
SPECS = sampler.sample_specs(3, seed=0)
OBJECTIVES = ["nsgan", "lsgan"]


class Context:
    settings = SETTINGS


class CountingRunner:
    """Stands in for runner.run_one: records calls, optionally dies on call number ``kill_at``."""

    def __init__(self, kill_at=None):
        self.calls = []
        self.kill_at = kill_at

    def __call__(self, spec, objective, context, samples_path=None):
        if self.kill_at is not None and len(self.calls) + 1 == self.kill_at:
            raise KeyboardInterrupt  # the process is killed in the middle of this run
        self.calls.append((spec["arch_id"], objective))
        score = float(spec["index"] + (0.5 if objective == "lsgan" else 0.0))
        return {"arch_id": spec["arch_id"], "objective": objective, "status": "ok",
                "score": score, "wall_time_s": 0.1}


def test_shards_partition_the_jobs_diagonally():
    jobs = sweep.make_jobs(["a0", "a1", "a2"], ["x", "y"])
    assert jobs[:3] == [("a0", "x"), ("a0", "y"), ("a1", "x")]  # architecture-major
    shards = [sweep.shard_jobs(jobs, i, 4) for i in range(4)]
    assert sorted(j for s in shards for j in s) == sorted(jobs)
    assert shards[1] == [("a0", "y"), ("a1", "x")]  # (a + o) mod 4 == 1
    assert shards[3] == [("a2", "y")]
    # 4 objectives on 2 shards: each shard gets half of every objective's runs
    jobs = sweep.make_jobs([f"a{i}" for i in range(6)], ["p", "q", "r", "s"])
    for index in range(2):
        mine = sweep.shard_jobs(jobs, index, 2)
        assert sorted(o for _, o in mine) == sorted(["p", "q", "r", "s"] * 3)
    with pytest.raises(UserInputError, match="shard_index must be in"):
        sweep.shard_jobs(jobs, 4, 4)


def test_resume_skips_finished_runs_after_a_kill(tmp_path):
    workdir = str(tmp_path / "sweep")
    sweep.prepare_workdir(workdir, SETTINGS, SPECS)
    killed = CountingRunner(kill_at=4)
    with pytest.raises(KeyboardInterrupt):
        sweep.run_jobs(workdir, SPECS, OBJECTIVES, Context(), runner=killed, progress=False)
    assert len(killed.calls) == 3
    assert sorted(os.listdir(os.path.join(workdir, "runs"))) == [
        "arch0000__lsgan.json", "arch0000__nsgan.json", "arch0001__nsgan.json"]  # no temp files
    again = CountingRunner()
    counts = sweep.run_jobs(workdir, SPECS, OBJECTIVES, Context(), runner=again, progress=False)
    assert again.calls == [("arch0001", "lsgan"), ("arch0002", "nsgan"), ("arch0002", "lsgan")]
    assert counts == {"shard_jobs": 6, "skipped": 3, "ran": 3}
    third = CountingRunner()
    assert sweep.run_jobs(workdir, SPECS, OBJECTIVES, Context(), runner=third,
                          progress=False)["ran"] == 0
    assert third.calls == []
    records = sweep.load_records(workdir)
    assert len(records) == 6 and {r["score"] for r in records} == {0, 0.5, 1, 1.5, 2, 2.5}


def test_shards_fill_one_workdir_and_retry_errors(tmp_path):
    workdir = str(tmp_path / "sweep")
    sweep.prepare_workdir(workdir, SETTINGS, SPECS)
    per_shard = []
    for index in range(2):
        counting = CountingRunner()
        sweep.run_jobs(workdir, SPECS, OBJECTIVES, Context(), index, 2, runner=counting,
                       progress=False)
        per_shard.append(counting.calls)
    assert per_shard[0] == [("arch0000", "nsgan"), ("arch0001", "lsgan"), ("arch0002", "nsgan")]
    assert len(sweep.load_records(workdir)) == 6
    path = sweep.run_path(workdir, "arch0001", "lsgan")
    sweep.write_json_atomic(path, {**sweep.read_json(path), "status": "harness_error"})
    retry = CountingRunner()
    sweep.run_jobs(workdir, SPECS, OBJECTIVES, Context(), runner=retry, retry_errors=True,
                   progress=False)
    assert retry.calls == [("arch0001", "lsgan")]
    assert sweep.read_json(path)["status"] == "ok"


def test_harness_errors_are_listed_in_the_summary_and_fail_the_command(tmp_path):
    workdir = str(tmp_path / "sweep")
    sweep.prepare_workdir(workdir, SETTINGS, SPECS)
    sweep.run_jobs(workdir, SPECS, OBJECTIVES, Context(), runner=CountingRunner(), progress=False)
    path = sweep.run_path(workdir, "arch0001", "lsgan")
    sweep.write_json_atomic(path, {**sweep.read_json(path), "status": "harness_error", "score": None,
                                   "error": "ValueError: a bug of ours", "traceback": "Traceback ..."})
    result = _cli("--summarize_only", f"--workdir={workdir}")
    assert result.returncode == 1, result.stderr[-2000:]
    assert result.stderr.strip().splitlines()[-1] == (
        f"error: 1 run(s) raised harness errors (first: arch0001 lsgan: ValueError: a bug of ours); "
        f"tracebacks in {os.path.join(workdir, 'runs')}")
    markdown = open(os.path.join(workdir, "summary.md")).read()
    assert "Harness errors: 1 run(s) raised" in markdown and "* arch0001 lsgan: ValueError: a bug of ours" in markdown
    stored = json.load(open(os.path.join(workdir, "summary.json")))
    assert stored["win_counts"] == [[0, 2], [2, 0]]  # arch0001 is left out of nsgan vs lsgan
    assert stored["stats"]["lsgan"]["failure_rate"] == 0.0 and stored["stats"]["lsgan"]["harness_errors"] == 1


def test_a_workdir_without_a_newer_setting_takes_its_default(tmp_path):
    workdir = str(tmp_path / "sweep")
    sweep.prepare_workdir(workdir, SETTINGS, SPECS)
    stored = sweep.read_json(os.path.join(workdir, "sweep.json"))
    del stored["reference_split"]  # written before the setting existed
    sweep.write_json_atomic(os.path.join(workdir, "sweep.json"), stored)
    sweep.prepare_workdir(workdir, SETTINGS, SPECS)
    with pytest.raises(UserInputError, match=r"reference_split=None \(now 'train'\)"):
        sweep.prepare_workdir(workdir, runner.Settings(steps=5, batch_size=8, reference_split="train"), SPECS)


def test_workdir_is_bound_to_its_settings_and_specs(tmp_path):
    workdir = str(tmp_path / "sweep")
    sweep.prepare_workdir(workdir, SETTINGS, SPECS)
    assert json.load(open(os.path.join(workdir, "specs", "arch0001.json"))) == SPECS[1]
    sweep.prepare_workdir(workdir, SETTINGS, sampler.sample_specs(5, seed=0))  # extending is fine
    with pytest.raises(UserInputError, match=r"other settings: steps=5 \(now 6\)"):
        sweep.prepare_workdir(workdir, runner.Settings(steps=6, batch_size=8), SPECS)
    with pytest.raises(UserInputError, match="differs from the spec sampled now"):
        sweep.prepare_workdir(workdir, SETTINGS, sampler.sample_specs(3, seed=1))
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("x")
    with pytest.raises(UserInputError, match="not a BogoNet sweep"):
        sweep.prepare_workdir(str(tmp_path / "other"), SETTINGS, SPECS)


def test_write_json_atomic_refuses_nan_and_leaves_nothing(tmp_path):
    path = str(tmp_path / "r.json")
    with pytest.raises(ValueError):
        sweep.write_json_atomic(path, {"score": float("nan")})
    assert os.listdir(tmp_path) == []


def test_report_writes_tables_and_plots(tmp_path):
    workdir = str(tmp_path / "sweep")
    sweep.prepare_workdir(workdir, SETTINGS, SPECS)
    sweep.run_jobs(workdir, SPECS, OBJECTIVES, Context(), runner=CountingRunner(), progress=False)
    result, text = report.write_report(workdir, OBJECTIVES, "fd")
    assert result["winner"] == "nsgan" and result["win_matrix"] == [[None, 1.0], [0.0, None]]
    assert "nsgan wins with a mean win rate of 1.00" in text
    assert text.endswith(f"written: summary.json, summary.md, scores.png, win_matrix.png in {workdir}")
    for name in ("summary.json", "summary.md", "scores.png", "win_matrix.png"):
        assert os.path.getsize(os.path.join(workdir, name)) > 100
    with open(os.path.join(workdir, "scores.png"), "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(UserInputError, match="no run records for wgan"):
        report.write_report(workdir, ["wgan"])


def test_a_report_without_objectives_keeps_the_order_the_commands_asked_for(tmp_path):
    workdir = str(tmp_path / "sweep")
    sweep.prepare_workdir(workdir, SETTINGS, SPECS)
    sweep.note_objectives(workdir, ["nsgan", "lsgan"])  # not alphabetical: the records' file order
    sweep.run_jobs(workdir, SPECS, ["nsgan", "lsgan"], Context(), runner=CountingRunner(), progress=False)
    sweep.note_objectives(workdir, ["lsgan", "nsgan"])  # a later command adds nothing, reorders nothing
    assert sweep.objective_order(workdir) == ["nsgan", "lsgan"]
    assert report.write_report(workdir)[0]["objectives"] == ["nsgan", "lsgan"]
    os.remove(sweep.objectives_path(workdir))  # a sweep made before objectives.json existed
    assert report.write_report(workdir)[0]["objectives"] == ["lsgan", "nsgan"]


def _cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "tfgan_suite.bogonet", *args],
                          capture_output=True, text=True, timeout=120, cwd=cwd)


def test_cli_unknown_objective_is_one_line(tmp_path):
    result = _cli("--objectives=nsgan,bogus", f"--workdir={tmp_path / 'w'}")
    assert result.returncode == 2
    lines = [l for l in result.stderr.splitlines() if l.strip()]
    assert lines[-1].startswith("error: unknown objective(s) 'bogus'; valid choices: ")
    assert "nsgan" in lines[-1] and "Traceback" not in result.stderr
    assert not (tmp_path / "w").exists()


@pytest.mark.slow
def test_cli_tiny_sweep_resumes(tmp_path, shared_data):
    args = ["--objectives=nsgan,lsgan", "--num_architectures=2", "--steps=5", "--batch_size=16",
            "--width_multiplier=0.25", f"--dataset={shared_data / 'mnist.npz'}", "--domain_classifier=mnist",
            "--num_eval_samples=200", "--diversity_samples=100", f"--workdir={tmp_path / 'w'}",
            "--noprogress"]
    first = _cli(*args)
    assert first.returncode == 0, first.stderr[-2000:]
    assert "4 runs done now, 0 found finished" in first.stdout
    records = sweep.load_records(str(tmp_path / "w"))
    assert len(records) == 4
    assert all(r["status"] in summary.STATUSES for r in records)
    assert all(r["score"] is None or r["score"] > 0 for r in records)
    assert all(r["n_critic"] == 1 and r["steps"] == 5 for r in records)
    second = _cli(*args)
    assert second.returncode == 0 and "0 runs done now, 4 found finished" in second.stdout


def test_launch_workers_shows_the_bar_only_when_asked(tmp_path, monkeypatch, capsys):
    """``--noprogress`` on the parent of several workers prints no bar (it used to print one)."""

    class FinishedProcess:
        returncode = 0

        def __init__(self, command, **kwargs):
            pass

        def poll(self):
            return 0

    monkeypatch.setattr(sweep.subprocess, "Popen", FinishedProcess)
    sweep.launch_workers(["--steps=1"], 2, str(tmp_path), total_jobs=3, progress=False)
    assert "2 workers" not in capsys.readouterr().err
    sweep.launch_workers(["--steps=1"], 2, str(tmp_path), total_jobs=3, progress=True)
    assert "2 workers" in capsys.readouterr().err
