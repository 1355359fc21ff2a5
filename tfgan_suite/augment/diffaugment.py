"""DiffAugment: the same kind of random, differentiable transforms on every image the discriminator sees.

Zhao, Liu, Lin, Zhu & Han, "Differentiable Augmentation for Data-Efficient GAN Training" (NeurIPS
2020), section 3 ("DiffAugment for GANs", Fig. 4): ``T`` is applied to real *and* generated images
in the discriminator's update and to generated images in the generator's update, and since every
``T`` is differentiable the generator's gradient flows through it. Section 3 / Fig. 5 chooses the
policies, with the semantics of the authors' TF code (mit-han-lab/data-efficient-gans,
``DiffAugment_tf.py``), re-written here as pure functions of the images and of the random draws:

* ``color``: brightness ``x + (u - 1/2)``, saturation ``m_c + 2u (x - m_c)`` (``m_c`` the mean over
  channels), contrast ``m + (u + 1/2)(x - m)`` (``m`` the image mean), ``u ~ U[0, 1)`` per image,
  in that order;
* ``translation``: each image shifted by integers ``(t_r, t_c)``, ``t ~ U{-s, ..., s}``,
  ``s = round(H / 8)`` (per axis), uncovered pixels 0: ``out[i, j] = x[i + t_r, j + t_c]``;
* ``cutout``: one square of side ``k = round(H / 2)`` (per axis) set to 0, its centre ``c`` uniform
  over ``{0, ..., H - (k mod 2)}``, rows ``c - k // 2 ... c - k // 2 + k - 1`` (clipped to the image).

Policies combine with commas (``"translation,cutout"``, the paper's choice with limited data;
``"color,translation,cutout"`` for CIFAR-10) and run in the order given. Every draw is stateless,
keyed by the ``seed`` the training step passes (``utils.randomness``: one global draw, each replica
keeps its slice), so a run is the same under any number of replicas and resumes bit-exactly.
"""
import tensorflow as tf

from tfgan_suite.errors import UserInputError
from tfgan_suite.utils import randomness

TRANSLATION_RATIO = 0.125  # the authors' default: 1/8 of the image side
CUTOUT_RATIO = 0.5  # half the side


def _per_image_uniform(images, seed):
    return tf.cast(randomness.replica_uniform([tf.shape(images)[0], 1, 1, 1], seed), images.dtype)


def _side(size, ratio):
    """``int(size * ratio + 0.5)`` as the authors round it."""
    return tf.cast(tf.cast(size, tf.float32) * ratio + 0.5, tf.int32)


# ---------------------------------------------------------------------- colour (u ~ U[0, 1) per image)
def brightness(images, u):
    return images + (u - 0.5)


def saturation(images, u):
    mean = tf.reduce_mean(images, axis=3, keepdims=True)
    return (images - mean) * (2.0 * u) + mean


def contrast(images, u):
    mean = tf.reduce_mean(images, axis=[1, 2, 3], keepdims=True)
    return (images - mean) * (u + 0.5) + mean


# ---------------------------------------------------------------------- geometry (given the draws)
PADDINGS = ("zeros", "reflect")


def check_padding(padding):
    if padding not in PADDINGS:
        raise UserInputError(f"unknown translation padding {padding!r}; "
                             f"valid choices: {', '.join(PADDINGS)}")
    return padding


def _shift_axis(images, shifts, axis, padding="zeros"):
    """``out[..., i, ...] = images[..., i + shift, ...]`` along ``axis`` (1 or 2); outside the image
    0 (``zeros``) or the mirror image without repeating the edge (``reflect``: index ``-1`` reads
    ``1``, ``size`` reads ``size - 2``; shifts must be smaller than ``size``)."""
    size = tf.shape(images)[axis]
    source = tf.range(size)[tf.newaxis, :] + tf.reshape(tf.cast(shifts, tf.int32), [-1, 1])
    if padding == "reflect":
        source = tf.abs(source)
        return tf.gather(images, tf.minimum(source, 2 * (size - 1) - source), axis=axis,
                         batch_dims=1)
    inside = tf.logical_and(source >= 0, source < size)
    moved = tf.gather(images, tf.clip_by_value(source, 0, size - 1), axis=axis, batch_dims=1)
    shape = [-1, 1, 1, 1]
    shape[axis] = size
    return moved * tf.reshape(tf.cast(inside, images.dtype), shape)


def translate(images, shift_rows, shift_cols, padding="zeros"):
    """Integer translation: ``out[b, i, j] = x[b, i + shift_rows[b], j + shift_cols[b]]`` where that
    pixel exists, else 0 (``padding="zeros"``, the authors' DiffAugment) or the reflected pixel
    (``"reflect"``, the padding of PyTorch-StudioGAN's consistency-regularization transform)."""
    return _shift_axis(_shift_axis(images, shift_rows, 1, padding), shift_cols, 2, padding)


def cutout(images, center_rows, center_cols, size_rows, size_cols):
    """Zeroes rows ``[c_r - size_rows // 2, c_r - size_rows // 2 + size_rows)`` x the same for
    columns of each image (the square clipped to the image)."""
    def inside(center, size, length):
        start = tf.reshape(tf.cast(center, tf.int32), [-1, 1]) - size // 2
        index = tf.range(length)[tf.newaxis, :]
        return tf.logical_and(index >= start, index < start + size)  # [B, length]

    shape = tf.shape(images)
    rows = inside(center_rows, size_rows, shape[1])[:, :, tf.newaxis]
    cols = inside(center_cols, size_cols, shape[2])[:, tf.newaxis, :]
    keep = 1.0 - tf.cast(tf.logical_and(rows, cols), images.dtype)
    return images * keep[..., tf.newaxis]


# ---------------------------------------------------------------------- random versions
def random_color(images, seed):
    seeds = tf.unstack(tf.random.experimental.stateless_split(seed, 3))
    images = brightness(images, _per_image_uniform(images, seeds[0]))
    images = saturation(images, _per_image_uniform(images, seeds[1]))
    return contrast(images, _per_image_uniform(images, seeds[2]))


def _integers(batch, low, high, seed):
    """``batch`` integers uniform in ``[low, high)`` (one global draw, this replica's slice)."""
    return randomness.replica_uniform([batch], seed, minval=low, maxval=high, dtype=tf.int32)


def random_translation(images, seed, ratio=TRANSLATION_RATIO, padding="zeros"):
    batch, height, width = tf.unstack(tf.shape(images)[:3])
    rows_seed, cols_seed = tf.unstack(tf.random.experimental.stateless_split(seed, 2))
    shift_r, shift_c = _side(height, ratio), _side(width, ratio)
    return translate(images, _integers(batch, -shift_r, shift_r + 1, rows_seed),
                     _integers(batch, -shift_c, shift_c + 1, cols_seed), padding)


def random_cutout(images, seed, ratio=CUTOUT_RATIO):
    batch, height, width = tf.unstack(tf.shape(images)[:3])
    rows_seed, cols_seed = tf.unstack(tf.random.experimental.stateless_split(seed, 2))
    size_r, size_c = _side(height, ratio), _side(width, ratio)
    return cutout(images, _integers(batch, 0, height + 1 - size_r % 2, rows_seed),
                  _integers(batch, 0, width + 1 - size_c % 2, cols_seed), size_r, size_c)


POLICIES = {"color": random_color, "translation": random_translation, "cutout": random_cutout}


def parse_policy(policy):
    """``"translation,cutout"`` -> ``("translation", "cutout")``; one line for a bad name."""
    names = tuple(name.strip() for name in str(policy).split(",") if name.strip())
    bad = [name for name in names if name not in POLICIES]
    if bad or not names:
        raise UserInputError(f"unknown DiffAugment policy {policy!r}; valid choices: "
                             f"{', '.join(POLICIES)} (comma-separated, e.g. translation,cutout)")
    return names


class DiffAugment:
    """``augment(images, seed)``: the policies in order, each with its own stateless draws.

    Stateless (no variables): its draws are a function of the seed the step passes.
    """

    adaptive = False

    def __init__(self, policy="translation,cutout"):
        self.policies = parse_policy(policy)
        self.name = ",".join(self.policies)

    def __call__(self, images, seed):
        images = tf.convert_to_tensor(images)
        seeds = tf.unstack(tf.random.experimental.stateless_split(seed, len(self.policies)))
        for name, policy_seed in zip(self.policies, seeds):
            images = POLICIES[name](images, policy_seed)
        return images

    # the training-state interface (see tfgan_suite.augment): nothing to observe or adjust
    variables = ()

    def observe(self, real_outputs):
        del real_outputs

    def end_step(self, completed_steps):
        del completed_steps

    def logs(self):
        return {}

    def __repr__(self):
        return f"DiffAugment({self.name!r})"
