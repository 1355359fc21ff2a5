"""Writes ``data/mnist_subset.npz``, the real MNIST subset bundled with tfgan_suite.

The subset is the first ``--count`` (default 10,000) training images of MNIST in their original order,
as uint8 ``(N, 28, 28, 1)`` under ``x_train`` with the int64 labels under ``y_train``, written with
``np.savez_compressed`` (about 2 MB). Run from the repository root::

    python data/make_bundled_mnist.py --source ../shared/data/mnist.npz

The source is the full MNIST ``.npz`` described in ``shared/data/README.md`` (keys ``x_train``,
``y_train``, ``x_test``, ``y_test``). The script refuses to overwrite an existing output unless
``--overwrite`` is given.
"""
import argparse
import hashlib
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def make_subset(source, output, count=10_000, overwrite=False):
    """Copies the first ``count`` MNIST training images and labels from ``source`` to ``output``."""
    source, output = Path(source), Path(output)
    if not source.is_file():
        raise SystemExit(f"error: MNIST source {str(source)!r} not found; pass --source path/to/mnist.npz")
    if output.exists() and not overwrite:
        raise SystemExit(f"error: {str(output)!r} exists; pass --overwrite to replace it")
    with np.load(source) as archive:
        images = np.asarray(archive["x_train"][:count], dtype=np.uint8)
        labels = np.asarray(archive["y_train"][:count], dtype=np.int64)
    if images.ndim == 3:
        images = images[..., None]
    if images.shape[1:] != (28, 28, 1) or len(images) != count:
        raise SystemExit(f"error: expected {count} MNIST images of shape (28, 28, 1), got {images.shape}")
    np.savez_compressed(output, x_train=images, y_train=labels)
    digest = hashlib.sha256(output.read_bytes()).hexdigest()
    print(f"wrote {output} ({output.stat().st_size} bytes, sha256 {digest}): "
          f"x_train {images.shape} uint8, y_train {labels.shape} int64")
    return output


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default=str(HERE.parent.parent / "shared" / "data" / "mnist.npz"),
                        help="full MNIST npz (keys x_train, y_train)")
    parser.add_argument("--output", default=str(HERE / "mnist_subset.npz"))
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--overwrite", action="store_true")
    args = parser.parse_args(argv)
    make_subset(args.source, args.output, args.count, args.overwrite)


if __name__ == "__main__":
    sys.exit(main())
