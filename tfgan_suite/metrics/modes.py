"""Mode coverage of a generator: Gaussian mixtures with known means (ring8, grid25) and Stacked MNIST.

For the mixtures, each sample is assigned to its nearest mode ``k(x) = argmin_k ||x - mu_k||``. It
is **high quality** when ``||x - mu_k(x)|| <= 3 std``. With ``c_k`` the number of high-quality samples assigned to mode k
(K modes, n samples):

* ``modes_covered = #{k : c_k >= min_count}``; by default ``min_count = ceil(0.2 n / K)``, a fifth of a
  mode's fair share (20 of 2,500 samples on 25 modes: the threshold of PacGAN, Lin et al. 2018);
* ``high_quality_fraction = sum_k c_k / n``;
* ``kl_to_uniform = KL(p || U) = sum_k p_k log(K p_k)`` with ``p_k = c_k / sum_j c_j`` and
  ``0 log 0 = 0``: 0 when the high-quality samples spread evenly over the modes, ``log K`` when they
  all sit on one mode; NaN when there is no high-quality sample.
"""
import collections
import math

import numpy as np

ModeCoverage = collections.namedtuple(
    "ModeCoverage", ["modes_covered", "high_quality_fraction", "kl_to_uniform", "counts"])
ModeCoverage.__doc__ = """Result of :func:`mode_coverage`; ``counts[k]`` = high-quality samples on mode k."""


def mode_coverage(samples, modes, std, min_count=None):
    """Modes covered, fraction of high-quality samples and KL(mode histogram || uniform).

    Args:
      samples: (n, d) generated points.
      modes: (K, d) means of the mixture.
      std: the mixture's standard deviation; "high quality" means within ``3 * std`` of the nearest mode.
      min_count: high-quality samples a mode needs to count as covered; default ``ceil(0.2 n / K)``.

    Returns:
      :class:`ModeCoverage` ``(modes_covered, high_quality_fraction, kl_to_uniform, counts)``.
    """
    samples = np.asarray(samples, np.float64)
    modes = np.asarray(modes, np.float64)
    if samples.ndim != 2 or modes.ndim != 2 or samples.shape[1] != modes.shape[1]:
        raise ValueError(f"samples (n, d) and modes (K, d) must agree, got {samples.shape} and "
                         f"{modes.shape}")
    if not std > 0:
        raise ValueError(f"std must be positive, got {std!r}")
    n, num_modes = len(samples), len(modes)
    if min_count is None:
        min_count = max(1, math.ceil(0.2 * n / num_modes))
    distances = np.sqrt(((samples[:, None, :] - modes[None, :, :]) ** 2).sum(-1))  # (n, K)
    nearest = distances.argmin(axis=1)
    good = distances[np.arange(n), nearest] <= 3.0 * std
    counts = np.bincount(nearest[good], minlength=num_modes)
    total = counts.sum()
    if total:
        p = counts / total
        nonzero = p > 0
        kl = float(np.sum(p[nonzero] * np.log(num_modes * p[nonzero])))
    else:
        kl = float("nan")
    return ModeCoverage(int((counts >= min_count).sum()), float(total / n) if n else 0.0, kl, counts)


# ------------------------------------------------------------------------------ Stacked MNIST
STACKED_MNIST_MODES = 1000
StackedModes = collections.namedtuple("StackedModes", ["modes_covered", "kl_to_uniform"])
StackedModes.__doc__ = """Result of :func:`stacked_mnist_modes` (unpacks as ``modes, kl``)."""


def stacked_mnist_mode_counts(images, classifier=None):
    """How many of ``images`` fall on each of the 1,000 Stacked MNIST modes, shape (1000,).

    Each channel is classified by the shipped MNIST domain classifier
    (:mod:`tfgan_suite.metrics.domain`); the mode of an image is ``100 d_0 + 10 d_1 + d_2`` with
    ``d_c`` the predicted digit of channel ``c``.

    Args:
      images: (N, 28, 28, 3), float in [-1, 1] or uint8 in [0, 255].
      classifier: a :class:`~tfgan_suite.metrics.domain.DomainClassifier` (default: MNIST's).
    """
    images = np.asarray(images)
    if images.ndim != 4 or images.shape[1:] != (28, 28, 3):
        raise ValueError(f"stacked_mnist_modes takes (N, 28, 28, 3) images, got shape {images.shape}")
    if classifier is None:
        from tfgan_suite.metrics import domain  # deferred: loads TensorFlow

        classifier = domain.domain_classifier("mnist")
    digits = [np.argmax(classifier.logits(images[..., c:c + 1]), axis=1) for c in range(3)]
    modes = 100 * digits[0] + 10 * digits[1] + digits[2]
    return np.bincount(modes, minlength=STACKED_MNIST_MODES)


def stacked_mnist_modes(images, classifier=None):
    """Modes covered (of 1,000) and ``KL(p || uniform)`` of the mode histogram ``p`` of ``images``.

    As in VEEGAN (Srivastava et al., 2017, section 5.2) and PacGAN (Lin et al., 2018, Table 3): a
    mode is covered when at least one image falls on it, and
    ``KL = sum_k p_k log(1000 p_k)`` (``0 log 0 = 0``): 0 for a uniform histogram, ``log 1000 = 6.91``
    when every image sits on one mode. The papers score 26,000 generated images; a finite sample of
    the real distribution has a small positive KL (about 0.02 at 26,000).

    Args: as :func:`stacked_mnist_mode_counts`.
    Returns: :class:`StackedModes` ``(modes_covered, kl_to_uniform)``.
    """
    return modes_from_counts(stacked_mnist_mode_counts(images, classifier))


def modes_from_counts(counts):
    """:class:`StackedModes` of a mode histogram: modes with a count, ``KL(p || uniform)``."""
    counts = np.asarray(counts, np.float64)
    p = counts / counts.sum()
    nonzero = p > 0
    kl = float(np.sum(p[nonzero] * np.log(len(counts) * p[nonzero])))
    return StackedModes(int(nonzero.sum()), kl)
