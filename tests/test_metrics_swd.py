"""Sliced Wasserstein distance: closed forms, pyramid identities and values of the published reference code."""
import numpy as np
import pytest

from gan_testutil import smooth_images
from tfgan_suite import metrics
from tfgan_suite.metrics import sliced_wasserstein as swd

def _smooth_images(seed, n=12, size=32):
    return smooth_images(seed, n, size)


# SWD x 1e3 [level 32, level 16, avg] of the published progressive-GAN code (tkarras/
# progressive_growing_of_gans, metrics/sliced_wasserstein.py at commit 2504c3f, run unmodified outside
# this repository: numpy 2, scipy) on the first 16 CIFAR-10 test images of shared/data (real) against
# the next 16 posterized to 8 levels per channel (x // 32 * 32), with its API given 1024 patches per
# image and 4 x 256 directions; per np.random.seed(0..5):
#   api = API(16, (3, 32, 32), np.uint8, 16); api.nhoods_per_image, api.dirs_per_repeat = 1024, 256
#   np.random.seed(s); api.begin("reals"); api.feed("reals", real_nchw); api.end("reals")
#   api.begin("fakes"); api.feed("fakes", fake_nchw); api.end("fakes")
# The six seeds gave means [62.2772, 110.8506, 86.5639] and standard deviations [0.716, 2.313, 1.104].
REFERENCE_CIFAR_POSTERIZED = {32: 62.2772, 16: 110.8506, "avg": 86.5639}
REFERENCE_SEED_STD = {32: 0.716, 16: 2.313, "avg": 1.104}


def test_agrees_with_the_published_reference_code(shared_data):
    """Both draw their patches and directions independently, so the values agree up to the sampling
    noise: the mean of two of our seeds within 2.5 standard deviations of one run (measured spread
    of the reference) of the reference's six-seed mean."""
    cifar = np.load(shared_data / "cifar10.npz")["x_test"]
    real, fake = cifar[:16], (cifar[16:32] // 32) * 32
    ours = [swd.sliced_wasserstein_from_images(real, fake, seed=seed, patches_per_image=1024, repeats=4,
                                               directions_per_repeat=256) for seed in (0, 1)]
    assert set(ours[0]) == {32, 16, "avg"}
    for key, reference in REFERENCE_CIFAR_POSTERIZED.items():
        mean = np.mean([values[key] for values in ours])
        assert abs(mean - reference) < 2.5 * REFERENCE_SEED_STD[key], (key, mean, reference)


def test_laplacian_pyramid_reconstructs_the_image():
    images = _smooth_images(2, n=2, size=32)
    levels = swd.laplacian_pyramid(images, 3)
    assert [level.shape[1] for level in levels] == [32, 16, 8]
    rebuilt = levels[-1]
    for level in levels[-2::-1]:
        rebuilt = swd.pyramid_up(rebuilt) + level
    np.testing.assert_allclose(rebuilt, images, atol=1e-5)


def test_sliced_distance_of_a_translated_cloud_is_the_mean_projected_shift():
    # Translating a point set by t moves every sorted projection onto v by t.v: SWD = mean_v |t.v|.
    rng = np.random.default_rng(4)
    a = rng.normal(size=(500, 6)).astype(np.float32)
    shift = np.array([3.0, -1.0, 0.5, 0.0, 2.0, 1.0], np.float32)
    dirs = swd.random_directions(rng, 6, 64)
    assert swd.sliced_wasserstein(a, a + shift, dirs) == pytest.approx(np.mean(np.abs(shift @ dirs)), rel=1e-5)
    assert swd.sliced_wasserstein(a, a, dirs) == 0.0


def test_self_distance_is_small_and_noise_increases_it():
    # Real and generated sets get independent patch positions, so a set against itself gives the
    # sampling noise of 2048 descriptors (large here, ~0 with the paper's 16384 images x 128 patches).
    images = _smooth_images(5, n=32)
    noise = np.random.default_rng(6).normal(size=images.shape)
    values = [swd.sliced_wasserstein_from_images(images, np.clip(images + s * noise, -1, 1), seed=0,
                                                 patches_per_image=64, directions_per_repeat=64)[32]
              for s in (0.0, 0.2, 0.5)]
    assert values[0] < values[1] < values[2]
    assert values[0] < 0.6 * values[2]


def test_is_seeded_and_invariant_to_an_affine_intensity_change():
    a, b = _smooth_images(7), _smooth_images(8)
    small = dict(patches_per_image=16, repeats=1, directions_per_repeat=32)
    first = swd.sliced_wasserstein_from_images(a, b, seed=11, **small)
    assert swd.sliced_wasserstein_from_images(a, b, seed=11, **small) == first
    assert swd.sliced_wasserstein_from_images(a, b, seed=12, **small) != first
    # descriptors are standardized per set and channel, so 2b + 0.3 gives the same value
    moved = swd.sliced_wasserstein_from_images(a, 2.0 * b + 0.3, seed=11, **small)
    for key in first:
        assert moved[key] == pytest.approx(first[key], rel=1e-3)


def test_sources_and_resolutions():
    gray = (np.random.default_rng(9).random((6, 28, 28)) * 255).astype(np.uint8)
    result = metrics.sliced_wasserstein_distance(gray, gray[::-1].copy(), patches_per_image=8, repeats=1)
    assert set(result) == {28, "avg"} and result["avg"] == result[28] > 0  # 14 < 16: one level, as the reference
    with pytest.raises(ValueError, match="same shape"):
        metrics.sliced_wasserstein_distance(gray, gray[:5])
