"""BogoNet's architecture sampler: deterministic, covers the vocabulary, and every spec builds."""
import keras
import numpy as np
import pytest

from tfgan_suite.bogonet import sampler


def test_same_seed_same_specs_and_prefix_property():
    first = sampler.sample_specs(30, seed=3)
    assert first == sampler.sample_specs(30, seed=3)
    # architecture i depends on (seed, i) only: a longer sweep extends a shorter one
    assert sampler.sample_specs(12, seed=3) == first[:12]
    assert [s["arch_id"] for s in first[:3]] == ["arch0000", "arch0001", "arch0002"]
    other = sampler.sample_specs(30, seed=4)
    assert sum(a["digest"] != b["digest"] for a, b in zip(first, other)) >= 25
    assert len({s["digest"] for s in first}) == 30


def test_distribution_covers_the_vocabulary():
    choices = [s["choices"] for s in sampler.sample_specs(150, seed=0)]
    assert {c["d_norm"] for c in choices} == set(sampler.NORMS)  # with and without batch norm in D
    assert {c["g_norm"] for c in choices} == set(sampler.NORMS)
    assert {c["d_spectral_norm"] for c in choices} == {False, True}
    assert {c["g_family"] for c in choices} == {"cnn", "mlp"}
    assert {c["d_activation"] for c in choices} == set(sampler.D_ACTIVATIONS)
    assert {c["g_activation"] for c in choices} == set(sampler.G_ACTIVATIONS)
    assert {c["g_kernel"] for c in choices if "g_kernel" in c} == set(sampler.KERNELS)
    assert {c["d_stages"] for c in choices if "d_stages" in c} == set(sampler.D_STAGES)
    assert {c["latent_dim"] for c in choices} == set(sampler.LATENT_DIMS)
    cnn_share = np.mean([c["g_family"] == "cnn" for c in choices])
    assert 0.7 < cnn_share < 0.9  # p = 0.8


def test_spec_layers_follow_the_choices():
    for spec in sampler.sample_specs(20, seed=1):
        c = spec["choices"]
        weighted = [l for l in spec["discriminator"] if l["op"] in ("dense", "conv")]
        assert all(l["spectral_norm"] == c["d_spectral_norm"] for l in weighted)
        assert weighted[0]["norm"] == "none"
        assert all(l["norm"] == c["d_norm"] for l in weighted[1:-1])
        assert spec["discriminator"][-1] == {"op": "dense", "units": 1,
                                             "spectral_norm": c["d_spectral_norm"]}
        assert spec["generator"][-1 if c["g_family"] == "cnn" else -2]["activation"] == "tanh"


def test_width_multiplier_scales_widths_only():
    full, half = sampler.sample_spec(7, seed=2), sampler.sample_spec(7, seed=2, width_multiplier=0.5)
    for key, value in full["choices"].items():
        if key in ("g_width", "g_units", "d_width", "d_units", "d_head_units"):
            assert half["choices"][key] == round(value * 0.5)
        else:
            assert half["choices"][key] == value


@pytest.mark.parametrize("side,expected", [(28, 2), (32, 3), (48, 3), (64, 3), (14, 1), (6, 0)])
def test_upsamplings(side, expected):
    assert sampler.upsamplings(side) == expected


def _check_builds(specs, forward):
    z = np.random.default_rng(0).normal(size=(2, 128)).astype("float32")
    for spec in specs:
        keras.backend.clear_session()
        output_dim = 16 if spec["index"] % 3 == 0 else 1  # MMD objectives need 16 outputs
        generator, discriminator = sampler.build(spec, output_dim)
        assert generator.output_shape == (None, 28, 28, 1), sampler.describe(spec)
        assert discriminator.output_shape == (None, output_dim), sampler.describe(spec)
        if forward:
            images = np.asarray(generator(z[:, :spec["latent_dim"]]))
            assert images.shape == (2, 28, 28, 1) and np.all(np.abs(images) <= 1.0)
            assert tuple(discriminator(images).shape) == (2, output_dim)


def test_every_sampled_spec_builds():
    # the layer structure does not depend on the widths: build 8 at a quarter width (fast; the
    # slow test builds 30 at full width) and run the first 2 forward
    specs = sampler.sample_specs(8, seed=0, width_multiplier=0.25)
    _check_builds(specs[:2], forward=True)
    _check_builds(specs[2:], forward=False)


@pytest.mark.slow
def test_every_sampled_spec_builds_full_width():
    _check_builds(sampler.sample_specs(30, seed=0), forward=True)


def test_rgb_32_specs_build():
    for spec in sampler.sample_specs(3, seed=0, image_shape=(32, 32, 3), width_multiplier=0.25):
        keras.backend.clear_session()
        generator, discriminator = sampler.build(spec)
        assert generator.output_shape == (None, 32, 32, 3)
        assert discriminator.output_shape == (None, 1)
