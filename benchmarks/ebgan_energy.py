"""EBGAN's energy and margin on MNIST: the old per-pixel mean-square energy (old margin, and the paper's
margin on that scale) against the paper's L2 energy and margin; the table of docs/results/mnist.notes.md.

    python benchmarks/ebgan_energy.py [--steps=600] [--threads=1] [--workdir=runs/ebgan_energy] \
        [--output=docs/measurements/ebgan_energy.json]
    python benchmarks/ebgan_energy.py --markdown=docs/measurements/ebgan_energy.json  # the notes' table

Each configuration is one ``python -m tfgan_suite.run --loss=ebgan --steps=N [its options]
--workdir=W/<name>`` (bundled MNIST, the default ``ebgan`` networks and Adam settings), scored with
``python -m tfgan_suite.evaluate --generator=W/<name>/generator --dataset=mnist_bundled
--classifier=mnist --metrics=fid --num_samples=2000`` (the MNIST domain Fréchet distance); the energies
E D(G(z)) and E D(x) are those of the run's ``losses.csv`` at its last row (Keras's means over the
last ``--log_every`` = 100 steps). A finished configuration
is not trained again (delete its workdir to re-run it). ``--output`` keeps, per configuration, both
commands, the energies of every ``losses.csv`` row, the domain FD and the training time, with the
command, the date, ``--threads`` (TensorFlow's intra- and inter-op threads of every run) and the
load average before and after.
"""
import argparse
import csv
import datetime
import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

from tfgan_suite.utils.cli import bounded_int
from tfgan_suite.utils.machine import load_average, write_record

# name -> (energy, margin, the run's extra options); margin 0.1276 = 10^2 / 784: the paper's MNIST
# margin 10 on the L2 energy, moved to the per-pixel mean of squares of a 28x28 image.
CONFIGS = (
    ("mean_square_margin_1", "per-pixel mean of squares (old)", "1.0 (old default)",
     ["--model_options=energy=mean_square", "--loss_options=margin=1"]),
    ("mean_square_margin_0.1276", "per-pixel mean of squares (old)", "0.1276 = 10^2 / 784",
     ["--model_options=energy=mean_square", "--loss_options=margin=0.1276"]),
    ("l2_margin_10", "L2 norm (the paper's, now the default)", "10 (the paper's MNIST margin, now the default)",
     []),
)


def energies(losses_csv):
    """``[{"row", "energy_fake", "energy_real"}]``, one per ``losses.csv`` row (every --log_every steps)."""
    with open(losses_csv, newline="") as f:
        rows = list(csv.DictReader(f))
    return [{"row": i + 1, "energy_fake": float(r["energy_fake"]), "energy_real": float(r["energy_real"])}
            for i, r in enumerate(rows)]


def domain_fd(scores):
    """The domain Fréchet distance of an ``evaluate --output`` JSON."""
    return float(scores["metrics"]["fid"])


def markdown(record):
    """The table of docs/results/mnist.notes.md: one row per configuration."""
    lines = ["| energy | margin | fake / real energy, mean of the last 100 steps | domain FD | training command |",
             "|---|---|---|---|---|"]
    for c in record["configs"]:
        command = c["train_command"].rsplit(" --workdir=", 1)[0] + " --workdir=W"
        lines.append(f"| {c['energy']} | {c['margin']} | {c['last']['energy_fake']:.2f} / "
                     f"{c['last']['energy_real']:.2f} | {domain_fd(c['domain_fd']):.1f} | `{command}` |")
    return "\n".join(lines)


def _run(command, env):
    print("$ " + " ".join(shlex.quote(a) for a in command), flush=True)
    subprocess.run(command, check=True, env=env)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=bounded_int(100), default=600, help="generator updates per run")
    parser.add_argument("--threads", type=bounded_int(0), default=0, help="TensorFlow threads (0: its default)")
    parser.add_argument("--workdir", default="runs/ebgan_energy")
    parser.add_argument("--output", help="write the table's figures as a JSON record here")
    parser.add_argument("--markdown", help="only print this saved record as the Markdown table")
    args = parser.parse_args()
    if args.markdown:
        print(markdown(json.loads(Path(args.markdown).read_text())))
        return
    env = dict(os.environ)
    if args.threads:  # read by TensorFlow when each run starts
        env["TF_NUM_INTRAOP_THREADS"] = env["TF_NUM_INTEROP_THREADS"] = str(args.threads)
    record = {"command": "python " + " ".join(shlex.quote(a) for a in sys.argv),
              "date": datetime.date.today().isoformat(), "threads": args.threads or None,
              "load_average_before": load_average(), "configs": []}
    for name, energy, margin, options in CONFIGS:
        work = Path(args.workdir) / name
        train = [sys.executable, "-m", "tfgan_suite.run", "--loss=ebgan", f"--steps={args.steps}", *options,
                 f"--workdir={work}"]
        score_path = work / "domain_fd.json"
        score = [sys.executable, "-m", "tfgan_suite.evaluate", f"--generator={work / 'generator'}",
                 "--dataset=mnist_bundled", "--classifier=mnist", "--metrics=fid", "--num_samples=2000",
                 f"--output={score_path}"]
        train_seconds = None
        if not (work / "generator").is_dir():
            start = time.perf_counter()
            _run(train, env)
            train_seconds = round(time.perf_counter() - start, 1)
        if not score_path.exists():
            _run(score, env)
        rows = energies(work / "losses.csv")
        scores = json.loads(score_path.read_text())
        entry = {"name": name, "energy": energy, "margin": margin,
                 "train_command": " ".join(["python"] + train[1:]), "score_command": " ".join(["python"] + score[1:]),
                 "train_seconds": train_seconds, "energies": rows,
                 "last": rows[-1], "domain_fd": scores, "load_average_after": load_average()}
        record["configs"].append(entry)
        print(f"{name}: fake / real energy {rows[-1]['energy_fake']:.2f} / {rows[-1]['energy_real']:.2f} "
              f"at the last row; evaluate: {json.dumps(scores)[:200]}", flush=True)
    record["load_average_after"] = load_average()
    print(markdown(record))
    if args.output:
        write_record(args.output, record)


if __name__ == "__main__":
    main()
