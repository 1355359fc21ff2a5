"""Inception feature extraction speed: our Keras port vs the PyTorch (TorchScript) reference, same run.

    python benchmarks/metric_speed.py [--num_images=128] [--batch_sizes=16,32] [--jit]
        [--weights=../shared/data/inception_2015-12-05_fid_torchscript.pt]

Both sides get the same CIFAR-10 test images (uint8 32x32), resize them bilinearly to 299
(align_corners=False), scale ``(x - 128) / 128`` and return pool_3 features; each is warmed up
(tracing / TorchScript profiling runs) before timing. Prints images/s per setting and the ratio of
our best to the reference's best. Also times the domain (MNIST) classifier for scale.
"""
import argparse
import os
import time
from pathlib import Path

import numpy as np


def _shared_data():
    return Path(os.environ.get("TFGAN_SUITE_SHARED_DATA")
                or Path(__file__).resolve().parents[1].parent / "shared" / "data")


def _time(fn, images, batch_size, repeats=1):
    fn(images[:batch_size])  # warm-up / tracing
    fn(images[:batch_size])
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for i in range(0, len(images), batch_size):
            fn(images[i:i + batch_size])
        best = min(best, time.perf_counter() - start)
    return len(images) / best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--num_images", type=int, default=128)
    parser.add_argument("--batch_sizes", default="16,32")
    parser.add_argument("--jit", action="store_true", help="also time XLA jit_compile=True")
    parser.add_argument("--weights", default=str(_shared_data() / "inception_2015-12-05_fid_torchscript.pt"))
    args = parser.parse_args()
    batch_sizes = [int(b) for b in args.batch_sizes.split(",")]
    with np.load(_shared_data() / "cifar10.npz") as d:
        images = d["x_test"][:args.num_images]
    print(f"{len(images)} CIFAR-10 test images (32x32 -> 299x299), {os.cpu_count()} CPU cores")

    from tfgan_suite.metrics.inception import InceptionExtractor

    ours = {}
    for jit in ([False, True] if args.jit else [False]):
        extractor = InceptionExtractor(args.weights, jit_compile=jit)
        for bs in batch_sizes:
            ours[(jit, bs)] = _time(extractor, images, bs)
            print(f"ours (Keras/TF, jit_compile={jit}, batch {bs}): {ours[(jit, bs)]:.2f} images/s")

    reference = {}
    try:
        import torch
    except ImportError:
        print("torch not installed: reference not timed (pip install torch==2.13.0)")
    else:
        torch.set_num_threads(os.cpu_count())
        net = torch.jit.load(args.weights).eval()

        def ref(batch):
            with torch.no_grad():
                x = torch.from_numpy(np.ascontiguousarray(batch)).permute(0, 3, 1, 2).float()
                x = torch.nn.functional.interpolate(x, size=(299, 299), mode="bilinear", align_corners=False)
                return net((x - 128.0) / 128.0).numpy()

        for bs in batch_sizes:
            reference[bs] = _time(ref, images, bs)
            print(f"reference (PyTorch {torch.__version__} TorchScript, batch {bs}): {reference[bs]:.2f} images/s")
    best_ours = max(ours.values())
    if reference:
        best_ref = max(reference.values())
        print(f"best ours {best_ours:.2f} images/s vs best reference {best_ref:.2f} images/s: "
              f"ratio {best_ours / best_ref:.2f}x")

    from tfgan_suite.metrics.domain import DomainClassifier

    digits = np.random.default_rng(0).uniform(-1, 1, size=(10000, 28, 28, 1)).astype(np.float32)
    clf = DomainClassifier("mnist")
    rate = _time(clf.features, digits, 10000)
    print(f"domain classifier (mnist, 28x28): {rate:.0f} images/s "
          f"({rate / best_ours:.0f}x the Inception rate)")


if __name__ == "__main__":
    main()
