"""ADA: augmentations applied with probability ``p``, ``p`` tuned from the discriminator's overfitting.

Karras, Aittala, Hellsten, Laine, Lehtinen & Aila, "Training Generative Adversarial Networks with
Limited Data" (NeurIPS 2020). Section 2.3 (appendix B for the transforms) and section 3
("Adaptive discriminator augmentation"), with the defaults of the authors' TF code
(NVlabs/stylegan2-ada, ``training/augment.py``, ``train.py``, ``training/training_loop.py``):

* **Heuristic** (section 3, eq. 1): ``r_t = E[sign(D_train)]``, the mean sign of the discriminator's
  outputs on the (augmented) real images it was trained on since the last adjustment. Every
  ``interval = 4`` minibatches ``p <- clip(p + sign(r_t - target) * N / (500,000), 0, 1)``, where
  ``N`` is the number of real images judged in between: ``p`` can go from 0 to 1 in 500k images.
  ``target = 0.6``. (The authors only clip at 0; ``p > 1`` gates nothing more, so clipping at 1 only
  stops ``p`` drifting where it means nothing.)
* **Sign**: the output must be a real-vs-fake score with a decision threshold: 0 for the logits of
  ``gan``/``nsgan``/``dragan`` and the margins of ``hinge``, 0.5 for ``lsgan`` with its default labels
  (0 fake, 1 real). Objectives whose output has no such threshold are refused in one line: a WGAN
  critic's output is defined up to a constant, MMD discriminators output feature vectors, EBGAN an
  energy (:func:`decision_threshold`).
* **Pipeline** ``bgc`` (the paper's default), each transform applied to each image with
  probability ``p`` and drawn as in the authors' code:

  - ``blit``: x-flip; rotation by a multiple of 90 degrees; integer translation by
    ``U[-1/8, 1/8]`` of the size (rounded to pixels);
  - ``geom``: isotropic scaling ``2^N(0, 0.2)``; rotation ``U[-pi, pi]`` before and after the
    anisotropic scaling ``2^N(0, 0.2)`` (each with ``1 - sqrt(1 - p)``, so one of them happens with
    ``p``); fractional translation ``N(0, 1/8)`` of the size;
  - ``color``: brightness ``+N(0, 0.2)``, contrast ``x 2^N(0, 0.5)``, luma flip, hue rotation
    ``U[-pi, pi]`` about the luma axis, saturation ``x 2^N(0, 1)`` (4x4 colour matrices; a grayscale
    image takes the mean of the RGB rows, as the authors do).

  All geometric transforms compose into one matrix per image, sampled once with bilinear
  interpolation and reflection at the borders. **Left out**: the authors' ``filter`` (image-space
  filtering), ``noise`` and ``cutout`` groups, and their wavelet up/down-sampling around the
  geometric warp (an anti-aliasing refinement: here the warp samples the image directly, so
  integer-only transforms stay exact pixel moves). The matrix maps each output pixel to its source
  point; every transform's distribution is symmetric, so this equals drawing the forward transform.

``p`` and the sign statistics are non-trainable variables: saved with every checkpoint (a resumed
run continues with the same ``p``) and logged as ``augment_p`` and ``augment_rt``.
"""
import math

import keras
import tensorflow as tf

from tfgan_suite.errors import UserInputError
from tfgan_suite.utils import randomness

GROUPS = ("blit", "geom", "color")
TARGET = 0.6
SPEED_IMAGES = 500_000  # "p can go from 0 to 1 in 500k images" (tune_kimg=500)
INTERVAL = 4  # minibatches between adjustments
# objective -> the output value separating "real" from "fake" (module docstring)
THRESHOLDS = {"gan": 0.0, "nsgan": 0.0, "dragan": 0.0, "hinge": 0.0, "lsgan": 0.5}

# the authors' strengths (training/augment.py defaults)
XINT_MAX, SCALE_STD, ANISO_STD, XFRAC_STD = 0.125, 0.2, 0.2, 0.125
BRIGHTNESS_STD, CONTRAST_STD, SATURATION_STD = 0.2, 0.5, 1.0


def decision_threshold(objective_name):
    """The threshold of ``sign(D(x) - threshold)`` for ``objective_name``; one line if it has none."""
    if objective_name not in THRESHOLDS:
        raise UserInputError(
            f"ADA needs a discriminator output with a real/fake threshold for its heuristic "
            f"r_t = E[sign(D(real))]; loss {objective_name!r} has none; valid losses: "
            f"{', '.join(THRESHOLDS)} (DiffAugment works with every loss)")
    return THRESHOLDS[objective_name]


def parse_groups(groups):
    """``"blit,geom,color"`` (or a tuple) -> a tuple of groups; one line for a bad name."""
    names = tuple(g.strip() for g in (groups.split(",") if isinstance(groups, str) else groups)
                  if g.strip())
    bad = [g for g in names if g not in GROUPS]
    if bad or not names:
        raise UserInputError(f"unknown ADA group(s) {groups!r}; valid choices: {', '.join(GROUPS)}")
    return names


# ---------------------------------------------------------------------- random draws
class _Draws:
    """Stateless per-image draws for one batch; ``gate`` keeps a draw with probability ``prob``."""

    def __init__(self, batch, seed, count=32):
        self.batch = batch
        self._seeds = iter(tf.unstack(tf.random.experimental.stateless_split(seed, count)))

    def uniform(self, low=0.0, high=1.0):
        return randomness.replica_uniform([self.batch], next(self._seeds), low, high)

    def normal(self, std):
        return std * randomness.replica_normal([self.batch], next(self._seeds))

    def integers(self, high):
        return randomness.replica_uniform([self.batch], next(self._seeds), 0, high, tf.int32)

    def gate(self, prob, value, identity):
        keep = self.uniform() < prob
        return tf.where(keep, value, tf.cast(identity, value.dtype))


def _matrices(rows):
    """Per-image matrices ``[B, n, n]`` from rows of per-image scalars (or Python numbers)."""
    batch = next(tf.shape(v)[0] for row in rows for v in row if isinstance(v, tf.Tensor))
    return tf.stack([tf.stack([tf.broadcast_to(tf.cast(v, tf.float32), [batch]) for v in row],
                              axis=-1) for row in rows], axis=1)


def _translate2(tx, ty):
    return _matrices([[1, 0, tx], [0, 1, ty], [0, 0, 1]])


def _scale2(sx, sy):
    return _matrices([[sx, 0, 0], [0, sy, 0], [0, 0, 1]])


def _rotate2(cos, sin):
    return _matrices([[cos, -sin, 0], [sin, cos, 0], [0, 0, 1]])


def geometric_matrix(draws, p, height, width, groups):
    """Per-image ``[B, 3, 3]`` matrices in centred pixel coordinates ``(x, y, 1)`` (module docstring)."""
    matrix = tf.eye(3, batch_shape=[draws.batch])
    size = tf.cast(tf.stack([width, height]), tf.float32)
    if "blit" in groups:
        flip = draws.gate(p, tf.cast(draws.integers(2), tf.float32), 0.0)
        matrix = matrix @ _scale2(1.0 - 2.0 * flip, 1.0)
        quarter = draws.gate(p, draws.integers(4), 0)  # exact cosines: integer pixels stay integer
        matrix = matrix @ _rotate2(tf.gather([1.0, 0.0, -1.0, 0.0], quarter),
                                   tf.gather([0.0, 1.0, 0.0, -1.0], quarter))
        shift = [tf.round(draws.gate(p, draws.uniform(-XINT_MAX, XINT_MAX), 0.0) * size[i])
                 for i in range(2)]
        matrix = matrix @ _translate2(*shift)
    if "geom" in groups:
        scale = draws.gate(p, tf.pow(2.0, draws.normal(SCALE_STD)), 1.0)
        matrix = matrix @ _scale2(scale, scale)
        p_rotate = 1.0 - tf.sqrt(tf.maximum(1.0 - p, 0.0))  # P(pre or post rotation) = p
        for stage in ("pre", "post"):
            angle = draws.gate(p_rotate, draws.uniform(-math.pi, math.pi), 0.0)
            matrix = matrix @ _rotate2(tf.cos(angle), tf.sin(angle))
            if stage == "pre":
                aniso = draws.gate(p, tf.pow(2.0, draws.normal(ANISO_STD)), 1.0)
                matrix = matrix @ _scale2(aniso, 1.0 / aniso)
        shift = [draws.gate(p, draws.normal(XFRAC_STD), 0.0) * size[i] for i in range(2)]
        matrix = matrix @ _translate2(*shift)
    return matrix


def _reflect(coordinate, length):
    """Continuous reflection into ``[0, length - 1]`` without repeating the edge pixel."""
    period = 2.0 * tf.maximum(length - 1.0, 1.0)
    folded = tf.math.floormod(coordinate, period)
    return tf.minimum(folded, period - folded)


def warp(images, matrix):
    """Samples ``images`` at ``matrix @ (x, y, 1)`` of each output pixel (centred pixel coordinates)
    with bilinear interpolation and reflection at the borders; differentiable in ``images``."""
    shape = tf.shape(images)
    height, width = shape[1], shape[2]
    h, w = tf.cast(height, tf.float32), tf.cast(width, tf.float32)
    rows, cols = tf.meshgrid(tf.range(h), tf.range(w), indexing="ij")
    centred = tf.stack([tf.reshape(cols, [-1]) - (w - 1) / 2, tf.reshape(rows, [-1]) - (h - 1) / 2,
                        tf.ones([height * width])])  # [3, HW]
    source = tf.einsum("bij,jn->bin", matrix, centred)
    x = _reflect(source[:, 0] + (w - 1) / 2, w)
    y = _reflect(source[:, 1] + (h - 1) / 2, h)
    x0, y0 = tf.floor(x), tf.floor(y)
    fx, fy = (x - x0)[..., tf.newaxis], (y - y0)[..., tf.newaxis]
    x0i, y0i = tf.cast(x0, tf.int32), tf.cast(y0, tf.int32)
    x1i, y1i = tf.minimum(x0i + 1, width - 1), tf.minimum(y0i + 1, height - 1)

    def pixels(yi, xi):
        return tf.gather_nd(images, tf.stack([yi, xi], axis=-1), batch_dims=1)  # [B, HW, C]

    dtype = images.dtype
    fx, fy = tf.cast(fx, dtype), tf.cast(fy, dtype)
    top = pixels(y0i, x0i) * (1 - fx) + pixels(y0i, x1i) * fx
    bottom = pixels(y1i, x0i) * (1 - fx) + pixels(y1i, x1i) * fx
    return tf.reshape(top * (1 - fy) + bottom * fy, shape)


def color_matrix(draws, p):
    """Per-image ``[B, 4, 4]`` colour matrices acting on ``(r, g, b, 1)`` (module docstring)."""
    luma = tf.constant([1.0, 1.0, 1.0, 0.0]) / math.sqrt(3.0)
    outer = luma[:, tf.newaxis] * luma[tf.newaxis, :]
    eye = tf.eye(4)
    per_image = lambda v: v[:, tf.newaxis, tf.newaxis]  # noqa: E731

    bright = draws.gate(p, draws.normal(BRIGHTNESS_STD), 0.0)
    matrix = _matrices([[1, 0, 0, bright], [0, 1, 0, bright], [0, 0, 1, bright], [0, 0, 0, 1]])
    contrast = draws.gate(p, tf.pow(2.0, draws.normal(CONTRAST_STD)), 1.0)
    matrix = _matrices([[contrast, 0, 0, 0], [0, contrast, 0, 0], [0, 0, contrast, 0],
                        [0, 0, 0, 1]]) @ matrix
    flip = draws.gate(p, tf.cast(draws.integers(2), tf.float32), 0.0)
    matrix = (eye - 2.0 * outer * per_image(flip)) @ matrix
    angle = draws.gate(p, draws.uniform(-math.pi, math.pi), 0.0)
    cos, sin = per_image(tf.cos(angle)), per_image(tf.sin(angle))
    axis = luma[:3]
    cross = tf.constant([[0.0, -1.0, 1.0], [1.0, 0.0, -1.0], [-1.0, 1.0, 0.0]]) / math.sqrt(3.0)
    rotation3 = cos * tf.eye(3) + sin * cross + (1 - cos) * (axis[:, None] * axis[None, :])
    rotation = tf.pad(rotation3, [[0, 0], [0, 1], [0, 1]]) + tf.pad([[1.0]], [[3, 0], [3, 0]])
    matrix = rotation @ matrix
    saturation = per_image(draws.gate(p, tf.pow(2.0, draws.normal(SATURATION_STD)), 1.0))
    matrix = (outer + (eye - outer) * saturation) @ matrix
    return matrix


def apply_color(images, matrix):
    """``(r, g, b) <- C (r, g, b, 1)``; one channel: the mean of C's three colour rows."""
    channels = images.shape[-1]
    matrix = tf.cast(matrix, images.dtype)
    if channels == 3:
        return tf.einsum("bhwc,bdc->bhwd", images, matrix[:, :3, :3]) + matrix[:, tf.newaxis,
                                                                               tf.newaxis, :3, 3]
    if channels == 1:
        row = tf.reduce_mean(matrix[:, :3, :], axis=1)  # [B, 4]
        gain = tf.reduce_sum(row[:, :3], axis=1)
        return images * gain[:, None, None, None] + row[:, None, None, 3:]
    raise UserInputError(f"ADA's color group needs images with 1 or 3 channels, got {channels}; "
                         f"use groups blit,geom")


class AdaptiveAugment:
    """ADA's pipeline with its adaptive probability ``p`` (module docstring).

    Args:
      target: the ``r_t`` target (0.6).
      speed_images: real images for ``p`` to move by 1 (500,000).
      interval: train steps between adjustments (4).
      initial_p: ``p`` at the start (0).
      groups: any of ``blit``, ``geom``, ``color`` (all three: the paper's ``bgc``).
      threshold: the discriminator output separating real from fake (:func:`decision_threshold`).
    """

    adaptive = True

    def __init__(self, target=TARGET, speed_images=SPEED_IMAGES, interval=INTERVAL, initial_p=0.0,
                 groups=GROUPS, threshold=0.0):
        for name, value, low, high in (("ada_target", target, 0.0, 1.0),
                                       ("ada_initial_p", initial_p, 0.0, 1.0)):
            if not low <= float(value) <= high:
                raise UserInputError(f"{name} must be in [{low}, {high}], got {value!r}")
        if not float(speed_images) > 0 or int(interval) < 1:
            raise UserInputError(f"ADA speed_images must be positive and interval >= 1, got "
                                 f"{speed_images!r} and {interval!r}")
        self.target, self.speed_images = float(target), float(speed_images)
        self.interval, self.threshold = int(interval), float(threshold)
        self.groups = parse_groups(groups)
        self.name = "ada"

        def state(value, name):
            return keras.Variable(float(value), dtype="float32", trainable=False,
                                  aggregation="only_first_replica", name=name)

        self.p = state(initial_p, "ada_p")
        self.rt = state(0.0, "ada_rt")  # r_t of the last adjustment (logged)
        self.sign_sum = state(0.0, "ada_sign_sum")
        self.count = state(0.0, "ada_count")

    @property
    def variables(self):
        return (self.p, self.rt, self.sign_sum, self.count)

    def __call__(self, images, seed):
        images = tf.convert_to_tensor(images)
        p = tf.convert_to_tensor(self.p)
        shape = tf.shape(images)
        geometry_seed, color_seed = tf.unstack(tf.random.experimental.stateless_split(seed, 2))
        if "blit" in self.groups or "geom" in self.groups:
            draws = _Draws(shape[0], geometry_seed)
            images = warp(images, geometric_matrix(draws, p, shape[1], shape[2], self.groups))
        if "color" in self.groups:
            images = apply_color(images, color_matrix(_Draws(shape[0], color_seed), p))
        return images

    def observe(self, real_outputs):
        """Adds the signs of one discriminator pass on (augmented) real images to ``r_t``'s sums."""
        outputs = tf.cast(real_outputs, tf.float32)
        if outputs.shape.rank is not None and outputs.shape.rank > 1 and outputs.shape[-1] != 1:
            raise UserInputError(f"ADA needs one discriminator output per image, got shape "
                                 f"{outputs.shape}")
        signs = tf.sign(outputs - self.threshold)
        stats = tf.stack([tf.reduce_sum(signs), tf.cast(tf.size(signs), tf.float32)])
        context = tf.distribute.get_replica_context()
        if context is not None and context.num_replicas_in_sync > 1:
            stats = context.all_reduce(tf.distribute.ReduceOp.SUM, stats)
        self.sign_sum.assign_add(stats[0])
        self.count.assign_add(stats[1])

    def end_step(self, completed_steps):
        """Every ``interval`` completed train steps: ``p += sign(r_t - target) N / speed_images``."""
        due = tf.equal(tf.math.floormod(tf.cast(completed_steps, tf.int64), self.interval), 0)
        count = tf.convert_to_tensor(self.count)
        rt = tf.convert_to_tensor(self.sign_sum) / tf.maximum(count, 1.0)
        moved = tf.clip_by_value(
            self.p + tf.sign(rt - self.target) * count / self.speed_images, 0.0, 1.0)
        self.p.assign(tf.where(due, moved, self.p))
        self.rt.assign(tf.where(due, rt, self.rt))
        self.sign_sum.assign(tf.where(due, 0.0, self.sign_sum))
        self.count.assign(tf.where(due, 0.0, count))

    def logs(self):
        return {"augment_p": tf.convert_to_tensor(self.p), "augment_rt": tf.convert_to_tensor(self.rt)}

    def __repr__(self):
        return f"AdaptiveAugment(target={self.target}, groups={','.join(self.groups)})"
