"""Sliced Wasserstein distance: closed forms, pyramid identities and an independent re-implementation.

``_paper_swd`` below follows Karras et al. 2018 (Appendix D) step by step with scipy's 2-D
convolution on NCHW float64 arrays and explicit loops; it shares no code with the library, only the
documented order of the random draws (so both see the same patches and directions).
"""
import numpy as np
import pytest
import scipy.ndimage

from tfgan_suite import metrics
from tfgan_suite.metrics import sliced_wasserstein as swd

KERNEL = np.outer([1, 4, 6, 4, 1], [1, 4, 6, 4, 1]) / 256.0


def _paper_swd(real, fake, seed, patches, repeats, directions, min_resolution=16):
    rng = np.random.default_rng(seed)

    def pyramid(images, levels):
        g = [images.transpose(0, 3, 1, 2).astype(np.float64)]  # NCHW
        for _ in range(levels - 1):
            g.append(scipy.ndimage.convolve(g[-1], KERNEL[None, None], mode="mirror")[:, :, ::2, ::2])
        out = []
        for level in range(levels - 1):
            up = np.zeros_like(g[level])
            up[:, :, ::2, ::2] = g[level + 1]
            out.append(g[level] - scipy.ndimage.convolve(up, 4 * KERNEL[None, None], mode="mirror"))
        return out + [g[-1]]

    size, levels = real.shape[1], 0
    while size >> levels >= min_resolution:
        levels += 1
    pyramids = [pyramid(real, levels), pyramid(fake, levels)]
    result = {}
    for level in range(levels):
        sets = []
        for pyr in pyramids:
            images = pyr[level]
            n, c, h, w = images.shape
            rows = rng.integers(3, h - 3, size=n * patches)
            cols = rng.integers(3, w - 3, size=n * patches)
            desc = np.stack([images[i // patches, :, y - 3:y + 4, x - 3:x + 4]
                             for i, (y, x) in enumerate(zip(rows, cols))])  # [n * patches, c, 7, 7]
            desc = (desc - desc.mean(axis=(0, 2, 3), keepdims=True)) / desc.std(axis=(0, 2, 3), keepdims=True)
            sets.append(desc.reshape(len(desc), -1))
        per_repeat = []
        for _ in range(repeats):
            v = rng.standard_normal((sets[0].shape[1], directions))
            v /= np.linalg.norm(v, axis=0)
            per_repeat.append(np.mean(np.abs(np.sort(sets[0] @ v, axis=0) - np.sort(sets[1] @ v, axis=0))))
        result[size >> level] = 1e3 * np.mean(per_repeat)
    result["avg"] = np.mean([result[size >> level] for level in range(levels)])
    return result


def _smooth_images(seed, n=12, size=32, channels=3):
    rng = np.random.default_rng(seed)
    noise = rng.normal(size=(n, size, size, channels))
    return np.clip(scipy.ndimage.gaussian_filter(noise, sigma=(0, 1.5, 1.5, 0)) * 3.0, -1.0, 1.0)


def test_agrees_with_an_independent_implementation_of_the_paper():
    real, fake = _smooth_images(0), _smooth_images(1) * 0.7
    kwargs = dict(seed=3, patches_per_image=16, repeats=2, directions_per_repeat=24)
    ours = swd.sliced_wasserstein_from_images(real, fake, **kwargs)
    reference = _paper_swd(real, fake, 3, 16, 2, 24)
    assert set(ours) == {32, 16, "avg"}
    for key in reference:
        assert ours[key] == pytest.approx(reference[key], rel=1e-4), key


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
