"""Mode coverage on ring8 and grid25: a single GAN against SGAN's global generator G_0.

    python benchmarks/sgan_modes.py [--steps=2000] [--num_pairs=5] [--seeds=0,1,2] [--sync=1,100]
                                    [--out=runs/sgan_modes]

For each dataset and seed, trains a single GAN and one SGAN per ``--sync`` value (messengers
re-created every ``sync_every`` steps; ``toy_mlp`` pairs, non-saturating loss, Adam(lr, beta_1=0.5),
batch 128) for the same number of generator updates, draws 2,500 samples from the GAN's generator,
from G_0 and from every local G_i, and prints ``tfgan_suite.metrics.modes``: modes covered,
high-quality fraction (within 3 std of a mode) and KL(mode histogram || uniform).
Writes ``scatter.png`` (samples over the true modes, one row per dataset/seed) and ``results.csv``.
"""
import argparse
import csv
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import tfgan_suite  # noqa: E402
from tfgan_suite import models  # noqa: E402
from tfgan_suite.data import toy  # noqa: E402
from tfgan_suite.metrics.modes import mode_coverage  # noqa: E402
from tfgan_suite.utils.images import save_scatter  # noqa: E402

tf.get_logger().setLevel("ERROR")
NUM_SAMPLES = 2500


def optimizers(lr):
    return (keras.optimizers.Adam(lr, beta_1=0.5, beta_2=0.999),
            keras.optimizers.Adam(lr, beta_1=0.5, beta_2=0.999))


def train_pair(kind, dataset, seed, steps, num_pairs, batch_size, lr, sync_every=1):
    keras.utils.set_random_seed(seed)
    make_pair = lambda: models.get("toy_mlp")  # noqa: E731
    if kind == "gan":
        g, d = make_pair()
        model = tfgan_suite.GAN(g, d, g.input_shape[-1], seed=seed)
    else:
        model = tfgan_suite.SGAN(make_pair, num_pairs=num_pairs, seed=seed)
    d_opt, g_opt = optimizers(lr)
    extra = {} if kind == "gan" else {"sync_every": sync_every}
    model.compile(d_optimizer=d_opt, g_optimizer=g_opt, loss="nsgan", steps_per_execution=50,
                  **extra)
    data = toy.toy_dataset(dataset, batch_size, seed=seed)
    start = time.perf_counter()
    model.fit(data, steps_per_epoch=steps, epochs=1, verbose=0, shuffle=False)
    return model, time.perf_counter() - start


def samples_of(generator, seed):
    z = tf.random.stateless_normal([NUM_SAMPLES, generator.input_shape[-1]], seed=[seed, 7])
    return generator(z, training=False).numpy()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=2000, help="generator updates of each model")
    parser.add_argument("--sync", default="1,100", help="SGAN sync_every values to compare")
    parser.add_argument("--num_pairs", type=int, default=5)
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--datasets", default="ring8,grid25")
    parser.add_argument("--batch_size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--out", default="runs/sgan_modes")
    args = parser.parse_args()
    if os.path.exists(os.path.join(args.out, "results.csv")):
        raise SystemExit(f"error: {args.out}/results.csv exists; choose a new --out")
    os.makedirs(args.out, exist_ok=True)
    seeds = [int(s) for s in args.seeds.split(",")]
    datasets = args.datasets.split(",")

    syncs = [int(v) for v in args.sync.split(",")]
    rows, plots = [], []
    print(f"{args.steps} generator updates each, SGAN N={args.num_pairs}, {NUM_SAMPLES} samples; "
          f"modes covered / high-quality fraction / KL to uniform")
    print(f"{'dataset':7s} {'seed':>4s} {'model':18s} {'modes':>5s} {'hq':>5s} {'KL':>5s}  "
          f"{'local G_i modes':>15s}  seconds")
    for dataset in datasets:
        modes, std = toy.toy_modes(dataset)
        for seed in seeds:
            gan, seconds = train_pair("gan", dataset, seed, args.steps, args.num_pairs,
                                      args.batch_size, args.lr)
            runs = [("GAN", gan.generator, None, seconds)]
            for sync in syncs:
                sgan, seconds = train_pair("sgan", dataset, seed, args.steps, args.num_pairs,
                                           args.batch_size, args.lr, sync_every=sync)
                runs.append((f"SGAN G_0 sync={sync}", sgan.generator, sgan, seconds))
            plot = [dataset, seed, modes]
            for name, generator, sgan, seconds in runs:
                samples = samples_of(generator, seed)
                result = mode_coverage(samples, modes, std)
                local = ([mode_coverage(samples_of(gi, seed), modes, std)
                          for gi in sgan.local_generators] if sgan is not None else [])
                local_modes = " ".join(str(r.modes_covered) for r in local) or "-"
                print(f"{dataset:7s} {seed:4d} {name:18s} {result.modes_covered:5d} "
                      f"{result.high_quality_fraction:5.2f} {result.kl_to_uniform:5.2f}  "
                      f"{local_modes:>15s}  {seconds:.0f}", flush=True)
                rows.append({"dataset": dataset, "seed": seed, "model": name,
                             "num_modes": len(modes), "modes": result.modes_covered,
                             "high_quality": round(result.high_quality_fraction, 4),
                             "kl": round(result.kl_to_uniform, 4), "local_modes": local_modes,
                             "local_hq": " ".join(f"{r.high_quality_fraction:.3f}" for r in local),
                             "seconds": round(seconds, 1)})
                plot.append((name, samples, result))
            plots.append(plot)

    print("\nmeans over seeds (modes covered, high-quality fraction):")
    for dataset in datasets:
        for name in ["GAN"] + [f"SGAN G_0 sync={sync}" for sync in syncs]:
            sub = [r for r in rows if r["dataset"] == dataset and r["model"] == name]
            print(f"{dataset:7s} {name:18s} {np.mean([r['modes'] for r in sub]):5.2f}/"
                  f"{sub[0]['num_modes']}  hq {np.mean([r['high_quality'] for r in sub]):.3f}")
    with open(os.path.join(args.out, "results.csv"), "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    scatter(plots, os.path.join(args.out, "scatter.png"))
    print(f"wrote {args.out}/results.csv and {args.out}/scatter.png")


def scatter(plots, path):
    """One row per (dataset, seed), one panel per model, over the mixture's true means."""
    rows, modes, titles = [], [], []
    for dataset, seed, means, *runs in plots:
        rows.append([samples for _, samples, _ in runs])
        modes.append(means)
        titles.append([f"{dataset} s{seed} {title}\n{result.modes_covered}/{len(means)} modes, "
                       f"hq {result.high_quality_fraction:.2f}" for title, _, result in runs])
    save_scatter(rows, path, modes=modes, titles=titles)


if __name__ == "__main__":
    main()
