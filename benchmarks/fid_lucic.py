"""Inception FID under the Lucic et al. 2018 protocol: the resize conventions on real MNIST, and the
speed of the feature pass by batch size and XLA (features compared with the default path).

    python benchmarks/fid_lucic.py [--sections=resize,speed] [--resize_n=2000]
        [--speed_n=500] [--batch_sizes=50,100,200] [--threads=1] [--output=FILE.json]

``resize``: the first ``--resize_n`` MNIST training images against the first ``--resize_n`` test
images (tiled to 3 channels, 0-255), FID with each resize of ``metrics.inception.RESIZES``
(``half_pixel``: our default; ``tf1``: compare_gan v1's TF1 ``resize_bilinear``) and the
difference. ``speed``: ``--speed_n`` MNIST test images through the feature pass (resize + Inception)
at each batch size, without and with XLA; one warm-up call each, then passes interleaved twice; the
best wall-clock images/s and images per CPU-second of each, and the largest absolute feature
difference from the default path (batch 50, no XLA). The load average (``uptime``) is printed and
stored with every figure.
"""
import argparse
import os
import time
from pathlib import Path

import numpy as np

from tfgan_suite.utils.machine import load_average, write_record


# the data beside a clone (CI's layout); $TFGAN_SUITE_SHARED_DATA where it is not there
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def _mnist():
    from tfgan_suite.data.stacked_mnist import mnist_images

    return tuple(mnist_images(split, data_dir=SHARED_DATA, download=False)
                 for split in ("train", "test"))


def _rgb(images):
    return np.repeat(images.astype(np.float32), 3, axis=-1)  # 0-255, grey tiled to 3 channels


def resize_section(n):
    from tfgan_suite import metrics
    from tfgan_suite.metrics.inception import RESIZES, InceptionExtractor

    train, test = _mnist()
    out = {"n_train": n, "n_test": n, "load_start": load_average()}
    for resize in RESIZES:
        extractor = InceptionExtractor(batch_size=100, resize=resize)
        start = time.perf_counter()
        a, b = extractor(_rgb(train[:n])), extractor(_rgb(test[:n]))
        out[f"fid_{resize}"] = float(metrics.frechet_classifier_distance_from_activations(a, b))
        out[f"seconds_{resize}"] = round(time.perf_counter() - start, 1)
        print(f"resize={resize}: FID(train[:{n}], test[:{n}]) = {out[f'fid_{resize}']:.4f} "
              f"({out[f'seconds_{resize}']} s, load {load_average()})", flush=True)
    out["fid_tf1_minus_half_pixel"] = out["fid_tf1"] - out["fid_half_pixel"]
    out["load_end"] = load_average()
    return out


def speed_section(n, batch_sizes):
    from tfgan_suite.metrics.inception import InceptionExtractor

    images = _rgb(_mnist()[1][:n])
    baseline = None
    contenders = {}
    for jit in (False, True):
        for batch in batch_sizes:
            contenders[(batch, jit)] = InceptionExtractor(batch_size=batch, jit_compile=jit,
                                                          resize="tf1")
    rows = {}
    for key, extractor in contenders.items():  # warm-up (tracing, XLA compilation)
        extractor(images[:key[0]])
    for _ in range(2):
        for (batch, jit), extractor in contenders.items():
            wall, cpu = time.perf_counter(), time.process_time()
            features = extractor(images)
            rate = n / (time.perf_counter() - wall)
            cpu_rate = n / (time.process_time() - cpu)
            if baseline is None:
                baseline = features
            row = rows.setdefault(f"batch{batch}_{'xla' if jit else 'plain'}", {
                "batch_size": batch, "jit_compile": jit, "images_per_s": 0.0,
                "images_per_cpu_s": 0.0, "load": []})
            row["images_per_s"] = max(row["images_per_s"], round(rate, 2))
            row["images_per_cpu_s"] = max(row["images_per_cpu_s"], round(cpu_rate, 2))
            row["max_abs_feature_diff_vs_batch50_plain"] = float(np.abs(features - baseline).max())
            row["max_abs_feature"] = float(np.abs(baseline).max())
            row["load"].append(load_average())
            print(f"batch {batch} {'XLA' if jit else 'plain'}: {rate:.2f} images/s, "
                  f"{cpu_rate:.2f} images/CPU-s, max |diff| "
                  f"{row['max_abs_feature_diff_vs_batch50_plain']:.2e} (load {load_average()})", flush=True)
    return {"n": n, "rows": rows}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", default="resize,speed")
    parser.add_argument("--resize_n", type=int, default=2000)
    parser.add_argument("--speed_n", type=int, default=500)
    parser.add_argument("--batch_sizes", default="50,100,200")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--output", default=None)
    args = parser.parse_args()
    from tfgan_suite.utils.cli import limit_threads

    limit_threads(args.threads)
    print(f"load average at start: {load_average()}, TF threads {args.threads}", flush=True)
    result = {"threads": args.threads, "cpu_count": os.cpu_count()}
    for section in args.sections.split(","):
        if section == "resize":
            result["resize"] = resize_section(args.resize_n)
        elif section == "speed":
            result["speed"] = speed_section(args.speed_n,
                                            [int(b) for b in args.batch_sizes.split(",")])
    if args.output:
        write_record(args.output, result, sort_keys=True)


if __name__ == "__main__":
    main()
