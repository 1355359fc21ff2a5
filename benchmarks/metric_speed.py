"""Inception feature extraction speed: our Keras port vs the PyTorch (TorchScript) reference, same run.

    python benchmarks/metric_speed.py [--num_images=128] [--batch_sizes=16,32] [--jit]
        [--weights=../shared/data/inception_2015-12-05_fid_torchscript.pt]

Both sides get the same CIFAR-10 test images (uint8 32x32), resize them bilinearly to 299
(align_corners=False), scale ``(x - 128) / 128`` and return pool_3 features; each is warmed up
(tracing / TorchScript profiling runs) before timing. Passes are interleaved and repeated; the best
wall-clock rate and the best images per CPU-second of each side are printed with their ratio. Also
times the domain (MNIST) classifier for scale.
"""
import argparse
import os
import time
from pathlib import Path

import numpy as np


def _shared_data():
    return Path(os.environ.get("TFGAN_SUITE_SHARED_DATA")
                or Path(__file__).resolve().parents[1].parent / "shared" / "data")


def _one_pass(fn, images, batch_size):
    wall, cpu = time.perf_counter(), time.process_time()
    for i in range(0, len(images), batch_size):
        fn(images[i:i + batch_size])
    return len(images) / (time.perf_counter() - wall), len(images) / (time.process_time() - cpu)


def _compare(contenders, images, batch_size, repeats):
    """Interleaves full passes of every contender ``repeats`` times; best wall and CPU rates per contender.

    Best-of-N and CPU-time rates (images per CPU-second, all threads) make the comparison robust to
    other jobs sharing the machine; both contenders see the same conditions in each round.
    """
    for fn in contenders.values():  # warm-up / tracing (TorchScript profiles its first two calls)
        fn(images[:batch_size])
        fn(images[:batch_size])
    best = {name: (0.0, 0.0) for name in contenders}
    for _ in range(repeats):
        for name, fn in contenders.items():
            wall, cpu = _one_pass(fn, images, batch_size)
            best[name] = (max(best[name][0], wall), max(best[name][1], cpu))
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--num_images", type=int, default=128)
    parser.add_argument("--batch_sizes", default="16,32")
    parser.add_argument("--jit", action="store_true", help="also time XLA jit_compile=True")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--weights", default=str(_shared_data() / "inception_2015-12-05_fid_torchscript.pt"))
    args = parser.parse_args()
    batch_sizes = [int(b) for b in args.batch_sizes.split(",")]
    with np.load(_shared_data() / "cifar10.npz") as d:
        images = d["x_test"][:args.num_images]
    print(f"{len(images)} CIFAR-10 test images (32x32 -> 299x299), {os.cpu_count()} CPU cores")

    from tfgan_suite.metrics.inception import InceptionExtractor

    contenders = {}
    for jit in ([False, True] if args.jit else [False]):
        contenders[f"ours (Keras/TF, jit_compile={jit})"] = InceptionExtractor(args.weights, jit_compile=jit)
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

        contenders[f"reference (PyTorch {torch.__version__} TorchScript)"] = ref
    best_ours = 0.0
    for bs in batch_sizes:
        rates = _compare(contenders, images, bs, args.repeats)
        for name, (wall, cpu) in rates.items():
            print(f"batch {bs:3d} {name}: {wall:.2f} images/s wall, {cpu:.2f} images per CPU-second")
        ours = max(v for k, v in rates.items() if k.startswith("ours"))
        best_ours = max(best_ours, ours[0])
        refs = [v for k, v in rates.items() if k.startswith("reference")]
        if refs:
            print(f"batch {bs:3d} ratio ours/reference: {ours[0] / refs[0][0]:.2f}x wall, "
                  f"{ours[1] / refs[0][1]:.2f}x CPU")

    from tfgan_suite.metrics.domain import DomainClassifier

    digits = np.random.default_rng(0).uniform(-1, 1, size=(10000, 28, 28, 1)).astype(np.float32)
    clf = DomainClassifier("mnist")
    clf.features(digits[:1000])
    rate = _one_pass(clf.features, digits, 10000)[0]
    print(f"domain classifier (mnist, 28x28): {rate:.0f} images/s "
          f"({rate / best_ours:.0f}x the Inception rate)")


if __name__ == "__main__":
    main()
