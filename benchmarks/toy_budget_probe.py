"""How many updates the single GAN of the ring8 / grid25 suites needs: their nsgan row (seed 0)
trained and scored like the suite's table at several budgets.

    python benchmarks/toy_budget_probe.py [--budgets=ring8:2500,5000,10000,20000]
        [--budgets=grid25:2500,5000,10000,20000,40000] [--workdir=runs/toy_budget_probe]
        [--threads=1] [--jit_compile=auto|true|false] [--output=docs/measurements/toy_budget_probe.json]
    python benchmarks/toy_budget_probe.py --markdown=docs/measurements/toy_budget_probe.json

Each (suite, budget) is one ``python -m tfgan_suite.reproduce --suite=S --objectives=nsgan
--seeds=0 --steps=N`` in its own workdir (a killed probe resumes); the record keeps each run's
record (command, scores, times, load, and the execution path the default ``auto`` chose: XLA for
these dense networks from 10,000 updates, ``training.execution.DENSE_XLA_MIN_STEPS``) and
``--markdown`` prints the table of docs/results/grid25.notes.md from it. ``--jit_compile`` other than
``auto`` asks every run for that path (``false``: the path of the suites' records at every budget;
such runs get their own workdirs, ``<suite>_<N>_jit<value>``).
"""
import argparse
import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

from tfgan_suite.utils.cli import bounded_int

DEFAULT_BUDGETS = ("ring8:2500,5000,10000,20000", "grid25:2500,5000,10000,20000,40000")


def parse_budgets(values):
    """``["ring8:2500,5000", ...]`` -> ``[("ring8", 2500), ("ring8", 5000), ...]``."""
    pairs = []
    for value in values:
        suite, _, budgets = value.partition(":")
        steps = [n.strip() for n in budgets.split(",") if n.strip()]
        if not steps or not all(n.isdigit() and int(n) > 0 for n in steps):
            raise SystemExit(f"--budgets={value!r}: expected SUITE:N[,N...] with positive whole "
                             "numbers N, e.g. ring8:2500,5000")
        pairs += [(suite, int(n)) for n in steps]
    return pairs


def probe(suite, steps, workdir, threads, jit_compile="auto"):
    """The nsgan seed-0 record of ``suite`` at ``steps`` updates (trained unless already there)."""
    path_asked = "" if jit_compile == "auto" else f"_jit{jit_compile}"
    run_dir = Path(workdir) / f"{suite}_{steps}{path_asked}"
    record_path = run_dir / "runs" / "seed0__nsgan.json"
    if not record_path.exists():
        subprocess.run([sys.executable, "-m", "tfgan_suite.reproduce", f"--suite={suite}",
                        f"--workdir={run_dir}", "--objectives=nsgan", "--seeds=0",
                        f"--steps={steps}", f"--threads={threads}", "--noprogress",
                        "--nosummarize"] + ([f"--jit_compile={jit_compile}"] if path_asked else []),
                       check=True)
    return json.loads(record_path.read_text())


def markdown(result):
    """The table of the notes: one row per (suite, budget)."""
    lines = ["| data | updates | XLA | modes covered | high-quality fraction | KL to uniform |",
             "|---|---|---|---|---|---|"]
    for row in result["probes"]:
        metrics = row["metrics"]
        kl = "-" if metrics.get("kl") is None else f"{metrics['kl']:.3f}"
        lines.append(f"| {row['suite']} | {row['steps']:,} | {'on' if row['jit_compile'] else 'off'} | "
                     f"{metrics['modes']:.0f} | {metrics['high_quality']:.3f} | {kl} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budgets", action="append", default=None,
                        help="SUITE:N[,N...] (repeatable)")
    parser.add_argument("--workdir", default="runs/toy_budget_probe")
    parser.add_argument("--threads", type=bounded_int(0), default=1,
                        help="TensorFlow threads per run (0: its default)")
    parser.add_argument("--jit_compile", choices=("auto", "true", "false"), default="auto",
                        help="execution path asked of every run (auto: the default's choice)")
    parser.add_argument("--output", default=None)
    parser.add_argument("--markdown", default=None, help="only print this record's table")
    args = parser.parse_args()
    if args.markdown:
        print(markdown(json.loads(Path(args.markdown).read_text())))
        return
    from tfgan_suite.errors import UserInputError
    from tfgan_suite.reproduce import suites
    from tfgan_suite.utils.machine import load_average, write_record

    budgets = parse_budgets(args.budgets or DEFAULT_BUDGETS)
    for suite in {suite for suite, _ in budgets}:  # before any run: one line naming the choices
        try:
            suites.get(suite)
        except UserInputError as error:
            raise SystemExit(f"--budgets: {error}") from None
    result = {"command": "python " + " ".join(
        [os.path.relpath(__file__, Path(__file__).resolve().parents[1])] + sys.argv[1:]),
        "date": datetime.date.today().isoformat(), "load_start": load_average(), "probes": []}
    for suite, steps in budgets:
        record = probe(suite, steps, args.workdir, args.threads, args.jit_compile)
        keep = ("suite", "objective", "seed", "steps", "metrics", "status", "command",
                "train_time_s", "wall_time_s", "threads", "load_average", "jit_compile")
        result["probes"].append({k: record.get(k) for k in keep})
        print(markdown({"probes": result["probes"][-1:]}).splitlines()[-1], flush=True)
    result["load_end"] = load_average()
    print(markdown(result))
    if args.output:
        write_record(args.output, result)


if __name__ == "__main__":
    main()
