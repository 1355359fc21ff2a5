"""Sanity figures for FID/KID on the shared (JPEG-degraded) CIFAR-10: test half vs half, train vs test.

    python benchmarks/fid_sanity.py [--num_train=10000] [--features_dir=runs/fid_sanity]

Inception features are computed in chunks of 500 images and saved under ``--features_dir`` (re-runs
resume). Prints FID and KID for: test[0::2] vs test[1::2] (two disjoint halves, 5000 each), and
train[:N] vs test (N = --num_train). Compare only with numbers computed on this same file: it is
JPEG-degraded, so published CIFAR-10 FIDs do not apply.
"""
import argparse
import os
import resource
import time
from pathlib import Path

import numpy as np


def _shared_data():
    return Path(os.environ.get("TFGAN_SUITE_SHARED_DATA")
                or Path(__file__).resolve().parents[1].parent / "shared" / "data")


def features(images, name, out_dir, extractor, chunk=500):
    parts = []
    for start in range(0, len(images), chunk):
        path = out_dir / f"{name}_{start:06d}_{min(start + chunk, len(images)):06d}.npy"
        if not path.exists():
            t = time.time()
            f = extractor(images[start:start + chunk])
            np.save(path, f.astype(np.float32))
            print(f"{name} {start}+{chunk}: {chunk / (time.time() - t):.1f} images/s", flush=True)
        parts.append(np.load(path))
    return np.concatenate(parts)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--num_train", type=int, default=10000)
    parser.add_argument("--num_test", type=int, default=10000)
    parser.add_argument("--features_dir", default="runs/fid_sanity")
    parser.add_argument("--weights", default=str(_shared_data() / "inception_2015-12-05_fid_torchscript.pt"))
    args = parser.parse_args()
    out_dir = Path(args.features_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    from tfgan_suite import metrics
    from tfgan_suite.metrics.inception import InceptionExtractor

    with np.load(_shared_data() / "cifar10.npz") as d:
        test, train = d["x_test"][:args.num_test], d["x_train"][:args.num_train]
    extractor = InceptionExtractor(args.weights, batch_size=50)
    f_test = features(test, "test", out_dir, extractor)
    half_a, half_b = f_test[0::2], f_test[1::2]
    print(f"FID test halves ({len(half_a)} vs {len(half_b)}): "
          f"{metrics.frechet_classifier_distance_from_activations(half_a, half_b):.3f}")
    kid, std = metrics.kernel_classifier_distance_and_std_from_activations(half_a, half_b, num_subsets=100)
    print(f"KID test halves: {kid:.5f} +- {std:.5f}")
    if args.num_train:
        f_train = features(train, "train", out_dir, extractor)
        print(f"FID train[:{len(f_train)}] vs test ({len(f_test)}): "
              f"{metrics.frechet_classifier_distance_from_activations(f_train, f_test):.3f}")
        kid, std = metrics.kernel_classifier_distance_and_std_from_activations(f_train, f_test, num_subsets=100)
        print(f"KID train vs test: {kid:.5f} +- {std:.5f}")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
