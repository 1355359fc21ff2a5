"""Spectral normalization: estimates against the exact SVD of the layer's linear operator.

The operator is read from the layers as black boxes: a Keras layer's output on every basis input,
minus its output on zero (the bias), is its matrix; nothing of the wrapper's own convolution code
(``_forward``) is used to build the reference.
"""
import keras
import numpy as np
import pytest
import tensorflow as tf

from tfgan_suite import layers
from tfgan_suite.layers.spectral_norm import SpectralNormalization, spectral_normalize

INPUT = (6, 6, 2)


def operator_matrix(layer, input_shape):
    """The dense matrix of the affine map ``layer`` (called in inference mode) on ``input_shape``
    tensors without its bias: column ``i`` is ``layer(e_i) - layer(0)``."""
    n = int(np.prod(input_shape))
    basis = np.eye(n, dtype=np.float32).reshape(n, *input_shape)
    outputs = np.asarray(layer(tf.constant(basis), training=False), np.float64).reshape(n, -1)
    offset = np.asarray(layer(tf.zeros((1, *input_shape)), training=False), np.float64).reshape(1, -1)
    return (outputs - offset).T


def largest_singular_value(matrix):
    return np.linalg.svd(matrix, compute_uv=False)[0]


def wrapped(layer, method, gain=1.0, iterations=1, input_shape=INPUT):
    sn = spectral_normalize(layer, method=method, gain=gain, power_iterations=iterations)
    sn.build((None, *input_shape))
    if layer.use_bias:  # a non-zero bias, so that the reference must remove it
        layer.bias.assign(np.linspace(-1.0, 1.0, layer.bias.shape[0]).astype(np.float32))
    return sn


CONV_LAYERS = {
    "conv_s1": lambda: keras.layers.Conv2D(3, 3, padding="same", use_bias=True),
    "conv_s2": lambda: keras.layers.Conv2D(4, 4, strides=2, padding="same"),
    "conv_valid": lambda: keras.layers.Conv2D(3, 3, padding="valid"),
    "deconv_s2": lambda: keras.layers.Conv2DTranspose(3, 4, strides=2, padding="same"),
}


@pytest.mark.parametrize("name", sorted(CONV_LAYERS))
def test_conv_estimate_matches_exact_operator_norm(name):
    keras.utils.set_random_seed(0)
    sn = wrapped(CONV_LAYERS[name](), "conv")
    kernel = tf.convert_to_tensor(sn.layer.kernel)
    exact = largest_singular_value(operator_matrix(sn.layer, INPUT))  # the plain Keras layer
    estimate = float(sn.estimate(iterations=300))
    assert estimate == pytest.approx(exact, rel=0.01)
    # The reshaped-matrix estimate is a different quantity for a convolution.
    matrix = largest_singular_value(kernel.numpy().reshape(-1, kernel.shape[-1]))
    assert abs(matrix - exact) / exact > 0.05


@pytest.mark.parametrize("name", sorted(CONV_LAYERS))
@pytest.mark.parametrize("gain", [1.0, 2.5])
def test_normalized_conv_layer_operator_norm_is_at_most_gain(name, gain):
    keras.utils.set_random_seed(1)
    sn = wrapped(CONV_LAYERS[name](), "conv", gain=gain, iterations=10)
    x = tf.random.stateless_normal((2, *INPUT), [0, 1])
    for _ in range(10):  # training calls refine the persistent vector
        sn(x, training=True)
    norm = largest_singular_value(operator_matrix(sn, INPUT))  # the wrapped layer as a black box
    assert norm <= gain * 1.01
    assert norm == pytest.approx(gain, rel=0.01)


def test_matrix_method_on_dense_matches_svd_and_normalizes():
    keras.utils.set_random_seed(2)
    sn = wrapped(keras.layers.Dense(5), "matrix", gain=1.5, iterations=5, input_shape=(7,))
    exact = largest_singular_value(sn.layer.kernel.numpy())
    assert float(sn.estimate(iterations=100)) == pytest.approx(exact, rel=1e-3)
    for _ in range(20):
        sn(tf.ones((2, 7)), training=True)
    normalized = sn.normalized_kernel().numpy()
    assert largest_singular_value(normalized) == pytest.approx(1.5, rel=0.01)
    assert largest_singular_value(normalized) <= 1.5 * 1.01
    # The output is the dense layer with the normalized kernel.
    x = np.random.default_rng(0).normal(size=(3, 7)).astype(np.float32)
    expected = x @ normalized + sn.layer.bias.numpy()
    np.testing.assert_allclose(sn(x, training=False), expected, rtol=1e-5, atol=1e-5)


def test_vector_updates_only_in_training():
    sn = wrapped(keras.layers.Conv2D(3, 3, padding="same"), "conv")
    x = tf.ones((1, *INPUT))
    before = sn.vector.numpy().copy()
    sn(x, training=False)
    np.testing.assert_array_equal(sn.vector.numpy(), before)
    sn(x, training=True)
    assert not np.allclose(sn.vector.numpy(), before)
    assert sn.vector.trainable is False and all(v is not sn.vector for v in sn.trainable_variables)


def test_gradient_flows_through_sigma():
    sn = wrapped(keras.layers.Dense(3), "matrix", input_shape=(4,))
    with tf.GradientTape() as tape:
        out = tf.reduce_sum(sn(tf.ones((2, 4)), training=True))
    grads = tape.gradient(out, sn.layer.kernel)
    assert grads is not None and np.isfinite(grads.numpy()).all()


def test_factory_routes_options_and_model_round_trips(tmp_path):
    model = layers.build("conv:4,k=3,s=2,sn=conv,sn_gain=2.0,sn_iterations=3,act=lrelu; flatten; "
                         "dense:1,sn=true", (8, 8, 1))
    wrappers = [l for l in model.layers if isinstance(l, SpectralNormalization)]
    assert [(w.method, w.gain, w.power_iterations) for w in wrappers] == [
        ("conv", 2.0, 3), ("matrix", 1.0, 1)]
    x = np.random.default_rng(0).normal(size=(2, 8, 8, 1)).astype(np.float32)
    model(x, training=True)
    path = tmp_path / "sn.keras"
    model.save(path)
    restored = keras.models.load_model(path)
    np.testing.assert_allclose(restored(x, training=False), model(x, training=False), rtol=1e-5)


def test_bad_options_are_rejected():
    with pytest.raises(ValueError, match="valid choices: matrix, conv"):
        spectral_normalize(keras.layers.Dense(2), method="svd")
    with pytest.raises(ValueError, match="gain"):
        spectral_normalize(keras.layers.Dense(2), gain=0.0)
    with pytest.raises(ValueError, match="spatial size"):
        spectral_normalize(keras.layers.Conv2D(2, 3), method="conv").build((None, None, None, 3))


def test_works_under_mirrored_strategy_with_two_replicas(mirrored_strategy):
    """A GAN with conv and matrix spectral norm (and a gradient penalty) trains under a two-device
    MirroredStrategy: the singular vectors are assigned in replica context without errors."""
    from tfgan_suite.training.gan import GAN

    with mirrored_strategy.scope():
        g = layers.build("dense:64,act=relu; reshape:4x4x4; deconv:1,k=4,s=2,act=tanh", (8,))
        d = layers.build("conv:4,k=3,s=2,sn=conv,act=lrelu; flatten; dense:1,sn=matrix",
                         (8, 8, 1))
        gan = GAN(g, d, 8, seed=0)
        gan.compile(loss="hinge", penalty="gradient_penalty", n_critic=1)
    sn = [l for l in d.layers if isinstance(l, SpectralNormalization)]
    before = [l.vector.numpy().copy() for l in sn]
    data = tf.data.Dataset.from_tensor_slices(
        np.random.default_rng(0).uniform(-1, 1, (32, 8, 8, 1)).astype("float32")).batch(8)
    history = gan.fit(data, epochs=1, verbose=0, shuffle=False)
    assert all(np.isfinite(v[-1]) for v in history.history.values()), history.history
    after = [l.vector.numpy() for l in sn]
    assert all(not np.allclose(a, b) for a, b in zip(after, before))
    # the replicas agree: each replica's copy of a vector holds the same value
    for layer in sn:
        copies = [np.asarray(v) for v in mirrored_strategy.experimental_local_results(layer.vector.value)]
        assert len(copies) == 2
        np.testing.assert_allclose(copies[0], copies[1], rtol=1e-6, atol=1e-7)


def test_power_iteration_runs_in_float32_under_mixed_float16():
    # a kernel of small entries: in float16 the squared norms of the iterates flush to zero and
    # the epsilon 1e-12 is 0 too, so a float16 iteration divides 0 by 0
    previous = keras.config.dtype_policy()
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        kernel = np.random.default_rng(0).normal(size=(6, 5)).astype(np.float32) * 1e-4
        sn = SpectralNormalization(keras.layers.Dense(
            5, kernel_initializer=keras.initializers.Constant(kernel)), power_iterations=1)
        model = keras.Sequential([keras.Input((6,)), sn])
        x = np.random.default_rng(1).normal(size=(3, 6)).astype(np.float32)
        for _ in range(30):  # power iteration converges over training calls
            outputs = model(x, training=True)
    finally:
        keras.config.set_dtype_policy(previous)
    assert outputs.dtype == "float16" and sn.vector.dtype == "float32"
    assert np.all(np.isfinite(sn.vector.numpy()))
    normalized = kernel / largest_singular_value(kernel)
    np.testing.assert_allclose(np.asarray(outputs, np.float32), x @ normalized, rtol=1e-2, atol=1e-2)
