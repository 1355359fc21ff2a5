"""Mode coverage of a generator on a Gaussian mixture with known means (ring8, grid25).

Each sample is assigned to its nearest mode ``k(x) = argmin_k ||x - mu_k||``. It is **high quality**
when ``||x - mu_k(x)|| <= 3 std``. With ``c_k`` the number of high-quality samples assigned to mode k
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
