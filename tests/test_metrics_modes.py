"""Mode-coverage metric on hand-made samples, and the toy mixtures it is meant for."""
import math

import numpy as np
import pytest

from tfgan_suite.data import toy
from tfgan_suite.metrics.modes import mode_coverage


def _at_distance(mode, distance, count, angle=0.3):
    direction = np.array([math.cos(angle), math.sin(angle)])
    return np.tile(np.asarray(mode) + distance * direction, (count, 1))


def test_mode_coverage_exact_on_hand_made_samples():
    modes, std = toy.grid25_modes(), 0.05
    samples = np.concatenate([
        _at_distance(modes[0], 0.0, 10),              # 10 exactly on mode 0
        _at_distance(modes[1], 0.5 * std, 10),        # 10 close to mode 1
        _at_distance(modes[2], 2.9 * std, 5),         # 5 just inside 3 std of mode 2
        _at_distance(modes[3], 3.1 * std, 5),         # 5 just outside 3 std of mode 3: low quality
        _at_distance(modes[4], 0.5 * 2.0, 5),         # 5 half-way between two modes
    ])
    result = mode_coverage(samples, modes, std)
    expected_counts = np.zeros(25, int)
    expected_counts[[0, 1, 2]] = [10, 10, 5]
    np.testing.assert_array_equal(result.counts, expected_counts)
    assert result.high_quality_fraction == pytest.approx(25 / 35)
    assert result.modes_covered == 3  # default min_count = ceil(0.2 * 35 / 25) = 1
    p = np.array([10, 10, 5]) / 25
    assert result.kl_to_uniform == pytest.approx(float(np.sum(p * np.log(25 * p))))
    assert result.kl_to_uniform == pytest.approx(0.8 * math.log(10) + 0.2 * math.log(5))
    assert mode_coverage(samples, modes, std, min_count=6).modes_covered == 2
    assert mode_coverage(samples, modes, std, min_count=11).modes_covered == 0


def test_mode_coverage_extremes():
    modes, std = toy.ring8_modes(), 0.02
    uniform = mode_coverage(np.repeat(modes, 3, axis=0), modes, std)
    assert (uniform.modes_covered, uniform.high_quality_fraction) == (8, 1.0)
    assert uniform.kl_to_uniform == pytest.approx(0.0, abs=1e-12)
    collapsed = mode_coverage(np.repeat(modes[:1], 24, axis=0), modes, std)
    assert collapsed.modes_covered == 1
    assert collapsed.kl_to_uniform == pytest.approx(math.log(8))
    nothing = mode_coverage(np.zeros((10, 2)), modes, std)  # the centre is 2 away from every mode
    assert nothing.modes_covered == 0 and nothing.high_quality_fraction == 0.0
    assert math.isnan(nothing.kl_to_uniform)
    with pytest.raises(ValueError, match="must agree"):
        mode_coverage(np.zeros((4, 3)), modes, std)


@pytest.mark.parametrize("name, num_modes", [("ring8", 8), ("grid25", 25)])
def test_toy_mixtures_match_their_definition(name, num_modes):
    points = getattr(toy, name)(20_000, seed=3)
    assert points.dtype == np.float32 and points.shape == (20_000, 2)
    np.testing.assert_array_equal(points, getattr(toy, name)(20_000, seed=3))
    assert not np.array_equal(points, getattr(toy, name)(20_000, seed=4))
    modes, std = toy.toy_modes(name)
    assert len(modes) == num_modes
    result = mode_coverage(points, modes, std)
    # A 2-D isotropic Gaussian puts 1 - exp(-9/2) = 0.98889 of its mass within 3 std.
    assert result.high_quality_fraction == pytest.approx(1 - math.exp(-4.5), abs=0.004)
    assert result.modes_covered == num_modes
    share = result.counts / result.counts.sum()
    assert np.all(np.abs(share - 1 / num_modes) < 4 * math.sqrt(1 / num_modes / 20_000) + 1e-3)
    if name == "ring8":
        np.testing.assert_allclose(np.linalg.norm(modes, axis=1), 2.0, rtol=1e-6)
    else:
        assert sorted(set(np.round(modes[:, 0], 6))) == [-4, -2, 0, 2, 4]


def test_toy_dataset_and_registry():
    from tfgan_suite import data

    batch = next(iter(toy.toy_dataset("grid25", batch_size=32, seed=1)))
    assert batch.shape == (32, 2) and batch.dtype.name == "float32"
    registered = next(iter(data.load("ring8", batch_size=16, seed=0)))
    assert registered.shape == (16, 2)
    np.testing.assert_allclose(np.linalg.norm(registered.numpy(), axis=1), 2.0, atol=0.2)
    with pytest.raises(ValueError, match="valid choices: grid25, ring8"):
        toy.toy_dataset("ring7", 8)
