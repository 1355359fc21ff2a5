"""Train-step throughput of the SNGAN-CNN pair on CIFAR-10-sized data (32x32x3), batch 64.

Configurations, all measured in the same run (ratios are against ``plain`` from this run):

* ``plain``: default strategy, float32, no XLA;
* ``xla``: ``jit_compile=True``;
* ``xla+mixed``: XLA and mixed precision (``--mixed_precision``; ``auto``: float16 with loss
  scaling on a GPU, bfloat16 on a CPU);
* ``mirrored-1``: ``MirroredStrategy`` over one device (the first GPU, else the CPU), float32, no
  XLA: the cost of the distribution machinery itself.

Usage::

    python benchmarks/gpu_speed.py                      # GPU: 200 timed steps per configuration
    python benchmarks/gpu_speed.py --steps=5 --warmup=2 # a CPU smoke run

Data is an in-memory tensor of uniform noise in [-1, 1] (the speed of a step does not depend on
the pixels), repeated, so the input pipeline is not what is measured. Each configuration is built
fresh, trained ``--warmup`` steps (tracing/compilation), then timed over ``--steps`` steps.
"""
import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import tfgan_suite  # noqa: E402
from tfgan_suite import models  # noqa: E402
from tfgan_suite.training import distribute, precision  # noqa: E402


def build(strategy, mixed_precision, jit_compile):
    with precision.precision_policy(mixed_precision), strategy.scope():
        generator, discriminator = models.get("sngan_cnn")
        gan = tfgan_suite.GAN(generator, discriminator, latent_dim=generator.input_shape[-1])
        optimizers = [precision.wrap_optimizer(keras.optimizers.Adam(2e-4, beta_1=0.5,
                                                                     beta_2=0.999),
                                               mixed_precision) for _ in range(2)]
        gan.compile(d_optimizer=optimizers[0], g_optimizer=optimizers[1], loss="hinge",
                    jit_compile=jit_compile)
    return gan


def measure(gan, strategy, batch_size, warmup, steps):
    images = tf.random.stateless_uniform([batch_size, 32, 32, 3], [0, 1], -1.0, 1.0)
    dataset = tf.data.Dataset.from_tensors(images).repeat().prefetch(tf.data.AUTOTUNE)
    dataset = distribute.distribute_batches(strategy, dataset, gan.n_critic)
    gan.fit(dataset, epochs=1, steps_per_epoch=warmup, verbose=0)
    start = time.perf_counter()
    gan.fit(dataset, epochs=1, steps_per_epoch=steps, verbose=0)
    float(gan.g_optimizer.iterations.numpy())  # wait for the device
    return steps / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=200, help="timed steps per configuration")
    parser.add_argument("--warmup", type=int, default=20, help="untimed steps (compilation)")
    parser.add_argument("--batch_size", type=int, default=64)
    parser.add_argument("--mixed_precision", default="auto",
                        choices=["auto", "bfloat16", "float16"])
    parser.add_argument("--only", default=None,
                        help="comma-separated subset of: plain, xla, xla+mixed, mirrored-1")
    args = parser.parse_args()

    gpus = tf.config.list_logical_devices("GPU")
    device = gpus[0].name if gpus else tf.config.list_logical_devices("CPU")[0].name
    mixed = args.mixed_precision
    if mixed == "auto":
        mixed = "float16" if gpus else "bfloat16"
    default = tf.distribute.get_strategy()
    configs = {
        "plain": (default, None, False),
        "xla": (default, None, True),
        "xla+mixed": (default, mixed, True),
        "mirrored-1": (distribute.make_strategy("mirrored", devices=[device]), None, False),
    }
    names = args.only.split(",") if args.only else list(configs)
    print(f"device: {device} ({'GPU' if gpus else 'CPU'}), TF {tf.__version__}, "
          f"keras {keras.__version__}; SNGAN-CNN hinge, batch {args.batch_size}, "
          f"{args.warmup} warm-up + {args.steps} timed steps; mixed = {mixed}")
    results = {}
    for name in names:
        strategy, mixed_precision, jit_compile = configs[name]
        gan = build(strategy, mixed_precision, jit_compile)
        results[name] = measure(gan, strategy, args.batch_size, args.warmup, args.steps)
        baseline = results.get("plain")
        ratio = f"{results[name] / baseline:5.2f}x plain" if baseline else ""
        print(f"{name:>11}: {results[name]:8.2f} steps/s  {ratio}", flush=True)
    return results


if __name__ == "__main__":
    np.set_printoptions(precision=3)
    main()
