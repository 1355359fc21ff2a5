"""Dataset command line: inspect a dataset, prepare a tfds dataset, export one to ``.npz``.

::

    python -m tfgan_suite.data names
    python -m tfgan_suite.data inspect ../shared/data/cifar10.npz --grid cifar.png
    python -m tfgan_suite.data prepare cifar10 --data_dir ~/tfds      # on a machine with internet
    python -m tfgan_suite.data export cifar10 --data_dir ~/tfds --output cifar10.npz

Bad input prints one line (``error: ...``) and exits with status 2.
"""
import argparse
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # entry module: keep TensorFlow's start-up log quiet
from pathlib import Path

import numpy as np

from tfgan_suite.data import DatasetError, catalog, load_array, names
from tfgan_suite.utils.cli import bounded_int


def _grid(images, path, ncols=None):
    """Saves uint8 NHWC images as one PNG grid."""
    from PIL import Image  # pylint: disable=import-outside-toplevel

    n, h, w, c = images.shape
    ncols = ncols or int(np.ceil(np.sqrt(n)))
    nrows = int(np.ceil(n / ncols))
    canvas = np.zeros((nrows * h, ncols * w, c), np.uint8)
    for i, image in enumerate(images):
        r, q = divmod(i, ncols)
        canvas[r * h:(r + 1) * h, q * w:(q + 1) * w] = image
    Image.fromarray(canvas[..., 0] if c == 1 else canvas).save(path)


def _parser():
    parser = argparse.ArgumentParser(prog="python -m tfgan_suite.data", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("names", help="list the registered dataset names")
    for command, text in (("inspect", "print count, shape, dtype and pixel range; optionally a PNG grid"),
                          ("export", "write the dataset as an .npz (uint8 x_<split>) for offline use")):
        sub = commands.add_parser(command, help=text)
        sub.add_argument("dataset", help="a name (see `names`), an .npz, an image folder or a tfds directory")
        sub.add_argument("--split", default="train")
        sub.add_argument("--data_dir", default=None)
        sub.add_argument("--num_examples", type=bounded_int(1), default=None)
        sub.add_argument("--image_size", type=bounded_int(1), default=None)
        sub.add_argument("--channels", type=int, default=None, choices=(1, 3))
        sub.add_argument("--no_download", action="store_true", help="fail instead of downloading")
        if command == "inspect":
            sub.add_argument("--grid", default=None, help="write the first 64 images to this PNG")
        else:
            sub.add_argument("--output", required=True)
    sub = commands.add_parser("prepare", help="download and prepare a tfds dataset into --data_dir")
    sub.add_argument("dataset", choices=sorted(catalog.CATALOG))
    sub.add_argument("--data_dir", required=True)
    return parser


def _array(args):
    return load_array(args.dataset, args.split, args.data_dir, args.num_examples, args.image_size,
                      args.channels, download=not args.no_download)


def _refuse_overwrite(path):
    if Path(path).exists():
        raise DatasetError(f"output {str(path)!r} already exists; remove it or choose another path")


def run(argv=None):
    args = _parser().parse_args(argv)
    if args.command == "names":
        print("\n".join(names()))
    elif args.command == "inspect":
        if args.grid:
            _refuse_overwrite(args.grid)
        x = _array(args)
        print(f"{args.dataset} [{args.split}]: {len(x)} examples, shape {x.shape[1:]}, dtype {x.dtype}, "
              f"min {x.min()}, max {x.max()}, mean {x.mean():.4g}")
        if args.grid and x.ndim == 4:
            _grid(x[:64], args.grid)
            print(f"wrote {args.grid}")
    elif args.command == "export":
        _refuse_overwrite(args.output)
        x = _array(args)
        np.savez_compressed(args.output, **{f"x_{args.split}" if args.split in ("train", "test") else "images": x})
        print(f"wrote {args.output}: {x.shape} {x.dtype}")
    elif args.command == "prepare":
        entry = catalog.CATALOG[args.dataset]
        builder = catalog.tfds_builder(entry.tfds_name, args.data_dir, download=True, name=args.dataset)
        print(f"{args.dataset} is prepared in {builder.data_dir}")
    return 0


def main(argv=None):
    try:
        return run(argv)
    except DatasetError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
