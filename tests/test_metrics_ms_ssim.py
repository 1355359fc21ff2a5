"""MS-SSIM: identities, agreement with ``pytorch_msssim`` and the MMD-GAN small-image convention."""
import numpy as np
import pytest

from gan_testutil import smooth_images
from tfgan_suite import metrics
from tfgan_suite.metrics import structural_similarity


def _smooth_images(seed, n, size):
    return smooth_images(seed, n, size, sigma=2.0, gain=4.0)


def _tf1_bilinear(images, size):
    """TF1 ``resize_bilinear`` (align_corners=False, half_pixel_centers=False) in numpy: source
    coordinate ``dst * in / out``, the lower neighbour and its successor clamped at the border."""
    def axis_weights(n_in):
        src = np.arange(size) * (n_in / size)
        low = np.floor(src).astype(int)
        return low, np.minimum(low + 1, n_in - 1), (src - low)[:, None]

    y0, y1, wy = axis_weights(images.shape[1])
    x0, x1, wx = axis_weights(images.shape[2])
    rows = images[:, y0] * (1 - wy[None, :, :, None]) + images[:, y1] * wy[None, :, :, None]
    return rows[:, :, x0] * (1 - wx[None, None]) + rows[:, :, x1] * wx[None, None]


def test_identity_symmetry_and_noise():
    a = _smooth_images(0, 4, 32)
    b = _smooth_images(1, 4, 32)
    np.testing.assert_allclose(metrics.ms_ssim(a, a), 1.0, atol=1e-5)
    np.testing.assert_allclose(metrics.ms_ssim(a, b), metrics.ms_ssim(b, a), atol=1e-6)
    noise = np.random.default_rng(2).normal(size=a.shape)
    values = [metrics.ms_ssim(a, np.clip(a + s * noise, -1, 1)).mean() for s in (0.05, 0.2, 0.5)]
    assert 1.0 > values[0] > values[1] > values[2] > metrics.ms_ssim(a, b).mean()


def test_agrees_with_pytorch_msssim_at_native_size():
    torch = pytest.importorskip("torch")
    reference = pytest.importorskip("pytorch_msssim", reason="the test extra's oracle: pip install pytorch-msssim")
    a, b = _smooth_images(3, 3, 192), _smooth_images(4, 3, 192)
    b = np.clip(0.6 * a + 0.4 * b, -1, 1)  # related pairs: values away from 0
    ours = metrics.ms_ssim(a, b, resize_to=None)

    def to_torch(x):  # NCHW in [0, 255]
        return torch.from_numpy(((x + 1.0) * 127.5).transpose(0, 3, 1, 2).copy())

    expected = reference.ms_ssim(to_torch(a), to_torch(b), data_range=255, size_average=False, win_size=11).numpy()
    np.testing.assert_allclose(ours, expected, atol=1e-4)
    assert 0.2 < ours.min() and ours.max() < 0.99


def test_small_images_follow_the_mmd_gan_resize_to_256():
    a, b = _smooth_images(5, 2, 32), _smooth_images(6, 2, 32)
    resized = metrics.ms_ssim(_tf1_bilinear(a, 256), _tf1_bilinear(b, 256), resize_to=None)
    np.testing.assert_allclose(metrics.ms_ssim(a, b), resized, atol=1e-5)
    with pytest.raises(ValueError, match="needs sides of at least 176, got 32; pass resize_to=256"):
        metrics.ms_ssim(a, b, resize_to=None)


def test_uint8_and_unit_range_inputs_agree():
    a, b = _smooth_images(7, 2, 32), _smooth_images(8, 2, 32)
    to_uint8 = lambda x: np.round((x + 1) * 127.5).astype(np.uint8)  # noqa: E731
    from_uint8 = lambda x: x.astype(np.float32) / 127.5 - 1  # noqa: E731
    np.testing.assert_allclose(metrics.ms_ssim(to_uint8(a), to_uint8(b)),
                               metrics.ms_ssim(from_uint8(to_uint8(a)), from_uint8(to_uint8(b))), atol=1e-6)


def test_random_pairs_are_distinct_and_uniform():
    first, second = structural_similarity.random_distinct_pairs(5, 20000, seed=1)
    assert np.all(first != second)
    counts = np.bincount(first * 5 + second, minlength=25).reshape(5, 5)
    off_diagonal = counts[~np.eye(5, dtype=bool)]
    assert np.all(np.abs(off_diagonal / 20000 - 1 / 20) < 0.01)  # 20 ordered pairs, 5% each


def test_diversity_is_lower_for_a_diverse_set():
    base = _smooth_images(9, 1, 32)
    near_copies = np.clip(base + 0.05 * np.random.default_rng(10).normal(size=(8, 32, 32, 3)), -1, 1)
    diverse = _smooth_images(11, 8, 32)
    collapsed_score = metrics.ms_ssim_diversity(near_copies, num_pairs=16, seed=0)
    diverse_score = metrics.ms_ssim_diversity(diverse, num_pairs=16, seed=0)
    assert diverse_score < 0.5 * collapsed_score
    assert metrics.ms_ssim_diversity(diverse, num_pairs=16, seed=0) == diverse_score  # seeded
    with pytest.raises(ValueError, match="at least 2 images"):
        metrics.ms_ssim_diversity(diverse[:1], num_pairs=4)
