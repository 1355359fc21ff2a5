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

Unlike the reference (full ``N x M`` float64 matrices: 0.8 GB each for 10k x 10k, three of them),
the distances here are computed in blocks of ``block_size`` rows, as squared distances ``|x|^2 + |y|^2
- 2 x.y`` from one matrix product per block, on features centred on the real mean (smaller norms,
less cancellation); the k-th smallest per row comes from ``np.partition``. Memory is
``O(block_size * max(N, M))`` beyond the features. The products run in ``dtype`` (float32 by default:
about twice as fast as float64), and every decision is then made exact: an entry whose approximate
squared distance lies within the rounding-error bound ``(2 gamma_d + 10 u) (|x|^2 + |y|^2)``
(``u`` the unit roundoff, ``gamma_d = d u / (1 - d u)``, Higham's dot-product bound) of a radius, or
of a row's k-th smallest value, is recomputed directly in float64 as ``sum((x - y)^2)``. Typically a
few entries per row are; the result then equals a float64 computation's.
"""
import numpy as np

DTYPES = ("float32", "float64")
_EXACT_CHUNK = 4096  # pairs per float64 recomputation chunk


def _prepare(real_features, fake_features, nearest_k):
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
    return real - center, fake - center, nearest_k  # float64, centred


class _PointSet:
    """Centred float64 features, their ``dtype`` copy and squared norms, and the error-bound scale."""

    def __init__(self, exact, dtype):
        self.exact = exact
        self.fast = exact.astype(dtype, copy=False)
        self.norms = np.einsum("ij,ij->i", exact, exact)
        self.fast_norms = self.norms.astype(dtype)
        unit_roundoff = np.finfo(dtype).eps / 2
        d = exact.shape[1]
        self.error_scale = 2 * d * unit_roundoff / (1 - d * unit_roundoff) + 10 * unit_roundoff

    def __len__(self):
        return len(self.exact)


def _approx_squared_distances(x, start, stop, y):
    """``[b, m]`` approximate squared distances between rows ``start:stop`` of ``x`` and all of ``y``."""
    d2 = x.fast_norms[start:stop, None] + y.fast_norms[None, :]
    d2 -= 2 * (x.fast[start:stop] @ y.fast.T)
    return d2


def _error_bound(x, rows, y):
    """Per-row bound on ``|approx - exact|`` over all columns: ``scale * (|x_i|^2 + max_j |y_j|^2)``."""
    return x.error_scale * (x.norms[rows] + y.norms.max())


def _exact_squared_distances(x, rows, y, cols):
    """float64 ``sum((x_rows - y_cols)^2)`` for index pairs, in chunks."""
    out = np.empty(len(rows))
    for i in range(0, len(rows), _EXACT_CHUNK):
        diff = x.exact[rows[i:i + _EXACT_CHUNK]] - y.exact[cols[i:i + _EXACT_CHUNK]]
        out[i:i + _EXACT_CHUNK] = np.einsum("ij,ij->i", diff, diff)
    return out


def kth_neighbour_squared_radii(points, nearest_k, block_size=1024):
    """Exact squared distance of every row to its ``nearest_k``-th nearest *other* row (``NND_k^2``).

    The row itself (distance exactly 0) is the first neighbour, so this is the (k+1)-th smallest value
    ``t`` of each row, as in the reference. With ``a`` the approximate (k+1)-th smallest and ``e`` the
    row's error bound, ``a - e <= t <= a + e``: entries approximated below ``a - 2e`` are certainly
    below ``t`` (``L`` of them) and only the band ``[a - 2e, a + 2e]`` is recomputed exactly; ``t`` is
    its ``(k + 1 - L)``-th smallest value.
    """
    n = len(points)
    radii = np.empty(n)
    for start in range(0, n, block_size):
        stop = min(start + block_size, n)
        rows = np.arange(start, stop)
        d2 = _approx_squared_distances(points, start, stop, points)
        d2[rows - start, rows] = 0.0
        approx_kth = np.partition(d2, nearest_k, axis=1)[:, nearest_k]
        bound = _error_bound(points, rows, points)
        low, high = (approx_kth - 2 * bound)[:, None], (approx_kth + 2 * bound)[:, None]
        certainly_below = np.count_nonzero(d2 < low, axis=1)
        band_rows, band_cols = np.nonzero((d2 >= low) & (d2 <= high))
        exact = _exact_squared_distances(points, band_rows + start, points, band_cols)
        order = np.lexsort((exact, band_rows))
        first = np.searchsorted(band_rows[order], np.arange(stop - start))
        radii[start:stop] = exact[order][first + nearest_k - certainly_below]
    return radii


def _inside_balls(d2, radii, bound, x, rows, y, cols_are_balls):
    """``d2 < radius`` made exact: the ball centres are the rows (``cols_are_balls=False``, radii per
    row) or the columns; entries within ``bound`` of their radius are recomputed in float64."""
    threshold = radii[None, :] if cols_are_balls else radii[rows][:, None]
    inside = d2 < threshold
    unsure_rows, unsure_cols = np.nonzero(np.abs(d2 - threshold) <= bound[:, None])
    if len(unsure_rows):
        exact = _exact_squared_distances(x, rows[unsure_rows], y, unsure_cols)
        radius = radii[unsure_cols] if cols_are_balls else radii[rows[unsure_rows]]
        inside[unsure_rows, unsure_cols] = exact < radius
    return inside


def precision_recall_density_coverage(real_features, fake_features, nearest_k=5, block_size=1024,
                                      dtype="float32"):
    """Precision, recall, density and coverage (see the module docstring for the formulas).

    Args:
      real_features: ``[N, d]`` features of real images (e.g. Inception pool_3, 2048-d).
      fake_features: ``[M, d]`` features of generated images.
      nearest_k: k of the k-NN radii (5 in both papers).
      block_size: rows per distance block (memory ``~ 3 * block_size * max(N, M) * 8`` bytes).
      dtype: "float32" or "float64" for the matrix products; the result is the same (exact decisions).

    Returns:
      ``{"precision", "recall", "density", "coverage"}`` as Python floats.
    """
    if dtype not in DTYPES:
        raise ValueError(f"unknown dtype {dtype!r}; valid choices: {', '.join(DTYPES)}")
    real, fake, k = _prepare(real_features, fake_features, nearest_k)
    real, fake = _PointSet(real, dtype), _PointSet(fake, dtype)
    block_size = max(1, int(block_size))
    real_radii = kth_neighbour_squared_radii(real, k, block_size)
    fake_radii = kth_neighbour_squared_radii(fake, k, block_size)
    fake_inside_counts = np.zeros(len(fake), np.int64)  # per fake: real balls that contain it
    real_in_fake_manifold = np.zeros(len(real), bool)
    real_covered = np.zeros(len(real), bool)
    for start in range(0, len(real), block_size):
        stop = min(start + block_size, len(real))
        rows = np.arange(start, stop)
        d2 = _approx_squared_distances(real, start, stop, fake)
        bound = _error_bound(real, rows, fake)
        in_real_balls = _inside_balls(d2, real_radii, bound, real, rows, fake, cols_are_balls=False)
        fake_inside_counts += in_real_balls.sum(axis=0)
        real_covered[start:stop] = in_real_balls.any(axis=1)  # nearest fake inside the ball <=> any fake
        in_fake_balls = _inside_balls(d2, fake_radii, bound, real, rows, fake, cols_are_balls=True)
        real_in_fake_manifold[start:stop] = in_fake_balls.any(axis=1)
    return {
        "precision": float(np.mean(fake_inside_counts > 0)),
        "recall": float(np.mean(real_in_fake_manifold)),
        "density": float(fake_inside_counts.sum() / (k * len(fake))),
        "coverage": float(np.mean(real_covered)),
    }
