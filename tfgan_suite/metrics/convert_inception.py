"""Converts FID Inception weights (TorchScript .pt or pytorch-fid .pth) into the package's .npz.

    python -m tfgan_suite.metrics.convert_inception SOURCE [DESTINATION] [--overwrite]

DESTINATION defaults to ``<cache_dir>/inception_fid.npz``, which the metrics then find without any
flag or environment variable. torch is needed only for a legacy-format (non-zip) .pth.
"""
import argparse
import sys
from pathlib import Path

from tfgan_suite.metrics.inception import InceptionWeightsError, cache_dir, convert_inception_weights


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", help="inception_2015-12-05_fid_torchscript.pt or pt_inception-2015-12-05-*.pth")
    parser.add_argument("destination", nargs="?", default=None, help="output .npz (default: the cache)")
    parser.add_argument("--overwrite", action="store_true")
    args = parser.parse_args(argv)
    destination = Path(args.destination) if args.destination else cache_dir() / "inception_fid.npz"
    if destination.exists() and not args.overwrite:
        sys.exit(f"error: {destination} exists; pass --overwrite to replace it")
    if not Path(args.source).is_file():
        sys.exit(f"error: {args.source!r} is not a file")
    try:
        path = convert_inception_weights(args.source, destination)
    except InceptionWeightsError as e:
        sys.exit(f"error: {e}")
    import numpy as np

    with np.load(path) as f:
        logits = "with" if "fc/kernel" in f.files else "without"
    print(f"wrote {path} ({logits} the 1008-way logits layer)")


if __name__ == "__main__":
    main()
