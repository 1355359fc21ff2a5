"""2-D toy mixtures for measuring mode coverage: ``ring8`` and ``grid25``.

* ``ring8``: 8 Gaussians with means on a circle of radius 2, ``(2 cos(2 pi k / 8), 2 sin(2 pi k / 8))``,
  standard deviation 0.02 (the mixture of Metz et al.'s unrolled-GAN experiments);
* ``grid25``: 25 Gaussians with means on the 5 x 5 grid ``{-4, -2, 0, 2, 4}^2``, standard deviation 0.05
  (the setting of VEEGAN and PacGAN).

Each point picks a mode uniformly at random. Both are registered in the data registry, so
``tfgan_suite.data.load("ring8", batch_size=256)`` gives batches of float32 points of shape (B, 2);
:func:`toy_dataset` is the direct tf.data form. Pair them with ``tfgan_suite.metrics.modes``.
"""
import numpy as np

from tfgan_suite.data.registry import DATASETS

RING8_STD = 0.02
GRID25_STD = 0.05
DEFAULT_EXAMPLES = 100_000


def ring8_modes(radius=2.0):
    """The 8 means, float32 (8, 2)."""
    angles = 2.0 * np.pi * np.arange(8) / 8
    return np.stack([radius * np.cos(angles), radius * np.sin(angles)], axis=1).astype(np.float32)


def grid25_modes(spacing=2.0):
    """The 25 means ``{-2s, -s, 0, s, 2s}^2``, float32 (25, 2), row-major."""
    axis = spacing * np.arange(-2, 3, dtype=np.float64)
    xs, ys = np.meshgrid(axis, axis, indexing="ij")
    return np.stack([xs.ravel(), ys.ravel()], axis=1).astype(np.float32)


def mixture(n, modes, std, seed):
    """``n`` points of the equal-weight Gaussian mixture with ``modes`` and isotropic ``std``."""
    rng = np.random.default_rng(seed)
    modes = np.asarray(modes, np.float64)
    which = rng.integers(0, len(modes), size=int(n))
    points = modes[which] + std * rng.standard_normal((int(n), modes.shape[1]))
    return points.astype(np.float32)


def ring8(n, seed=0, std=RING8_STD, radius=2.0):
    """``n`` float32 points (n, 2) of the 8-Gaussian ring."""
    return mixture(n, ring8_modes(radius), std, seed)


def grid25(n, seed=0, std=GRID25_STD, spacing=2.0):
    """``n`` float32 points (n, 2) of the 25-Gaussian grid."""
    return mixture(n, grid25_modes(spacing), std, seed)


TOY = {"ring8": (ring8, ring8_modes, RING8_STD), "grid25": (grid25, grid25_modes, GRID25_STD)}


def toy_modes(name):
    """``(modes, std)`` of toy dataset ``name`` (for ``metrics.modes.mode_coverage``)."""
    if name not in TOY:
        raise ValueError(f"unknown toy dataset {name!r}; valid choices: {', '.join(sorted(TOY))}")
    _, modes, std = TOY[name]
    return modes(), std


def toy_dataset(name, batch_size, seed=0, num_examples=DEFAULT_EXAMPLES):
    """An endless shuffled ``tf.data.Dataset`` of float32 (batch_size, 2) batches of toy ``name``."""
    import tensorflow as tf  # pylint: disable=import-outside-toplevel

    if name not in TOY:
        raise ValueError(f"unknown toy dataset {name!r}; valid choices: {', '.join(sorted(TOY))}")
    points = TOY[name][0](num_examples, seed=seed)
    return (tf.data.Dataset.from_tensor_slices(points)
            .shuffle(min(len(points), 100_000), seed=seed, reshuffle_each_iteration=True)
            .repeat().batch(int(batch_size), drop_remainder=True).prefetch(2))


def _split_seed(split, seed):
    return int(seed) * 2 + (0 if split == "train" else 1)  # train and test are different draws


@DATASETS.register("ring8")
def _ring8_loader(split="train", num_examples=None, seed=0):
    """8 Gaussians on a circle (radius 2, std 0.02): float32 points (N, 2)."""
    return ring8(num_examples or DEFAULT_EXAMPLES, seed=_split_seed(split, seed))


@DATASETS.register("grid25")
def _grid25_loader(split="train", num_examples=None, seed=0):
    """25 Gaussians on a 5 x 5 grid (spacing 2, std 0.05): float32 points (N, 2)."""
    return grid25(num_examples or DEFAULT_EXAMPLES, seed=_split_seed(split, seed))
