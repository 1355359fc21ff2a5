"""How much does the framework cost? ``GAN.train_step`` (through ``fit``) vs a minimal loop.

Both train the same pair (``--model``: the SNGAN-CNN 32x32 pair by default, or e.g. ``sngan_resnet``,
SNGAN's CIFAR-10 ResNet; spectral norm in D) with the non-saturating loss at batch 64 on the same
in-memory batch, in one process, interleaved in rounds so machine noise hits both
alike. The minimal loop is the textbook ``tf.function`` + ``GradientTape`` step with the same math:
one D update on (real, G(z)), then one G update.

    python benchmarks/train_step_speed.py [--model sngan_resnet --rounds 5 --steps 10 --batch_size 64]
                                          [--json PATH]

Each timed block runs ``--steps`` steps; the per-step time of a block is the median interval between
consecutive step ends inside it (steady state: what a long ``fit`` costs per step). ``fit``'s
per-call set-up (iterator, callbacks) is printed separately: it is paid once per ``fit`` call.
Prints per-round times, medians and ``ours / minimal`` throughput (target >= 0.95); ``--json``
also writes them, with the command and the machine's load average before and after, for
``benchmarks/speed_table.py`` (the README's table).
"""
import argparse
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import tfgan_suite  # noqa: E402
from tfgan_suite import losses, models  # noqa: E402
from tfgan_suite.utils.machine import write_record  # noqa: E402


def minimal_step_fn(generator, discriminator, latent_dim, batch_size):
    d_opt = keras.optimizers.Adam(2e-4, beta_1=0.5)
    g_opt = keras.optimizers.Adam(2e-4, beta_1=0.5)
    d_opt.build(discriminator.trainable_variables)
    g_opt.build(generator.trainable_variables)
    bce = keras.losses.BinaryCrossentropy(from_logits=True)

    @tf.function
    def step(real):
        z = tf.random.normal([batch_size, latent_dim])
        fake = generator(z, training=True)
        with tf.GradientTape() as tape:
            real_out = discriminator(real, training=True)
            fake_out = discriminator(fake, training=True)
            d_loss = bce(tf.ones_like(real_out), real_out) + bce(tf.zeros_like(fake_out), fake_out)
        d_opt.apply(tape.gradient(d_loss, discriminator.trainable_variables),
                    discriminator.trainable_variables)
        z = tf.random.normal([batch_size, latent_dim])
        with tf.GradientTape() as tape:
            fake_out = discriminator(generator(z, training=True), training=True)
            g_loss = bce(tf.ones_like(fake_out), fake_out)
        g_opt.apply(tape.gradient(g_loss, generator.trainable_variables),
                    generator.trainable_variables)
        return d_loss, g_loss

    return step


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=12, help="train steps per timed block")
    parser.add_argument("--batch_size", type=int, default=64)
    parser.add_argument("--model", default="sngan_cnn", help="a registered unconditional architecture")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    args = parser.parse_args()
    load_before = os.getloadavg()

    keras.utils.set_random_seed(0)
    arch = models.specs(args.model)
    real = np.random.default_rng(0).uniform(-1, 1, (args.batch_size, *arch.image_shape)).astype(
        np.float32)
    dataset = tf.data.Dataset.from_tensors(real).repeat()

    generator, discriminator = models.get(args.model)
    latent_dim = arch.latent_dim
    gan = tfgan_suite.GAN(generator, discriminator, latent_dim)
    gan.compile(loss="nsgan")
    assert losses.get("nsgan").name == gan.objective.name

    g2, d2 = models.get(args.model)
    minimal = minimal_step_fn(g2, d2, latent_dim, args.batch_size)
    iterator = iter(dataset)

    class StepEnds(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            step_ends.append(time.perf_counter())

    step_ends, setup_costs = [], []

    def steady(ends):
        return statistics.median(b - a for a, b in zip(ends, ends[1:]))

    def run_ours():
        step_ends.clear()
        start = time.perf_counter()
        gan.fit(dataset, epochs=1, steps_per_epoch=args.steps, verbose=0, shuffle=False,
                callbacks=[StepEnds()])
        per_step = steady(step_ends)
        setup_costs.append(time.perf_counter() - start - per_step * args.steps)
        return per_step

    direct_step = tf.function(gan.train_step)

    def timed_loop(step_fn):
        ends = []
        for _ in range(args.steps):
            out = step_fn(next(iterator))
            ends.append(time.perf_counter())
        del out
        return steady(ends)

    def run_direct():
        return timed_loop(direct_step)

    def run_minimal():
        return timed_loop(minimal)

    contestants = {"GAN via fit": run_ours, "GAN.train_step direct": run_direct,
                   "minimal loop": run_minimal}
    for run in contestants.values():  # trace and warm up every contestant
        run()
    times = {name: [] for name in contestants}
    order = list(contestants)
    for r in range(args.rounds):
        for name in order[r % 3:] + order[:r % 3]:  # rotate who goes first
            times[name].append(contestants[name]())
        print(f"round {r}: " + "   ".join(f"{name} {times[name][-1] * 1e3:7.1f} ms/step"
                                          for name in contestants))
    median = {name: statistics.median(values) for name, values in times.items()}
    for name in contestants:
        print(f"median {name}: {1 / median[name]:.2f} steps/s, throughput vs minimal loop "
              f"{median['minimal loop'] / median[name]:.3f}")
    print(f"fit set-up per call (paid once per fit, not per step): "
          f"{statistics.median(setup_costs) * 1e3:.0f} ms")
    print(f"model {args.model}, batch {args.batch_size}; throughput ratio ours (fit) / minimal = "
          f"{median['minimal loop'] / median['GAN via fit']:.3f} (target >= 0.95)")
    if args.json:
        from speed_table import run_record  # pylint: disable=import-outside-toplevel

        record = run_record("train_step_speed", model=args.model, batch_size=args.batch_size,
                            load_average_before=list(load_before),
                            fit_setup_ms=statistics.median(setup_costs) * 1e3,
                            rows=[{"name": name, "steps_per_s": 1 / median[name],
                                   "vs_minimal": median["minimal loop"] / median[name]}
                                  for name in contestants])
        write_record(args.json, record)


if __name__ == "__main__":
    main()
