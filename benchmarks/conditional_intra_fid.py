"""Intra-class FID of an exported conditional generator (Miyato & Koyama 2018, sec. 5).

``(1 / K) sum_c FID(real images of class c, samples conditioned on c)`` with the FID Inception
network (:func:`tfgan_suite.metrics.intra_fid`), real images from a labelled ``.npz``::

    python benchmarks/conditional_intra_fid.py --workdir=runs/cond_cifar \\
        --real=../shared/data/cifar10.npz --split=test --per_class=200 \\
        --command="python -m tfgan_suite.run ..." --out=docs/results/conditional_cifar10.json

FID is biased upwards at small N: compare values only at the same ``--per_class``.
"""
import argparse
import json
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

from tfgan_suite import data, metrics  # noqa: E402
from tfgan_suite.utils.machine import write_record  # noqa: E402
from conditional_accuracy import saved_model_sampler, update_readme  # noqa: E402  (benchmarks/ is on sys.path)

MARKER = "<!-- conditional-cifar10 -->"


def readme_line(record):
    return (f"Conditional CIFAR-10 ({record['model']}, {record['steps']} steps, small budget): "
            f"intra-FID {record['intra_fid']:.1f} with {record['per_class']} real and "
            f"{record['per_class']} generated images per class (FID is biased upwards at this N; "
            f"papers use 5,000). Trained with `{record['command']}`, scored by "
            f"`python benchmarks/conditional_intra_fid.py` into {record['out']}.")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--real", required=True, help="a labelled dataset name or .npz path")
    parser.add_argument("--split", default="test")
    parser.add_argument("--per_class", type=int, default=200, help="real and generated images per class")
    parser.add_argument("--command", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--readme", default="README.md")
    args = parser.parse_args()
    with open(os.path.join(args.workdir, "config.json")) as f:
        config = json.load(f)
    images, labels = data.raw(args.real, args.split, labels=True)
    keep = np.concatenate([np.flatnonzero(labels == c)[:args.per_class]
                           for c in range(config["num_classes"])])
    start = time.time()
    value, per_class = metrics.intra_fid(
        (images[keep], labels[keep]), saved_model_sampler(os.path.join(args.workdir, "generator")),
        num_classes=config["num_classes"], num_samples=args.per_class, return_per_class=True)
    record = {"command": args.command, "model": config.get("model"), "loss": config.get("loss"),
              "steps": config.get("steps"), "real": f"{args.real} [{args.split}]",
              "per_class": args.per_class, "intra_fid": round(value, 2),
              "fid_per_class": [round(v, 2) for v in per_class],
              "seconds": round(time.time() - start), "load": round(os.getloadavg()[0], 1),
              "measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "out": args.out}
    write_record(args.out, record)
    update_readme(record, args.readme, MARKER, readme_line(record))
    print(readme_line(record))


if __name__ == "__main__":
    main()
