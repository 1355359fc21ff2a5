"""Image sources for the metrics, streamed as float32 NHWC batches in [-1, 1].

A *source* is any of:

* a numpy array: uint8 in [0, 255], or float in [-1, 1] (the generators' range); NHWC or NHW;
* a ``tf.data.Dataset`` of such images (batched or not; ``(images, labels)`` tuples and
  ``{"image": ...}`` dicts are accepted, only the images are used);
* a path to an ``.npz`` file (key ``images``, ``samples``, ``x``, ``arr_0`` or ``x_<split>``), or to a
  folder of PNG/JPEG images (sorted by name, recursive);
* a generator: an object with ``generate(n, seed)`` (e.g. ``tfgan_suite.GAN``), a SavedModel
  directory (a ``sample(n, seed)`` function if exported, else the ``serving_default`` signature fed with
  seeded standard-normal ``z``), or a callable ``f(n, seed)``; these need ``num_samples``;
* a registered dataset name (``tfgan_suite.data``), read with ``split``.

Only one batch is materialised at a time (in-memory arrays excepted, which are sliced).
"""
import os
from pathlib import Path

import numpy as np

NPZ_KEYS = ("images", "samples", "x", "arr_0")


class SourceError(ValueError):
    """A source that cannot be read as images; the message names it and the accepted kinds."""


def _describe(source):
    text = repr(source)
    return text if len(text) < 80 else text[:77] + "..."


def to_unit_range(images, name="images"):
    """uint8 [0,255] -> float32 [-1,1]; float arrays are checked to be in [-1, 1]; NHW -> NHWC."""
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4 or images.shape[-1] not in (1, 3):
        raise SourceError(f"{name}: expected NHWC images with 1 or 3 channels, got shape {images.shape}")
    if images.dtype == np.uint8:
        return images.astype(np.float32) / 127.5 - 1.0
    images = images.astype(np.float32, copy=False)
    if images.size and (images.min() < -1.01 or images.max() > 1.01):
        raise SourceError(f"{name}: float images must be in [-1, 1] (got [{images.min():.3g}, "
                          f"{images.max():.3g}]); pass uint8 arrays for [0, 255] images")
    return images


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

        if self.sample is not None:  # tfgan_suite.export's sample(n, seed) returns {"images": ...}
            out = self.sample(n, seed)
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


# ----------------------------------------------------------------------------- files
def _read_image(path, mode):
    from PIL import Image

    with Image.open(path) as im:
        return np.asarray(im.convert(mode))


def _npz_array(path, split):
    with np.load(path) as f:
        for key in NPZ_KEYS + (f"x_{split}",):
            if key in f.files:
                return f[key]
        raise SourceError(f"{path}: no image array; expected one of the keys "
                          f"{', '.join(NPZ_KEYS + (f'x_{split}',))}, found {', '.join(f.files)}")


def _dataset_array_or_stream(name, split, num_samples):
    from tfgan_suite import data  # pylint: disable=import-outside-toplevel  (imports TensorFlow)

    return data.raw(name, split=split, num_examples=num_samples)


# ----------------------------------------------------------------------------- iteration
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
    if isinstance(source, (str, os.PathLike)) and not _is_saved_model(source):
        path = Path(source).expanduser()
        if path.is_file() and path.suffix.lower() == ".npz":
            source = _npz_array(path, split)
        elif path.is_dir():
            # the data stage's file listing; reading stays here, streamed batch by batch
            from tfgan_suite.data.sources import IMAGE_EXTENSIONS, list_images  # pylint: disable=import-outside-toplevel

            files = list_images(path)
            if not files:
                raise SourceError(f"folder {str(path)!r} contains no images ({', '.join(IMAGE_EXTENSIONS)})")
            files = files[:num_samples] if num_samples else files
            from PIL import Image

            with Image.open(files[0]) as first:
                mode = "L" if first.mode in ("L", "1", "I;16") else "RGB"
            for i in range(0, len(files), batch_size):
                yield to_unit_range(np.stack([_read_image(p, mode) for p in files[i:i + batch_size]]),
                                    str(path))
            return
        elif not path.exists() and os.sep not in str(source) and not str(source).endswith(".npz"):
            source = _dataset_array_or_stream(str(source), split, num_samples)
        else:
            raise SourceError(f"cannot read images from {str(source)!r}: expected an .npz file, an image "
                              "folder, a SavedModel directory or a dataset name")
    if isinstance(source, np.ndarray):
        n = len(source) if num_samples is None else min(int(num_samples), len(source))
        if num_samples is not None and int(num_samples) > len(source):
            raise SourceError(f"asked for {num_samples} images but the array has only {len(source)}")
        for i in range(0, n, batch_size):
            yield to_unit_range(source[i:min(i + batch_size, n)])
        return
    if _is_tf_dataset(source):
        yield from _iterate_dataset(source, num_samples, batch_size)
        return
    if is_generator(source):
        if num_samples is None:
            raise SourceError("a generator source needs num_samples (how many images to draw)")
        generate = _generate_fn(source)
        done, index = 0, 0
        while done < int(num_samples):
            n = min(batch_size, int(num_samples) - done)
            images = generate(n, batch_seed(seed, index))
            images = np.asarray(images)
            if len(images) != n:
                raise SourceError(f"generator returned {len(images)} images for a request of {n}")
            yield to_unit_range(images, "generated images")
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
            yield to_unit_range(joined[:batch_size], "dataset images")
            pending, pending_n = [joined[batch_size:]], len(joined) - batch_size
        if num_samples is not None and done >= int(num_samples):
            break
    if pending_n:
        yield to_unit_range(np.concatenate(pending), "dataset images")
    if num_samples is not None and done < int(num_samples):
        raise SourceError(f"asked for {num_samples} images but the dataset has only {done}")


def collect_images(source, num_samples=None, batch_size=50, seed=0, split="train"):
    """All images of a source as one float32 NHWC array in [-1, 1] (for metrics on pixels: SWD, MS-SSIM)."""
    batches = list(iterate_images(source, num_samples, batch_size, seed, split))
    if not batches:
        raise SourceError(f"the source {_describe(source)} yielded no images")
    return np.concatenate(batches)
