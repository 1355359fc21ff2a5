"""The ``fit`` stall: time a ``fit`` call spends after ``on_train_end``, tf.data autotuning on vs off.

A plain ``keras.Model`` GAN (two dense layers per network, no tfgan_suite code) is trained by
``fit`` on a ``tf.data`` pipeline (``map(num_parallel_calls=AUTOTUNE).prefetch(AUTOTUNE)``) in
``--calls`` back-to-back calls of ``--steps`` steps, alternating a pipeline with tf.data's
autotuning on (TensorFlow's default) and one with ``options.autotune.enabled = False`` (what
``tfgan_suite.data`` builds). The stall is the wall time between the ``on_train_end`` callback and
``fit`` returning: Keras has finished by then; what remains is destroying the dataset iterator.
``--library``: the same with ``tfgan_suite.GAN`` (DCGAN-28, non-saturating) on ``tfgan_suite.data.load()``,
autotuning off as shipped vs switched back on with ``with_options``.

    python benchmarks/fit_stall.py [--calls 8 --steps 60 --output stall.json]
    python benchmarks/fit_stall.py --markdown stall.json    # the table docs/keras.md shows

Why (found with ``py-spy dump --native`` and ``gdb`` during a stall, see docs/keras.md): the
main thread waits in ``RootDataset::Iterator::~Iterator`` for the autotuner's ``tf_data_model``
thread, which sleeps in ``Model::OptimizeLoop`` on a condition variable. Cancellation runs its
callbacks (the one that wakes that thread) before it marks the manager cancelled, so the woken
thread can find "not cancelled" and sleep again for the rest of its optimization period, which
doubles from 10 ms up to 60 s while the iterator lives. Whether it loses that race depends on
scheduling, hence "often", and more often on a loaded machine.
"""
import argparse
import json
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402


class DenseGAN(keras.Model):
    """A minimal non-saturating GAN on flat 784-d vectors: one D update, then one G update."""

    def __init__(self, latent_dim=64, width=1024):
        super().__init__()
        self.latent_dim = latent_dim
        self.g = keras.Sequential([keras.Input((latent_dim,)), keras.layers.Dense(width, "relu"),
                                   keras.layers.Dense(784, "tanh")])
        self.d = keras.Sequential([keras.Input((784,)), keras.layers.Dense(width, "relu"),
                                   keras.layers.Dense(1)])
        self.d_opt, self.g_opt = keras.optimizers.Adam(1e-4), keras.optimizers.Adam(1e-4)
        self.d_opt.build(self.d.trainable_variables)
        self.g_opt.build(self.g.trainable_variables)
        self.built = True

    def train_step(self, real):
        z = tf.random.normal([tf.shape(real)[0], self.latent_dim])
        with tf.GradientTape() as tape:
            d_loss = tf.reduce_mean(tf.nn.softplus(-self.d(real)) + tf.nn.softplus(self.d(self.g(z))))
        self.d_opt.apply(tape.gradient(d_loss, self.d.trainable_variables),
                         self.d.trainable_variables)
        with tf.GradientTape() as tape:
            g_loss = tf.reduce_mean(tf.nn.softplus(-self.d(self.g(z))))
        self.g_opt.apply(tape.gradient(g_loss, self.g.trainable_variables),
                         self.g.trainable_variables)
        return {"d_loss": d_loss, "g_loss": g_loss}


def make_dataset(pixels, autotune):
    dataset = tf.data.Dataset.from_tensor_slices(pixels).repeat().batch(256, drop_remainder=True)
    dataset = dataset.map(lambda batch: tf.cast(batch, tf.float32) / 127.5 - 1.0,
                          num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)
    options = tf.data.Options()
    options.autotune.enabled = autotune
    return dataset.with_options(options)


def library_setup():
    """``(model, make_dataset)`` with tfgan_suite's GAN and input pipeline."""
    import tfgan_suite  # pylint: disable=import-outside-toplevel
    from tfgan_suite import data, models  # pylint: disable=import-outside-toplevel

    generator, discriminator = models.get("dcgan28")
    gan = tfgan_suite.GAN(generator, discriminator, models.specs("dcgan28").latent_dim)
    gan.compile(loss="nsgan")

    def make(autotune):
        dataset = data.load(batch_size=64)
        if autotune:  # what the pipeline would be without tfgan_suite's choice
            options = tf.data.Options()
            options.autotune.enabled = True
            dataset = dataset.with_options(options)
        return dataset

    return gan, make


class TrainEndTime(keras.callbacks.Callback):
    def on_train_end(self, logs=None):
        self.time = time.perf_counter()


def timed_fit(model, dataset, steps):
    """``(seconds in fit, seconds after on_train_end)`` of one ``fit`` call."""
    end = TrainEndTime()
    start = time.perf_counter()
    model.fit(dataset, epochs=1, steps_per_epoch=steps, verbose=0, callbacks=[end], shuffle=False)
    done = time.perf_counter()
    return done - start, done - end.time


def summarize(stalls, fits):
    return {"calls": len(stalls), "stalls_s": [round(s, 3) for s in stalls],
            "median_stall_s": statistics.median(stalls), "max_stall_s": max(stalls),
            "calls_over_0.1s": sum(s > 0.1 for s in stalls),
            "stall_share_of_fit_time": sum(stalls) / sum(fits)}


def markdown(result):
    """The Markdown table of a saved result."""
    lines = [f"{result.get('model', 'plain keras.Model (dense GAN)')}: "
             f"{result['autotune_on']['calls']} + {result['autotune_off']['calls']} interleaved "
             f"`fit` calls of {result['steps_per_call']} steps; 1-minute load average "
             f"{result['load_average_1min']:.1f} at the end", "",
             "| tf.data autotune | median stall | max stall | calls stalled > 0.1 s | "
             "stall / fit time |", "|---|---:|---:|---:|---:|"]
    for name in ("autotune_on", "autotune_off"):
        row = result[name]
        lines.append(f"| {name.replace('autotune_', '')} | {row['median_stall_s']:.2f} s | "
                     f"{row['max_stall_s']:.2f} s | {row['calls_over_0.1s']} of {row['calls']} | "
                     f"{row['stall_share_of_fit_time']:.1%} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=8, help="fit calls per setting")
    parser.add_argument("--steps", type=int, default=60, help="steps per fit call")
    parser.add_argument("--library", action="store_true",
                        help="tfgan_suite.GAN on tfgan_suite.data.load() instead of plain Keras")
    parser.add_argument("--output", help="write the figures as JSON here")
    parser.add_argument("--markdown", help="only print this saved result as a Markdown table")
    args = parser.parse_args()
    if args.markdown:
        with open(args.markdown) as f:
            print(markdown(json.load(f)))
        return

    if args.library:
        model, make = library_setup()
    else:
        pixels = np.random.default_rng(0).integers(0, 256, (10_000, 784), dtype=np.uint8)
        model = DenseGAN()
        model.compile()
        make = lambda autotune: make_dataset(pixels, autotune)  # noqa: E731
    timed_fit(model, make(True), 2)  # trace the step outside the timings
    times = {True: ([], []), False: ([], [])}
    for call in range(args.calls):
        for autotune in (True, False):  # interleaved: machine noise hits both alike
            fit_s, stall_s = timed_fit(model, make(autotune), args.steps)
            times[autotune][0].append(fit_s)
            times[autotune][1].append(stall_s)
            print(f"call {call} autotune={'on ' if autotune else 'off'}: fit {fit_s:6.2f} s, "
                  f"after on_train_end {stall_s:6.2f} s", flush=True)
    result = {"model": "tfgan_suite.GAN dcgan28 on data.load()" if args.library else
              "plain keras.Model (dense GAN)", "steps_per_call": args.steps, "load_average_1min": os.getloadavg()[0],
              "autotune_on": summarize(times[True][1], times[True][0]),
              "autotune_off": summarize(times[False][1], times[False][0])}
    print(f"\n{'tf.data autotune':<18}{'median stall':>14}{'max stall':>11}{'calls > 0.1 s':>15}"
          f"{'share of fit time':>19}")
    for name in ("autotune_on", "autotune_off"):
        row = result[name]
        print(f"{name.replace('autotune_', ''):<18}{row['median_stall_s']:>12.2f} s"
              f"{row['max_stall_s']:>9.2f} s{row['calls_over_0.1s']:>9d} of {row['calls']:<3d}"
              f"{row['stall_share_of_fit_time']:>18.1%}")
    print(f"(1-minute load average at the end: {result['load_average_1min']:.1f} on "
          f"{os.cpu_count()} cores)")
    if args.output:
        # here, not at the top: the plain-Keras measurement imports no tfgan_suite code
        from tfgan_suite.utils.machine import write_record  # pylint: disable=import-outside-toplevel

        write_record(args.output, result)


if __name__ == "__main__":
    main()
