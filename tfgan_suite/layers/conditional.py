"""Normalizations, activations and the label-aware layers of class-conditional GANs.

* :class:`ConditionalBatchNormalization` (de Vries et al., 2017; Dumoulin et al., 2017; as in the
  projection-discriminator code, Miyato & Koyama 2018): ``gamma[y] * BN(x) + beta[y]``, where the
  batch normalization has no affine parameters of its own and ``gamma``/``beta`` are per-class
  embeddings initialized to ones / zeros. ``2 * num_classes * C`` trainable parameters.
* :class:`ConditionalHead`: the discriminator's last dense layer with the projection term of
  Miyato & Koyama (2018, eq. 3) ``D(x, y) = psi(phi(x)) + <V_y, phi(x)>`` (``psi`` a dense layer,
  ``V`` a class embedding) and/or an auxiliary class-logit head (AC-GAN, Odena et al. 2017, sec. 3).

Label-aware layers take ``[features, labels]`` (labels: int, one per example) and say so with
``takes_labels = True``; the factory builds a model with a labels input when a spec uses them.
"""
import keras
from keras import ops

from tfgan_suite.layers import spectral_norm as sn_lib


def activation_layer(name, alpha=0.2):
    """The Keras layer for an activation name (None for ``linear``)."""
    if name == "linear":
        return None
    if name == "lrelu":
        return keras.layers.LeakyReLU(negative_slope=alpha)
    return keras.layers.Activation(name)


def normalization_layer(name, num_classes=None, momentum=0.9, epsilon=1e-5):
    """The Keras layer for a normalization name (None for ``none``); ``momentum`` (the moving
    averages' decay) and ``epsilon`` apply to ``batch``."""
    if name == "batch":
        # synchronized: under tf.distribute the statistics are those of the global batch, so a
        # multi-replica step equals the single-device step (plain BN when there is no strategy)
        return keras.layers.BatchNormalization(momentum=momentum, epsilon=epsilon,
                                               synchronized=True)
    if name == "conditional_batch":
        return ConditionalBatchNormalization(num_classes)
    if name == "layer":
        return keras.layers.LayerNormalization()
    if name == "instance":
        return keras.layers.GroupNormalization(groups=-1)
    return None


def maybe_spectral_norm(layer, spectral_norm, gain=1.0, iterations=1):
    """``layer`` wrapped in spectral normalization when ``spectral_norm`` is true/matrix/conv."""
    if not spectral_norm:
        return layer
    method = "matrix" if spectral_norm is True else spectral_norm
    return sn_lib.spectral_normalize(layer, method=method, gain=gain, power_iterations=iterations)


def split_labels(inputs):
    """``[x, labels]`` -> ``(x, labels)``; a lone tensor -> ``(x, None)``."""
    if isinstance(inputs, (list, tuple)):
        return inputs[0], inputs[1]
    return inputs, None


@keras.saving.register_keras_serializable(package="tfgan_suite")
class ConditionalBatchNormalization(keras.layers.Layer):
    """``gamma[y] * BN(x) + beta[y]`` with per-class scale/shift embeddings; call on ``[x, y]``."""

    takes_labels = True

    def __init__(self, num_classes, momentum=0.9, epsilon=1e-5, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(num_classes, int) or num_classes < 1:
            raise ValueError(f"conditional batch norm needs num_classes >= 1, got {num_classes!r}")
        self.num_classes = num_classes
        self.momentum = momentum
        self.epsilon = epsilon
        self.norm = keras.layers.BatchNormalization(momentum=momentum, epsilon=epsilon,
                                                    center=False, scale=False, synchronized=True)

    def build(self, input_shape):
        x_shape = input_shape[0]
        channels = int(x_shape[-1])
        self.norm.build(x_shape)
        self.gammas = keras.layers.Embedding(self.num_classes, channels,
                                             embeddings_initializer="ones", name="gammas")
        self.betas = keras.layers.Embedding(self.num_classes, channels,
                                            embeddings_initializer="zeros", name="betas")
        self.gammas.build((None,))
        self.betas.build((None,))

    def call(self, inputs, training=None):
        x, labels = inputs
        labels = ops.reshape(ops.cast(labels, "int32"), (-1,))
        normalized = self.norm(x, training=training)
        broadcast = (-1,) + (1,) * (len(x.shape) - 2) + (int(x.shape[-1]),)
        gamma = ops.reshape(ops.cast(self.gammas(labels), normalized.dtype), broadcast)
        beta = ops.reshape(ops.cast(self.betas(labels), normalized.dtype), broadcast)
        return normalized * gamma + beta

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[0])

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes,
                "momentum": self.momentum, "epsilon": self.epsilon}


@keras.saving.register_keras_serializable(package="tfgan_suite")
class ConditionalHead(keras.layers.Layer):
    """The conditional discriminator's output layer on features ``phi(x)`` of shape ``(N, C)``.

    ``adv = W phi(x) + b + <V_y, phi(x)>`` (projection, Miyato & Koyama 2018; with ``units > 1``
    each output unit ``k`` has its own class embedding ``V[y, :, k]``), and, when ``auxiliary``,
    class logits ``A phi(x) + a`` (AC-GAN). Returns ``adv``, or ``[adv, logits]`` when auxiliary.
    The embedding is a bias-free dense layer on one-hot labels, so spectral normalization (of the
    ``(num_classes, C * units)`` matrix, like SNEmbedID in the reference code) applies unchanged.
    """

    takes_labels = True

    def __init__(self, units, num_classes, projection=True, auxiliary=False, use_bias=True,
                 spectral_norm=False, sn_gain=1.0, sn_iterations=1, **kwargs):
        super().__init__(**kwargs)
        self.units, self.num_classes = int(units), int(num_classes)
        self.projection, self.auxiliary = bool(projection), bool(auxiliary)
        self.use_bias = bool(use_bias)
        self.spectral_norm, self.sn_gain, self.sn_iterations = spectral_norm, sn_gain, sn_iterations
        self.linear = self.embedding = self.classifier = None  # made in build (widths, dtype policy)

    def _dense(self, units, use_bias=True, name=None):
        # the head's own dtype policy (float32 as a model's last layer under mixed precision)
        layer = maybe_spectral_norm(keras.layers.Dense(units, use_bias=use_bias, name=name),
                                    self.spectral_norm, self.sn_gain, self.sn_iterations)
        for target in (layer, getattr(layer, "layer", None)):
            if target is not None:
                target.dtype_policy = self.dtype_policy
        return layer

    def build(self, input_shape):
        features = tuple(input_shape[0])
        channels = int(features[-1])
        self.linear = self._dense(self.units, self.use_bias, name="linear")
        self.linear.build(features)
        if self.projection:
            self.embedding = self._dense(channels * self.units, use_bias=False,
                                         name="class_embedding")
            self.embedding.build((None, self.num_classes))
        if self.auxiliary:
            self.classifier = self._dense(self.num_classes, name="class_logits")
            self.classifier.build(features)

    def call(self, inputs, training=None):
        features, labels = inputs
        adv = self.linear(features, training=training)
        if self.projection:
            one_hot = ops.one_hot(ops.reshape(ops.cast(labels, "int32"), (-1,)), self.num_classes,
                                  dtype=features.dtype)
            embedded = self.embedding(one_hot, training=training)
            embedded = ops.reshape(embedded, (-1, int(features.shape[-1]), self.units))
            adv = adv + ops.einsum("nc,nck->nk", features, ops.cast(embedded, features.dtype))
        if self.auxiliary:
            return [adv, self.classifier(features, training=training)]
        return adv

    def compute_output_shape(self, input_shape):
        batch = input_shape[0][0]
        if self.auxiliary:
            return [(batch, self.units), (batch, self.num_classes)]
        return (batch, self.units)

    def get_config(self):
        return {**super().get_config(), "units": self.units, "num_classes": self.num_classes,
                "projection": self.projection, "auxiliary": self.auxiliary,
                "use_bias": self.use_bias, "spectral_norm": self.spectral_norm,
                "sn_gain": self.sn_gain, "sn_iterations": self.sn_iterations}
