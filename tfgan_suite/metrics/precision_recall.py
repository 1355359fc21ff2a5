"""Precision, recall, density and coverage of generated features against real ones (k-NN manifolds).

Kynkäänniemi et al. 2019, "Improved Precision and Recall Metric for Assessing Generative Models",
Sec. 2 (precision, recall); Naeem et al. 2020, "Reliable Fidelity and Diversity Metrics for Generative
Models", Sec. 3 (density, coverage; Eqs. 3-6). With real features ``X_1..X_N``, fake features
``Y_1..Y_M``, ``d`` the Euclidean distance, ``NND_k(X_i)`` the distance from ``X_i`` to its k-th
nearest neighbour among the *other* real features (and likewise ``NND_k(Y_j)`` among the fakes) and
``B(c, r)`` the open ball ``{z : d(z, c) < r}``:

* precision ``= 1/M sum_j 1[exists i: Y_j in B(X_i, NND_k(X_i))]`` (fakes inside the real manifold);
* recall    ``= 1/N sum_i 1[exists j: X_i in B(Y_j, NND_k(Y_j))]`` (reals inside the fake manifold);
* density   ``= 1/(k M) sum_j sum_i 1[Y_j in B(X_i, NND_k(X_i))]`` (can exceed 1);
* coverage  ``= 1/N sum_i 1[min_j d(X_i, Y_j) < NND_k(X_i)]``.

These are the definitions of the authors' reference code (clovaai/generative-evaluation-prdc,
``prdc.compute_prdc``): strict ``<``, radii from the (k+1)-th smallest distance of a row that
includes the point itself (distance 0), i.e. the k-th nearest *other* point. ``tests/test_metrics_prdc.py``
asserts agreement with the ``prdc`` package to 1e-6 (absolute) on every value.

Unlike the reference (full ``N x M`` float64 matrices: 2.4 GB for 10k x 10k, three of them), the
distances here are computed in blocks of ``block_size`` rows, as squared distances
``|x|^2 + |y|^2 - 2 x.y`` from one matrix product per block on features centred on the real mean
(smaller norms, less cancellation). Memory is ``O(block_size * max(N, M))`` beyond the features, and
the k-th smallest per row comes from ``np.partition``. ``dtype="float64"`` (default) makes threshold
comparisons agree with the reference; ``"float32"`` is about twice as fast but a distance within
~1e-6 relative of a radius may compare the other way.
"""
import numpy as np

DTYPES = ("float64", "float32")


def _prepare(real_features, fake_features, nearest_k, dtype):
    if dtype not in DTYPES:
        raise ValueError(f"unknown dtype {dtype!r}; valid choices: {', '.join(DTYPES)}")
    real = np.asarray(real_features)
    fake = np.asarray(fake_features)
    for name, x in (("real_features", real), ("fake_features", fake)):
        if x.ndim != 2:
            raise ValueError(f"{name} must be a [n, d] matrix, got shape {x.shape}")
    if real.shape[1] != fake.shape[1]:
        raise ValueError(f"feature sizes differ: real {real.shape[1]}, fake {fake.shape[1]}")
    nearest_k = int(nearest_k)
    smallest = min(len(real), len(fake))
    if not 1 <= nearest_k < smallest:
        raise ValueError(f"nearest_k must be in [1, {smallest - 1}] (fewer than the {smallest} points of the "
                         f"smaller set), got {nearest_k}")
    center = real.mean(axis=0, dtype=np.float64)
    real = (real - center).astype(dtype, copy=False)
    fake = (fake - center).astype(dtype, copy=False)
    return real, fake, nearest_k


def _squared_distances(x_block, y, y_squared_norms):
    """``[b, m]`` squared Euclidean distances (clipped at 0) between the rows of ``x_block`` and ``y``."""
    d2 = np.einsum("ij,ij->i", x_block, x_block)[:, None] + y_squared_norms[None, :]
    d2 -= 2.0 * (x_block @ y.T)
    np.maximum(d2, 0.0, out=d2)
    return d2


def _row_norms(x):
    return np.einsum("ij,ij->i", x, x)


def kth_neighbour_squared_radii(features, nearest_k, block_size=1024):
    """Squared distance of every row to its ``nearest_k``-th nearest *other* row (``NND_k^2``).

    ``features`` is already centred and cast; the row itself (distance set to exactly 0) is the first
    neighbour, so this is the (k+1)-th smallest value of each row, as in the reference.
    """
    n = len(features)
    norms = _row_norms(features)
    radii = np.empty(n, features.dtype)
    for start in range(0, n, block_size):
        stop = min(start + block_size, n)
        d2 = _squared_distances(features[start:stop], features, norms)
        d2[np.arange(stop - start), np.arange(start, stop)] = 0.0
        radii[start:stop] = np.partition(d2, nearest_k, axis=1)[:, nearest_k]
    return radii


def precision_recall_density_coverage(real_features, fake_features, nearest_k=5, block_size=1024,
                                      dtype="float64"):
    """Precision, recall, density and coverage (see the module docstring for the formulas).

    Args:
      real_features: ``[N, d]`` features of real images (e.g. Inception pool_3, 2048-d).
      fake_features: ``[M, d]`` features of generated images.
      nearest_k: k of the k-NN radii (5 in both papers).
      block_size: rows per distance block (memory ``~ block_size * max(N, M) * 8`` bytes for float64).
      dtype: "float64" (reference-exact comparisons) or "float32" (faster).

    Returns:
      ``{"precision", "recall", "density", "coverage"}`` as Python floats.
    """
    real, fake, k = _prepare(real_features, fake_features, nearest_k, dtype)
    block_size = max(1, int(block_size))
    real_radii = kth_neighbour_squared_radii(real, k, block_size)
    fake_radii = kth_neighbour_squared_radii(fake, k, block_size)
    fake_norms = _row_norms(fake)
    fake_inside_counts = np.zeros(len(fake), np.int64)  # per fake: real balls that contain it
    real_in_fake_manifold = np.zeros(len(real), bool)
    real_covered = np.zeros(len(real), bool)
    for start in range(0, len(real), block_size):
        stop = min(start + block_size, len(real))
        d2 = _squared_distances(real[start:stop], fake, fake_norms)
        fake_inside_counts += (d2 < real_radii[start:stop, None]).sum(axis=0)
        real_in_fake_manifold[start:stop] = (d2 < fake_radii[None, :]).any(axis=1)
        real_covered[start:stop] = d2.min(axis=1) < real_radii[start:stop]
    return {
        "precision": float(np.mean(fake_inside_counts > 0)),
        "recall": float(np.mean(real_in_fake_manifold)),
        "density": float(fake_inside_counts.sum() / (k * len(fake))),
        "coverage": float(np.mean(real_covered)),
    }
