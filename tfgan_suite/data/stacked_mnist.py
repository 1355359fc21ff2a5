"""Stacked MNIST: three MNIST digits as the three channels of one 28x28x3 image (1,000 modes).

The mode-collapse benchmark of Metz et al. (2017), VEEGAN (Srivastava et al., 2017) and PacGAN
(Lin et al., 2018): each example stacks three MNIST images drawn independently and uniformly at
random, so the triple of digit classes takes 10^3 = 1,000 equally likely values ("modes").
Score a generator with :func:`tfgan_suite.metrics.modes.stacked_mnist_modes`.

The draw is a function of ``seed`` and the split only. The MNIST images come from, in order:
``data_dir/mnist.npz``, the shared offline copy (``$TFGAN_SUITE_SHARED_DATA/mnist.npz``), else the
tfds ``mnist`` dataset (downloaded if allowed).
"""
import os
from pathlib import Path

import numpy as np

from tfgan_suite.data import sources
from tfgan_suite.data.errors import DatasetError
from tfgan_suite.data.registry import DATASETS, call_loader

SHARED_DATA_ENV = "TFGAN_SUITE_SHARED_DATA"
DEFAULT_EXAMPLES = {"train": 60_000, "test": 10_000}


def shared_data_file(name, data_dir=None):
    """``data_dir/name`` or ``$TFGAN_SUITE_SHARED_DATA/name`` when that file exists, else ``None``."""
    for directory in (data_dir, os.environ.get(SHARED_DATA_ENV)):
        if directory and (Path(directory) / name).is_file():
            return Path(directory) / name
    return None


def mnist_images(split="train", data_dir=None, download=True):
    """The uint8 MNIST images of ``split``, shape (N, 28, 28, 1), from the offline copy if any."""
    path = shared_data_file("mnist.npz", data_dir)
    if path is not None:
        return sources.load_npz(path, split)
    return call_loader("mnist", split=split, data_dir=data_dir, download=download)


def stack(images, num_examples, seed):
    """``num_examples`` images whose channel ``c`` is ``images[index[:, c]]``, index drawn by ``seed``.

    Returns ``(stacked uint8 (n, 28, 28, 3), index int64 (n, 3))``.
    """
    rng = np.random.default_rng(seed)
    index = rng.integers(0, len(images), size=(int(num_examples), 3))
    stacked = sources.aligned_empty((int(num_examples), *images.shape[1:3], 3))
    for channel in range(3):
        stacked[..., channel] = images[index[:, channel], ..., 0]
    return stacked, index


@DATASETS.register("stacked_mnist")
def stacked_mnist(split="train", data_dir=None, num_examples=None, seed=0, download=True):
    """Stacked MNIST (28x28x3, 1,000 modes): 60,000 train / 10,000 test draws by default, each
    channel an image of the same MNIST split."""
    if split not in DEFAULT_EXAMPLES:
        raise DatasetError(f"stacked_mnist has splits train and test, not {split!r}")
    count = num_examples or DEFAULT_EXAMPLES[split]
    # train and test draws use different streams, and test images only come from MNIST's test split
    return stack(mnist_images(split, data_dir, download), count,
                 [int(seed), 0 if split == "train" else 1])[0]
