"""The layer factory and the shipped architecture specs."""
import numpy as np
import pytest

from tfgan_suite import layers, models

SPEC = [
    {"op": "dense", "units": 7 * 7 * 8, "norm": "batch", "activation": "relu"},
    {"op": "reshape", "shape": [7, 7, 8]},
    {"op": "deconv", "filters": 4, "kernel": 4, "strides": 2, "norm": "batch", "activation": "relu"},
    {"op": "deconv", "filters": 1, "kernel": 4, "strides": 2, "activation": "tanh"},
]
STRING = ("dense:7x7x8,norm=batch,act=relu; reshape:7x7x8;"
          "deconv:4,k=4,s=2,norm=batch,act=relu\n deconv:1,k=4,s=2,act=tanh")


def test_dict_spec_builds_expected_shapes_and_parameter_count():
    model = layers.build(SPEC, (16,))
    assert model.output_shape == (None, 28, 28, 1)
    dense = 16 * 392 + 4 * 392  # kernel (no bias before BN), BN gamma, beta, moving mean/var
    deconv1 = 4 * 4 * 8 * 4 + 4 * 4
    deconv2 = 4 * 4 * 4 * 1 + 1
    assert model.count_params() == dense + deconv1 + deconv2


def test_string_spec_equals_dict_spec():
    assert layers.parse(STRING) == SPEC
    a, b = layers.build(SPEC, (16,)), layers.build(STRING, (16,))
    assert [w.shape for w in a.get_weights()] == [w.shape for w in b.get_weights()]


def test_layers_apply_activation_and_leaky_slope():
    model = layers.build([{"op": "dense", "units": 2, "activation": "lrelu", "alpha": 0.1,
                           "use_bias": False}], (2,))
    model.set_weights([np.eye(2, dtype=np.float32)])
    np.testing.assert_allclose(model(np.array([[-3.0, 2.0]], np.float32)).numpy(), [[-0.3, 2.0]],
                               rtol=1e-6)


@pytest.mark.parametrize("spec, message", [
    ([{"op": "conv2"}], r"layer 0 \('conv2'\): key 'op' has bad value 'conv2'; accepted: one of dense, conv"),
    ([{"op": "flatten"}, {"op": "conv", "filters": "64"}],
     r"layer 1 \('conv'\): key 'filters' has bad value '64'; accepted: a positive int"),
    ([{"op": "dense"}], r"layer 0 \('dense'\): missing key 'units'"),
    ([{"op": "dense", "units": 3, "kernal": 3}], r"layer 0 \('dense'\): unknown key 'kernal'; accepted keys: op, units"),
    ([{"op": "conv", "filters": 8, "activation": "gelu2"}],
     r"key 'activation' has bad value 'gelu2'; accepted: one of linear, relu, lrelu"),
    ("conv:8,norm=batchy", r"layer 0 \('conv'\): key 'norm' has bad value 'batchy'"),
    ([], r"non-empty list"),
])
def test_bad_specs_raise_one_clear_error(spec, message):
    with pytest.raises(ValueError, match=message):
        layers.build(spec, (28, 28, 1))


def test_shape_mismatch_names_the_layer():
    with pytest.raises(ValueError, match=r"layer 1 \('reshape'\) does not fit"):
        layers.build([{"op": "dense", "units": 10}, {"op": "reshape", "shape": [3, 3]}], (4,))


@pytest.mark.parametrize("name, image_shape", [("dcgan28", (28, 28, 1)), ("dcgan32", (32, 32, 3)),
                                               ("sngan_cnn", (32, 32, 3)), ("wgan_mlp", (28, 28, 1))])
def test_shipped_architectures_connect(name, image_shape):
    arch = models.specs(name)
    generator, discriminator = models.get(name)
    assert generator.output_shape[1:] == image_shape == arch.image_shape
    assert discriminator.output_shape == (None, 1)
    assert generator.input_shape == (None, arch.latent_dim)


def test_sngan_cnn_matches_miyato_table_and_takes_mmd_output_dim():
    arch = models.specs("sngan_cnn")
    convs = [(l["filters"], l["kernel"], l["strides"]) for l in arch.discriminator if l["op"] == "conv"]
    assert convs == [(64, 3, 1), (64, 4, 2), (128, 3, 1), (128, 4, 2), (256, 3, 1), (256, 4, 2),
                     (512, 3, 1)]
    assert all(l["spectral_norm"] for l in arch.discriminator if l["op"] in ("conv", "dense"))
    _, discriminator = models.get("sngan_cnn", d_output_dim=16)
    assert discriminator.output_shape == (None, 16)
    generator, _ = models.get("sngan_cnn", image_size=48)
    assert generator.output_shape == (None, 48, 48, 3)


def test_wgan_mlp_has_three_hidden_layers_of_512():
    """martinarjovsky/WassersteinGAN models/mlp.py: Linear-ReLU x 3 (ngf = ndf = 512), then the
    output layer, in both networks."""
    arch = models.specs("wgan_mlp")
    hidden = [l["units"] for l in arch.generator if l["op"] == "dense"][:-1]
    assert hidden == [512] * 3
    assert [l["units"] for l in arch.discriminator if l["op"] == "dense"] == [512] * 3 + [1]


def test_unknown_model_and_override():
    with pytest.raises(ValueError, match=r"unknown model 'resnet9'; valid choices: dcgan28, dcgan32"):
        models.get("resnet9")
    with pytest.raises(ValueError, match=r"model 'dcgan28' got unknown option\(s\) \['widht'\]"):
        models.get("dcgan28", widht=3)
