"""MNIST: is SGAN's global generator G_0 at least as good as the median local G_i at equal steps?

    python benchmarks/sgan_mnist.py [--steps=600] [--num_pairs=3] [--width=16] [--sync=100] [--threads=1] \
        [--output=docs/measurements/sgan_mnist.json]

Trains one SGAN (``dcgan28`` pairs, non-saturating loss, DCGAN Adam) on the bundled real MNIST
subset and, every ``--eval_every`` steps, measures the domain Fréchet distance
(``tfgan_suite.metrics.domain_frechet_distance``, the MNIST classifier's features; lower is better)
between ``--num_samples`` real MNIST test images (``shared/data/mnist.npz``; env
``TFGAN_SUITE_SHARED_DATA`` overrides the folder) and samples of G_0 and of every local G_i. All generators
have made the same number of updates when measured. Prints one row per evaluation and the verdict
``G_0 <= median(G_i)``; writes the side-by-side grid of the last step. ``--output`` keeps every row as
a JSON record with the command, the date, ``--threads`` (TensorFlow's intra- and inter-op threads) and
the load average before and after.
"""
import argparse
import datetime
import os
import shlex
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import tfgan_suite  # noqa: E402
from tfgan_suite import data, models  # noqa: E402
from tfgan_suite.metrics import domain_frechet_distance  # noqa: E402
from tfgan_suite.training.callbacks import save_ensemble_grid  # noqa: E402
from tfgan_suite.utils.cli import bounded_int  # noqa: E402
from tfgan_suite.utils.machine import load_average, write_record  # noqa: E402

tf.get_logger().setLevel("ERROR")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=600)
    parser.add_argument("--eval_every", type=int, default=200)
    parser.add_argument("--num_pairs", type=int, default=3)
    parser.add_argument("--width", type=int, default=16)
    parser.add_argument("--batch_size", type=int, default=64)
    parser.add_argument("--sync", type=int, default=100, help="SGAN sync_every")
    parser.add_argument("--num_samples", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="runs/sgan_mnist")
    parser.add_argument("--threads", type=bounded_int(0), default=0,
                        help="TensorFlow threads (0: its default)")
    parser.add_argument("--output", help="write the rows and the verdict as a JSON record here")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    if args.threads:
        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    record = {"command": "python " + " ".join(shlex.quote(a) for a in sys.argv),
              "date": datetime.date.today().isoformat(), "threads": args.threads or None,
              "load_average_before": load_average(), "rows": []}

    keras.utils.set_random_seed(args.seed)
    sgan = tfgan_suite.SGAN(lambda: models.get("dcgan28", width=args.width),
                            num_pairs=args.num_pairs, seed=args.seed)
    sgan.compile(loss="nsgan", sync_every=args.sync)
    train = data.load(None, batch_size=args.batch_size, seed=args.seed)
    shared = Path(os.environ.get("TFGAN_SUITE_SHARED_DATA",
                                 Path(__file__).resolve().parents[1].parent / "shared" / "data"))
    real = next(iter(data.load(str(shared / "mnist.npz"), split="test",
                               batch_size=args.num_samples, seed=1))).numpy()
    print(f"SGAN N={args.num_pairs} dcgan28(width={args.width}) nsgan, batch {args.batch_size}, "
          f"sync_every={args.sync}; domain Fréchet distance to {len(real)} real test images "
          f"(lower is better)")
    print(f"{'step':>6s} {'G_0':>8s} {'median G_i':>11s}  G_i ...")
    verdicts = []
    done = 0
    while done < args.steps:
        start = time.perf_counter()
        sgan.fit(train, steps_per_epoch=args.eval_every, epochs=1, verbose=0, shuffle=False)
        done += args.eval_every
        seconds = time.perf_counter() - start
        scores = [domain_frechet_distance(real, sgan.generate(args.num_samples, seed=123, pair=p),
                                          dataset="mnist")
                  for p in range(args.num_pairs + 1)]
        g0, local = float(scores[0]), [float(s) for s in scores[1:]]
        median = float(np.median(local))
        verdicts.append(g0 <= median)
        record["rows"].append({"step": done, "g0": g0, "median_local": median, "local": local,
                               "train_seconds": round(seconds, 1), "g0_not_worse": g0 <= median})
        print(f"{done:6d} {g0:8.2f} {median:11.2f}  " + " ".join(f"{s:.2f}" for s in local)
              + f"   ({'G_0 not worse' if g0 <= median else 'G_0 WORSE'}; {seconds:.0f}s)",
              flush=True)
    save_ensemble_grid(sgan, os.path.join(args.out, f"ensemble_sync{args.sync}.png"), 8)
    print(f"G_0 <= median G_i at {sum(verdicts)}/{len(verdicts)} evaluations; grid in {args.out}")
    if args.output:
        record.update(real_test_images=len(real), load_average_after=load_average())
        write_record(args.output, record)


if __name__ == "__main__":
    main()
