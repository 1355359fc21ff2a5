"""Re-runs published records by their own command and checks the metric against its seeds' spread.

    python -m tfgan_suite.reproduce.recheck --suite=mnist --runs=nsgan:0,rep:1 --workdir=DIR
        [--threads=T] [--docs_dir=docs]

For each ``objective:seed``, reads the record in ``docs/results/<suite>.json``, runs its ``command``
(``python -m tfgan_suite.reproduce ...``) with ``--workdir`` replaced by
``DIR/<objective>__seed<k>__threads<t>`` (resumed when run again) and TensorFlow's intra-op threads
set to the record's own (``--threads``: another count changes the order of floating-point sums, so
the re-run then measures run-to-run noise as well as the command), and compares the new primary
metric with the published one and with the spread of the objective's published seeds:
``[min - std, max + std]`` over the seeds that finished.
Writes ``docs/results/<suite>.recheck.json``; ``docs/results.md`` shows it under the suite's table.
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
                       "Default: the record's own (its `threads`; records without it ran with 1).",
                       lower_bound=0)


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


def rerun_command(command, workdir, threads):
    """The record's command as an argument list, with its ``--workdir`` and ``--threads`` replaced."""
    args = [a for a in shlex.split(command) if not a.startswith(("--workdir=", "--threads="))]
    if args[:1] == ["python"]:
        args[0] = sys.executable
    return args + [f"--workdir={workdir}", "--progress=false", f"--threads={threads}"]


def record_threads(record):
    """The TF thread count a record ran with; records written before the field ran with 1 (two
    workers on the 2-core machine that made every published table)."""
    return record.get("threads", 1)


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
    threads = published_threads if threads is None else threads
    run_dir = os.path.join(workdir, f"{objective}__seed{seed}__threads{threads}")
    args = rerun_command(published["command"], run_dir, threads)
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

    runs = parse_runs(FLAGS.runs)
    path = os.path.join(FLAGS.docs_dir, "results", f"{FLAGS.suite}.json")
    if not FLAGS.suite or not os.path.exists(path):
        raise UserInputError(f"--suite={FLAGS.suite!r} has no published results at {path}")
    if not FLAGS.workdir:
        raise UserInputError("--workdir is required (a directory for the re-runs)")
    document = sweep.read_json(path)
    out_path = os.path.join(FLAGS.docs_dir, "results", f"{FLAGS.suite}.recheck.json")
    done = sweep.read_json(out_path)["checks"] if os.path.exists(out_path) else []
    for objective, seed in runs:
        row = check(document, objective, seed, FLAGS.workdir, FLAGS.threads)
        done = [r for r in done if check_key(r) != check_key(row)] + [row]
        print(f"{objective}:{seed} published {row['published']} re-run {row['rerun']} "
              f"seeds' spread {row['spread']} within: {row['within_spread']}", flush=True)
        sweep.write_json_atomic(out_path, {
            "suite": FLAGS.suite, "rule": "[min - std, max + std] of the published seeds",
            "command": f"python -m tfgan_suite.reproduce.recheck --suite={FLAGS.suite} "
                       f"--runs=<objective:seed,...> --workdir=DIR", "checks": done})
    print(f"written: {out_path}; regenerated: {report.regenerate_docs(FLAGS.docs_dir)}")
    return 0


if __name__ == "__main__":
    run_app(main, FLAGS)
