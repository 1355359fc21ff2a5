"""Sample-based distances between feature distributions, with TF-GAN's names and semantics.

Pure numpy/scipy functions (no TensorFlow), computed in float64 whatever the input dtype:

* Fréchet distance (FID when the features are Inception pool_3 activations, arXiv:1706.08500)::

      d^2 = |m_r - m_g|^2 + Tr(C_r + C_g - 2 (C_r C_g)^(1/2))

  with sample means ``m`` and unbiased sample covariances ``C = (X - m)^T (X - m) / (n - 1)``.
  ``Tr((C_r C_g)^(1/2))`` is computed as TF-GAN does, via symmetric square roots:
  ``Tr(sqrt(A C_g A))`` with ``A = sqrt(C_r)`` (equal because ``A A C_g`` and ``A C_g A`` share
  eigenvalues), using ``scipy.linalg.eigh`` and clipping the tiny negative eigenvalues that round-off
  creates, so the result is always real.
* Kernel distance (KID, arXiv:1801.01401): the unbiased MMD^2 estimator with the cubic polynomial
  kernel ``k(x, y) = (x.y / d + 1)^3``::

      MMD^2_u = sum_{i!=j} k(r_i, r_j) / (m (m-1)) + sum_{i!=j} k(g_i, g_j) / (n (n-1))
                - 2 sum_{i,j} k(r_i, g_j) / (m n)

  averaged over blocks (TF-GAN's block estimator, the default) or over random subsets (the KID
  paper's protocol, ``num_subsets``/``max_subset_size``).
* Classifier score (Inception Score when the logits are Inception's, arXiv:1606.03498)::

      IS = exp( E_x[ KL(p(y|x) || p(y)) ] ),   p(y) = E_x[p(y|x)]
"""
import numpy as np
import scipy.linalg
import scipy.special

__all__ = [
    "activation_statistics",
    "frechet_distance_from_statistics",
    "frechet_classifier_distance_from_activations",
    "kernel_classifier_distance_from_activations",
    "kernel_classifier_distance_and_std_from_activations",
    "classifier_score_from_logits",
    "classifier_score_and_std_from_logits",
]


def _as_2d_float64(x, name):
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"{name} must be a 2-D [num_examples, num_features] array, got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} contains NaN or inf values")
    return x


def activation_statistics(activations):
    """Returns ``(mean, covariance)`` of ``[n, d]`` activations in float64 (covariance with 1/(n-1))."""
    x = _as_2d_float64(activations, "activations")
    if x.shape[0] < 2:
        raise ValueError(f"need at least 2 examples to estimate a covariance, got {x.shape[0]}")
    mean = x.mean(axis=0)
    centered = x - mean
    return mean, centered.T @ centered / (x.shape[0] - 1)


def _symmetric_sqrt(matrix):
    """Square root of a symmetric positive semi-definite matrix, negative round-off clipped to 0."""
    eigenvalues, eigenvectors = scipy.linalg.eigh(matrix)
    root = np.sqrt(np.clip(eigenvalues, 0.0, None))
    return (eigenvectors * root) @ eigenvectors.T


def trace_sqrt_product(sigma, sigma_v):
    """``Tr((sigma sigma_v)^(1/2))`` for symmetric PSD matrices, as ``Tr(sqrt(A sigma_v A))``, A = sqrt(sigma)."""
    a = _symmetric_sqrt(np.asarray(sigma, np.float64))
    inner = a @ np.asarray(sigma_v, np.float64) @ a
    inner = (inner + inner.T) / 2.0  # exact symmetry despite round-off
    eigenvalues = scipy.linalg.eigvalsh(inner)
    return float(np.sqrt(np.clip(eigenvalues, 0.0, None)).sum())


def frechet_distance_from_statistics(mean_real, cov_real, mean_generated, cov_generated):
    """Fréchet distance ``|m_r - m_g|^2 + Tr(C_r + C_g - 2 (C_r C_g)^(1/2))`` between two Gaussians."""
    m1, m2 = np.asarray(mean_real, np.float64), np.asarray(mean_generated, np.float64)
    c1, c2 = np.asarray(cov_real, np.float64), np.asarray(cov_generated, np.float64)
    if m1.shape != m2.shape or c1.shape != c2.shape or c1.shape != (m1.size, m1.size):
        raise ValueError(f"incompatible statistics: means {m1.shape} / {m2.shape}, "
                         f"covariances {c1.shape} / {c2.shape}")
    mean_term = float(np.sum((m1 - m2) ** 2))
    trace_term = float(np.trace(c1) + np.trace(c2)) - 2.0 * trace_sqrt_product(c1, c2)
    return mean_term + trace_term


def frechet_classifier_distance_from_activations(real_activations, generated_activations):
    """Fréchet distance between Gaussians fitted to two ``[n, d]`` activation sets (FID on Inception pool_3).

    ``|m_r - m_g|^2 + Tr(C_r + C_g - 2 (C_r C_g)^(1/2))``, sample covariances with ``1/(n-1)``.
    Returns a Python float (float64 math). Biased for small n: compare models only at equal n.
    """
    real = _as_2d_float64(real_activations, "real_activations")
    gen = _as_2d_float64(generated_activations, "generated_activations")
    if real.shape[1] != gen.shape[1]:
        raise ValueError(f"feature sizes differ: real {real.shape[1]} vs generated {gen.shape[1]}")
    return frechet_distance_from_statistics(*activation_statistics(real), *activation_statistics(gen))


def _polynomial_mmd2_unbiased(real, gen):
    """Unbiased MMD^2 with ``k(x, y) = (x.y/d + 1)^3`` between one block of real and generated rows."""
    d = real.shape[1]
    m, n = real.shape[0], gen.shape[0]
    k_rr = (real @ real.T / d + 1.0) ** 3
    k_gg = (gen @ gen.T / d + 1.0) ** 3
    k_rg = (real @ gen.T / d + 1.0) ** 3
    return ((k_rr.sum() - np.trace(k_rr)) / (m * (m - 1))
            + (k_gg.sum() - np.trace(k_gg)) / (n * (n - 1))
            - 2.0 * k_rg.mean())


def _block_bounds(n, num_blocks):
    sizes = np.full(num_blocks, n // num_blocks)
    sizes[num_blocks - n % num_blocks:] += 1  # the last (n mod blocks) blocks get one more, as TF-GAN
    return np.concatenate([[0], np.cumsum(sizes)])


def kernel_classifier_distance_and_std_from_activations(real_activations, generated_activations,
                                                        max_block_size=1024, num_subsets=None,
                                                        max_subset_size=1000, seed=0):
    """KID: unbiased MMD^2 with the cubic polynomial kernel, and the spread of its estimate.

    Two estimators:

    * ``num_subsets=None`` (default, TF-GAN's): rows are split in order into
      ``B = ceil(max(n_r, n_g) / max_block_size)`` near-equal contiguous blocks; the estimate is the
      mean of the per-block MMD^2_u and the second value is its standard error
      ``sqrt(var_blocks / B)`` (Bessel-corrected variance; NaN when ``B == 1``). Inputs should be in
      random order.
    * ``num_subsets=S`` (the KID paper's / clean-fid's protocol): S times, draw
      ``min(n_r, n_g, max_subset_size)`` rows without replacement from each set (seeded by ``seed``);
      returns the mean of the S estimates and their standard deviation (``ddof=0``; 0 when S == 1).

    Returns ``(kid, spread)`` as Python floats. KID can be slightly negative (it is unbiased).
    """
    real = _as_2d_float64(real_activations, "real_activations")
    gen = _as_2d_float64(generated_activations, "generated_activations")
    if real.shape[1] != gen.shape[1]:
        raise ValueError(f"feature sizes differ: real {real.shape[1]} vs generated {gen.shape[1]}")
    n_r, n_g = real.shape[0], gen.shape[0]
    if num_subsets is None:
        num_blocks = int(np.ceil(max(n_r, n_g) / max_block_size))
        bounds_r, bounds_g = _block_bounds(n_r, num_blocks), _block_bounds(n_g, num_blocks)
        if np.any(np.diff(bounds_r) < 2) or np.any(np.diff(bounds_g) < 2):
            raise ValueError(f"every KID block needs >= 2 rows per set: got {n_r} real and {n_g} "
                             f"generated rows for {num_blocks} blocks (max_block_size={max_block_size})")
        estimates = np.array([
            _polynomial_mmd2_unbiased(real[bounds_r[i]:bounds_r[i + 1]], gen[bounds_g[i]:bounds_g[i + 1]])
            for i in range(num_blocks)])
        mean = float(estimates.mean())
        if num_blocks <= 1:
            return mean, float("nan")
        return mean, float(np.sqrt(estimates.var(ddof=1) / num_blocks))
    num_subsets = int(num_subsets)
    if num_subsets < 1:
        raise ValueError(f"num_subsets must be >= 1, got {num_subsets}")
    size = min(n_r, n_g, int(max_subset_size))
    if size < 2:
        raise ValueError(f"KID subsets need >= 2 rows, got subset size {size}")
    rng = np.random.default_rng(seed)
    estimates = np.array([
        _polynomial_mmd2_unbiased(real[rng.choice(n_r, size, replace=False)],
                                  gen[rng.choice(n_g, size, replace=False)])
        for _ in range(num_subsets)])
    return float(estimates.mean()), float(estimates.std())


def kernel_classifier_distance_from_activations(real_activations, generated_activations,
                                                max_block_size=1024, num_subsets=None,
                                                max_subset_size=1000, seed=0):
    """KID estimate only; see :func:`kernel_classifier_distance_and_std_from_activations`."""
    return kernel_classifier_distance_and_std_from_activations(
        real_activations, generated_activations, max_block_size=max_block_size,
        num_subsets=num_subsets, max_subset_size=max_subset_size, seed=seed)[0]


def classifier_score_from_logits(logits):
    """Classifier score ``exp(E_x[KL(p(y|x) || p(y))])`` from ``[n, classes]`` logits (IS on Inception).

    ``p(y|x) = softmax(logits)``, ``p(y)`` its mean over the n rows; float64 math, log-softmax for
    stability. Ranges from 1 (all predictions identical) to ``classes`` (confident and uniform).
    """
    logits = _as_2d_float64(logits, "logits")
    log_p = scipy.special.log_softmax(logits, axis=1)
    p = np.exp(log_p)
    log_q = np.log(p.mean(axis=0))
    kl = np.sum(p * (log_p - log_q), axis=1)
    return float(np.exp(kl.mean()))


def classifier_score_and_std_from_logits(logits, num_splits=10):
    """The Salimans et al. protocol: classifier score on ``num_splits`` contiguous splits -> (mean, std)."""
    logits = _as_2d_float64(logits, "logits")
    if not 1 <= num_splits <= logits.shape[0]:
        raise ValueError(f"num_splits must be in [1, {logits.shape[0]}], got {num_splits}")
    scores = [classifier_score_from_logits(part) for part in np.array_split(logits, num_splits)]
    return float(np.mean(scores)), float(np.std(scores))
