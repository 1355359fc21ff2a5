"""Image sources for the metrics, streamed as float32 NHWC batches in [-1, 1].

A *source* is any of:

* a numpy array: uint8, or float in [-1, 1], [0, 1] or [0, 255] (``tfgan_suite.data.pixels`` states
  the one rule, decided once per source); NHWC or NHW;
* a ``tf.data.Dataset`` of such images (batched or not; ``(images, labels)`` tuples and
  ``{"image": ...}`` dicts are accepted, only the images are used);
* a path to an ``.npz`` file (the data stage's key rule: ``x_<split>``, else ``images``, ``samples``,
  ``x``, ``arr_0``), or to a folder of images (the data stage's listing and grayscale rule, read one
  batch at a time);
* a generator: an object with ``generate(n, seed)`` (e.g. ``tfgan_suite.GAN``), a SavedModel
  directory (a ``sample(n, seed)`` function if exported, else the ``serving_default`` signature fed with
  seeded standard-normal ``z``), or a callable ``f(n, seed)``; these need ``num_samples``;
* a registered dataset name (``tfgan_suite.data``), read with ``split``; a string is a path or a
  name by the data stage's rule (``data.looks_like_path``).

Only one batch is materialised at a time (in-memory arrays excepted, which are sliced).
"""
import os
from pathlib import Path

import numpy as np


class SourceError(ValueError):
    """A source that cannot be read as images; the message names it and the accepted kinds."""


# Generated images are one set, not a split of a data set: an ``.npz`` of samples is read with the
# data stage's rule for a file without split keys (``x_train``, else ``images``/``samples``).
GENERATED_SPLIT = "train"


def _describe(source):
    text = repr(source)
    return text if len(text) < 80 else text[:77] + "..."


def _nhwc(images, name):
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4 or images.shape[-1] not in (1, 3):
        raise SourceError(f"{name}: expected NHWC images with 1 or 3 channels, got shape {images.shape}")
    return images


def unit_range_converter(name, assume=None):
    """``f(images) -> float32 NHWC in [-1, 1]`` for one source: NHW -> NHWC, then the data stage's
    one pixel rule (``data.pixels.PixelRange``, decided on the first batch)."""
    from tfgan_suite.data.pixels import PixelRange  # pylint: disable=import-outside-toplevel

    pixels = PixelRange(name, assume)
    return lambda images: pixels(_nhwc(images, name))


def to_uint8_range(images_unit):
    """float [-1, 1] -> float32 [0, 255] (not rounded), the Inception network's input range."""
    return (np.asarray(images_unit, np.float32) + 1.0) * 127.5


def batch_seed(seed, index):
    """The seed of the ``index``-th generated batch: distinct for (seed, index) pairs in practice."""
    return int((int(seed) * 1_000_003 + int(index)) % (2 ** 31 - 1))


# ----------------------------------------------------------------------------- generators
class _SavedModelGenerator:
    def __init__(self, path):
        import tensorflow as tf

        self.path = str(path)
        self.module = tf.saved_model.load(self.path)
        self.sample = getattr(self.module, "sample", None)
        self.signature = None
        if self.sample is None:
            signatures = getattr(self.module, "signatures", {})
            if "serving_default" not in signatures:
                raise SourceError(f"SavedModel {self.path} has neither a sample(n, seed) function nor a "
                                  "serving_default signature")
            self.signature = signatures["serving_default"]
            _, kwargs = self.signature.structured_input_signature
            if len(kwargs) != 1:
                raise SourceError(f"SavedModel {self.path}: serving_default must take one input (z), "
                                  f"got {sorted(kwargs)}")
            (self.input_name, spec), = kwargs.items()
            self.latent_shape = tuple(spec.shape[1:])
            if None in self.latent_shape:
                raise SourceError(f"SavedModel {self.path}: latent shape {spec.shape} is not fully known")

    def generate(self, n, seed=0):
        import tensorflow as tf

        if self.sample is not None:  # tfgan_suite.export's: {"images": ...}
            out = self.sample(tf.constant(int(n)), tf.constant(int(seed), tf.int64))
        else:
            z = tf.random.stateless_normal((n,) + self.latent_shape, seed=[int(seed), 0])
            out = self.signature(**{self.input_name: z})
        if isinstance(out, dict):
            out = next(iter(out.values())) if len(out) == 1 else out.get("images", next(iter(out.values())))
        return np.asarray(out)


def is_generator(source):
    return hasattr(source, "generate") or callable(source) and not isinstance(source, np.ndarray) \
        or _is_saved_model(source)


def _is_saved_model(source):
    return isinstance(source, (str, os.PathLike)) and Path(source, "saved_model.pb").is_file()


def _generate_fn(source):
    if _is_saved_model(source):
        source = _SavedModelGenerator(source)
    if hasattr(source, "generate"):
        return lambda n, seed: source.generate(n, seed=seed)
    return source


# ----------------------------------------------------------------------------- iteration
def _iterate_folder(path, num_samples, batch_size):
    from tfgan_suite.data import sources as data_sources  # pylint: disable=import-outside-toplevel

    files = data_sources.list_images(path)
    files = files[:num_samples] if num_samples else files
    mode = data_sources.folder_mode(files)
    convert = unit_range_converter(str(path))
    for i in range(0, len(files), batch_size):
        yield convert(data_sources.read_images(files[i:i + batch_size], mode))


def count_hint(source, num_samples=None, split="train"):
    """Number of images the source will yield (for progress bars), or None when unknown."""
    if num_samples is not None:
        return int(num_samples)
    if isinstance(source, np.ndarray):
        return len(source)
    return None


def iterate_images(source, num_samples=None, batch_size=50, seed=0, split="train"):
    """Yields float32 NHWC batches in [-1, 1] from any source (see module docstring).

    Args:
      source: the images (see the module docstring for the accepted kinds).
      num_samples: how many images (required for generators; otherwise a cap, None = all).
      batch_size: images per yielded batch (the last one may be smaller).
      seed: base seed of generated batches (batch i uses ``batch_seed(seed, i)``).
      split: for dataset names and ``x_<split>`` npz keys.
    """
    if num_samples is not None and int(num_samples) < 1:
        raise SourceError(f"num_samples must be positive, got {num_samples!r}")
    float_range = None  # decided by the pixel rule, unless the data stage already applied it
    if isinstance(source, (str, os.PathLike)) and not _is_saved_model(source):
        from tfgan_suite import data  # pylint: disable=import-outside-toplevel  (imports TensorFlow)

        path = Path(source).expanduser()
        if path.is_dir() and data.sources.list_images(path):
            # the data stage's folder rules, read one batch at a time (folders can be large)
            yield from _iterate_folder(path, num_samples, batch_size)
            return
        try:
            source = data.raw(str(source), split=split, num_examples=num_samples)
        except data.DatasetError as error:
            raise SourceError(f"cannot read images from {str(source)!r}: {error}") from None
        float_range = "[-1, 1]"  # data.raw returns uint8, or float images already in [-1, 1]
    if isinstance(source, np.ndarray):
        n = len(source) if num_samples is None else min(int(num_samples), len(source))
        if num_samples is not None and int(num_samples) > len(source):
            raise SourceError(f"asked for {num_samples} images but the array has only {len(source)}")
        convert = unit_range_converter("array images", assume=float_range)
        for i in range(0, n, batch_size):
            yield convert(source[i:min(i + batch_size, n)])
        return
    if _is_tf_dataset(source):
        yield from _iterate_dataset(source, num_samples, batch_size)
        return
    if is_generator(source):
        if num_samples is None:
            raise SourceError("a generator source needs num_samples (how many images to draw)")
        generate = _generate_fn(source)
        convert = unit_range_converter("generated images", assume="[-1, 1]")
        done, index = 0, 0
        while done < int(num_samples):
            n = min(batch_size, int(num_samples) - done)
            images = generate(n, batch_seed(seed, index))
            images = np.asarray(images)
            if len(images) != n:
                raise SourceError(f"generator returned {len(images)} images for a request of {n}")
            yield convert(images)
            done, index = done + n, index + 1
        return
    raise SourceError(f"unsupported image source {_describe(source)}: pass a numpy array, a tf.data.Dataset, "
                      "an .npz path, an image folder, a SavedModel directory, a dataset name, or an object "
                      "with generate(n, seed)")


def _is_tf_dataset(source):
    try:
        import tensorflow as tf
    except ImportError:  # pragma: no cover
        return False
    return isinstance(source, tf.data.Dataset)


def _iterate_dataset(dataset, num_samples, batch_size):
    spec = dataset.element_spec
    if isinstance(spec, tuple):  # (images, labels, ...)
        dataset, spec = dataset.map(lambda *e: e[0]), spec[0]
    elif isinstance(spec, dict):
        key = "image" if "image" in spec else "images" if "images" in spec else next(iter(spec))
        dataset, spec = dataset.map(lambda e: e[key]), spec[key]
    rank = spec.shape.rank
    if rank == 2 or (rank == 3 and spec.shape[-1] in (1, 3)):
        dataset = dataset.batch(batch_size)  # unbatched HW / HWC images
    convert = unit_range_converter("dataset images")
    done = 0
    pending = []
    pending_n = 0
    for batch in dataset.as_numpy_iterator():
        batch = np.asarray(batch)
        if num_samples is not None:
            batch = batch[:int(num_samples) - done]
        done += len(batch)
        pending.append(batch)
        pending_n += len(batch)
        while pending_n >= batch_size:
            joined = np.concatenate(pending)
            yield convert(joined[:batch_size])
            pending, pending_n = [joined[batch_size:]], len(joined) - batch_size
        if num_samples is not None and done >= int(num_samples):
            break
    if pending_n:
        yield convert(np.concatenate(pending))
    if num_samples is not None and done < int(num_samples):
        raise SourceError(f"asked for {num_samples} images but the dataset has only {done}")


def collect_images(source, num_samples=None, batch_size=50, seed=0, split="train"):
    """All images of a source as one float32 NHWC array in [-1, 1] (for metrics on pixels: SWD, MS-SSIM)."""
    batches = list(iterate_images(source, num_samples, batch_size, seed, split))
    if not batches:
        raise SourceError(f"the source {_describe(source)} yielded no images")
    return np.concatenate(batches)
