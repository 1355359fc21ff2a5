"""FID / KID / IS math against numpy formulas, closed forms and identities."""
import numpy as np
import pytest
import scipy.linalg

from tfgan_suite import metrics


def _random_spd(rng, d):
    a = rng.normal(size=(d, d))
    return a @ a.T / d + 0.1 * np.eye(d)


def test_fid_of_identical_activations_is_zero():
    x = np.random.default_rng(0).normal(size=(200, 16)).astype(np.float32)
    assert metrics.frechet_classifier_distance_from_activations(x, x) == pytest.approx(0.0, abs=1e-9)


def test_fid_matches_closed_form_for_commuting_gaussians():
    # Diagonal covariances: Tr((C1 C2)^1/2) = sum sqrt(s1 s2), so FID = |dm|^2 + sum (sqrt s1 - sqrt s2)^2.
    m1, m2 = np.array([0.0, 1.0, -2.0]), np.array([1.0, 1.0, 0.5])
    s1, s2 = np.array([1.0, 4.0, 0.25]), np.array([9.0, 1.0, 0.25])
    expected = np.sum((m1 - m2) ** 2) + np.sum((np.sqrt(s1) - np.sqrt(s2)) ** 2)
    got = metrics.frechet_distance_from_statistics(m1, np.diag(s1), m2, np.diag(s2))
    assert got == pytest.approx(expected, rel=1e-12)


def test_fid_matches_scipy_sqrtm_formula_for_general_gaussians():
    rng = np.random.default_rng(1)
    d = 12
    m1, m2 = rng.normal(size=d), rng.normal(size=d)
    c1, c2 = _random_spd(rng, d), _random_spd(rng, d)
    covmean = scipy.linalg.sqrtm(c1 @ c2).real
    expected = np.sum((m1 - m2) ** 2) + np.trace(c1 + c2 - 2 * covmean)
    assert metrics.frechet_distance_from_statistics(m1, c1, m2, c2) == pytest.approx(expected, rel=1e-9)


def test_fid_from_activations_uses_unbiased_sample_statistics():
    rng = np.random.default_rng(2)
    real = rng.normal(size=(300, 8)) * 2.0 + 1.0
    gen = rng.normal(size=(250, 8)) @ rng.normal(size=(8, 8))
    mr, mg = real.mean(0), gen.mean(0)
    cr, cg = np.cov(real, rowvar=False), np.cov(gen, rowvar=False)
    expected = np.sum((mr - mg) ** 2) + np.trace(cr + cg - 2 * scipy.linalg.sqrtm(cr @ cg).real)
    got = metrics.frechet_classifier_distance_from_activations(real.astype(np.float32), gen.astype(np.float32))
    assert got == pytest.approx(expected, rel=1e-5)


def test_fid_with_many_more_features_than_samples_is_real_and_nonnegative():
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=(20, 64)), rng.normal(size=(20, 64))  # singular covariances
    value = metrics.frechet_classifier_distance_from_activations(a, b)
    assert isinstance(value, float) and value > 0


def _mmd2_unbiased_loops(x, y):
    d = x.shape[1]
    k = lambda a, b: (a @ b / d + 1.0) ** 3
    m, n = len(x), len(y)
    kxx = sum(k(x[i], x[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    kyy = sum(k(y[i], y[j]) for i in range(n) for j in range(n) if i != j) / (n * (n - 1))
    kxy = sum(k(x[i], y[j]) for i in range(m) for j in range(n)) / (m * n)
    return kxx + kyy - 2 * kxy


def test_kid_single_block_is_unbiased_mmd2_with_cubic_kernel():
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(15, 5)), rng.normal(size=(11, 5)) + 0.5
    kid, std = metrics.kernel_classifier_distance_and_std_from_activations(x, y)
    assert kid == pytest.approx(_mmd2_unbiased_loops(x, y), rel=1e-10)
    assert np.isnan(std)  # one block: no spread estimate, as TF-GAN


def test_kid_blocks_follow_tf_gan_partition_and_standard_error():
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=(10, 4)), rng.normal(size=(7, 4)) * 1.5
    # ceil(10 / 4) = 3 blocks; real sizes 3,3,4 and generated 2,2,3 (remainders go to the last blocks).
    blocks = [(x[0:3], y[0:2]), (x[3:6], y[2:4]), (x[6:10], y[4:7])]
    ests = np.array([_mmd2_unbiased_loops(a, b) for a, b in blocks])
    kid, stderr = metrics.kernel_classifier_distance_and_std_from_activations(x, y, max_block_size=4)
    assert kid == pytest.approx(ests.mean(), rel=1e-10)
    assert stderr == pytest.approx(np.sqrt(ests.var(ddof=1) / 3), rel=1e-10)
    assert metrics.kernel_classifier_distance_from_activations(x, y, max_block_size=4) == kid


def test_kid_subsets_are_seeded_means_of_subset_estimates():
    rng = np.random.default_rng(6)
    x, y = rng.normal(size=(40, 6)), rng.normal(size=(30, 6)) + 0.3
    kid, std = metrics.kernel_classifier_distance_and_std_from_activations(
        x, y, num_subsets=5, max_subset_size=10, seed=3)
    draw = np.random.default_rng(3)
    ests = []
    for _ in range(5):
        ests.append(_mmd2_unbiased_loops(x[draw.choice(40, 10, replace=False)], y[draw.choice(30, 10, replace=False)]))
    assert kid == pytest.approx(np.mean(ests), rel=1e-10)
    assert std == pytest.approx(np.std(ests), rel=1e-10)


def test_kid_is_near_zero_for_same_distribution_and_large_for_shifted():
    rng = np.random.default_rng(7)
    a, b = rng.normal(size=(400, 8)), rng.normal(size=(400, 8))
    same, stderr = metrics.kernel_classifier_distance_and_std_from_activations(a, b, max_block_size=100)
    shifted = metrics.kernel_classifier_distance_from_activations(a, b + 1.0, max_block_size=100)
    assert abs(same) < 4 * stderr and abs(same) < 0.02 * shifted and shifted > 1.0


def _softmax(z):
    e = np.exp(z - z.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


def test_classifier_score_matches_kl_formula():
    logits = np.random.default_rng(8).normal(size=(50, 7)) * 3
    p = _softmax(logits)
    q = p.mean(0)
    expected = np.exp(np.mean(np.sum(p * (np.log(p) - np.log(q)), axis=1)))
    assert metrics.classifier_score_from_logits(logits.astype(np.float32)) == pytest.approx(expected, rel=1e-6)


def test_classifier_score_extremes():
    confident_uniform = np.eye(10)[np.arange(100) % 10] * 60.0  # one-hot, every class equally often
    assert metrics.classifier_score_from_logits(confident_uniform) == pytest.approx(10.0, rel=1e-6)
    same = np.tile(np.random.default_rng(9).normal(size=(1, 10)), (30, 1))
    assert metrics.classifier_score_from_logits(same) == pytest.approx(1.0, rel=1e-9)


def test_classifier_score_splits():
    logits = np.random.default_rng(10).normal(size=(40, 5)) * 2
    mean, std = metrics.classifier_score_and_std_from_logits(logits, num_splits=4)
    parts = [metrics.classifier_score_from_logits(logits[i * 10:(i + 1) * 10]) for i in range(4)]
    assert mean == pytest.approx(np.mean(parts)) and std == pytest.approx(np.std(parts))


def test_bad_shapes_give_clear_errors():
    with pytest.raises(ValueError, match="2-D"):
        metrics.frechet_classifier_distance_from_activations(np.zeros(5), np.zeros((5, 2)))
    with pytest.raises(ValueError, match="feature sizes differ"):
        metrics.frechet_classifier_distance_from_activations(np.zeros((5, 3)), np.zeros((5, 2)))
