"""Mode coverage on ring8 and grid25: a single GAN against SGAN's global generator G_0.

    python benchmarks/sgan_modes.py [--steps=3000] [--num_pairs=5] [--seeds=0,1,2] [--out=runs/sgan_modes]

For each dataset and seed, trains a single GAN and an SGAN (``toy_mlp`` pairs, non-saturating loss,
Adam(lr, beta_1=0.5), batch 128) for the same number of generator updates, draws 2,500 samples from
the GAN's generator, from G_0 and from every local G_i, and prints ``tfgan_suite.metrics.modes``:
modes covered, high-quality fraction (within 3 std of a mode) and KL(mode histogram || uniform).
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

tf.get_logger().setLevel("ERROR")
NUM_SAMPLES = 2500


def optimizers(lr):
    return (keras.optimizers.Adam(lr, beta_1=0.5, beta_2=0.999),
            keras.optimizers.Adam(lr, beta_1=0.5, beta_2=0.999))


def train_pair(kind, dataset, seed, steps, num_pairs, batch_size, lr):
    keras.utils.set_random_seed(seed)
    make_pair = lambda: models.get("toy_mlp")  # noqa: E731
    if kind == "gan":
        g, d = make_pair()
        model = tfgan_suite.GAN(g, d, g.input_shape[-1], seed=seed)
    else:
        model = tfgan_suite.SGAN(make_pair, num_pairs=num_pairs, seed=seed)
    d_opt, g_opt = optimizers(lr)
    model.compile(d_optimizer=d_opt, g_optimizer=g_opt, loss="nsgan", steps_per_execution=50)
    data = toy.toy_dataset(dataset, batch_size, seed=seed)
    start = time.perf_counter()
    model.fit(data, steps_per_epoch=steps, epochs=1, verbose=0)
    return model, time.perf_counter() - start


def samples_of(generator, seed):
    z = tf.random.stateless_normal([NUM_SAMPLES, generator.input_shape[-1]], seed=[seed, 7])
    return generator(z, training=False).numpy()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=3000, help="generator updates of each model")
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

    rows, plots = [], []
    header = (f"{'dataset':7s} {'seed':>4s} | {'GAN modes':>9s} {'hq':>5s} {'KL':>5s} | "
              f"{'G_0 modes':>9s} {'hq':>5s} {'KL':>5s} | {'G_i modes (median, min-max)':>27s}")
    print(f"{args.steps} generator updates each, SGAN N={args.num_pairs}, {NUM_SAMPLES} samples")
    print(header)
    for dataset in datasets:
        modes, std = toy.toy_modes(dataset)
        for seed in seeds:
            gan, gan_time = train_pair("gan", dataset, seed, args.steps, args.num_pairs,
                                       args.batch_size, args.lr)
            sgan, sgan_time = train_pair("sgan", dataset, seed, args.steps, args.num_pairs,
                                         args.batch_size, args.lr)
            gan_samples = samples_of(gan.generator, seed)
            g0_samples = samples_of(sgan.generator, seed)
            g = mode_coverage(gan_samples, modes, std)
            g0 = mode_coverage(g0_samples, modes, std)
            locals_ = [mode_coverage(samples_of(gi, seed), modes, std)
                       for gi in sgan.local_generators]
            local_modes = sorted(r.modes_covered for r in locals_)
            print(f"{dataset:7s} {seed:4d} | {g.modes_covered:9d} {g.high_quality_fraction:5.2f} "
                  f"{g.kl_to_uniform:5.2f} | {g0.modes_covered:9d} "
                  f"{g0.high_quality_fraction:5.2f} {g0.kl_to_uniform:5.2f} | "
                  f"{np.median(local_modes):12.1f} ({local_modes[0]}-{local_modes[-1]})"
                  f"   [{gan_time:.0f}s / {sgan_time:.0f}s]", flush=True)
            rows.append({"dataset": dataset, "seed": seed, "num_modes": len(modes),
                         "gan_modes": g.modes_covered, "gan_hq": g.high_quality_fraction,
                         "gan_kl": g.kl_to_uniform, "g0_modes": g0.modes_covered,
                         "g0_hq": g0.high_quality_fraction, "g0_kl": g0.kl_to_uniform,
                         "local_modes": " ".join(map(str, (r.modes_covered for r in locals_))),
                         "local_hq": " ".join(f"{r.high_quality_fraction:.3f}" for r in locals_),
                         "gan_seconds": round(gan_time, 1), "sgan_seconds": round(sgan_time, 1)})
            plots.append((dataset, seed, modes, gan_samples, g, g0_samples, g0))

    print("\nmeans over seeds:")
    for dataset in datasets:
        sub = [r for r in rows if r["dataset"] == dataset]
        mean = lambda key: np.mean([r[key] for r in sub])  # noqa: E731
        print(f"{dataset:7s} GAN: {mean('gan_modes'):5.2f}/{sub[0]['num_modes']} modes, "
              f"hq {mean('gan_hq'):.3f} | SGAN G_0: {mean('g0_modes'):5.2f} modes, "
              f"hq {mean('g0_hq'):.3f}")
    with open(os.path.join(args.out, "results.csv"), "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    scatter(plots, os.path.join(args.out, "scatter.png"))
    print(f"wrote {args.out}/results.csv and {args.out}/scatter.png")


def scatter(plots, path):
    import matplotlib  # pylint: disable=import-outside-toplevel
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # pylint: disable=import-outside-toplevel

    fig, axes = plt.subplots(len(plots), 2, figsize=(7, 3.4 * len(plots)), squeeze=False)
    for row, (dataset, seed, modes, gan_s, g, g0_s, g0) in enumerate(plots):
        for col, (title, samples, result) in enumerate(
                [("single GAN", gan_s, g), ("SGAN G_0", g0_s, g0)]):
            ax = axes[row, col]
            ax.scatter(samples[:, 0], samples[:, 1], s=2, alpha=0.4, color="tab:blue")
            ax.scatter(modes[:, 0], modes[:, 1], s=30, marker="x", color="tab:red")
            lim = np.abs(modes).max() * 1.5
            ax.set_xlim(-lim, lim)
            ax.set_ylim(-lim, lim)
            ax.set_aspect("equal")
            ax.set_title(f"{dataset} seed {seed} {title}: {result.modes_covered}/{len(modes)} "
                         f"modes, hq {result.high_quality_fraction:.2f}", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


if __name__ == "__main__":
    main()
