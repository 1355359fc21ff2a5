"""Spectral normalization of a layer's weight (Miyato et al., 2018), with two estimators.

``SpectralNormalization(layer, method, gain, power_iterations)`` wraps a ``Dense``, ``Conv2D`` or
``Conv2DTranspose`` layer and computes its output with the kernel ``gain * W / sigma(W)``, where
``sigma`` estimates the largest singular value by power iteration:

* ``matrix``: of the kernel reshaped to a matrix ``(prod(shape[:-1]), shape[-1])`` (Miyato et al.).
  For a convolution this is *not* the norm of the convolution as an operator: the operator norm
  can be up to ``sqrt(k_h k_w)`` times larger.
* ``conv``: of the convolution itself, seen as a linear map from the layer's input space
  ``(H, W, C_in)`` to its output space (power iteration for convolution). One iteration is
  ``u <- A v / ||A v||``, ``v <- A^T u / ||A^T u||``, where ``A`` is the convolution and ``A^T``
  its transpose (``conv2d_transpose`` for a ``Conv2D``, ``conv2d`` for a ``Conv2DTranspose``), on
  feature-map-shaped vectors; ``sigma = <u, A v>``. The input's spatial size must be known when
  the layer is built. On a ``Dense`` layer ``conv`` is the same as ``matrix``.

The singular vectors are persistent non-trainable variables, refined by ``power_iterations`` steps
on every call with ``training=True`` and left unchanged otherwise (inference uses the last
estimate). ``sigma`` is differentiable in ``W`` with the vectors held constant, as in the paper.
The vectors are created with ``aggregation="only_first_replica"``: every replica computes the same
update from the same (mirrored) weights, so assigning them inside a ``tf.distribute`` replica
context needs no cross-replica reduction.

Under a mixed policy (``mixed_float16``) the power iteration runs in float32: its ``_EPSILON = 1e-12``
is 0 in float16 (smallest positive value ~6e-8), and squared entries of a small kernel flush to
zero there, so a float16 iteration can divide by zero. The layer turns Keras's variable autocasting
off (``autocast=False``, which also leaves its inputs uncast) so it reads the float32 kernel and
vector, normalizes in float32 and casts its inputs, the normalized kernel and the bias to the compute
dtype for the layer's own product.
"""
import keras
import tensorflow as tf
from keras import ops

from tfgan_suite.errors import UserInputError

METHODS = ("matrix", "conv")
_EPSILON = 1e-12


def _normalize(x):
    return x / (tf.sqrt(tf.reduce_sum(tf.square(x))) + _EPSILON)


@keras.saving.register_keras_serializable(package="tfgan_suite")
class SpectralNormalization(keras.layers.Wrapper):
    """Wraps a Dense/Conv2D/Conv2DTranspose layer so its kernel is ``gain * W / sigma(W)``.

    Args:
      layer: the layer to normalize.
      method: ``"matrix"`` or ``"conv"`` (see the module docstring).
      gain: the target spectral norm (1 makes the layer 1-Lipschitz).
      power_iterations: power-iteration steps per training call.
      seed: seed of the random initial singular vector.
    """

    def __init__(self, layer, method="matrix", gain=1.0, power_iterations=1, seed=0, **kwargs):
        kwargs.setdefault("autocast", False)  # float32 power iteration (module docstring)
        super().__init__(layer, **kwargs)
        if method not in METHODS:
            raise UserInputError(f"unknown spectral norm method {method!r}; valid choices: "
                             f"{', '.join(METHODS)}")
        if not isinstance(layer, (keras.layers.Dense, keras.layers.Conv2D,
                                  keras.layers.Conv2DTranspose)):
            raise UserInputError(f"spectral normalization supports Dense, Conv2D and Conv2DTranspose "
                             f"layers, got {type(layer).__name__}")
        if not gain > 0:
            raise UserInputError(f"spectral norm gain must be positive, got {gain!r}")
        if not isinstance(power_iterations, int) or power_iterations < 1:
            raise UserInputError(f"power_iterations must be a positive int, got {power_iterations!r}")
        self.method = method
        self.gain = float(gain)
        self.power_iterations = power_iterations
        self.seed = int(seed)
        self._transpose = isinstance(layer, keras.layers.Conv2DTranspose)
        self._operator = "conv" if method == "conv" and not isinstance(
            layer, keras.layers.Dense) else "matrix"

    def build(self, input_shape):
        if not self.layer.built:
            self.layer.build(input_shape)
        kernel = self.layer.kernel
        if self._operator == "matrix":
            shape = (1, int(kernel.shape[-1]))
        else:
            if self.layer.data_format != "channels_last":
                raise UserInputError("conv spectral norm needs data_format='channels_last'")
            if any(d is None for d in input_shape[1:]):
                raise UserInputError(f"conv spectral norm needs the input's spatial size; "
                                 f"got input shape {tuple(input_shape)}")
            shape = (1, *(int(d) for d in input_shape[1:]))
        self.vector = self.add_weight(
            shape=shape, name="sn_vector", trainable=False,
            initializer=keras.initializers.RandomNormal(seed=self.seed),
            aggregation="only_first_replica")
        self._input_shape_for_sn = tuple(input_shape)
        self.built = True

    # ------------------------------------------------------------------ the operator A and A^T
    def _forward(self, x, kernel):
        """The linear map A (no bias) applied to a batch of input-space tensors."""
        layer = self.layer
        if isinstance(layer, keras.layers.Dense):
            return ops.matmul(x, kernel)
        if self._transpose:
            return ops.conv_transpose(x, kernel, strides=layer.strides, padding=layer.padding,
                                      output_padding=layer.output_padding,
                                      data_format=layer.data_format,
                                      dilation_rate=layer.dilation_rate)
        return ops.conv(x, kernel, strides=layer.strides, padding=layer.padding,
                        data_format=layer.data_format, dilation_rate=layer.dilation_rate)

    def _adjoint(self, y, kernel, x_shape):
        """A^T y: the gradient of <A x, y> with respect to x (exact for any padding/stride)."""
        x = tf.zeros(x_shape, y.dtype)
        with tf.GradientTape() as tape:
            tape.watch(x)
            inner = tf.reduce_sum(self._forward(x, kernel) * y)
        return tape.gradient(inner, x)

    def _power_iteration(self, kernel, vector, iterations):
        """Returns ``(sigma, refined vector)``; sigma is differentiable in ``kernel``."""
        if self._operator == "matrix":
            w = tf.reshape(kernel, [-1, kernel.shape[-1]])
            u = vector  # (1, out)
            for _ in range(iterations):
                v = _normalize(tf.matmul(u, w, transpose_b=True))  # (1, in)
                u = _normalize(tf.matmul(v, w))
            u = tf.stop_gradient(u)
            v = tf.stop_gradient(_normalize(tf.matmul(u, w, transpose_b=True)))
            sigma = tf.reduce_sum(tf.matmul(v, w) * u)
            return sigma, u
        v = vector  # (1, H, W, C_in): input space
        for _ in range(iterations):
            u = _normalize(self._forward(v, kernel))
            v = _normalize(self._adjoint(u, kernel, tf.shape(v)))
        v = tf.stop_gradient(v)
        u = tf.stop_gradient(_normalize(self._forward(v, kernel)))
        sigma = tf.reduce_sum(self._forward(v, kernel) * u)
        return sigma, v

    def estimate(self, iterations=None, update=False):
        """The current estimate of ``sigma(W)`` (after ``iterations`` more steps if given)."""
        kernel = tf.convert_to_tensor(self.layer.kernel)
        sigma, vector = self._power_iteration(kernel, tf.convert_to_tensor(self.vector),
                                              iterations or 0)
        if update:
            self.vector.assign(vector)
        return sigma

    def normalized_kernel(self, training=False):
        # float32 whatever the compute dtype (module docstring)
        kernel = tf.cast(tf.convert_to_tensor(self.layer.kernel), tf.float32)
        vector = tf.cast(tf.convert_to_tensor(self.vector), tf.float32)
        iterations = self.power_iterations if training else 0
        sigma, new_vector = self._power_iteration(kernel, vector, iterations)
        if training:
            self.vector.assign(tf.stop_gradient(new_vector))
        return kernel * (self.gain / (sigma + _EPSILON))

    def call(self, inputs, training=None):
        inputs = ops.cast(inputs, self.compute_dtype)  # autocast is off: cast the inputs here
        kernel = self.normalized_kernel(training=bool(training))
        outputs = self._forward(inputs, ops.cast(kernel, inputs.dtype))
        if self.layer.use_bias:
            outputs = ops.add(outputs, ops.cast(self.layer.bias, outputs.dtype))
        if self.layer.activation is not None:
            outputs = self.layer.activation(outputs)
        return outputs

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update(method=self.method, gain=self.gain,
                      power_iterations=self.power_iterations, seed=self.seed)
        return config


def spectral_normalize(layer, method="matrix", gain=1.0, power_iterations=1, seed=0):
    """Wraps ``layer`` in :class:`SpectralNormalization` (the factory's ``spectral_norm`` option)."""
    return SpectralNormalization(layer, method=method, gain=gain,
                                 power_iterations=power_iterations, seed=seed)
