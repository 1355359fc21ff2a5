"""Re-runs published records by their own command and checks the metric against its seeds' spread.

    python -m tfgan_suite.reproduce.recheck --suite=mnist --runs=nsgan:0,rep:1 --workdir=DIR
        [--threads=T] [--docs_dir=docs]

For each ``objective:seed``, reads the record in ``docs/results/<suite>.json``, runs its ``command``
(``python -m tfgan_suite.reproduce ...``) with ``--workdir`` replaced by
``DIR/<objective>__seed<k>__threads<t>`` (resumed when run again) and TensorFlow's intra-op threads
set to the record's own (``--threads``: another count changes the order of floating-point sums, so
the re-run then measures run-to-run noise as well as the command) and on the record's own
execution path (``--jit_compile`` of its ``jit_compile``; without XLA for records made before the
field), and compares the new primary
metric with the published one and with the spread of the objective's published seeds:
``[min - std, max + std]`` over the seeds that finished.
Writes ``docs/results/<suite>.recheck.json``; ``docs/results.md`` shows it under the suite's table.

Each published record then gets its TensorFlow thread count where it is established (``threads``,
``threads_source``, :func:`thread_provenance`): the runner records it since commit 866aadd; for the
records written before, only a re-run with a known count that gave the record's score again
establishes it, otherwise ``threads`` is ``null`` with the reason. A record without a known count is
re-run only with an explicit ``--threads``. ``--stamp_only`` writes those fields without re-running.
"""
import os
import shlex
import statistics
import subprocess
import sys

from absl import app, flags

from tfgan_suite.utils.cli import FlagDefiner, run_app, run_quietly

FLAGS = flags.FlagValues()
_define = FlagDefiner(FLAGS)
_define.DEFINE_string("suite", None, "A published suite (docs/results/<suite>.json).")
_define.DEFINE_list("runs", None, "objective:seed pairs to run again, e.g. nsgan:0,rep:1.")
_define.DEFINE_string("workdir", None, "Directory for the re-runs (resumed).")
_define.DEFINE_string("docs_dir", "docs", "The repository's docs directory.")
_define.DEFINE_integer("threads", None, "TensorFlow intra-op threads of the re-runs (0: TF's default). "
                       "Default: the record's own `threads`; required for a record whose count is unknown.",
                       lower_bound=0)
_define.DEFINE_bool("stamp_only", False, "Only write each published record's `threads` and "
                    "`threads_source` from the committed re-run checks (no re-run, no --runs).")

# A re-run "gives the record's score again" within this relative difference: runs with another thread
# count moved the published scores by 1e-3 or more (docs/results/*.recheck.json), runs with the same
# count by 0 on the same execution path and ~1e-12 on another.
REPRODUCED = 1e-9
# Why a record written before the runner stored its thread count (commit 866aadd) has none.
UNRECORDED = ("unknown: written before the runner stored its thread count (commit 866aadd). At the "
              "producing commits a `--num_workers=2` launch gave each worker `--threads=1` "
              "(bogonet/sweep.py launch_workers) and a single-process launch kept TensorFlow's "
              "default; the record does not say which launch produced it, and no re-run with a known "
              "count gave its score again")


def parse_runs(values):
    """``["nsgan:0", ...]`` -> ``[("nsgan", 0), ...]``; one UserInputError naming a bad entry."""
    from tfgan_suite.errors import UserInputError

    runs = []
    for value in values or ():
        objective, _, seed = value.partition(":")
        if not objective or not seed.strip().lstrip("-").isdigit():
            raise UserInputError(f"--runs expects objective:seed pairs such as nsgan:0, got {value!r}")
        runs.append((objective.strip(), int(seed)))
    if not runs:
        raise UserInputError("--runs is required, e.g. --runs=nsgan:0,rep:1")
    return runs


def seed_spread(records, objective):
    """``(low, high, values)``: the published seeds' [min - std, max + std] of the primary metric."""
    values = [r["score"] for r in records
              if r["objective"] == objective and r["status"] == "ok" and r.get("score") is not None]
    if not values:
        return None, None, values
    std = statistics.stdev(values) if len(values) > 1 else 0.0
    return min(values) - std, max(values) + std, values


def rerun_command(command, workdir, threads, jit_compile=None):
    """The record's command as an argument list, with its ``--workdir`` and ``--threads`` replaced,
    and its execution path fixed when ``jit_compile`` (the record's, :func:`run_path`) is given: the
    default path of a network may have changed since the record was made, and XLA draws another
    random stream."""
    args = [a for a in shlex.split(command)
            if not a.startswith(("--workdir=", "--threads=", "--jit_compile="))]
    if args[:1] == ["python"]:
        args[0] = sys.executable
    path = [] if jit_compile is None else [f"--jit_compile={str(bool(jit_compile)).lower()}"]
    return args + [f"--workdir={workdir}", "--progress=false", f"--threads={threads}"] + path


def record_threads(record):
    """The TF intra-op thread count a record ran with (0: TensorFlow's default), ``None`` when it is
    not known (records written before the runner stored it, unless a re-run established it)."""
    return record.get("threads")


def reproduces(row, record):
    """Whether the re-run of ``row`` gave ``record``'s score again (within :data:`REPRODUCED`).
    Whole-number scores (mode counts) never count: another thread count can give the same count."""
    published, rerun = record.get("score"), row.get("rerun")
    if published is None or rerun is None or float(published).is_integer():
        return False
    return abs(rerun - published) <= REPRODUCED * max(1.0, abs(published))


def thread_provenance(record, checks):
    """``(threads, threads_source)`` of a published record, given its suite's re-run checks.

    A count the runner stored stays (its source says so). Otherwise the count is established only
    by a re-run with a known count that gave the record's score again; else ``(None, reason)``.
    """
    if record.get("threads") is not None and str(record.get("threads_source", "runner")).startswith(
            "runner"):
        return record["threads"], record.get("threads_source", "runner: stored when the run was made")
    counts = sorted({row["threads"] for row in checks
                     if (row["objective"], row["seed"]) == (record["objective"], record["seed"])
                     and row.get("threads") is not None and reproduces(row, record)})
    if len(counts) == 1:
        rows = [row for row in checks if (row["objective"], row["seed"]) == (record["objective"],
                record["seed"]) and row.get("threads") == counts[0] and reproduces(row, record)]
        worst = max(abs(row["rerun"] - record["score"]) for row in rows)
        return counts[0], (f"re-run: {len(rows)} re-run(s) with --threads={counts[0]} gave the "
                           f"record's score again (largest difference {worst:.1e}; "
                           f"docs/results/{record['suite']}.recheck.json)")
    return None, UNRECORDED


def stamp_threads(document, checks):
    """Writes ``threads``/``threads_source`` into every record of ``document`` and the record's count
    into each check row's ``published_threads``; returns how many records have a known count."""
    for record in document["records"]:
        record["threads"], record["threads_source"] = thread_provenance(record, checks)
    by_run = {(r["objective"], r["seed"]): r for r in document["records"]}
    for row in checks:
        record = by_run.get((row["objective"], row["seed"]))
        if record is not None:
            row["published_threads"] = record["threads"]
    return sum(r["threads"] is not None for r in document["records"])


def run_path(record):
    """``(jit_compile, steps_per_execution)`` a record ran with (``training.execution``); records
    written before those fields ran without XLA, one step per call."""
    return bool(record.get("jit_compile", False)), int(record.get("steps_per_execution", 1))


def check_key(row):
    """Rows of ``<suite>.recheck.json`` are one per run, thread count (rows written before the
    field ran with TF's default, 0) and execution path."""
    return row["objective"], row["seed"], row.get("threads", 0), run_path(row)


def check(document, objective, seed, workdir, threads=None):
    """Runs one published record again; returns the comparison row."""
    from tfgan_suite.bogonet import sweep
    from tfgan_suite.errors import UserInputError

    matches = [r for r in document["records"] if (r["objective"], r["seed"]) == (objective, seed)]
    if not matches:
        have = sorted(f"{r['objective']}:{r['seed']}" for r in document["records"])
        raise UserInputError(f"no published {document['suite']} record {objective}:{seed}; "
                             f"valid choices: {', '.join(have)}")
    published = matches[0]
    published_threads = record_threads(published)
    if threads is None and published_threads is None:
        raise UserInputError(f"{document['suite']} record {objective}:{seed} does not store its "
                             f"TensorFlow thread count (see its threads_source); pass --threads=N "
                             f"(0: TensorFlow's default)")
    threads = published_threads if threads is None else threads
    run_dir = os.path.join(workdir, f"{objective}__seed{seed}__threads{threads}")
    args = rerun_command(published["command"], run_dir, threads, run_path(published)[0])
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    record_path = os.path.join(run_dir, "runs", f"seed{seed}__{objective}.json")
    if result.returncode != 0 or not os.path.exists(record_path):
        raise RuntimeError(f"re-run of {objective}:{seed} failed ({result.returncode}): "
                           f"{result.stderr.strip().splitlines()[-1:] or ''}")
    rerun = sweep.read_json(record_path)
    if rerun["status"] == "error":
        raise RuntimeError(f"re-run of {objective}:{seed} failed: {rerun['error']} (record: "
                           f"{record_path}; remove it to try again)")
    low, high, values = seed_spread(document["records"], objective)
    score = rerun.get("score")
    return {"objective": objective, "seed": seed, "command": published["command"],
            "threads": threads, "published_threads": published_threads,
            "published": published.get("score"), "rerun": score,
            "abs_difference": (abs(score - published["score"]) if None not in
                               (score, published.get("score")) else None),
            "seed_values": values, "spread": [low, high],
            "within_spread": bool(score is not None and low is not None and low <= score <= high),
            "rerun_status": rerun["status"], "rerun_wall_time_s": rerun["wall_time_s"],
            "jit_compile": run_path(rerun)[0], "steps_per_execution": run_path(rerun)[1],
            "published_path": list(run_path(published))}


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"unexpected arguments: {' '.join(argv[1:])}")
    return run_quietly(_main)


def _main():
    from tfgan_suite.bogonet import sweep
    from tfgan_suite.errors import UserInputError
    from tfgan_suite.reproduce import report

    path = os.path.join(FLAGS.docs_dir, "results", f"{FLAGS.suite}.json")
    if not FLAGS.suite or not os.path.exists(path):
        raise UserInputError(f"--suite={FLAGS.suite!r} has no published results at {path}")
    document = sweep.read_json(path)
    out_path = os.path.join(FLAGS.docs_dir, "results", f"{FLAGS.suite}.recheck.json")
    done = sweep.read_json(out_path)["checks"] if os.path.exists(out_path) else []
    if FLAGS.stamp_only:
        known = stamp_threads(document, done)
        sweep.write_json_atomic(path, document)
        if os.path.exists(out_path):
            sweep.write_json_atomic(out_path, {**sweep.read_json(out_path), "checks": done})
        print(f"{FLAGS.suite}: {known} of {len(document['records'])} records have a known thread "
              f"count; written: {path}; regenerated: {report.regenerate_docs(FLAGS.docs_dir)}")
        return 0
    runs = parse_runs(FLAGS.runs)
    if not FLAGS.workdir:
        raise UserInputError("--workdir is required (a directory for the re-runs)")
    for objective, seed in runs:
        row = check(document, objective, seed, FLAGS.workdir, FLAGS.threads)
        done = [r for r in done if check_key(r) != check_key(row)] + [row]
        print(f"{objective}:{seed} published {row['published']} re-run {row['rerun']} "
              f"seeds' spread {row['spread']} within: {row['within_spread']}", flush=True)
        stamp_threads(document, done)  # a re-run that gave a record's score again establishes its count
        sweep.write_json_atomic(path, document)
        sweep.write_json_atomic(out_path, {
            "suite": FLAGS.suite, "rule": "[min - std, max + std] of the published seeds",
            "command": f"python -m tfgan_suite.reproduce.recheck --suite={FLAGS.suite} "
                       f"--runs=<objective:seed,...> --workdir=DIR", "checks": done})
    print(f"written: {out_path}; regenerated: {report.regenerate_docs(FLAGS.docs_dir)}")
    return 0


if __name__ == "__main__":
    run_app(main, FLAGS)
