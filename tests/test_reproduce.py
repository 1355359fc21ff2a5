"""The reproduction harness with tiny budgets: records, resume, tables from JSON, publishing."""
import dataclasses
import json
import os
import subprocess
import sys

import pytest

from tfgan_suite.bogonet import sweep
from tfgan_suite.reproduce import report, runner, suites


@pytest.fixture
def tiny_suite(monkeypatch):
    """The MNIST suite on the bundled subset, scored on 256 images, 2 generator updates."""
    suite = dataclasses.replace(
        suites.get("mnist"), name="tiny", dataset="mnist_bundled", offline_file=None, steps=2,
        protocol=suites.Protocol(kind="domain", num_generated=256, num_reference=256,
                                 reference_split="train", feature_network="MNIST classifier"))
    monkeypatch.setitem(suites.SUITES, "tiny", suite)
    return suite


def _run_all(suite, workdir, objectives, seeds, counter=None):
    scorer = runner.Scorer(suite)

    def run(spec, objective, context, samples_path=None):
        if counter is not None:
            counter.append((objective, spec["seed"]))
        return runner.run_one(suite, objective, spec["seed"], suite.steps, str(workdir), context,
                              samples_path)

    specs = [{"arch_id": f"seed{s}", "seed": s} for s in seeds]
    runner.bind_workdir(str(workdir), suite, suite.steps)
    return sweep.run_jobs(str(workdir), specs, objectives, scorer, runner=run, progress=False)


def test_runs_write_complete_records_and_resume_without_training_again(tiny_suite, tmp_path,
                                                                      monkeypatch):
    monkeypatch.delenv("TF_NUM_INTRAOP_THREADS", raising=False)  # TF's default thread count
    counts = _run_all(tiny_suite, tmp_path, ["nsgan", "wgan_gp"], [0])
    assert counts["ran"] == 2
    record = sweep.read_json(tmp_path / "runs" / "seed0__wgan_gp.json")
    assert record["status"] == "ok", record["error"]
    assert (record["objective"], record["seed"], record["steps"]) == ("wgan_gp", 0, 2)
    assert record["settings"]["model_options"] == {"d_norm": "none"}  # the BN-free critic
    assert record["settings"]["n_critic"] == 5 and record["settings"]["lr_d"] == 1e-4
    assert record["protocol"]["num_generated"] == 256 and record["protocol"]["kind"] == "domain"
    assert record["metrics"]["domain_fd"] > 0 and record["score"] == record["metrics"]["domain_fd"]
    assert set(record["metrics"]) == {"domain_fd", "domain_score", "precision", "recall", "density",
                                      "coverage"}
    assert record["wall_time_s"] >= record["train_time_s"] > 0
    assert 0 < record["train_cpu_s"] and record["train_resumed_from_step"] == 0
    assert "--loss=wgan_gp" in record["train_command"] and "--seed=0" in record["train_command"]
    assert record["command"].endswith("--objectives=wgan_gp --seeds=0 --steps=2")
    assert record["threads"] == 0 and record["threads_source"].startswith("runner")
    assert os.path.exists(tmp_path / "samples" / "seed0__wgan_gp.png")
    # the same scoring draw from the exported generator as from the GAN
    generated = runner.load_generated(str(tmp_path / "train" / "wgan_gp__seed0" / "generator"),
                                      8, tiny_suite.protocol.sample_seed)
    assert generated.shape == (8, 28, 28, 1)
    # the evaluate command scores the same exported generator (its sample(n, seed) endpoint)
    from tfgan_suite.evaluate import evaluate

    report_ = evaluate(str(tmp_path / "train" / "wgan_gp__seed0" / "generator"), "mnist_bundled",
                       ("fid",), num_samples=64, classifier="mnist", progress=False)
    assert report_["metrics"]["fid"] > 0
    # resume: finished runs are skipped; a run trained before a kill is only scored
    os.remove(tmp_path / "runs" / "seed0__nsgan.json")
    # as an older runner wrote it: without the step its timed part started at
    timing_path = tmp_path / "train" / "nsgan__seed0" / "train_time.json"
    timing = sweep.read_json(timing_path)
    assert timing.pop("resumed_from_step") == 0
    sweep.write_json_atomic(str(timing_path), timing)
    ran = []
    counts = _run_all(tiny_suite, tmp_path, ["nsgan", "wgan_gp"], [0], ran)
    assert ran == [("nsgan", 0)] and counts["skipped"] == 1
    rescored = sweep.read_json(tmp_path / "runs" / "seed0__nsgan.json")
    assert rescored["status"] == "ok" and rescored["train_time_s"] > 0  # kept from the training
    assert rescored["train_resumed_from_step"] is None  # unknown, not "from the start"
    assert rescored["wall_time_s"] < record["wall_time_s"] + rescored["train_time_s"]
    other = dataclasses.replace(tiny_suite, steps=3)
    with pytest.raises(ValueError, match="other settings"):
        runner.bind_workdir(str(tmp_path), other, 3)


def _record(objective, seed, fd, status="ok"):
    return {"objective": objective, "seed": seed, "status": status, "model": "dcgan28",
            "metrics": {"domain_fd": fd} if status == "ok" else {}, "wall_time_s": 60.0 * (seed + 1),
            "train_time_s": 30.0 * (seed + 1), "steps": 2, "cpu_count": 2,
            "train_load_average": {"start": [4.0, 3.0, 2.0], "end": [6.0, 3.0, 2.0]}}


def test_collapsed_runs_are_reported_apart_and_left_out_of_the_mean(tiny_suite):
    # nsgan's median is 7: runs above 10 x 7 = 70 are collapsed
    records = [_record("nsgan", 0, 6.0), _record("nsgan", 1, 8.0), _record("nsgan", 2, 7.0),
               _record("gan", 0, 7.5), _record("gan", 1, 252.6), _record("gan", 2, 13.5)]
    document = report.results(tiny_suite, 2, records, "python -m tfgan_suite.reproduce --suite=tiny")
    gan = document["summary"]["gan"]
    assert gan["collapsed"] == [{"seed": 1, "domain_fd": 252.6}] and gan["ok"] == 3
    assert gan["metrics"]["domain_fd"]["mean"] == pytest.approx(10.5) and gan["metrics"]["domain_fd"]["n"] == 2
    assert document["summary"]["nsgan"]["collapsed"] == []
    table = report.markdown_table(document)
    assert "| gan | dcgan28 | 10.50 ± 4.24; collapsed: seed 1 (252.60) | 3/3 |" in table
    assert "above 10x the median domain FD of the table's nsgan runs" in table


def test_table_is_mean_and_std_over_finished_seeds_and_flags_objectives_that_do_not_train(
        tiny_suite, tmp_path):
    records = [_record("nsgan", 0, 6.0), _record("nsgan", 1, 8.0), _record("nsgan", 2, 7.0),
               _record("ebgan", 0, 30.0), _record("ebgan", 1, None, status="diverged")]
    document = report.results(tiny_suite, 2, records,
                              "python -m tfgan_suite.reproduce --suite=tiny --workdir=/home/me/runs/tiny")
    nsgan = document["summary"]["nsgan"]["metrics"]["domain_fd"]
    assert nsgan["mean"] == pytest.approx(7.0) and nsgan["std"] == pytest.approx(1.0)
    assert document["summary"]["ebgan"]["ok"] == 1 and document["summary"]["ebgan"]["runs"] == 2
    assert report.does_not_train(document["summary"]) == ["ebgan"]  # 30 > 3 x 7
    table = report.markdown_table(document)
    assert "| nsgan | dcgan28 | 7.00 ± 1.00 | 3/3 | 1.0 | 5.0 |" in table  # 30-90 s, load 4-6
    assert "on 2 CPU cores" in table
    # the reader's command names no directory of the machine that ran it; the JSON keeps it
    assert "Command: `python -m tfgan_suite.reproduce --suite=tiny --workdir=DIR`" in table
    assert document["command"].endswith("--workdir=/home/me/runs/tiny")
    assert "| ebgan (see notes) | dcgan28 | 30.00 |" in table and "| 1/2 |" in table
    # published: docs/results.md regenerated from every JSON, with the suite's notes
    workdir = tmp_path / "work"
    os.makedirs(workdir)
    report.write(str(workdir), document)
    docs = tmp_path / "docs"
    os.makedirs(docs / "results")
    (docs / "results" / "tiny.notes.md").write_text("ebgan: a note with evidence.")
    other = dict(document, suite="another")
    sweep.write_json_atomic(str(docs / "results" / "another.json"), other)
    sweep.write_json_atomic(str(docs / "results" / "other_tool.json"), {"accuracy": 0.9})
    markdown = open(report.publish(str(workdir), str(docs))).read()
    published = json.load(open(docs / "results" / "tiny.json"))
    assert published["summary"] == json.loads(json.dumps(document["summary"]))
    # records without a stored thread count are published with threads: null and the reason
    from tfgan_suite.reproduce import recheck

    assert {(r["threads"], r["threads_source"]) for r in published["records"]} == {
        (None, recheck.UNRECORDED)}
    assert markdown.index("## another") < markdown.index("## tiny") < markdown.index("a note with")
    assert markdown.count("7.00 ± 1.00") == 2
    assert markdown.index("| nsgan |") < markdown.index("| ebgan")  # the suite's order, not sorted


def test_technique_rows_are_compared_with_the_suites_row_without_a_technique():
    # limited-data rows are "<objective>_<technique>": the rules compare with nsgan_none's median 7
    suite = suites.get("limited_mnist")
    assert suite.baseline == "nsgan_none" and suites.get("limited_mnist_bcr").baseline in (
        suites.get("limited_mnist_bcr").objectives)
    records = [_record("nsgan_none", 0, 6.0), _record("nsgan_none", 1, 8.0),
               _record("nsgan_none", 2, 7.0), _record("nsgan_bcr", 0, 25.0),
               _record("nsgan_bcr", 1, 71.0), _record("hinge_none", 0, 5.0)]
    document = report.results(suite, 2, records, "cmd")
    assert document["baseline"] == "nsgan_none"
    assert document["summary"]["nsgan_bcr"]["collapsed"] == [{"seed": 1, "domain_fd": 71.0}]
    assert report.does_not_train(document["summary"], "nsgan_none") == ["nsgan_bcr"]  # 25 > 21
    table = report.markdown_table(document)
    assert "| nsgan_bcr (see notes) | dcgan28 | 25.00; collapsed: seed 1 (71.00) |" in table
    assert "| hinge_none | dcgan28 | 5.00 |" in table
    assert "the table's nsgan_none runs" in table
    # a document published before the field existed takes its suite's baseline
    old = {k: v for k, v in document.items() if k != "baseline"}
    assert report.markdown_table(old) == table


def test_stacked_mnist_table_prints_the_published_anchors():
    suite = suites.get("stacked_mnist")
    assert [(a["method"], a["modes"], a["kl"]) for a in suite.anchors] == [
        ("DCGAN", 99.0, 3.40), ("VEEGAN", 150.0, 2.95), ("DCGAN (PacGAN's)", 78.9, 4.50),
        ("PacDCGAN2", 1000.0, 0.06)]
    records = [dict(_record("nsgan", 0, None), metrics={"modes": 950.0, "kl": 0.3})]
    table = report.markdown_table(report.results(suite, 2, records, "cmd"))
    assert "| nsgan | dcgan28 | 950.0 | 0.300 |" in table and "| VEEGAN | 150 | 2.95 |" in table


def test_cli_rejects_a_bad_suite_in_one_line(tmp_path):
    result = subprocess.run([sys.executable, "-m", "tfgan_suite.reproduce", "--suite=bogus",
                             f"--workdir={tmp_path}"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        "error: unknown suite 'bogus'; valid choices: mnist, fashion_mnist, stacked_mnist, cifar10, "
        "ring8, grid25, lucic_mnist, lucic_fashion_mnist, limited_mnist, limited_fashion_mnist, "
        "limited_mnist_bcr, lucic_mnist_settings")
    assert not os.listdir(tmp_path)


def test_every_suite_objective_has_a_buildable_configuration():
    from tfgan_suite import models

    for suite in suites.SUITES.values():
        for objective in suite.objectives:
            fields = suite.train_fields(objective)
            models.specs(fields["model"], **fields["model_options"])
    sgan = suites.get("stacked_mnist").train_fields("sgan")
    assert (sgan["loss"], sgan["ensemble"], sgan["num_pairs"]) == ("nsgan", "sgan", 5)
    with pytest.raises(ValueError, match="unknown objective 'bogus'; valid choices: gan, "):
        suites.get("mnist").train_fields("bogus")


def test_toy_suites_score_mode_coverage_of_the_mixture():
    import numpy as np

    from tfgan_suite.data import toy

    scorer = runner.Scorer(suites.get("grid25"))
    real = scorer.score(toy.grid25(2500, seed=3))
    assert real["modes"] == 25 and real["high_quality"] > 0.99 and real["kl"] < 0.02
    collapsed = np.repeat([[2.0, -4.0]], 2500, axis=0)  # every sample on one mean
    assert scorer.score(collapsed) == {"modes": 1.0, "high_quality": 1.0,
                                       "kl": pytest.approx(np.log(25))}
    nowhere = scorer.score(np.full((2500, 2), 1.0))  # between means: no high-quality sample
    assert nowhere["modes"] == 0 and nowhere["high_quality"] == 0 and np.isnan(nowhere["kl"])


def test_toy_suite_runs_sgan_against_a_gan_end_to_end(monkeypatch, tmp_path):
    suite = dataclasses.replace(suites.get("ring8"), name="tiny_ring8", steps=20,
                                protocol=dataclasses.replace(suites.get("ring8").protocol,
                                                             num_generated=300))
    monkeypatch.setitem(suites.SUITES, "tiny_ring8", suite)
    counts = _run_all(suite, tmp_path, ["nsgan", "sgan"], [0])
    assert counts["ran"] == 2
    for objective in ("nsgan", "sgan"):
        record = sweep.read_json(tmp_path / "runs" / f"seed0__{objective}.json")
        assert record["status"] in ("ok", "diverged"), record["error"]
        assert record["model"] == "toy_mlp" and record["protocol"]["kind"] == "toy_modes"
        assert set(record["metrics"]) == {"modes", "high_quality", "kl"}
        assert 0 <= record["metrics"]["modes"] <= 8 and record["score"] == record["metrics"]["modes"]
        assert os.path.getsize(tmp_path / "samples" / f"seed0__{objective}.png") > 1000  # scatter
    assert "--ensemble=sgan" in sweep.read_json(tmp_path / "runs" / "seed0__sgan.json")["train_command"]
    # training drew scatter plots of the points (a grid of 2-D samples cannot be drawn)
    assert os.path.exists(tmp_path / "train" / "nsgan__seed0" / "samples" / "samples_final.png")
    assert os.path.exists(tmp_path / "train" / "sgan__seed0" / "samples" / "ensemble_final.png")
    # the scored draw is the generator's raw points, not clipped like images
    points = runner.load_generated(str(tmp_path / "train" / "nsgan__seed0" / "generator"), 300, 1)
    assert points.shape == (300, 2)


def test_recheck_compares_a_rerun_with_the_published_seeds_spread(monkeypatch):
    from tfgan_suite.errors import UserInputError
    from tfgan_suite.reproduce import recheck

    assert recheck.parse_runs(["nsgan:0", " rep:2"]) == [("nsgan", 0), ("rep", 2)]
    with pytest.raises(UserInputError, match="objective:seed pairs such as nsgan:0, got 'nsgan'"):
        recheck.parse_runs(["nsgan"])
    records = [dict(_record("nsgan", s, fd), score=fd) for s, fd in ((0, 6.0), (1, 7.0), (2, 8.0))]
    records.append(dict(_record("nsgan", 3, None, status="diverged"), score=None))
    low, high, values = recheck.seed_spread(records, "nsgan")
    assert values == [6.0, 7.0, 8.0] and (low, high) == (5.0, 9.0)  # [min - std, max + std]
    # a record's command repeats its TF thread count; the re-run uses the record's unless told
    monkeypatch.setenv("TF_NUM_INTRAOP_THREADS", "3")  # what --threads=3 sets before TF starts
    assert runner.tensorflow_threads() == 3
    command = runner.reproduce_command("mnist", "old", "nsgan", 0, 2000, threads=1)
    assert command == ("python -m tfgan_suite.reproduce --suite=mnist --workdir=old "
                       "--objectives=nsgan --seeds=0 --steps=2000 --threads=1")
    args = recheck.rerun_command(command, "new", threads=2)
    assert args[0] == sys.executable and "--workdir=old" not in args and "--workdir=new" in args
    assert "--threads=1" not in args and args[-1] == "--threads=2"
    # an execution path asked for is in the command; a re-run takes the record's path
    command = runner.reproduce_command("mnist", "old", "nsgan", 0, 2000, threads=1,
                                       jit_compile="true")
    assert command.endswith("--threads=1 --jit_compile=true")
    args = recheck.rerun_command(command, "new", threads=1, jit_compile=False)
    assert "--jit_compile=true" not in args and args[-1] == "--jit_compile=false"
    assert recheck.run_path({}) == (False, 1)  # before the field: no XLA, one step per call
    assert recheck.record_threads({"threads": 0}) == 0
    assert recheck.record_threads({}) is None  # written before the runner stored it: unknown
    table = report.recheck_table({"rule": "r", "command": "c", "checks": [
        {"objective": "nsgan", "seed": 0, "published": 6.0, "rerun": 9.5, "abs_difference": 3.5,
         "spread": [5.0, 9.0], "within_spread": False, "threads": 0, "published_threads": 1},
        {"objective": "nsgan", "seed": 0, "published": 6.0, "rerun": 6.0, "abs_difference": 0.0,
         "spread": [5.0, 9.0], "within_spread": True, "threads": 1, "published_threads": 1,
         "jit_compile": False, "steps_per_execution": 10, "published_path": [False, 1]}]})
    assert ("| nsgan seed 0 | TF default (1) | plain, 1 step/call (plain, 1 step/call) | 6 | 9.500 "
            "| 3.500 | [5, 9] | **no** |") in table  # a row written before the path fields
    assert ("| nsgan seed 0 | 1 (1) | plain, 10 steps/call (plain, 1 step/call) | 6 | 6 | 0 | "
            "[5, 9] | yes |") in table
    # a re-run on another path is a row of its own
    assert recheck.check_key({"objective": "nsgan", "seed": 0, "threads": 1}) != recheck.check_key(
        {"objective": "nsgan", "seed": 0, "threads": 1, "steps_per_execution": 10})


def test_a_record_gets_a_thread_count_only_from_the_runner_or_a_rerun_that_gave_its_score_again():
    from tfgan_suite.reproduce import recheck

    record = {"suite": "mnist", "objective": "nsgan", "seed": 0, "score": 6.703847003684419}
    row = {"objective": "nsgan", "seed": 0, "published": record["score"]}
    # no re-run, or re-runs that did not give the score again (another thread count: 0.13 off)
    assert recheck.thread_provenance(record, []) == (None, recheck.UNRECORDED)
    other = dict(row, threads=0, rerun=6.834282683519547)
    assert recheck.thread_provenance(record, [other])[0] is None
    # a re-run with one thread that gave it to 1e-12 establishes 1, and says how
    same = dict(row, threads=1, rerun=record["score"] + 4e-12)
    threads, source = recheck.thread_provenance(record, [other, same])
    assert threads == 1 and "--threads=1" in source and "mnist.recheck.json" in source
    # two counts that both "reproduce" it establish neither; whole-number scores never count
    assert recheck.thread_provenance(record, [same, dict(same, threads=2)])[0] is None
    modes = dict(record, score=909.0)
    assert recheck.thread_provenance(modes, [dict(row, threads=1, rerun=909.0)])[0] is None
    # the runner's own count stays
    stored = dict(record, threads=0, threads_source=runner.RUNNER_THREADS)
    assert recheck.thread_provenance(stored, [same]) == (0, runner.RUNNER_THREADS)
    # stamping writes both fields and the check rows' published_threads
    document = {"records": [dict(record), dict(record, seed=1)]}
    checks = [dict(same), dict(row, seed=1, threads=1, rerun=1.0, published_threads=1)]
    assert recheck.stamp_threads(document, checks) == 1
    assert [r["threads"] for r in document["records"]] == [1, None]
    assert [c["published_threads"] for c in checks] == [1, None]
    # a record of unknown count is re-run only with an explicit --threads
    from tfgan_suite.errors import UserInputError
    with pytest.raises(UserInputError, match="does not store its TensorFlow thread count"):
        recheck.check({"suite": "mnist", "records": [dict(record, threads=None, status="ok")]},
                      "nsgan", 0, "unused")


def test_published_records_store_their_thread_count_as_established_by_the_checks():
    """Every record of docs/results/<suite>.json has ``threads`` (``null`` when unknown) and
    ``threads_source``, and they are what recheck.thread_provenance derives: never typed."""
    from pathlib import Path

    from tfgan_suite.reproduce import recheck

    results = Path(__file__).resolve().parents[1] / "docs" / "results"
    known = total = 0
    for path in sorted(results.glob("*.json")):
        document = json.loads(path.read_text())
        if not {"suite", "summary", "protocol"} <= set(document):
            continue
        checks_path = results / f"{document['suite']}.recheck.json"
        checks = json.loads(checks_path.read_text())["checks"] if checks_path.exists() else []
        by_run = {(r["objective"], r["seed"]): r for r in document["records"]}
        for record in document["records"]:
            assert {"threads", "threads_source"} <= set(record), (path.name, record["objective"])
            assert (record["threads"], record["threads_source"]) == recheck.thread_provenance(
                record, checks), (path.name, record["objective"], record["seed"])
            known += record["threads"] is not None
            total += 1
        for row in checks:
            assert row["published_threads"] == by_run[(row["objective"], row["seed"])]["threads"]
    assert total >= 110 and known >= 4


def test_sgan_generators_table_lists_the_global_and_every_local_generator():
    document = {"num_samples": 2500, "command": "cmd", "runs": [{"seed": 2, "generators": [
        {"generator": "G_0", "modes": 1, "high_quality": 1.0, "kl": 2.08},
        {"generator": "G_1", "modes": 3, "high_quality": 0.71, "kl": 1.0},
        {"generator": "G_2", "modes": 8, "high_quality": 0.92, "kl": 0.1}]}]}
    table = report.sgan_generators_table(document)
    assert "| seed | G_0 (scored above) | G_1 | G_2 | mean of the G_i |" in table
    assert "| 2 | 1 (1.00) | 3 (0.71) | 8 (0.92) | 5.5 |" in table


def test_from_published_continues_a_suite_from_its_committed_records(tiny_suite, tmp_path):
    """A suite longer than one machine's life: the records published by one session are restored
    into the next session's new workdir (never over a record there), its grid comes back, and the
    table published again from them is the same table."""
    first, docs = tmp_path / "first", tmp_path / "docs"
    records = [dict(_record("nsgan", seed, fd), protocol=tiny_suite.protocol.describe(), threads=1,
                    threads_source=runner.RUNNER_THREADS) for seed, fd in ((0, 6.0), (1, 8.0))]
    for record in records:
        sweep.write_json_atomic(sweep.run_path(str(first), f"seed{record['seed']}", "nsgan"), record)
    os.makedirs(first / "samples")
    with open(first / "samples" / "seed0__nsgan.png", "wb") as f:
        f.write(b"grid of seed 0")
    document = report.results(tiny_suite, 2, records, "python -m tfgan_suite.reproduce --suite=tiny")
    report.write(str(first), document)
    report.publish(str(first), str(docs))

    second = tmp_path / "second"
    runner.bind_workdir(str(second), tiny_suite, 2)
    kept = dict(_record("nsgan", 1, 9.5), protocol=tiny_suite.protocol.describe())
    sweep.write_json_atomic(sweep.run_path(str(second), "seed1", "nsgan"), kept)  # ran here already
    published = runner.published_records(tiny_suite, 2, str(docs))
    assert [r["seed"] for r in published] == [0, 1]
    assert runner.restore_published(str(second), tiny_suite, published, str(docs)) == 1
    assert sweep.read_json(sweep.run_path(str(second), "seed0", "nsgan")) == records[0]
    assert sweep.read_json(sweep.run_path(str(second), "seed1", "nsgan"))["metrics"]["domain_fd"] == 9.5
    with open(second / "samples" / "seed0__nsgan.png", "rb") as f:
        assert f.read() == b"grid of seed 0"
    # the runs left to do are only the missing ones
    specs = [{"arch_id": f"seed{s}", "seed": s} for s in (0, 1, 2)]
    assert sweep.pending_jobs(str(second), sweep.make_jobs([s["arch_id"] for s in specs], ["nsgan"])) \
        == [("seed2", "nsgan")]
    with pytest.raises(ValueError, match=r"other settings: steps=2 \(now 3\); .*--from_published"):
        runner.published_records(tiny_suite, 3, str(docs))
    assert runner.published_records(dataclasses.replace(tiny_suite, name="absent"), 2, str(docs)) == []


def test_a_path_asked_for_is_the_path_run_and_its_command_says_so(tiny_suite, tmp_path):
    """``--jit_compile=true`` is obeyed and kept in the record's command, so a re-run by that
    command takes the same path."""
    record = runner.run_one(tiny_suite, "nsgan", 0, tiny_suite.steps, str(tmp_path),
                            runner.Scorer(tiny_suite), jit_compile="true")
    assert record["status"] == "ok", record["error"]
    assert record["jit_compile"] is True and record["command"].endswith("--jit_compile=true")
