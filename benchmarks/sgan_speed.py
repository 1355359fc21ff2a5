"""Time of one SGAN step (N local pairs + the global pair, one compiled step) against N + 1 separate
single-GAN steps, the GAN work it contains, measured interleaved in the same process.

    python benchmarks/sgan_speed.py [--models=toy_mlp,dcgan28] [--num_pairs=5] [--reps=20] [--json PATH]

An SGAN step holds N local GAN steps, one D_0 update, one G_0 update and ``messenger_steps`` (1)
messenger updates (N discriminators on B/N samples each, about one more discriminator update on B);
so it does slightly *more* arithmetic than N + 1 GAN steps, plus copying the messengers every
``sync_every`` steps (timed both for the default 100 and for 1). Prints the median times and the ratio
``SGAN step / (N + 1) GAN steps`` (below 1: SGAN is faster).
"""
import argparse
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

tf.get_logger().setLevel("ERROR")
from tqdm import tqdm  # noqa: E402

import tfgan_suite  # noqa: E402
from tfgan_suite import models  # noqa: E402
from tfgan_suite.utils.machine import write_record  # noqa: E402

CONFIGS = {  # model -> (architecture options, data shape)
    "toy_mlp": ({}, (2,)),
    "dcgan28": ({"width": 32}, (28, 28, 1)),
}


def measure(model_name, num_pairs, reps, batch, seed=0):
    options, shape = CONFIGS[model_name]
    make_pair = lambda: models.get(model_name, **options)  # noqa: E731
    keras.utils.set_random_seed(seed)
    sgans = []
    for sync_every in (100, 1):  # the default, and messengers re-created every step
        sgan = tfgan_suite.SGAN(make_pair, num_pairs=num_pairs, seed=seed)
        sgan.compile(loss="nsgan", sync_every=sync_every)
        sgans.append(sgan)
    gans = []
    for i in range(num_pairs + 1):
        g, d = make_pair()
        gan = tfgan_suite.GAN(g, d, g.input_shape[-1], seed=seed + i)
        gan.compile(loss="nsgan")
        gans.append(gan)
    x = tf.constant(np.random.default_rng(seed).uniform(-1, 1, (batch,) + shape).astype("float32"))
    for _ in range(3):  # trace and warm up
        for sgan in sgans:
            sgan.train_on_batch(x)
        for gan in gans:
            gan.train_on_batch(x)
    times = {"sgan": [], "sgan_sync1": [], "gans": []}
    for _ in tqdm(range(reps), desc=f"{model_name} N={num_pairs}", leave=False):
        for key, sgan in zip(("sgan", "sgan_sync1"), sgans):
            start = time.perf_counter()
            sgan.train_on_batch(x)
            times[key].append(time.perf_counter() - start)
        start = time.perf_counter()
        for gan in gans:
            gan.train_on_batch(x)
        times["gans"].append(time.perf_counter() - start)
    return {key: statistics.median(values) for key, values in times.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", default="toy_mlp,dcgan28")
    parser.add_argument("--num_pairs", type=int, default=5)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--batch_size", type=int, default=64)
    parser.add_argument("--json", help="also write the figures (and the load average) to this file")
    args = parser.parse_args()
    load_before = os.getloadavg()
    rows = []
    print(f"TensorFlow {tf.__version__}, {os.cpu_count()} CPU cores, batch {args.batch_size}, "
          f"N={args.num_pairs}, {args.reps} interleaved repetitions, median seconds")
    print(f"{'model':10s} {f'{args.num_pairs + 1} GAN steps':>12s} {'SGAN step':>10s} "
          f"{'ratio':>6s} {'SGAN sync_every=1':>18s} {'ratio':>6s}")
    for name in args.models.split(","):
        t = measure(name, args.num_pairs, args.reps, args.batch_size)
        print(f"{name:10s} {t['gans']:12.4f} {t['sgan']:10.4f} {t['sgan'] / t['gans']:6.3f} "
              f"{t['sgan_sync1']:18.4f} {t['sgan_sync1'] / t['gans']:6.3f}")
        rows.append({"model": name, "gan_steps_s": t["gans"], "sgan_step_s": t["sgan"],
                     "ratio": t["sgan"] / t["gans"], "sgan_sync1_s": t["sgan_sync1"],
                     "ratio_sync1": t["sgan_sync1"] / t["gans"]})
    print("ratio = SGAN step / (N + 1) GAN steps; below 1: SGAN is faster. SGAN step: default "
          "compile (messengers re-created every 100 steps); sync_every=1: re-created every step.")
    if args.json:
        from speed_table import run_record  # pylint: disable=import-outside-toplevel

        write_record(args.json, run_record("sgan_speed", num_pairs=args.num_pairs,
                                           load_average_before=list(load_before), rows=rows))


if __name__ == "__main__":
    main()
