"""From raw examples (uint8 NHWC array or unbatched tf.data.Dataset) to training batches.

Output: float32 NHWC in [-1, 1], ``x / 127.5 - 1`` for uint8 pixels ``x``, batched with the remainder
dropped, shuffled with a seed, prefetched.

In-memory arrays (the common case: npz files, image folders, MNIST/CIFAR-sized tfds datasets) are never
copied: the pipeline shuffles *indices* (a full permutation per epoch, drawn with
``tf.random.experimental.stateless_shuffle(range(N), seed=[seed, epoch])`` so it does not depend on the
global TF seed), batches them and gathers each uint8 batch from the one array, converting to float only
per batch. The "cache" is the uint8 array itself; the shuffle buffer is N int64 indices. The array is
wrapped as a tensor through DLPack (no copy) and tf.data's graph rewrites are off for this pipeline
(they would serialize the captured array into a second copy). Measured on a 50,000x32x32x3 array
(146.5 MiB): RSS grows by 149 MiB on loading and peak RSS by 247 MiB from before loading through 3,000
batches (benchmarks/input_pipeline.py, record benchmarks/results/input_pipeline.json).

Streamed datasets (``tf.data.Dataset``, e.g. LSUN) go through ``cache`` (optional, uint8),
``shuffle(buffer, seed)``, ``repeat``, ``batch``, the same per-batch conversion, and prefetch.
"""
import numpy as np
import tensorflow as tf

from tfgan_suite.data.errors import DatasetError
from tfgan_suite.data.pixels import uint8_to_unit

AUTOTUNE = tf.data.AUTOTUNE


def image_size_tuple(image_size):
    """``None``, ``64`` or ``(h, w)`` -> ``None`` or ``(h, w)``."""
    if image_size is None:
        return None
    if isinstance(image_size, (int, np.integer)):
        return int(image_size), int(image_size)
    size = tuple(int(s) for s in image_size)
    if len(size) != 2 or min(size) < 1:
        raise DatasetError(f"image_size must be an int or (height, width), got {image_size!r}")
    return size


def to_float(images):
    """uint8 pixels -> float32 in [-1, 1] (``pixels.uint8_to_unit``). Float inputs (toy points,
    arrays already in [-1, 1]) are returned as float32."""
    if images.dtype == tf.uint8:
        return uint8_to_unit(images)
    return tf.cast(images, tf.float32)


def convert_channels(images, channels):
    """Converts NHWC float images to ``channels`` (1 or 3): grayscale -> RGB repeats the channel,
    RGB -> grayscale uses the ITU-R 601 luma weights of ``tf.image.rgb_to_grayscale``."""
    if channels is None:
        return images
    have = images.shape[-1]
    if have == channels:
        return images
    if have == 1 and channels == 3:
        return tf.repeat(images, 3, axis=-1)
    if have == 3 and channels == 1:
        return tf.image.rgb_to_grayscale(images)
    if have == 4 and channels == 3:
        return images[..., :3]
    raise DatasetError(f"cannot convert images with {have} channels to {channels} channels")


def resize(images, image_size):
    """Resizes float NHWC images to ``(h, w)`` (bilinear, antialiased when shrinking) and clips to [-1, 1]."""
    size = image_size_tuple(image_size)
    if size is None or tuple(images.shape[-3:-1]) == size:
        return images
    return tf.clip_by_value(tf.image.resize(images, size, method="bilinear", antialias=True), -1.0, 1.0)


def postprocess_fn(image_size=None, channels=None):
    """The per-batch conversion: uint8 -> float32 [-1, 1], optional resize, optional channel conversion.

    Non-image (e.g. 2-D point) data is only cast to float32.
    """

    def postprocess(batch):
        is_image = batch.shape.rank == 4
        batch = to_float(batch)
        if is_image:
            batch = convert_channels(resize(batch, image_size), channels)
        return batch

    return postprocess


def as_tensor(array):
    """Wraps a numpy array as an eager tensor *without copying it* (DLPack), so an in-memory dataset is
    held once. ``tf.convert_to_tensor`` would copy it (transiently twice). Arrays that are not C-contiguous,
    64-byte aligned and writable are first copied once into an aligned buffer."""
    from tfgan_suite.data.sources import aligned_empty  # pylint: disable=import-outside-toplevel

    array = np.asarray(array)
    if not (array.flags.c_contiguous and array.flags.writeable and array.ctypes.data % 64 == 0):
        aligned = aligned_empty(array.shape, array.dtype)
        aligned[...] = array
        array = aligned
    try:
        return tf.experimental.dlpack.from_dlpack(array.__dlpack__())
    except (BufferError, TypeError, ValueError, tf.errors.OpError):  # e.g. dtypes DLPack cannot carry
        return tf.convert_to_tensor(array)


def pipeline_options(graph_rewrites=True):
    """The ``tf.data.Options`` of every pipeline built here: the autotuning *model thread* is off.

    Destroying an iterator whose autotuner is on (what ``fit`` does when it returns) races with that
    thread: TensorFlow wakes it before marking the iterator cancelled, so it often goes back to sleep
    for the rest of its optimization period (which doubles from 10 ms up to 60 s), and ``fit`` blocks
    that long after its last step (docs/keras.md, ``benchmarks/fit_stall.py``). Without the model
    thread, ``AUTOTUNE`` still means something: parallel maps use every core and prefetch buffers
    grow on demand (tf.data's legacy autotuning), which keeps up with a GAN step by a wide margin.
    """
    options = tf.data.Options()
    options.autotune.enabled = False
    if not graph_rewrites:
        options.experimental_optimization.apply_default_optimizations = False
    return options


def _check_channels_option(channels):
    if channels not in (None, 1, 3):
        raise DatasetError(f"channels must be 1, 3 or None, got {channels!r}")


def from_array(array, batch_size=64, seed=0, shuffle=True, repeat=True, drop_remainder=True,
               image_size=None, channels=None, labels=None):
    """Batches an in-memory array (N, ...) without copying it; see the module docstring.

    ``labels``: an (N,) integer array; the batches are then ``(images, int32 labels)``.
    """
    _check_channels_option(channels)
    n = len(array)
    if labels is not None and len(labels) != n:
        raise DatasetError(f"{len(labels)} labels for {n} images: each image needs one label")
    if drop_remainder and not repeat and n < batch_size:
        raise DatasetError(f"the dataset has {n} examples, fewer than one batch of {batch_size} "
                           "(use a smaller batch size or drop_remainder=False)")
    data = as_tensor(array)
    if shuffle:
        epochs = tf.data.Dataset.counter() if repeat else tf.data.Dataset.range(1)
        base = tf.constant(int(seed), tf.int64)

        def permutation(epoch):
            return tf.random.experimental.stateless_shuffle(tf.range(n, dtype=tf.int64),
                                                            seed=tf.stack([base, epoch]))

        indices = epochs.map(permutation).rebatch(batch_size, drop_remainder=drop_remainder)
    else:
        indices = tf.data.Dataset.range(n)
        if repeat:
            indices = indices.repeat()
        indices = indices.batch(batch_size, drop_remainder=drop_remainder)
    postprocess = postprocess_fn(image_size, channels)
    if labels is None:
        dataset = indices.map(lambda i: postprocess(tf.gather(data, i)), num_parallel_calls=AUTOTUNE)
    else:
        label_tensor = tf.constant(np.asarray(labels, np.int32))
        dataset = indices.map(lambda i: (postprocess(tf.gather(data, i)), tf.gather(label_tensor, i)),
                              num_parallel_calls=AUTOTUNE)
    # tf.data's default graph rewrites serialize the dataset graph, turning the captured array into a
    # constant: a second full copy on the first iteration. The pipeline is already what they would make
    # it (parallel map, prefetch), so they are switched off.
    return dataset.prefetch(AUTOTUNE).with_options(pipeline_options(graph_rewrites=False))


def from_dataset(dataset, batch_size=64, seed=0, shuffle=True, repeat=True, drop_remainder=True,
                 image_size=None, channels=None, shuffle_buffer=10_000, cache=None):
    """Batches an unbatched stream of uint8 images (or ``(image, label)`` pairs); ``cache``: None/False,
    True (memory) or a file path."""
    _check_channels_option(channels)
    if cache:
        dataset = dataset.cache("" if cache is True else str(cache))
    if shuffle:
        dataset = dataset.shuffle(shuffle_buffer, seed=seed, reshuffle_each_iteration=True)
    if repeat:
        dataset = dataset.repeat()
    dataset = dataset.batch(batch_size, drop_remainder=drop_remainder)
    postprocess = postprocess_fn(image_size, channels)
    if isinstance(dataset.element_spec, tuple):
        dataset = dataset.map(lambda images, labels: (postprocess(images), labels),
                              num_parallel_calls=AUTOTUNE)
    else:
        dataset = dataset.map(postprocess, num_parallel_calls=AUTOTUNE)
    return dataset.prefetch(AUTOTUNE).with_options(pipeline_options())
