"""Residual blocks as data, the SNGAN / WGAN-GP ResNets and DCGAN-64: parameter counts against the
reference code's layer shapes, block arithmetic, spectral norm and one train step per objective."""
import keras
import numpy as np
import pytest
import tensorflow as tf

from gan_testutil import trainable_parameters
from tfgan_suite import layers, models
from tfgan_suite.layers.residual import ResidualBlock
from tfgan_suite.layers.spectral_norm import SpectralNormalization
from tfgan_suite.training.gan import GAN


# ------------------------------------------------------------ the reference layers' shapes
def conv(c_in, c_out, k, bias=True):
    return c_in * c_out * k * k + (c_out if bias else 0)


def linear(n_in, n_out, bias=True):
    return n_in * n_out + (n_out if bias else 0)


def bn(c):  # gamma and beta (the running statistics are not trainable)
    return 2 * c


def gen_block(c_in, c_out):
    """sngan_projection gen_models/resblocks.py Block (upsample=True) = WGAN-GP ResidualBlock 'up'."""
    return bn(c_in) + conv(c_in, c_out, 3) + bn(c_out) + conv(c_out, c_out, 3) + conv(c_in, c_out, 1)


def dis_block(c_in, c_out, down):
    """dis_models/resblocks.py Block: hidden = c_in; 1x1 shortcut when shape changes."""
    learnable = c_in != c_out or down
    return conv(c_in, c_in, 3) + conv(c_in, c_out, 3) + (conv(c_in, c_out, 1) if learnable else 0)


def optimized_block(c_in, c_out):
    return conv(c_in, c_out, 3) + conv(c_out, c_out, 3) + conv(c_in, c_out, 1)


def sngan_generator(bottom, widths, z=128):
    return (linear(z, bottom * bottom * widths[0]) + sum(gen_block(a, b) for a, b in zip(widths, widths[1:]))
            + bn(widths[-1]) + conv(widths[-1], 3, 3))


REFERENCE = {
    # resnet_32.py ResNetGenerator(ch=256), snresnet_32.py (ch=128, l5 nobias)
    ("sngan_resnet", 32): (sngan_generator(4, [256] * 4),
                           optimized_block(3, 128) + dis_block(128, 128, True)
                           + 2 * dis_block(128, 128, False) + linear(128, 1, bias=False)),
    # mimicry sngan_48.py (ngf=512, ndf=1024)
    ("sngan_resnet", 48): (sngan_generator(6, [512, 256, 128, 64]),
                           optimized_block(3, 64) + dis_block(64, 128, True) + dis_block(128, 256, True)
                           + dis_block(256, 512, True) + dis_block(512, 1024, False) + linear(1024, 1)),
    # resnet_64.py (ch=64), snresnet_64.py (ch=64)
    ("sngan_resnet", 64): (sngan_generator(4, [1024, 512, 256, 128, 64]),
                           optimized_block(3, 64) + dis_block(64, 128, True) + dis_block(128, 256, True)
                           + dis_block(256, 512, True) + dis_block(512, 1024, True) + linear(1024, 1)),
    # gan_cifar_resnet.py, DIM_G = DIM_D = 128, NORMALIZATION_D = False, unconditional
    ("wgan_gp_resnet", 32): (sngan_generator(4, [128] * 4),
                             optimized_block(3, 128) + dis_block(128, 128, True)
                             + 2 * dis_block(128, 128, False) + linear(128, 1)),
    # WassersteinGAN models/dcgan.py DCGAN_G / DCGAN_D, isize 64, nz 100, ngf = ndf = 64, no biases
    ("dcgan64", 64): (conv(100, 512, 4, False) + bn(512) + conv(512, 256, 4, False) + bn(256)
                      + conv(256, 128, 4, False) + bn(128) + conv(128, 64, 4, False) + bn(64)
                      + conv(64, 3, 4, False),
                      conv(3, 64, 4, False) + conv(64, 128, 4, False) + bn(128) + conv(128, 256, 4, False)
                      + bn(256) + conv(256, 512, 4, False) + bn(512) + conv(512, 1, 4, False)),
}


def build(name, size, **overrides):
    if name == "sngan_resnet":
        overrides["image_size"] = size
    return models.get(name, **overrides)


@pytest.mark.parametrize("name, size", list(REFERENCE))
def test_parameter_counts_equal_the_reference_code(name, size):
    generator, discriminator = build(name, size)
    assert generator.output_shape == (None, size, size, 3)
    assert discriminator.output_shape == (None, 1)
    assert (trainable_parameters(generator), trainable_parameters(discriminator)) == REFERENCE[(name, size)]


def test_documented_counts():
    assert REFERENCE[("sngan_resnet", 32)] == (4_276_739, 1_053_824)  # "about 4.3M and 1.05M"
    assert REFERENCE[("dcgan64", 64)] == (3_576_704, 2_765_568)
    for name, size in REFERENCE:
        doc = (models.ARCHITECTURES.lookup(name).__doc__ or "") + (
            __import__(models.ARCHITECTURES.lookup(name).__module__, fromlist=["_"]).__doc__ or "")
        for count in REFERENCE[(name, size)]:
            assert f"{count:,}" in doc, (name, size, count)


def test_resblock_from_string_equals_dict():
    text = "resblock:8,resample=down,optimized=true,sn=conv,sn_gain=2.0"
    assert layers.parse(text) == [{"op": "resblock", "filters": 8, "resample": "down",
                                   "optimized": True, "spectral_norm": "conv", "sn_gain": 2.0}]
    model = layers.build(text + "; resblock:16,resample=up,norm=batch", (8, 8, 3))
    assert model.output_shape == (None, 8, 8, 16)


@pytest.mark.parametrize("spec, message", [
    ("resblock:8,resample=sideways", r"layer 0 \('resblock'\): key 'resample' has bad value "
                                     r"'sideways'; accepted: one of none, up, down"),
    ("flatten; resblock:8,hidden=wide", r"layer 1 \('resblock'\): key 'hidden' has bad value"),
    ("resblock:8,norm=conditional_batch", r"layer 0 \('resblock'\): key 'norm' has bad value "
                                          r"'conditional_batch'; .* needs num_classes"),
    ("resblock:8,optimized=true", r"optimized .*needs resample='down'"),
])
def test_bad_resblock_specs_raise_one_line(spec, message):
    with pytest.raises(ValueError, match=message):
        layers.build(spec, (8, 8, 3))


def _conv(x, layer):
    """The (unnormalized) convolution of a block's sub-layer, computed with tf.nn."""
    return tf.nn.conv2d(x, layer.kernel, 1, "SAME") + layer.bias


def test_block_arithmetic_identity_and_optimized_shortcuts():
    x = tf.random.stateless_normal((2, 4, 4, 3), seed=[1, 2])
    same = ResidualBlock(3, activation="relu")
    out = same(x)
    expected = x + _conv(tf.nn.relu(_conv(tf.nn.relu(x), same.conv1)), same.conv2)
    np.testing.assert_allclose(out, expected, atol=1e-5)
    assert same.shortcut is None  # identity when neither channels nor resolution change

    first = ResidualBlock(5, resample="down", optimized=True)
    out = first(x)
    pool = tf.nn.avg_pool2d
    residual = pool(_conv(tf.nn.relu(_conv(x, first.conv1)), first.conv2), 2, 2, "VALID")
    shortcut = _conv(pool(x, 2, 2, "VALID"), first.shortcut)  # pool, then the 1x1 conv
    np.testing.assert_allclose(out, residual + shortcut, atol=1e-5)

    up = ResidualBlock(2, resample="up")
    nearest = tf.repeat(tf.repeat(x, 2, axis=1), 2, axis=2)
    np.testing.assert_allclose(up(x), _conv(tf.nn.relu(_conv(tf.nn.relu(nearest), up.conv1)), up.conv2)
                               + _conv(nearest, up.shortcut), atol=1e-5)


def test_resblock_config_round_trip():
    block = ResidualBlock(4, resample="down", norm="layer", spectral_norm="conv", sn_gain=1.5)
    clone = ResidualBlock.from_config(block.get_config())
    assert clone.get_config() == block.get_config()


def spectral_layers(model):
    found = []
    for layer in model._flatten_layers(include_self=False, recursive=True):
        if isinstance(layer, SpectralNormalization):
            found.append(layer)
    return found


@pytest.mark.parametrize("method", ["matrix", "conv"])
def test_spectral_norm_and_gain_reach_every_discriminator_weight(method):
    _, discriminator = models.get("sngan_resnet", spectral_norm=method, sn_gain=2.0)
    wrapped = spectral_layers(discriminator)
    assert len(wrapped) == 3 + 3 + 2 + 2 + 1  # optimized, down (1x1 shortcut), 2 plain, dense
    assert {(w.method, w.gain) for w in wrapped} == {(method, 2.0)}
    if method == "matrix":  # after converging, the normalized kernel's top singular value is g
        first = wrapped[1]
        first.estimate(iterations=200, update=True)
        kernel = first.normalized_kernel().numpy()
        top = np.linalg.svd(kernel.reshape(-1, kernel.shape[-1]), compute_uv=False)[0]
        assert top == pytest.approx(2.0, rel=1e-3)


OBJECTIVES = ["nsgan", "gan", "hinge", "lsgan", "wgan", "wgan_gp", "dragan", "mmd", "rep", "rmb"]
COMBOS = [("sngan_resnet", "matrix"), ("wgan_gp_resnet", "conv"), ("dcgan64", "matrix"),
          ("sngan_resnet", "conv"), ("wgan_gp_resnet", "matrix"), ("dcgan64", "conv")]


@pytest.mark.parametrize("loss, combo", [(loss, COMBOS[i % len(COMBOS)])
                                         for i, loss in enumerate(OBJECTIVES)])
def test_one_train_step_per_objective(loss, combo):
    """Every objective family trains each architecture (each with both spectral-norm estimators)."""
    name, method = combo
    keras.utils.set_random_seed(0)
    arch = models.specs(name, spectral_norm=method)
    generator, discriminator = models.get(name, spectral_norm=method)
    gan = GAN(generator, discriminator, arch.latent_dim)
    gan.compile(loss=loss, n_critic=1, run_eagerly=True)  # one critic batch of 4
    before = [w.numpy().copy() for w in discriminator.trainable_weights]
    real = np.random.default_rng(0).uniform(-1, 1, (4, *arch.image_shape)).astype(np.float32)
    logs = gan.train_on_batch(real, return_dict=True)
    assert np.isfinite(logs["d_loss"]) and np.isfinite(logs["g_loss"])
    kernels = [(a, w) for a, w in zip(before, discriminator.trainable_weights) if "kernel" in w.path]
    assert kernels and all(not np.array_equal(a, w.numpy()) for a, w in kernels)
