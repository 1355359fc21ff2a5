"""Architectures as the papers built them: spectral-norm method and gain, channel lists, BN-free critics."""
import keras
import numpy as np
import pytest

from tfgan_suite import models
from tfgan_suite.layers.spectral_norm import SpectralNormalization
from tfgan_suite.models import rep
from tfgan_suite.run import _parse_options


def _weighted(model):
    """The Dense/Conv layers of ``model`` in order, each with its SN wrapper (or None)."""
    out = []
    for layer in model.layers:
        if isinstance(layer, SpectralNormalization):
            out.append((layer.layer, layer))
        elif isinstance(layer, (keras.layers.Dense, keras.layers.Conv2D)):
            out.append((layer, None))
    return out


@pytest.mark.parametrize("size, channels, gain", [
    (32, [64, 128, 128, 256, 256, 512, 512], 64 ** (1 / 8)),   # my_test_cifar.py
    (48, [64, 128, 128, 256, 256, 512, 512], 64 ** (1 / 8)),   # my_test_stl.py
    (64, [64, 128, 128, 256, 256, 512, 512, 1024, 1024], 64 ** 0.1),  # celebA / lsun
])
def test_rep_cnn_is_the_authors_network(size, channels, gain):
    generator, discriminator = models.get("rep_cnn", image_size=size)
    layers = _weighted(discriminator)
    assert [core.filters for core, _ in layers[:-1]] == channels
    kernels = [core.kernel_size[0] for core, _ in layers[:-1]]
    strides = [core.strides[0] for core, _ in layers[:-1]]
    assert kernels == [3, 4] * (len(channels) // 2) + [3]
    assert strides == [1, 2] * (len(channels) // 2) + [1]
    last, last_sn = layers[-1]
    assert isinstance(last, keras.layers.Dense) and last.units == 16
    # every layer, the last dense one included: power iteration on the operator, times C
    assert all(sn is not None and sn.method == "conv" for _, sn in layers)
    assert all(sn.gain == pytest.approx(gain) for _, sn in layers)
    assert not any(isinstance(l, keras.layers.BatchNormalization) for l in discriminator.layers)
    assert discriminator.output_shape == (None, 16)
    # generator: dense to 4x4 (6x6 at 48) x 512 (1024 at 64), linear except in the STL-10 config
    first, after = generator.layers[0], generator.layers[1]
    start = {32: (4, 512), 48: (6, 512), 64: (4, 1024)}[size]
    assert first.units == start[0] ** 2 * start[1]
    assert isinstance(after, keras.layers.BatchNormalization) == (size == 48)
    assert generator.output_shape == (None, size, size, 3)


def test_rep_cnn_28_is_ours_and_gain_can_be_overridden():
    assert rep.discriminator_channels(28) == [64, 128, 128, 256, 256]
    generator, discriminator = models.get("rep_cnn", image_size=28, channels=1, sn_gain=1.0,
                                          spectral_norm="matrix")
    assert generator.output_shape == (None, 28, 28, 1)
    assert all(sn.gain == 1.0 and sn.method == "matrix" for _, sn in _weighted(discriminator))
    with pytest.raises(ValueError, match="28 .*32 .*48 .*64"):
        models.specs("rep_cnn", image_size=40)


@pytest.mark.parametrize("name", ["sngan_cnn", "dcgan28", "dcgan32", "wgan_mlp"])
def test_sn_method_and_gain_are_options_of_every_spectrally_normalized_architecture(name):
    options = _parse_options(["spectral_norm=conv", "sn_gain=1.682"], "model_options")
    assert options == {"spectral_norm": "conv", "sn_gain": 1.682}
    _, discriminator = models.get(name, **options)
    layers = _weighted(discriminator)
    assert layers and all(sn is not None for _, sn in layers)
    assert {(sn.method, sn.gain) for _, sn in layers} == {("conv", 1.682)}


def test_sngan_cnn_keeps_sngan_channels():
    _, discriminator = models.get("sngan_cnn")
    assert [core.filters for core, _ in _weighted(discriminator)[:-1]] == [
        64, 64, 128, 128, 256, 256, 512]


@pytest.mark.parametrize("d_norm, expected", [(None, keras.layers.BatchNormalization),
                                              ("none", None),
                                              ("layer", keras.layers.LayerNormalization)])
def test_dcgan_critic_normalization_option(d_norm, expected):
    _, discriminator = models.get("dcgan28", d_norm=d_norm)
    norms = [l for l in discriminator.layers if isinstance(
        l, (keras.layers.BatchNormalization, keras.layers.LayerNormalization))]
    assert [type(l) for l in norms] == ([expected] if expected else [])
    x = np.random.default_rng(0).uniform(-1, 1, (4, 28, 28, 1)).astype(np.float32)
    if expected is not keras.layers.BatchNormalization:  # per-sample: one example's output alone
        np.testing.assert_allclose(discriminator(x[:1], training=True),
                                   discriminator(x, training=True)[:1], rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError, match="d_norm"):
        models.specs("dcgan28", d_norm="group")


def test_wgan_mlp_has_three_hidden_layers_of_512():
    generator, discriminator = models.get("wgan_mlp")
    assert [l.units for l in generator.layers if isinstance(l, keras.layers.Dense)] == [
        512, 512, 512, 784]
    assert [l.units for l in discriminator.layers if isinstance(l, keras.layers.Dense)] == [
        512, 512, 512, 1]
