"""Class-conditional architectures: conditional batch norm, the projection head, AC-GAN logits;
unconditional models unchanged."""
import keras
import numpy as np
import pytest
import tensorflow as tf

from gan_testutil import trainable_parameters
from tfgan_suite import layers, models
from tfgan_suite.layers.conditional import ConditionalBatchNormalization, ConditionalHead


def test_conditional_sngan_resnet_adds_the_reference_class_parameters():
    g0, d0 = models.get("sngan_resnet")
    g, d = models.get("sngan_resnet", num_classes=10)
    # each of the 3 generator blocks: two BNs (256 channels) become per-class gamma/beta embeddings
    # (CategoricalConditionalBatchNormalization); the final BN stays unconditional
    assert trainable_parameters(g) == trainable_parameters(g0) - 3 * 2 * 2 * 256 + 3 * 2 * 2 * 10 * 256 == 4_304_387
    assert trainable_parameters(d) == trainable_parameters(d0) + 10 * 128  # SNEmbedID(n_classes, ch)
    assert layers.takes_labels(g) and layers.takes_labels(d) and not layers.takes_labels(g0)
    z, y = tf.zeros((3, 128)), tf.constant([0, 3, 9])
    assert g([z, y]).shape == (3, 32, 32, 3) and d([g([z, y]), y]).shape == (3, 1)


@pytest.mark.parametrize("name", ["dcgan28", "dcgan32", "sngan_cnn", "wgan_gp_resnet"])
def test_conditional_variants_build(name):
    arch = models.specs(name, num_classes=10)
    g, d = models.get(name, num_classes=10)
    y = tf.constant([1, 2])
    images = g([tf.random.normal((2, arch.latent_dim)), y])
    assert images.shape == (2, *arch.image_shape)
    assert d([images, y]).shape == (2, 1)


def test_generator_output_depends_on_the_label():
    g, _ = models.get("dcgan28", num_classes=10)
    for layer in g.layers:  # move the class embeddings off their (1, 0) start
        if isinstance(layer, ConditionalBatchNormalization):
            for w in (layer.gammas.embeddings, layer.betas.embeddings):
                w.assign(tf.random.stateless_normal(w.shape, seed=[1, 2]))
    z = tf.random.stateless_normal((4, 64), seed=[0, 1])
    a = g([z, tf.fill([4], 3)], training=False).numpy()
    b = g([z, tf.fill([4], 7)], training=False).numpy()
    assert np.abs(a - b).mean() > 1e-3


def test_conditional_batch_norm_formula():
    layer = ConditionalBatchNormalization(3)
    x = tf.random.stateless_normal((6, 2, 2, 4), seed=[3, 4]) * 2.0 + 1.0
    y = tf.constant([0, 1, 2, 0, 1, 2])
    layer([x, y])
    gammas = np.random.default_rng(0).normal(size=(3, 4)).astype(np.float32)
    betas = np.random.default_rng(1).normal(size=(3, 4)).astype(np.float32)
    layer.gammas.embeddings.assign(gammas)
    layer.betas.embeddings.assign(betas)
    out = layer([x, y], training=True).numpy()
    mean = x.numpy().mean(axis=(0, 1, 2))
    var = x.numpy().var(axis=(0, 1, 2))
    normalized = (x.numpy() - mean) / np.sqrt(var + 1e-5)
    expected = normalized * gammas[y.numpy()][:, None, None] + betas[y.numpy()][:, None, None]
    np.testing.assert_allclose(out, expected, atol=1e-4)


def head_of(model):
    return next(l for l in model.layers if isinstance(l, ConditionalHead))


def test_projection_head_is_linear_plus_class_inner_product():
    """D(x, y) = w.phi(x) + b + <V_y, phi(x)> (Miyato & Koyama 2018, eq. 3)."""
    _, d = models.get("dcgan32", num_classes=5)
    head = head_of(d)
    features = keras.Model(d.inputs, head.input[0])
    x = tf.random.stateless_uniform((5, 32, 32, 3), seed=[5, 6], minval=-1, maxval=1)
    y = tf.constant([4, 0, 2, 2, 1])
    for w in head.embedding.weights:  # non-zero class embeddings
        w.assign(tf.random.stateless_normal(w.shape, seed=[7, 8]))
    phi = features([x, y], training=False).numpy()
    kernel, bias = head.linear.kernel.numpy(), head.linear.bias.numpy()
    embedding = head.embedding.kernel.numpy()  # (num_classes, C)
    expected = phi @ kernel + bias + (phi * embedding[y.numpy()]).sum(1, keepdims=True)
    np.testing.assert_allclose(d([x, y], training=False).numpy(), expected, rtol=1e-4, atol=1e-3)


def test_auxiliary_classifier_head_and_spectral_norm():
    _, d = models.get("sngan_resnet", num_classes=10, auxiliary_classifier=True, projection=False)
    adv, logits = d([tf.zeros((2, 32, 32, 3)), tf.constant([1, 2])])
    assert adv.shape == (2, 1) and logits.shape == (2, 10)
    head = head_of(d)
    assert head.embedding is None and type(head.classifier).__name__ == "SpectralNormalization"
    _, d = models.get("sngan_resnet", num_classes=10, spectral_norm="conv")
    assert head_of(d).embedding.method == "conv"  # on a dense layer: the matrix norm


@pytest.mark.parametrize("kwargs, message", [
    (dict(name="wgan_mlp", num_classes=10), r"needs batch norm in the generator"),
    (dict(name="dcgan64", num_classes=10), r"ends in a linear dense layer.*ends in 'flatten'"),
    (dict(name="ebgan", num_classes=10), r"autoencoder discriminator"),
    (dict(name="dcgan28", num_classes=1), r"num_classes must be an int >= 2"),
    (dict(name="dcgan28", auxiliary_classifier=True), r"also pass num_classes"),
])
def test_unsupported_conditional_requests_raise_one_line(kwargs, message):
    with pytest.raises(ValueError, match=message):
        models.get(kwargs.pop("name"), **kwargs)


def test_conditional_model_saves_and_loads(tmp_path):
    g, d = models.get("sngan_resnet", num_classes=10, auxiliary_classifier=True)
    path = tmp_path / "d.keras"
    d.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True, compile=False)
    x, y = tf.random.stateless_normal((2, 32, 32, 3), seed=[0, 0]), tf.constant([3, 4])
    for a, b in zip(d([x, y]), loaded([x, y])):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


def test_mixed_precision_keeps_the_conditional_outputs_in_float32():
    from tfgan_suite.training import precision

    with precision.precision_policy("float16"):
        g, d = models.get("dcgan32", num_classes=10, auxiliary_classifier=True)
    y = tf.constant([1, 2])
    images = g([tf.zeros((2, 100)), y])
    adv, logits = d([images, y])
    assert (images.dtype, adv.dtype, logits.dtype) == (tf.float32,) * 3
    assert head_of(d).linear.compute_dtype == "float32"
