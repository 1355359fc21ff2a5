"""Pixel ranges: every image that enters the suite ends up float32 in [-1, 1] by ONE rule.

* ``uint8`` -> ``x / 127.5 - 1`` (:func:`uint8_to_unit`, the only place this is written);
* float with ``min >= -1`` and ``max <= 1`` and some value below 0 -> taken as [-1, 1], unchanged;
* float with ``min >= 0`` and ``max <= 1`` -> taken as [0, 1], ``x * 2 - 1``. This is the ambiguous
  case (a [-1, 1] image could happen to have no negative value); [0, 1] floats are what ``x / 255``
  produces, so the rule picks [0, 1] and logs the decision once per source;
* float with ``min >= 0`` and ``1.5 < max <= 255`` -> taken as [0, 255] floats, ``x / 127.5 - 1``;
* anything else (values outside [-1, 255], negative values together with values above 1, or a
  maximum in (1, 1.5]) is refused with one line naming the range found.

A small tolerance (``TOLERANCE``) absorbs rounding at the ends of each range. The decision is taken
once per source (:class:`PixelRange`, from the first array seen) and applied to every later batch
of it, so a stream is never converted two ways; a later batch outside the decided range is refused.
"""
import logging

import numpy as np

from tfgan_suite.data.errors import DatasetError

TOLERANCE = 1e-3
RANGES = ("uint8", "[-1, 1]", "[0, 1]", "[0, 255]")
_log = logging.getLogger("tfgan_suite.data")


def uint8_to_unit(images):
    """uint8 pixels (numpy array or TF tensor) -> float32 in [-1, 1]: ``x / 127.5 - 1``."""
    if isinstance(images, np.ndarray) or np.isscalar(images):
        return np.asarray(images, np.float32) / 127.5 - 1.0
    import tensorflow as tf  # pylint: disable=import-outside-toplevel

    return tf.cast(images, tf.float32) / 127.5 - 1.0


def detect_range(images, name="images"):
    """The pixel range of ``images`` by the module's rule: one of ``RANGES``."""
    images = np.asarray(images)
    if images.dtype == np.uint8:
        return "uint8"
    if not np.issubdtype(images.dtype, np.floating) and not np.issubdtype(images.dtype, np.integer):
        raise DatasetError(f"{name}: pixels of dtype {images.dtype} are not numbers")
    if images.size == 0:
        return "[-1, 1]"
    low, high = float(np.min(images)), float(np.max(images))
    if not (np.isfinite(low) and np.isfinite(high)):
        raise DatasetError(f"{name}: pixels are not finite (NaN or Inf)")
    if low < -1 - TOLERANCE or high > 255 + TOLERANCE:
        raise DatasetError(f"{name}: pixel values span [{low:.4g}, {high:.4g}], outside [-1, 255]; "
                           f"valid: uint8, or floats in [-1, 1], [0, 1] or [0, 255]")
    if high <= 1 + TOLERANCE:
        return "[0, 1]" if low >= 0 else "[-1, 1]"
    if high > 1.5 and low >= -TOLERANCE:
        return "[0, 255]"
    raise DatasetError(f"{name}: pixel values span [{low:.4g}, {high:.4g}], which is none of "
                       f"[-1, 1], [0, 1] or [0, 255]; rescale them to one of these ranges")


def convert(images, pixel_range):
    """``images`` of the given range (``RANGES``) as float32 in [-1, 1]."""
    if pixel_range in ("uint8", "[0, 255]"):
        return uint8_to_unit(images)
    images = np.asarray(images, np.float32)
    if pixel_range == "[0, 1]":
        return images * 2.0 - 1.0
    if pixel_range == "[-1, 1]":
        return images
    raise ValueError(f"unknown pixel range {pixel_range!r}; valid choices: {', '.join(RANGES)}")


class PixelRange:
    """Converts the arrays of ONE source to [-1, 1]: the range is decided on the first array
    (:func:`detect_range`; the ambiguous [0, 1] decision is logged once) and kept for the rest.
    ``assume`` fixes the float range up front (generators promise [-1, 1]); uint8 arrays are
    unambiguous and always converted as uint8."""

    def __init__(self, name="images", assume=None):
        if assume is not None and assume not in RANGES:
            raise ValueError(f"unknown pixel range {assume!r}; valid choices: {', '.join(RANGES)}")
        self.name = name
        self.range = assume

    def __call__(self, images):
        images = np.asarray(images)
        if images.dtype == np.uint8:
            return uint8_to_unit(images)
        found = detect_range(images, self.name)
        if self.range is None:
            self.range = found
            if found == "[0, 1]":
                _log.warning("%s: float pixels in [0, 1] are read as [0, 1] (x * 2 - 1), not as "
                             "[-1, 1]; pass [-1, 1] data with some negative value, or uint8",
                             self.name)
        elif found != self.range and not _compatible(self.range, found):
            raise DatasetError(f"{self.name}: a batch in {found} follows batches in "
                               f"{self.range}; one source must keep one pixel range")
        return convert(images, self.range)


def _compatible(decided, found):
    """A later batch may look narrower than the decided range (e.g. a [-1, 1] batch with no
    negative value reads as [0, 1]); it may not need a wider one."""
    narrower = {"[-1, 1]": ("[0, 1]",), "[0, 255]": ("[0, 1]",), "uint8": ()}
    return found in narrower.get(decided, ())


def to_unit_range(images, name="images"):
    """One array as float32 in [-1, 1] by the module's rule (its own decision)."""
    return PixelRange(name)(images)
