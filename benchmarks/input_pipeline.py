"""Does the input pipeline keep up with training? Images/s of ``tfgan_suite.data.load`` vs the SNGAN-CNN step.

CIFAR-10-sized data: 50,000 x 32x32x3 uint8 images written to a temporary ``.npz`` (the real JPEG-degraded
CIFAR-10 images of ``shared/data/cifar10.npz``, repeated to 50,000; random pixels with ``--synthetic``).
All in one process, in this order:

1. memory, each in a fresh process: RSS before loading, after loading, and peak RSS (``ru_maxrss``)
   over ``--batches`` batches, for ``data.load`` and for the textbook from_tensor_slices + full shuffle
   buffer pipeline, against the size of one uint8 copy of the data;
2. pipeline alone: images/s of ``data.load(path, batch_size=64)`` (shuffled, float32 [-1, 1]);
3. train-step consumption: images/s of ``GAN.train_step`` (through ``fit``) for the SNGAN standard CNN
   32x32 pair (``models.get("sngan_cnn")``, Miyato et al. 2018, Table 3) with the non-saturating loss
   at batch 64, fed a fixed in-memory batch (with the pipeline's tf.data options: autotuner off);
4. the same training fed by ``data.load`` (does the pipeline slow the step down? ratio ~1 = no).

    TFGAN_SUITE_SHARED_DATA=../shared/data python benchmarks/input_pipeline.py \
        [--batches 3000 --train_steps 10 --rounds 3] [--threads 1] [--output benchmarks/results/input_pipeline.json]

Prints the ratio pipeline / train step (target >= 10) and the peak RSS over the uint8 copy. ``--output``
keeps every figure as a JSON record with the command, the date, ``--threads`` (TensorFlow's intra- and
inter-op threads, in the memory processes too; tf.data's own threads are not limited) and the load
average before and after.
"""
import argparse
import datetime
import os
import resource
import shlex
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

MIB = 2 ** 20


def rss_mib():
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / MIB


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def write_cifar_sized(path, n, synthetic):
    shared = Path(os.environ.get("TFGAN_SUITE_SHARED_DATA",
                                 Path(__file__).resolve().parents[1].parent / "shared" / "data"))
    if not synthetic and (shared / "cifar10.npz").is_file():
        with np.load(shared / "cifar10.npz") as archive:
            real = archive["x_train"]
        images = np.concatenate([real] * (n // len(real) + 1))[:n]
        source = f"real CIFAR-10 images from {shared / 'cifar10.npz'} ({len(real)}), repeated"
    else:
        images = np.random.default_rng(0).integers(0, 256, (n, 32, 32, 3), dtype=np.uint8)
        source = "random uint8 pixels"
    np.savez_compressed(path, x_train=images)
    return images.nbytes / MIB, source


def naive_dataset(path, batch_size, seed):
    """The textbook alternative, for comparison: from_tensor_slices + shuffle(full) + map + batch."""
    with np.load(path) as archive:
        images = archive["x_train"]
    dataset = tf.data.Dataset.from_tensor_slices(images).shuffle(len(images), seed=seed).repeat()
    dataset = dataset.map(lambda x: tf.cast(x, tf.float32) / 127.5 - 1.0, num_parallel_calls=tf.data.AUTOTUNE)
    return dataset.batch(batch_size, drop_remainder=True).prefetch(tf.data.AUTOTUNE)


def memory_child(variant, path, batch_size, batches):
    """Runs in a fresh process: RSS before loading, after loading, peak after ``batches`` batches."""
    from tfgan_suite import data  # pylint: disable=import-outside-toplevel

    tf.constant(1.0) + 1.0  # start the runtime before the baseline
    base = rss_mib()
    if variant == "ours":
        dataset = data.load(path, batch_size=batch_size, seed=0)
    else:
        dataset = naive_dataset(path, batch_size, 0)
    loaded = rss_mib()
    start = time.perf_counter()
    timed_batches(iter(dataset), batches)
    rate = batches * batch_size / (time.perf_counter() - start)
    print(f"{base:.1f} {loaded:.1f} {peak_rss_mib():.1f} {rate:.1f}")


def measure_memory(variant, path, batch_size, batches):
    import subprocess  # pylint: disable=import-outside-toplevel
    import sys  # pylint: disable=import-outside-toplevel

    out = subprocess.run([sys.executable, __file__, "--memory_child", variant, "--batch_size",
                          str(batch_size), "--batches", str(batches), str(path)],
                         check=True, capture_output=True, text=True).stdout.split()
    return [float(v) for v in out[-4:]]


def timed_batches(iterator, count):
    start = time.perf_counter()
    for _ in range(count):
        batch = next(iterator)
    float(batch[0, 0, 0, 0])
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=50_000)
    parser.add_argument("--batch_size", type=int, default=64)
    parser.add_argument("--batches", type=int, default=3000, help="pipeline batches per timed block")
    parser.add_argument("--train_steps", type=int, default=10, help="train steps per timed block")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--synthetic", action="store_true", help="random pixels instead of shared CIFAR-10")
    parser.add_argument("--threads", type=int, default=0, help="TensorFlow threads (0: its default)")
    parser.add_argument("--output", help="write the figures as a JSON record here")
    parser.add_argument("--memory_child", choices=("ours", "naive"), help=argparse.SUPPRESS)
    parser.add_argument("path", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.threads:  # before TensorFlow's first op; the memory processes inherit the variables
        os.environ["TF_NUM_INTRAOP_THREADS"] = os.environ["TF_NUM_INTEROP_THREADS"] = str(args.threads)
    if args.memory_child:
        memory_child(args.memory_child, args.path, args.batch_size, args.batches)
        return

    from tfgan_suite import data  # pylint: disable=import-outside-toplevel
    from tfgan_suite.utils.machine import load_average, write_record  # pylint: disable=import-outside-toplevel

    record = {"command": "python " + " ".join(shlex.quote(a) for a in sys.argv),
              "date": datetime.date.today().isoformat(), "threads": args.threads or None,
              "load_average_before": load_average(), "examples": args.examples,
              "batch_size": args.batch_size, "batches": args.batches, "train_steps": args.train_steps,
              "rounds": args.rounds, "memory": {}}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cifar10_sized.npz"
        copy_mib, source = write_cifar_sized(path, args.examples, args.synthetic)
        record.update(data=source.replace(str(Path(tmp)), "<tmp>"), copy_mib=round(copy_mib, 1))
        print(f"data: {args.examples} x 32x32x3 uint8 = {copy_mib:.1f} MiB per copy ({source})")
        # 1. Memory, each pipeline in a fresh process (clean peak RSS).
        for variant, text in (("ours", "data.load"),
                              ("naive", "naive from_tensor_slices + shuffle(50000) + map + batch")):
            base, loaded, peak, rate = measure_memory(variant, path, args.batch_size, args.batches)
            record["memory"][variant] = {
                "rss_before_loading_mib": round(base), "rss_after_loading_mib": round(loaded),
                "peak_rss_mib": round(peak), "loaded_above_before_mib": round(loaded - base),
                "peak_above_before_mib": round(peak - base),
                "uint8_copies_at_peak": round((peak - base) / copy_mib, 2), "images_per_s": round(rate)}
            print(f"memory, {text}: RSS before loading {base:.0f} MiB, after loading {loaded:.0f} MiB "
                  f"(+{loaded - base:.0f}), peak over {args.batches} batches {peak:.0f} MiB "
                  f"(+{peak - base:.0f} MiB = {(peak - base) / copy_mib:.2f} uint8 copies; "
                  f"{rate:,.0f} images/s)")
        print(f"(one uint8 copy = {copy_mib:.1f} MiB; our index shuffle buffer = "
              f"{args.examples * 8 / MIB:.1f} MiB)")

        # 2. Pipeline throughput.
        dataset = data.load(str(path), batch_size=args.batch_size, seed=0)
        iterator = iter(dataset)
        timed_batches(iterator, 200)  # warm up (autotune)
        pipeline_rates = []
        for r in range(args.rounds):
            seconds = timed_batches(iterator, args.batches)
            pipeline_rates.append(args.batches * args.batch_size / seconds)
            print(f"round {r}: pipeline alone {pipeline_rates[-1]:,.0f} images/s")
        del iterator

        # 3-4. Train-step consumption, fixed batch vs fed by the pipeline, interleaved.
        import keras  # pylint: disable=import-outside-toplevel
        import tfgan_suite  # pylint: disable=import-outside-toplevel
        from tfgan_suite import models  # pylint: disable=import-outside-toplevel
        from tfgan_suite.data.pipeline import pipeline_options  # pylint: disable=import-outside-toplevel

        keras.utils.set_random_seed(0)
        generator, discriminator = models.get("sngan_cnn")
        gan = tfgan_suite.GAN(generator, discriminator, models.specs("sngan_cnn").latent_dim)
        gan.compile(loss="nsgan")
        # The fixed batch gets the pipeline's options too: with tf.data's autotuner on (the default),
        # fit often stalls after its last step (benchmarks/fit_stall.py), which would be timed as
        # a slower fixed-batch step.
        fixed = tf.data.Dataset.from_tensors(next(iter(dataset))).repeat().with_options(pipeline_options())

        def train(source_dataset):
            start = time.perf_counter()
            gan.fit(source_dataset, epochs=1, steps_per_epoch=args.train_steps, verbose=0, shuffle=False)
            return args.train_steps * args.batch_size / (time.perf_counter() - start)

        train(fixed), train(dataset)  # trace, warm up
        fixed_rates, fed_rates = [], []
        for r in range(args.rounds):
            order = (fixed, dataset) if r % 2 == 0 else (dataset, fixed)
            rates = {id(d): train(d) for d in order}
            fixed_rates.append(rates[id(fixed)])
            fed_rates.append(rates[id(dataset)])
            print(f"round {r}: train step, fixed batch {fixed_rates[-1]:,.1f} images/s; "
                  f"fed by data.load {fed_rates[-1]:,.1f} images/s")

    pipe, step, fed = (statistics.median(v) for v in (pipeline_rates, fixed_rates, fed_rates))
    print(f"median: pipeline {pipe:,.0f} images/s; SNGAN-CNN train step (batch {args.batch_size}) "
          f"consumes {step:,.1f} images/s")
    print(f"ratio pipeline / train step = {pipe / step:,.0f}x (target >= 10)")
    print(f"train step fed by the pipeline / fed a fixed batch = {fed / step:.3f} (1.0 = never starved)")
    record.update(
        pipeline_images_per_s=[round(r) for r in pipeline_rates],
        train_fixed_batch_images_per_s=[round(r, 1) for r in fixed_rates],
        train_fed_images_per_s=[round(r, 1) for r in fed_rates],
        median_pipeline_images_per_s=round(pipe), median_train_step_images_per_s=round(step, 1),
        median_train_fed_images_per_s=round(fed, 1), ratio_pipeline_to_train_step=round(pipe / step),
        ratio_fed_to_fixed=round(fed / step, 3), load_average_after=load_average())
    if args.output:
        write_record(args.output, record)


if __name__ == "__main__":
    main()
