"""XLA and mixed precision: a step runs and its losses match the float32 step within a tolerance."""
import keras
import numpy as np
import pytest

import tfgan_suite
from tfgan_suite import models
from tfgan_suite.errors import UserInputError
from tfgan_suite.training import precision

REAL = np.random.default_rng(0).uniform(-1, 1, (16, 28, 28, 1)).astype(np.float32)


def _step(mixed_precision=None, jit_compile=False, init=None, penalty=None):
    with precision.precision_policy(mixed_precision):
        generator, discriminator = models.get("dcgan28", width=8, latent_dim=16)
        if init is not None:
            generator.set_weights(init[0])
            discriminator.set_weights(init[1])
        gan = tfgan_suite.GAN(generator, discriminator, latent_dim=16, seed=1)
        gan.compile(
            d_optimizer=precision.wrap_optimizer(keras.optimizers.SGD(0.01), mixed_precision),
            g_optimizer=precision.wrap_optimizer(keras.optimizers.SGD(0.01), mixed_precision),
            loss="nsgan", penalty=penalty, jit_compile=jit_compile)
    logs = gan.train_on_batch(REAL, return_dict=True)
    return gan, {k: float(v) for k, v in logs.items()}


@pytest.fixture(scope="module")
def float32_step():
    generator, discriminator = models.get("dcgan28", width=8, latent_dim=16)
    g_weights = generator.get_weights()
    g_weights[0] = np.zeros_like(g_weights[0])  # G(z) independent of z (see the XLA test)
    init = (g_weights, discriminator.get_weights())
    gan, logs = _step(init=init)
    return init, gan, logs


def test_unknown_precision_is_one_line():
    with pytest.raises(UserInputError, match="unknown mixed precision 'int8'; valid choices: "
                                             "bfloat16, float16, float32"):
        precision.policy_name("int8")


@pytest.fixture(scope="module")
def xla_step(float32_step):
    init, _, _ = float32_step
    return _step(jit_compile=True, init=init)


def test_xla_step_matches_the_plain_step_when_the_noise_is_the_same(float32_step, xla_step):
    # XLA turns the same Philox bits into different normal floats than the TF CPU kernel (a seed
    # that is not a compile-time constant is not folded), so an XLA run draws another, equally
    # valid noise stream. With G's first kernel zeroed, G(z) does not depend on z and the first
    # step's losses must agree.
    init, _, logs = float32_step
    _, xla_logs = xla_step
    for key in logs:
        np.testing.assert_allclose(xla_logs[key], logs[key], rtol=1e-5, err_msg=key)


# bfloat16 keeps 8 bits of mantissa (relative rounding 2^-8 ~ 0.4%), float16 keeps 11 (~0.05%);
# errors accumulate through a few layers, hence 3% and 0.5% on the losses.
@pytest.mark.parametrize("mixed_precision, rtol", [("bfloat16", 3e-2), ("float16", 5e-3)])
def test_mixed_precision_step_matches_float32(float32_step, mixed_precision, rtol):
    init, _, logs = float32_step
    gan, mixed_logs = _step(mixed_precision, init=init)
    for key in logs:
        np.testing.assert_allclose(mixed_logs[key], logs[key], rtol=rtol, err_msg=key)
    compute = {"bfloat16": "bfloat16", "float16": "float16"}[mixed_precision]
    hidden = gan.generator.layers[0]
    assert hidden.compute_dtype == compute and hidden.variable_dtype == "float32"
    # the networks' last layers, losses and the generator's images stay float32
    assert gan.generator.layers[-1].compute_dtype == "float32"
    assert gan.discriminator.layers[-1].compute_dtype == "float32"
    assert gan.generate(2, seed=0).dtype == np.float32
    assert all(v.dtype == "float32" for v in gan.generator.trainable_variables)
    assert isinstance(gan.d_optimizer, keras.optimizers.LossScaleOptimizer) == (
        mixed_precision == "float16")
    # outside the block the global policy is float32 again
    assert keras.config.dtype_policy().name == "float32"


@pytest.mark.slow  # ~20 s: two more XLA compilations
def test_float16_with_xla_matches_float32_with_xla(float32_step, xla_step):
    init, _, _ = float32_step
    _, logs = xla_step
    _, mixed_logs = _step("float16", jit_compile=True, init=init)
    for key in logs:
        np.testing.assert_allclose(mixed_logs[key], logs[key], rtol=5e-3, err_msg=key)


@pytest.mark.parametrize("mixed_precision, rtol", [
    pytest.param("bfloat16", 3e-2, marks=pytest.mark.slow), ("float16", 5e-3)])
def test_gradient_penalties_under_mixed_precision_match_float32(float32_step, mixed_precision,
                                                                 rtol):
    init, _, _ = float32_step
    penalties = ["gradient_penalty", "dragan"]
    _, logs = _step(init=init, penalty=penalties)
    gan, mixed_logs = _step(mixed_precision, init=init, penalty=penalties)
    assert logs["penalty"] > 1
    # the critic loss and the penalties are evaluated before any update: they must agree
    for key in ("d_loss", "penalty"):
        np.testing.assert_allclose(mixed_logs[key], logs[key], rtol=rtol, err_msg=key)
    if mixed_precision == "float16":
        # the penalty's gradients times the initial loss scale 2^15 overflow float16: dynamic loss
        # scaling skips that critic update (no trainable weight moves) and halves the scale
        assert int(gan.d_optimizer.iterations.numpy()) == 0
        assert float(gan.d_optimizer.dynamic_scale.numpy()) == 2.0 ** 14
        trainable = {id(v) for v in gan.discriminator.trainable_variables}
        for variable, start in zip(gan.discriminator.weights, init[1]):
            if id(variable) in trainable:
                np.testing.assert_array_equal(variable.numpy(), start, err_msg=variable.path)
    else:
        np.testing.assert_allclose(mixed_logs["g_loss"], logs["g_loss"], rtol=rtol)
