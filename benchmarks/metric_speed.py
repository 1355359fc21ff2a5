"""Metric speed: Inception features (our Keras port vs the PyTorch TorchScript reference, same run),
precision/recall/density/coverage, sliced Wasserstein distance and MS-SSIM.

    python benchmarks/metric_speed.py [--num_images=128] [--batch_sizes=16,32] [--jit]
        [--weights=../shared/data/inception_2015-12-05_fid_torchscript.pt]
        [--sections=prdc,swd,ms_ssim,inception,frechet] [--prdc_n=10000] [--swd_images=1000] [--ms_ssim_pairs=64]
        [--threads=1] [--output=speed.json]

``inception``: both sides get the same CIFAR-10 test images (uint8 32x32), resize them bilinearly to
299 (align_corners=False), scale ``(x - 128) / 128`` and return pool_3 features; each is warmed up
(tracing / TorchScript profiling runs) before timing. Passes are interleaved and repeated; the best
wall-clock rate and the best images per CPU-second of each side are printed with their ratio. Also
times the domain (MNIST) classifier for scale.

``prdc``: ``--prdc_n`` x ``--prdc_n`` random 2048-d float32 features (the Inception size): seconds and
peak RSS (``resource.getrusage``) above the features themselves, per distance dtype. ``swd``:
``--swd_images`` CIFAR-10 test vs train images (levels 32 and 16; the reference's 128 patches, 4 x 128
directions). ``ms_ssim``: ``--ms_ssim_pairs`` CIFAR-10 pairs resized to 256 (the MMD-GAN convention)
after a warm-up call. ``frechet``: the matrix square-root term ``Tr((C_1 C_2)^(1/2))`` of the Fréchet
distance for two 2048 x 2048 covariances (of 4,096 ReLU'd random projections each), ours
(``distances.trace_sqrt_product``, symmetric eigendecompositions) against ``scipy.linalg.sqrtm`` of the
product, with both values (``OMP_NUM_THREADS`` sets numpy's threads; the record keeps it). Sections run
in the given order; ``prdc``, ``swd`` and ``frechet`` are numpy only, so run
them before TensorFlow is loaded for a clean memory figure. The load average (``uptime``) is printed
first and with every figure in ``--output``, which also keeps the command, the date and ``--threads``
(TensorFlow's and torch's thread count; 0, the default, leaves TensorFlow's and gives torch one per core).
"""
import argparse
import datetime
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np

from tfgan_suite.utils.cli import bounded_int
from tfgan_suite.utils.machine import load_average, write_record


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


def _peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_prdc(n, dim=2048):
    from tfgan_suite.metrics.precision_recall import precision_recall_density_coverage

    rng = np.random.default_rng(0)
    real = rng.standard_normal((n, dim), dtype=np.float32)
    fake = rng.standard_normal((n, dim), dtype=np.float32)
    base = _peak_rss_mib()
    results = {}
    for dtype in ("float32", "float64"):
        load = load_average()
        start, cpu = time.perf_counter(), time.process_time()
        values = precision_recall_density_coverage(real, fake, nearest_k=5, dtype=dtype)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        results[dtype] = {"seconds": round(seconds, 1), "cpu_seconds": round(cpu, 1),
                          "peak_rss_mib": round(_peak_rss_mib()),
                          "peak_above_features_mib": round(_peak_rss_mib() - base),
                          "load_before": load, "values": values}
        print(f"prdc {n} x {n} x {dim} ({dtype}): {seconds:.1f} s ({cpu:.1f} CPU-s), "
              f"peak RSS {_peak_rss_mib():.0f} MiB "
              f"({_peak_rss_mib() - base:.0f} MiB above the {2 * real.nbytes / 2**20:.0f} MiB of features), "
              f"load {load[0]:.1f}")
    return results


def bench_swd(num_images):
    from tfgan_suite.metrics.sliced_wasserstein import sliced_wasserstein_from_images

    with np.load(_shared_data() / "cifar10.npz") as d:
        real, fake = d["x_test"][:num_images], d["x_train"][:num_images]
    load = load_average()
    start, cpu = time.perf_counter(), time.process_time()
    values = sliced_wasserstein_from_images(real, fake, seed=0)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    rate = 2 * num_images / seconds
    print(f"swd {num_images} vs {num_images} CIFAR-10 images: {seconds:.1f} s, {cpu:.1f} CPU-s ({rate:.0f} images/s, "
          f"{2e4 / rate:.0f} s per 10k vs 10k), load {load[0]:.1f}; {values}")
    return {"images_per_side": num_images, "seconds": round(seconds, 1), "cpu_seconds": round(cpu, 1),
            "images_per_s": round(rate, 1),
            "load_before": load, "values": {str(k): v for k, v in values.items()}}


def bench_ms_ssim(num_pairs):
    from tfgan_suite.metrics.structural_similarity import ms_ssim

    with np.load(_shared_data() / "cifar10.npz") as d:
        a, b = d["x_test"][:num_pairs], d["x_test"][num_pairs:2 * num_pairs]
    ms_ssim(a[:32], b[:32])  # tracing
    load = load_average()
    start, cpu = time.perf_counter(), time.process_time()
    ms_ssim(a, b)
    rate, cpu_rate = num_pairs / (time.perf_counter() - start), num_pairs / (time.process_time() - cpu)
    print(f"ms_ssim (32x32 -> 256x256): {rate:.1f} pairs/s wall, {cpu_rate:.1f} pairs per CPU-second, "
          f"load {load[0]:.1f}")
    return {"pairs": num_pairs, "pairs_per_s": round(rate, 1), "pairs_per_cpu_s": round(cpu_rate, 1),
            "load_before": load}


def bench_frechet(dim=2048, n=4096):
    import scipy.linalg

    from tfgan_suite.metrics.distances import activation_statistics, trace_sqrt_product

    rng = np.random.default_rng(0)
    covariances = []
    for scale in (1.0, 1.5):  # two different non-negative feature sets, like pool_3 features
        projection = rng.standard_normal((dim, dim)) / np.sqrt(dim)
        features = np.maximum(scale * rng.standard_normal((n, dim)) @ projection, 0.0)
        covariances.append(activation_statistics(features)[1])
    load = load_average()
    timed = {}
    for name, fn in (("ours_eigh", lambda: trace_sqrt_product(*covariances)),
                     ("scipy_sqrtm", lambda: float(np.trace(scipy.linalg.sqrtm(covariances[0] @ covariances[1])).real))):
        start, cpu = time.perf_counter(), time.process_time()
        value = fn()
        timed[name] = {"seconds": round(time.perf_counter() - start, 2),
                       "cpu_seconds": round(time.process_time() - cpu, 2), "trace_sqrt": value}
    ratio = timed["scipy_sqrtm"]["cpu_seconds"] / timed["ours_eigh"]["cpu_seconds"]
    print(f"frechet Tr((C1 C2)^1/2), {dim} x {dim}: ours {timed['ours_eigh']['seconds']:.2f} s "
          f"({timed['ours_eigh']['cpu_seconds']:.2f} CPU-s), scipy sqrtm {timed['scipy_sqrtm']['seconds']:.2f} s "
          f"({timed['scipy_sqrtm']['cpu_seconds']:.2f} CPU-s): {ratio:.1f}x per CPU-second; values "
          f"{timed['ours_eigh']['trace_sqrt']:.6f} vs {timed['scipy_sqrtm']['trace_sqrt']:.6f}, load {load[0]:.1f}")
    return {"dim": dim, "samples_per_covariance": n, "omp_num_threads": os.environ.get("OMP_NUM_THREADS"),
            "load_before": load, **timed, "sqrtm_over_ours_cpu": round(ratio, 1)}


def bench_inception(args):
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
        torch.set_num_threads(args.threads or os.cpu_count())
        net = torch.jit.load(args.weights).eval()

        def ref(batch):
            with torch.no_grad():
                x = torch.from_numpy(np.ascontiguousarray(batch)).permute(0, 3, 1, 2).float()
                x = torch.nn.functional.interpolate(x, size=(299, 299), mode="bilinear", align_corners=False)
                return net((x - 128.0) / 128.0).numpy()

        contenders[f"reference (PyTorch {torch.__version__} TorchScript)"] = ref
    best_ours, results = 0.0, {"images": len(images), "batch_sizes": {}}
    for bs in batch_sizes:
        load = load_average()
        rates = _compare(contenders, images, bs, args.repeats)
        row = results["batch_sizes"][bs] = {
            "load_before": load,
            "rates": {name: {"wall": round(w, 2), "cpu": round(c, 2)} for name, (w, c) in rates.items()}}
        for name, (wall, cpu) in rates.items():
            print(f"batch {bs:3d} {name}: {wall:.2f} images/s wall, {cpu:.2f} images per CPU-second")
        ours = max(v for k, v in rates.items() if k.startswith("ours"))
        best_ours = max(best_ours, ours[0])
        refs = [v for k, v in rates.items() if k.startswith("reference")]
        if refs:
            row["ratio_ours_to_reference"] = {"wall": round(ours[0] / refs[0][0], 2),
                                              "cpu": round(ours[1] / refs[0][1], 2)}
            print(f"batch {bs:3d} ratio ours/reference: {ours[0] / refs[0][0]:.2f}x wall, "
                  f"{ours[1] / refs[0][1]:.2f}x CPU (load before {load[0]:.1f})")
        row["load_after"] = load_average()

    from tfgan_suite.metrics.domain import DomainClassifier

    digits = np.random.default_rng(0).uniform(-1, 1, size=(10000, 28, 28, 1)).astype(np.float32)
    clf = DomainClassifier("mnist")
    clf.features(digits[:1000])
    load = load_average()
    rate, cpu_rate = _one_pass(clf.features, digits, 10000)
    print(f"domain classifier (mnist, 28x28): {rate:.0f} images/s, {cpu_rate:.0f} per CPU-second "
          f"({rate / best_ours:.0f}x the Inception rate)")
    results["domain_classifier_mnist"] = {"images": len(digits), "load_before": load,
                                          "wall": round(rate), "cpu": round(cpu_rate),
                                          "times_best_inception_wall": round(rate / best_ours)}
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--num_images", type=int, default=128)
    parser.add_argument("--batch_sizes", default="16,32")
    parser.add_argument("--jit", action="store_true", help="also time XLA jit_compile=True")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--weights", default=str(_shared_data() / "inception_2015-12-05_fid_torchscript.pt"))
    parser.add_argument("--sections", default="prdc,swd,ms_ssim,inception")
    parser.add_argument("--prdc_n", type=int, default=10000)
    parser.add_argument("--swd_images", type=int, default=1000)
    parser.add_argument("--ms_ssim_pairs", type=int, default=64)
    parser.add_argument("--threads", type=bounded_int(0), default=0,
                        help="TensorFlow and torch threads (0: TensorFlow's default, torch one per core)")
    parser.add_argument("--output", default=None, help="JSON file for the figures")
    args = parser.parse_args()
    sections = args.sections.split(",")
    known = ("prdc", "swd", "ms_ssim", "inception", "frechet")
    if set(sections) - set(known):
        parser.error(f"unknown section(s) {sorted(set(sections) - set(known))}; valid choices: {', '.join(known)}")
    print(f"load average {load_average()}, {os.cpu_count()} CPU cores")
    report = {"command": " ".join(["python", "benchmarks/metric_speed.py", *sys.argv[1:]]),
              "date": datetime.date.today().isoformat(), "threads": args.threads or None,
              "cpu_count": os.cpu_count(), "load_average_before": load_average()}
    tf_threads_set = False
    for section in sections:
        if args.threads and section in ("ms_ssim", "inception") and not tf_threads_set:
            # Loaded only now, before its first op: prdc and swd measure memory without TensorFlow.
            import tensorflow as tf

            tf.config.threading.set_intra_op_parallelism_threads(args.threads)
            tf.config.threading.set_inter_op_parallelism_threads(args.threads)
            tf_threads_set = True
        if section == "prdc":
            report["prdc"] = bench_prdc(args.prdc_n)
        elif section == "swd":
            report["swd"] = bench_swd(args.swd_images)
        elif section == "ms_ssim":
            report["ms_ssim"] = bench_ms_ssim(args.ms_ssim_pairs)
        elif section == "frechet":
            report["frechet"] = bench_frechet()
        else:
            report["inception"] = bench_inception(args)
    report["load_average_after"] = load_average()
    if args.output:
        write_record(args.output, report)


if __name__ == "__main__":
    main()
