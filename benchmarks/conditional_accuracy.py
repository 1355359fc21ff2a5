"""How often does the MNIST classifier label a conditional generator's class-c samples as c?

Loads the SavedModel a conditional run exported (``<workdir>/generator``: ``sample(n, seed,
labels)``), draws ``--samples_per_class`` samples of every class and scores them with the shipped
domain classifier (:func:`tfgan_suite.metrics.conditional_accuracy`). Writes a JSON record with the
training command, the accuracy per class and their mean, and prints the README line::

    python benchmarks/conditional_accuracy.py --workdir=runs/cond_mnist \
        --command="python -m tfgan_suite.run ..." --out=docs/results/conditional_mnist.json

``--readme_from=docs/results/conditional_mnist.json`` only rewrites the README line (the line after
``<!-- conditional-mnist -->``) from a saved record.
"""
import argparse
import json
import os
import platform
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from tfgan_suite import metrics  # noqa: E402
from tfgan_suite.utils.machine import write_record  # noqa: E402


def saved_model_sampler(path):
    """``f(n, seed, labels)`` over an exported conditional generator's ``sample`` signature."""
    sample = tf.saved_model.load(path).signatures["sample"]

    def draw(n, seed, labels):
        return sample(n=tf.constant(int(n)), seed=tf.constant(int(seed), tf.int64),
                      labels=tf.constant(np.asarray(labels, np.int32)))["images"].numpy()

    return draw


def readme_line(record):
    return (f"Conditional MNIST ({record['model']}, {record['steps']} steps): the MNIST classifier "
            f"labels {100 * record['accuracy']:.1f}% of the samples as their requested class "
            f"(worst class {100 * min(record['per_class']):.1f}%, {record['samples_per_class']} "
            f"samples per class). Trained with `{record['command']}`, scored by "
            f"`python benchmarks/conditional_accuracy.py` into docs/results/conditional_mnist.json.")


MARKER = "<!-- conditional-mnist -->"


def update_readme(record, path="README.md", marker=MARKER, line=None):
    """Puts ``line`` (default :func:`readme_line`) on the line after ``marker``, replacing the
    line generated there before."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    at = lines.index(marker)
    if at + 1 < len(lines) and lines[at + 1].startswith("Conditional "):
        del lines[at + 1]
    lines.insert(at + 1, line or readme_line(record))
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir")
    parser.add_argument("--command", help="the command that trained the run")
    parser.add_argument("--readme", default="README.md")
    parser.add_argument("--readme_from", help="a saved JSON record: only rewrite the README line")
    parser.add_argument("--samples_per_class", type=int, default=1000)
    parser.add_argument("--dataset", default="mnist", choices=["mnist", "fashion_mnist"])
    parser.add_argument("--out", default="docs/results/conditional_mnist.json")
    args = parser.parse_args()
    if args.readme_from:
        with open(args.readme_from) as f:
            update_readme(json.load(f), args.readme)
        return
    if not (args.workdir and args.command):
        parser.error("--workdir and --command are required (or --readme_from)")
    with open(os.path.join(args.workdir, "config.json")) as f:
        config = json.load(f)
    accuracy, per_class = metrics.conditional_accuracy(
        saved_model_sampler(os.path.join(args.workdir, "generator")), config["num_classes"],
        args.samples_per_class, seed=12345, dataset=args.dataset, return_per_class=True)
    record = {"command": args.command, "model": config.get("model"), "loss": config.get("loss"),
              "steps": config.get("steps"), "num_classes": config["num_classes"],
              "samples_per_class": args.samples_per_class, "classifier": args.dataset,
              "accuracy": round(accuracy, 4), "per_class": [round(a, 4) for a in per_class],
              "measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
              "machine": f"{platform.machine()}, {os.cpu_count()} CPU cores, load {os.getloadavg()[0]:.1f}"}
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    write_record(args.out, record)
    update_readme(record, args.readme)
    print(readme_line(record))


if __name__ == "__main__":
    main()
