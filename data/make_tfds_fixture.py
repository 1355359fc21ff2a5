"""Writes ``tests/fixtures/tfds/mnist/3.0.1``: a tiny *prepared* tfds ``mnist`` data_dir made of real MNIST.

It holds the first 64 training and the first 32 test images of MNIST (with labels), in their original
order, written by ``tfds.dataset_builders.store_as_tfds_dataset`` under the name and version of the tfds
``mnist`` builder, so ``tfds.builder("mnist", data_dir=...)`` treats it as prepared: the tests use it to
exercise the offline ``data_dir`` path of ``tfgan_suite.data.load("mnist", data_dir=...)``.
Needs ``importlib_resources`` (tfds imports it when preparing)::

    python data/make_tfds_fixture.py --source ../shared/data/mnist.npz
"""
import argparse
import shutil
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default=str(ROOT.parent / "shared" / "data" / "mnist.npz"))
    parser.add_argument("--data_dir", default=str(ROOT / "tests" / "fixtures" / "tfds"))
    parser.add_argument("--train", type=int, default=64)
    parser.add_argument("--test", type=int, default=32)
    parser.add_argument("--overwrite", action="store_true")
    args = parser.parse_args(argv)
    import tensorflow as tf  # pylint: disable=import-outside-toplevel
    import tensorflow_datasets as tfds  # pylint: disable=import-outside-toplevel

    target = Path(args.data_dir) / "mnist"
    if target.exists():
        if not args.overwrite:
            raise SystemExit(f"error: {target} exists; pass --overwrite to replace it")
        shutil.rmtree(target)
    with np.load(args.source) as archive:
        splits = {"train": (archive["x_train"][:args.train], archive["y_train"][:args.train]),
                  "test": (archive["x_test"][:args.test], archive["y_test"][:args.test])}
    features = tfds.features.FeaturesDict({"image": tfds.features.Image(shape=(28, 28, 1)),
                                           "label": tfds.features.ClassLabel(num_classes=10)})
    datasets = {split: tf.data.Dataset.from_tensor_slices({"image": x, "label": y.astype(np.int64)})
                for split, (x, y) in splits.items()}
    tfds.dataset_builders.store_as_tfds_dataset(
        name="mnist", version="3.0.1", features=features, split_datasets=datasets, data_dir=args.data_dir,
        description="First 64 train / 32 test MNIST images (tfgan_suite test fixture).",
        disable_shuffling=True)
    shutil.rmtree(Path(args.data_dir) / "downloads", ignore_errors=True)
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
