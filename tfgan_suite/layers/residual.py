"""The residual block of the GAN ResNets (Gulrajani et al. 2017, app. F; Miyato et al. 2018, app. B).

One pre-activation block, for generators and discriminators alike::

    residual: [norm -> act] -> [upsample] -> conv(k, hidden) -> [norm] -> act -> conv(k, filters)
              -> [average-pool]
    shortcut: identity, or (when the channels or the resolution change) [upsample] -> conv 1x1
              -> [average-pool]
    output:   residual + shortcut

``resample="up"`` upsamples by nearest neighbour before the first conv (both reference codes),
``"down"`` average-pools 2x2 after the second conv. ``optimized=True`` is SNGAN's first
discriminator block, which sees raw pixels: no normalization or activation before the first conv,
and the shortcut pools *before* its 1x1 conv (``conv -> act -> conv -> pool`` + ``pool -> conv``).

``hidden="auto"`` is the reference codes' width of the first conv: the input's channels in a
down-sampling (discriminator) block, ``filters`` otherwise; ``"in"`` / ``"out"`` force either.
Residual convs start from Glorot-uniform scaled by sqrt(2), shortcut convs from plain Glorot
(``GlorotUniform(sqrt(2))`` / ``GlorotUniform()`` in the SNGAN code). With
``norm="conditional_batch"`` the block is called on ``[x, labels]``.
"""
import keras

from tfgan_suite.layers.conditional import (activation_layer, maybe_spectral_norm,
                                            normalization_layer, split_labels)

RESAMPLE = ("none", "up", "down")
HIDDEN = ("auto", "in", "out")


@keras.saving.register_keras_serializable(package="tfgan_suite")
class ResidualBlock(keras.layers.Layer):
    """A residual block as one layer (see the module docstring); options mirror the factory op."""

    def __init__(self, filters, resample="none", kernel=3, hidden="auto", norm="none",
                 activation="relu", alpha=0.2, spectral_norm=False, sn_gain=1.0, sn_iterations=1,
                 optimized=False, use_bias=True, num_classes=None, **kwargs):
        super().__init__(**kwargs)
        if resample not in RESAMPLE:
            raise ValueError(f"resample must be one of {', '.join(RESAMPLE)}, got {resample!r}")
        if optimized and resample != "down":
            raise ValueError("an optimized (first discriminator) block needs resample='down'")
        self.filters, self.resample, self.kernel, self.hidden = int(filters), resample, kernel, hidden
        self.norm, self.activation, self.alpha = norm, activation, alpha
        self.spectral_norm, self.sn_gain, self.sn_iterations = spectral_norm, sn_gain, sn_iterations
        self.optimized, self.use_bias, self.num_classes = bool(optimized), bool(use_bias), num_classes
        self.takes_labels = norm == "conditional_batch"
        self.act = activation_layer(activation, alpha)
        self.norm1 = None if self.optimized else normalization_layer(norm, num_classes)
        self.norm2 = normalization_layer(norm, num_classes)
        self.upsample = keras.layers.UpSampling2D(2) if resample == "up" else None
        self.pool = keras.layers.AveragePooling2D(2) if resample == "down" else None

    def _conv(self, filters, kernel, scale, name):
        init = keras.initializers.VarianceScaling(scale, mode="fan_avg", distribution="uniform")
        conv = keras.layers.Conv2D(filters, kernel, padding="same", use_bias=self.use_bias,
                                   kernel_initializer=init, name=name)
        return maybe_spectral_norm(conv, self.spectral_norm, self.sn_gain, self.sn_iterations)

    def build(self, input_shape):
        x_shape = tuple(input_shape[0] if self.takes_labels else input_shape)
        labels_shape = (x_shape[0],)
        channels = int(x_shape[-1])
        hidden = {"in": channels, "out": self.filters}.get(self.hidden)
        if hidden is None:  # auto
            hidden = channels if self.resample == "down" and not self.optimized else self.filters
        self.learnable_shortcut = channels != self.filters or self.resample != "none"

        def scaled(shape, factor):
            return (shape[0], *(None if d is None else d * factor for d in shape[1:3]), shape[3])

        def with_channels(shape, c):
            return (*shape[:3], c)

        def build_norm(layer, shape):
            if layer is not None:
                layer.build([shape, labels_shape] if self.takes_labels else shape)

        build_norm(self.norm1, x_shape)
        h_shape = scaled(x_shape, 2) if self.upsample is not None else x_shape
        self.conv1 = self._conv(hidden, self.kernel, 2.0, "conv1")
        self.conv1.build(h_shape)
        build_norm(self.norm2, with_channels(h_shape, hidden))
        self.conv2 = self._conv(self.filters, self.kernel, 2.0, "conv2")
        self.conv2.build(with_channels(h_shape, hidden))
        self.shortcut = None
        if self.learnable_shortcut:
            self.shortcut = self._conv(self.filters, 1, 1.0, "shortcut")
            sc_input = scaled(x_shape, 2) if self.upsample is not None else x_shape
            if self.optimized:
                sc_input = (x_shape[0], *(None if d is None else d // 2 for d in x_shape[1:3]),
                            x_shape[3])
            self.shortcut.build(sc_input)

    def _normalize(self, layer, h, labels, training):
        if layer is None:
            return h
        return layer([h, labels] if self.takes_labels else h, training=training)

    def _activate(self, h):
        return h if self.act is None else self.act(h)

    def call(self, inputs, training=None):
        x, labels = split_labels(inputs)
        h = x
        if not self.optimized:
            h = self._activate(self._normalize(self.norm1, h, labels, training))
        if self.upsample is not None:
            h = self.upsample(h)
        h = self.conv1(h, training=training)
        h = self._activate(self._normalize(self.norm2, h, labels, training))
        h = self.conv2(h, training=training)
        if self.pool is not None:
            h = self.pool(h)
        shortcut = x
        if self.shortcut is not None:
            if self.optimized:
                shortcut = self.shortcut(self.pool(shortcut), training=training)
            else:
                if self.upsample is not None:
                    shortcut = self.upsample(shortcut)
                shortcut = self.shortcut(shortcut, training=training)
                if self.pool is not None:
                    shortcut = self.pool(shortcut)
        return h + shortcut

    def compute_output_shape(self, input_shape):
        batch, height, width, _ = tuple(input_shape[0] if self.takes_labels else input_shape)
        factor = {"up": 2.0, "down": 0.5, "none": 1.0}[self.resample]

        def size(d):
            return None if d is None else int(d * factor)

        return (batch, size(height), size(width), self.filters)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "resample": self.resample,
                "kernel": self.kernel, "hidden": self.hidden, "norm": self.norm,
                "activation": self.activation, "alpha": self.alpha,
                "spectral_norm": self.spectral_norm, "sn_gain": self.sn_gain,
                "sn_iterations": self.sn_iterations, "optimized": self.optimized,
                "use_bias": self.use_bias, "num_classes": self.num_classes}
