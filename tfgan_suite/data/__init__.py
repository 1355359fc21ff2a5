"""Datasets: one name or path -> a tf.data pipeline of float32 NHWC images in [-1, 1].

::

    from tfgan_suite import data
    ds = data.load()                           # bundled real MNIST subset (10,000 images, 28x28x1)
    ds = data.load("cifar10", data_dir=DIR)    # tfds, prepared as the papers do (see catalog.py)
    ds = data.load("path/to/file.npz")         # uint8 x_train (or images), NHWC or NHW
    ds = data.load("path/to/images/")          # PNG/JPEG folder (recursive) or a prepared tfds directory
    x = data.load_array("mnist_bundled")       # the raw uint8 array (metrics, SGAN)
    ds = data.load("mnist", labels=True)       # (images, int32 labels) batches: class-conditional GANs

Names: :func:`names` (``DATASETS`` registry; other modules register more). Every user mistake raises
:class:`DatasetError`, a ``ValueError`` with a one-line message that command-line tools print as is.
"""
import os
import weakref
from importlib import resources
from pathlib import Path

import numpy as np

from tfgan_suite.data.errors import DatasetError
from tfgan_suite.data.registry import DATASETS, call_loader
from tfgan_suite.data import sources
from tfgan_suite.data import catalog  # noqa: F401  (registers the tfds datasets)
from tfgan_suite.data import toy  # noqa: F401,E402  (registers ring8 and grid25)
from tfgan_suite.data import stacked_mnist  # noqa: F401,E402  (registers stacked_mnist)

DEFAULT_DATASET = "mnist_bundled"

__all__ = ["DATASETS", "DEFAULT_DATASET", "DatasetError", "bundled_mnist_path", "check_channels", "load",
           "load_array", "names", "raw", "register"]

register = DATASETS.register

# Arrays behind live pipelines, so a second load() of the same data (e.g. a shape probe, then the
# training pipeline) reuses the one uint8 copy instead of reading it again. Weak: costs no memory.
_LIVE_ARRAYS = weakref.WeakValueDictionary()


def bundled_mnist_path():
    """Path of ``mnist_subset.npz`` shipped in ``tfgan_suite.bundled`` (the repository's ``data/``)."""
    try:
        return Path(str(resources.files("tfgan_suite.bundled").joinpath("mnist_subset.npz")))
    except ModuleNotFoundError:  # a source checkout on PYTHONPATH, not installed: the repository's data/
        return Path(__file__).resolve().parents[2] / "data" / "mnist_subset.npz"


@DATASETS.register(DEFAULT_DATASET)
def mnist_bundled(split="train", num_examples=None, labels=False):
    """The bundled real MNIST subset: the first 10,000 MNIST training images, uint8 (N, 28, 28, 1)."""
    return _npz(bundled_mnist_path(), split, num_examples, labels)


def _npz(path, split, num_examples, labels):
    images = sources.load_npz(path, split, num_examples)
    if not labels:
        return images
    return images, sources.load_npz_labels(path, split, num_examples)


def names():
    """Registered dataset names (a path to an .npz file or an image folder is also accepted)."""
    return DATASETS.names()


def _looks_like_path(text):
    return (os.sep in text or "/" in text or text.endswith(".npz") or text.startswith((".", "~"))
            or Path(text).exists())


def raw(name_or_path=None, split="train", data_dir=None, num_examples=None, seed=0, download=True,
        labels=False):
    """The raw examples before batching: an in-memory array (uint8 NHWC images, or float arrays such as
    toy points) or an unbatched ``tf.data.Dataset`` of uint8 images (large streamed datasets).

    ``labels=True``: ``(images, int32 labels)`` arrays, or a stream of ``(image, label)`` pairs.
    """
    if num_examples is not None and int(num_examples) < 1:
        raise DatasetError(f"num_examples must be positive, got {num_examples!r}")
    name = DEFAULT_DATASET if name_or_path is None else os.fspath(name_or_path)
    if name in DATASETS:
        return call_loader(name, split=split, data_dir=data_dir, num_examples=num_examples, seed=seed,
                           download=download, labels=labels)
    if not _looks_like_path(name):
        DATASETS.lookup(name)  # raises the unknown-name error listing the valid choices
    path = Path(name).expanduser()
    if not path.exists():
        raise DatasetError(f"dataset path {name!r} does not exist (valid names: {', '.join(names())})")
    if path.is_file():
        if path.suffix.lower() != ".npz":
            raise DatasetError(f"dataset file {name!r} is not an .npz file; pass an .npz (uint8 x_train or "
                               "images), a folder of images or a prepared tfds directory")
        return _npz(path, split, num_examples, labels)
    directory = sources.find_tfds_directory(path)
    if directory is not None and not sources.list_images(path):
        return catalog.load_tfds_directory(directory, split, num_examples, labels=labels)
    if labels:
        return sources.load_class_folders(path, num_examples)
    return sources.load_folder(path, num_examples)


def _cache_key(name_or_path, split, data_dir, num_examples, seed):
    name = DEFAULT_DATASET if name_or_path is None else os.fspath(name_or_path)
    path = Path(name).expanduser()
    try:
        stamp = path.stat().st_mtime_ns if path.exists() else None
    except OSError:
        return None
    source = str(path.resolve()) if stamp is not None else name
    return (source, stamp, split, None if data_dir is None else str(data_dir), num_examples, seed)


def load(name_or_path=None, split="train", image_size=None, batch_size=64, seed=0, shuffle=True,
         repeat=True, drop_remainder=True, data_dir=None, channels=None, num_examples=None, download=True,
         shuffle_buffer=10_000, cache=None, labels=False):
    """A ``tf.data.Dataset`` of float32 NHWC batches in [-1, 1]; ``(images, labels)`` with ``labels``.

    Args:
      name_or_path: a registered name (:func:`names`; None = the bundled MNIST subset), an ``.npz`` file
        (uint8 ``x_<split>`` or ``images``), a folder of PNG/JPEG images (recursive, one size), or a
        prepared tfds dataset directory.
      split: "train", "test" or any tfds split (``"train[:10%]"``). For stl10, "train" is "unlabelled".
      image_size: None (the dataset's own size, e.g. 48 for stl10), an int or (height, width); resized
        bilinearly with antialiasing.
      batch_size: batch size; the last partial batch is dropped when ``drop_remainder``.
      seed: shuffling seed (the order is a function of ``seed`` only).
      shuffle, repeat: shuffle (a fresh permutation every epoch), repeat forever.
      data_dir: tfds data directory (prepared data, or where to download).
      channels: None (keep), 1 or 3: convert grayscale <-> RGB only when asked.
      num_examples: use only the first ``num_examples`` examples.
      download: let tfds download and prepare a missing dataset.
      shuffle_buffer, cache: for streamed (large tfds) datasets only: shuffle buffer size; cache the
        prepared uint8 images in memory (True) or in a file (a path).
      labels: yield ``(images, labels)`` batches, labels int32 of shape ``(batch,)``: a tfds dataset's
        ``label`` feature, an .npz file's ``y_<split>``, or a folder's class sub-folders (the class
        index is the position of the sub-folder's name in sorted order). Sources without labels
        raise a :class:`DatasetError`.

    Raises:
      DatasetError: one line naming the bad input and what to do.
    """
    from tfgan_suite.data import pipeline  # pylint: disable=import-outside-toplevel

    if int(batch_size) < 1:
        raise DatasetError(f"batch_size must be positive, got {batch_size!r}")
    options = dict(batch_size=int(batch_size), seed=seed, shuffle=shuffle, repeat=repeat,
                   drop_remainder=drop_remainder, image_size=image_size, channels=channels)
    if labels:
        examples = raw(name_or_path, split, data_dir, num_examples, seed, download, labels=True)
        if isinstance(examples, tuple):
            return pipeline.from_array(examples[0], labels=examples[1], **options)
        return pipeline.from_dataset(examples, shuffle_buffer=shuffle_buffer, cache=cache, **options)
    key = _cache_key(name_or_path, split, data_dir, num_examples, seed)
    examples = _LIVE_ARRAYS.get(key) if key is not None else None
    if examples is None:
        examples = raw(name_or_path, split, data_dir, num_examples, seed, download)
        if key is not None and isinstance(examples, np.ndarray):
            _LIVE_ARRAYS[key] = examples
    if isinstance(examples, np.ndarray):
        return pipeline.from_array(examples, **options)
    return pipeline.from_dataset(examples, shuffle_buffer=shuffle_buffer, cache=cache, **options)


def load_array(name_or_path=None, split="train", data_dir=None, num_examples=None, image_size=None,
               channels=None, download=True):
    """The dataset as one numpy array: uint8 NHWC images, float32 NHWC images in [-1, 1] (from
    float image files, by the ``data.pixels`` rule), or the float array of non-image data.

    ``image_size`` / ``channels`` resize / convert (rounded back to uint8) when given.
    """
    examples = raw(name_or_path, split, data_dir, num_examples, 0, download)
    if not isinstance(examples, np.ndarray):
        count = num_examples
        if count is None:
            count = sum(1 for _ in examples.batch(4096))
        examples = catalog.stream_to_array(examples, int(count), tuple(examples.element_spec.shape))
    if examples.dtype != np.uint8 or (image_size is None and channels is None):
        return examples
    import tensorflow as tf  # pylint: disable=import-outside-toplevel
    from tfgan_suite.data import pipeline  # pylint: disable=import-outside-toplevel

    from tfgan_suite.utils.images import to_uint8  # pylint: disable=import-outside-toplevel

    convert = pipeline.postprocess_fn(image_size, channels)
    out = [to_uint8(convert(tf.constant(examples[i:i + 1024])).numpy())
           for i in range(0, len(examples), 1024)]
    return np.concatenate(out)


def _shape_of(dataset_or_shape):
    if hasattr(dataset_or_shape, "element_spec"):
        spec = dataset_or_shape.element_spec
        spec = spec[0] if isinstance(spec, tuple) else spec  # (images, labels)
        shape = tuple(spec.shape)
        # batched images (B, H, W, C) or batched points of a toy mixture (B, D)
        return shape[1:] if len(shape) in (2, 4) else shape
    if isinstance(dataset_or_shape, np.ndarray):
        shape = dataset_or_shape.shape
        return tuple(shape[1:]) if len(shape) in (2, 4) else tuple(shape)
    return tuple(dataset_or_shape)


def check_channels(dataset_or_shape, expected_shape):
    """Checks that images (a dataset, an array or an HWC shape) fit a model's HWC input shape.

    Dimensions that are None in either shape are not compared. Returns the image shape (H, W, C).

    Raises:
      DatasetError: naming both shapes and the option that fixes the mismatch (channels= / image_size=).
    """
    have = tuple(None if d is None else int(d) for d in _shape_of(dataset_or_shape))
    want = tuple(None if d is None else int(d) for d in _shape_of(expected_shape))
    if len(want) == 4:
        want = want[1:]
    if len(have) != len(want) or any(a is not None and b is not None and a != b for a, b in zip(have, want)):
        hints = []
        if len(have) == 3 and len(want) == 3:
            if have[-1] != want[-1] and have[-1] and want[-1]:
                kind = {1: "grayscale", 3: "RGB"}
                hints.append(f"{kind.get(have[-1], str(have[-1]) + '-channel')} images for a "
                             f"{kind.get(want[-1], str(want[-1]) + '-channel')} model: pass "
                             f"channels={want[-1]} (--channels={want[-1]}) to convert")
            if have[:2] != want[:2] and None not in have[:2] + want[:2]:
                hints.append(f"pass image_size={want[0] if want[0] == want[1] else want[:2]} "
                             f"(--image_size) to resize")
        raise DatasetError(f"dataset images have shape {have} but the model expects {want}"
                           + (f" ({'; '.join(hints)})" if hints else ""))
    return have
