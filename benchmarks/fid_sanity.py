"""Sanity figures for FID/KID on the shared (JPEG-degraded) CIFAR-10: test half vs half, train vs test.

    python benchmarks/fid_sanity.py [--num_train=10000] [--features_dir=runs/fid_sanity] \
        [--output=docs/measurements/fid_sanity.json]
    python benchmarks/fid_sanity.py --markdown=docs/measurements/fid_sanity.json  # the docs' table

Inception features are computed in chunks of 500 images and saved under ``--features_dir`` (re-runs
resume). Prints FID and KID for: test[0::2] vs test[1::2] (two disjoint halves of the first
--num_test test images), train[:N] vs test (N = --num_train), and train vs one test half at equal N.
``--output`` keeps them as a JSON record (with the command, the machine's load and the Inception
rate), from which ``--markdown`` prints the table of docs/metrics.md. Compare only with numbers
computed on this same file: it is JPEG-degraded, so published CIFAR-10 FIDs do not apply.
"""
import argparse
import datetime
import json
import os
import resource
import shlex
import sys
import time
from pathlib import Path

import numpy as np

from tfgan_suite.utils.cli import bounded_int


def _shared_data():
    return Path(os.environ.get("TFGAN_SUITE_SHARED_DATA")
                or Path(__file__).resolve().parents[1].parent / "shared" / "data")


def features(images, name, out_dir, extractor, chunk=500):
    """Features of ``images``, computed chunk by chunk and cached; returns ``(features, rates)`` with
    the images/s of each chunk computed in this call (cached chunks have none)."""
    parts, rates = [], []
    for start in range(0, len(images), chunk):
        path = out_dir / f"{name}_{start:06d}_{min(start + chunk, len(images)):06d}.npy"
        if not path.exists():
            t = time.time()
            f = extractor(images[start:start + chunk])
            np.save(path, f.astype(np.float32))
            rates.append(len(f) / (time.time() - t))
            print(f"{name} {start}+{chunk}: {rates[-1]:.1f} images/s", flush=True)
        parts.append(np.load(path))
    return np.concatenate(parts), rates


def comparisons(f_test, f_train, fid, kid_and_std):
    """The rows of the table: ``[{comparison, n_a, n_b, fid, kid, kid_std}]`` (KID ``None`` where
    not computed). ``fid(a, b)`` and ``kid_and_std(a, b)`` take ``[n, d]`` features."""
    half_a, half_b = f_test[0::2], f_test[1::2]
    kid, std = kid_and_std(half_a, half_b)
    rows = [{"comparison": f"test[0::2] vs test[1::2] (disjoint halves of the first {len(f_test)} "
                           "test images)", "n_a": len(half_a), "n_b": len(half_b),
             "fid": fid(half_a, half_b), "kid": kid, "kid_std": std}]
    if f_train is not None and len(f_train):
        n = min(len(half_a), len(f_train))  # same N as the halves: FID is biased by N
        rows.append({"comparison": f"train[:{n}] vs test[0::2]", "n_a": n, "n_b": n,
                     "fid": fid(f_train[:n], half_a[:n]), "kid": None, "kid_std": None})
        kid, std = kid_and_std(f_train, f_test)
        rows.append({"comparison": f"train[:{len(f_train)}] vs test[:{len(f_test)}]",
                     "n_a": len(f_train), "n_b": len(f_test), "fid": fid(f_train, f_test),
                     "kid": kid, "kid_std": std})
    return [{k: (float(v) if isinstance(v, (float, np.floating)) else v) for k, v in row.items()}
            for row in rows]


def markdown(record):
    """The Markdown table of a saved record (docs/metrics.md shows it)."""
    lines = ["| comparison | N vs N | FID | KID (100 subsets of 1000) |", "| --- | --- | --- | --- |"]
    for row in record["comparisons"]:
        kid = "" if row["kid"] is None else f"{row['kid']:.5f} ± {row['kid_std']:.5f}"
        lines.append(f"| {row['comparison']} | {row['n_a']} vs {row['n_b']} | {row['fid']:.2f} | {kid} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--num_train", type=int, default=10000)
    parser.add_argument("--num_test", type=int, default=10000)
    parser.add_argument("--features_dir", default="runs/fid_sanity")
    parser.add_argument("--weights", default=str(_shared_data() / "inception_2015-12-05_fid_torchscript.pt"))
    parser.add_argument("--threads", type=bounded_int(0), default=0,
                        help="TensorFlow threads (0: its default)")
    parser.add_argument("--output", help="write the figures as a JSON record here")
    parser.add_argument("--markdown", help="only print this saved record as the Markdown table")
    args = parser.parse_args()
    if args.markdown:
        with open(args.markdown) as f:
            print(markdown(json.load(f)))
        return
    out_dir = Path(args.features_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    import tensorflow as tf
    if args.threads:
        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    from tfgan_suite import metrics
    from tfgan_suite.metrics.inception import InceptionExtractor
    from tfgan_suite.utils.machine import load_average, write_record

    with np.load(_shared_data() / "cifar10.npz") as d:
        test, train = d["x_test"][:args.num_test], d["x_train"][:args.num_train]
    extractor = InceptionExtractor(args.weights, batch_size=50)
    load_start = load_average()
    f_test, rates = features(test, "test", out_dir, extractor)
    f_train = None
    if args.num_train:
        f_train, train_rates = features(train, "train", out_dir, extractor)
        rates += train_rates
    rows = comparisons(
        f_test, f_train, metrics.frechet_classifier_distance_from_activations,
        lambda a, b: metrics.kernel_classifier_distance_and_std_from_activations(a, b, num_subsets=100))
    record = {"command": "python " + " ".join(shlex.quote(a) for a in sys.argv),
              "date": datetime.date.today().isoformat(), "data": "shared/data/cifar10.npz",
              "threads": args.threads or None, "load_average_start": load_start,
              "load_average_end": load_average(),
              "inception_images_per_s": [round(r, 2) for r in rates],
              "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
              "comparisons": rows}
    print(markdown(record))
    print(f"peak RSS {record['peak_rss_mib']} MiB")
    if args.output:
        write_record(args.output, record)


if __name__ == "__main__":
    main()
