"""The papers' datasets through tensorflow-datasets, prepared as the papers prepare them.

| name            | tfds name       | split "train" -> | protocol                                          |
| --------------- | --------------- | ---------------- | ------------------------------------------------- |
| `mnist`         | `mnist`         | `train`          | 28x28x1 as is                                     |
| `fashion_mnist` | `fashion_mnist` | `train`          | 28x28x1 as is                                     |
| `cifar10`       | `cifar10`       | `train`          | 32x32x3 as is                                     |
| `stl10`         | `stl10`         | `unlabelled`     | 96x96 -> 48x48 (SNGAN, repulsive-loss papers)     |
| `celeb_a`       | `celeb_a`       | `train`          | 218x178 -> center crop 108x108 -> 64x64           |
| `lsun`          | `lsun/bedroom`  | `train`          | center crop to a square -> 64x64                  |

Resizing is bilinear with antialiasing, done once on uint8 images (rounded back to uint8) so the cached
or in-memory copy is uint8. Other split names (``"test"``, ``"train[:10%]"``) pass through to tfds.

The small datasets (MNIST, Fashion-MNIST, CIFAR-10) are read once into one uint8 array; the large ones
are streamed (pass ``cache=True`` or a file path to :func:`tfgan_suite.data.load` to cache them).

Offline: ``data_dir`` may hold prepared data (``tfds build`` / ``download_and_prepare`` output, or
``python -m tfgan_suite.data prepare NAME --data_dir=DIR`` run on a machine with internet and copied).
When the data is not prepared and cannot be downloaded, a :class:`DatasetError` says what to do.
"""
import dataclasses
import os
from typing import Callable, Dict, Optional

import numpy as np
import tensorflow as tf

from tfgan_suite.data.errors import DatasetError
from tfgan_suite.data.registry import DATASETS
from tfgan_suite.data.sources import aligned_empty

AUTOTUNE = tf.data.AUTOTUNE


def _resize_uint8(image, size):
    """Bilinear antialiased resize of one uint8 HWC image, rounded back to uint8."""
    resized = tf.image.resize(tf.cast(image, tf.float32), size, method="bilinear", antialias=True)
    return tf.cast(tf.clip_by_value(tf.round(resized), 0.0, 255.0), tf.uint8)


def center_crop(image, height, width):
    """The central ``height x width`` window of an HWC image (offsets rounded down)."""
    shape = tf.shape(image)
    top, left = (shape[0] - height) // 2, (shape[1] - width) // 2
    return image[top:top + height, left:left + width]


def identity(image):
    return image


def stl10_48(image):
    """STL-10 96x96 -> 48x48, as in Miyato et al. (2018) and the repulsive-loss paper."""
    return _resize_uint8(image, (48, 48))


def celeb_a_64(image):
    """CelebA 218x178 -> central 108x108 crop -> 64x64 (the DCGAN/BEGAN-era protocol)."""
    return _resize_uint8(center_crop(image, 108, 108), (64, 64))


def lsun_64(image):
    """LSUN: central square crop (side = the shorter side) -> 64x64."""
    shape = tf.shape(image)
    side = tf.minimum(shape[0], shape[1])
    return _resize_uint8(center_crop(image, side, side), (64, 64))


@dataclasses.dataclass(frozen=True)
class TfdsDataset:
    """How one paper dataset is read from tfds."""
    tfds_name: str
    shape: tuple  # output HWC shape
    protocol: Callable = identity
    splits: Dict[str, str] = dataclasses.field(default_factory=dict)
    in_memory: bool = True
    approx_download: str = ""


CATALOG = {
    "mnist": TfdsDataset("mnist", (28, 28, 1), approx_download="11 MB"),
    "fashion_mnist": TfdsDataset("fashion_mnist", (28, 28, 1), approx_download="30 MB"),
    "cifar10": TfdsDataset("cifar10", (32, 32, 3), approx_download="160 MB"),
    "stl10": TfdsDataset("stl10", (48, 48, 3), stl10_48, {"train": "unlabelled"}, in_memory=False,
                         approx_download="2.5 GB"),
    "celeb_a": TfdsDataset("celeb_a", (64, 64, 3), celeb_a_64, in_memory=False, approx_download="1.4 GB"),
    "lsun": TfdsDataset("lsun/bedroom", (64, 64, 3), lsun_64, in_memory=False, approx_download="43 GB"),
}


def _one_line(error, limit=160):
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text[:limit]}{'...' if len(text) > limit else ''}"


def not_available_message(name, data_dir, reason):
    entry = CATALOG.get(name)
    where = data_dir or os.environ.get("TFDS_DATA_DIR") or "~/tensorflow_datasets"
    size = f" (~{entry.approx_download} download)" if entry and entry.approx_download else ""
    return (f"tfds dataset {name!r} is not prepared in {str(where)!r} and could not be downloaded ({reason}); "
            f"on a machine with internet run `python -m tfgan_suite.data prepare {name} --data_dir=DIR`{size} "
            f"and copy DIR here (then pass --data_dir=DIR), or pass a local copy: --dataset=path/to/file.npz "
            "or a folder of images")


def unresolvable_host(builder):
    """The first download host of ``builder`` that DNS cannot resolve, or None.

    A quick offline check: without it tfds retries each download for minutes before failing.
    """
    import socket  # pylint: disable=import-outside-toplevel
    from urllib.parse import urlparse  # pylint: disable=import-outside-toplevel

    try:
        urls = list(builder.url_infos or {})
    except Exception:  # pylint: disable=broad-except  # no checksum metadata: let tfds try
        return None
    for host in sorted({urlparse(url).hostname for url in urls} - {None}):
        try:
            socket.getaddrinfo(host, None)
        except OSError:
            return host
    return None


def tfds_builder(tfds_name, data_dir=None, download=True, name=None):
    """A prepared tfds builder for ``tfds_name``; downloads and prepares it when allowed.

    Raises DatasetError (one line) when it is neither prepared in ``data_dir`` nor downloadable.
    """
    import tensorflow_datasets as tfds  # pylint: disable=import-outside-toplevel

    name = name or tfds_name
    try:
        builder = tfds.builder(tfds_name, data_dir=None if data_dir is None else str(data_dir))
    except Exception as error:  # pylint: disable=broad-except
        raise DatasetError(f"tensorflow-datasets cannot build {tfds_name!r}: {_one_line(error)}") from None
    if builder.is_prepared():
        return builder
    if not download:
        raise DatasetError(not_available_message(name, data_dir, "download=False"))
    host = unresolvable_host(builder)
    if host is not None:
        raise DatasetError(not_available_message(name, data_dir, f"no network: cannot resolve {host}"))
    try:
        builder.download_and_prepare()
    except Exception as error:  # pylint: disable=broad-except  # network, checksum, missing manual files...
        raise DatasetError(not_available_message(name, data_dir, _one_line(error))) from None
    return builder


def builder_split(builder, split, name):
    """Checks that ``split`` exists (tfds slicing syntax allowed) and returns its example count
    (None when the builder has no split metadata, as under ``tfds.testing.mock_data``)."""
    if not builder.info.splits:
        return None
    try:
        return builder.info.splits[split].num_examples
    except (KeyError, ValueError, AssertionError) as error:
        raise DatasetError(f"dataset {name!r} has no split {split!r}; available splits: "
                           f"{', '.join(sorted(builder.info.splits))} ({_one_line(error, 80)})") from None


def image_stream(builder, split, protocol=identity, num_examples=None, labels=False):
    """Unbatched uint8 HWC images of ``split`` after ``protocol``, in the stored (deterministic) order;
    ``(image, int32 label)`` pairs when ``labels``."""
    import tensorflow_datasets as tfds  # pylint: disable=import-outside-toplevel

    dataset = builder.as_dataset(split=split, shuffle_files=False,
                                 read_config=tfds.ReadConfig(try_autocache=False))
    if isinstance(dataset.element_spec, dict):
        if "image" not in dataset.element_spec:
            raise DatasetError(f"tfds dataset {builder.name!r} has no 'image' feature; features: "
                               f"{', '.join(dataset.element_spec)}")
        if labels and "label" not in dataset.element_spec:
            raise DatasetError(f"tfds dataset {builder.name!r} has no labels (no 'label' feature; "
                               f"features: {', '.join(dataset.element_spec)})")
        if labels:
            dataset = dataset.map(lambda example: (protocol(example["image"]),
                                                   tf.cast(example["label"], tf.int32)),
                                  num_parallel_calls=AUTOTUNE)
        else:
            dataset = dataset.map(lambda example: example["image"], num_parallel_calls=AUTOTUNE)
    elif labels:
        raise DatasetError(f"tfds dataset {builder.name!r} has no labels (it stores bare images)")
    if num_examples is not None:
        dataset = dataset.take(int(num_examples))
    if protocol is not identity and not labels:
        dataset = dataset.map(protocol, num_parallel_calls=AUTOTUNE)
    return dataset


def labelled_arrays(stream, count, shape, description="reading"):
    """``(uint8 images, int32 labels)`` arrays of a stream of ``(image, label)`` pairs."""
    images = stream_to_array(stream.map(lambda image, label: image), count, shape, description)
    labels = np.fromiter(stream.map(lambda image, label: label).take(len(images))
                         .as_numpy_iterator(), np.int32, count=len(images))
    return images, labels


def stream_to_array(dataset, count, shape, description="reading"):
    """Reads ``count`` uint8 images of ``shape`` from ``dataset`` into one aligned array (progress bar)."""
    from tqdm import tqdm  # pylint: disable=import-outside-toplevel

    if count is None:  # size unknown: read everything, then copy once into an aligned array
        parts = list(dataset.batch(1024).as_numpy_iterator())
        array = aligned_empty((sum(len(p) for p in parts),) + tuple(shape))
        if parts:
            np.concatenate(parts, out=array.reshape((-1,) + parts[0].shape[1:]))
        return array
    array = aligned_empty((count,) + tuple(shape))
    filled = 0
    with tqdm(total=count, desc=description, unit="img", disable=count < 20_000, leave=False) as bar:
        for batch in dataset.batch(1024).as_numpy_iterator():
            take = min(len(batch), count - filled)
            array[filled:filled + take] = batch[:take].reshape((take,) + tuple(shape))
            filled += take
            bar.update(take)
            if filled == count:
                break
    return array[:filled]


def load_tfds(name, split="train", data_dir=None, num_examples=None, download=True, labels=False):
    """Raw examples of a catalogue dataset: a uint8 array (small datasets) or an unbatched stream;
    with ``labels``, ``(images, int32 labels)`` arrays or a stream of pairs."""
    entry = CATALOG[name]
    builder = tfds_builder(entry.tfds_name, data_dir, download, name=name)
    tfds_split = entry.splits.get(split, split)
    if labels and tfds_split == "unlabelled":
        raise DatasetError(f"dataset {name!r} split {split!r} is tfds {tfds_split!r}, which has no "
                           f"labels; pass split='train[...]' of a labelled split, e.g. 'test'")
    count = builder_split(builder, tfds_split, name)
    if num_examples is not None and count is not None:
        count = min(count, int(num_examples))
    stream = image_stream(builder, tfds_split, entry.protocol, num_examples, labels=labels)
    if entry.in_memory:
        shape = tuple(builder.info.features["image"].shape)
        if labels:
            return labelled_arrays(stream, count, shape, f"reading {name}")
        return stream_to_array(stream, count, shape, f"reading {name}")
    return stream


def load_tfds_directory(directory, split="train", num_examples=None, labels=False):
    """Raw images of a prepared tfds dataset directory (the one holding ``dataset_info.json``)."""
    import tensorflow_datasets as tfds  # pylint: disable=import-outside-toplevel

    try:
        builder = tfds.builder_from_directory(str(directory))
    except Exception as error:  # pylint: disable=broad-except
        raise DatasetError(f"cannot read the prepared tfds dataset in {str(directory)!r}: "
                           f"{_one_line(error)}") from None
    count = builder_split(builder, split, str(directory))
    if num_examples is not None and count is not None:
        count = min(count, int(num_examples))
    shape = builder.info.features["image"].shape if "image" in builder.info.features else None
    stream = image_stream(builder, split, num_examples=num_examples, labels=labels)
    if shape is not None and None not in shape:
        if labels:
            return labelled_arrays(stream, count, tuple(shape), f"reading {builder.name}")
        return stream_to_array(stream, count, tuple(shape), f"reading {builder.name}")
    return stream


def _register(name):
    def loader(split="train", data_dir=None, num_examples=None, download=True, labels=False):
        return load_tfds(name, split, data_dir, num_examples, download, labels)

    loader.__name__ = name
    loader.__doc__ = f"{name}: tfds {CATALOG[name].tfds_name!r}, images {CATALOG[name].shape}."
    DATASETS.register(name, loader)


for _name in CATALOG:
    _register(_name)
