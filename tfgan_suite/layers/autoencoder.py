"""Autoencoder discriminators (EBGAN): ``x -> (energy, embedding)``.

``build_autoencoder(spec, input_shape)`` takes ``{"type": "autoencoder", "encoder": <layer spec>,
"decoder": <layer spec>, "energy": "l2" | "mean_square"}`` (layer-factory specs, see
:mod:`tfgan_suite.layers.factory`; energy optional) and returns a functional ``keras.Model`` with two
outputs:

* ``energy`` [batch]: the per-sample reconstruction error ``||Dec(Enc(x)) - x||``, the Euclidean
  norm over all pixels (Zhao et al., 2017, section 2.3: ``D(x) = ||Dec(Enc(x)) - x||``);
* ``embedding`` [batch, k]: the encoder output ``Enc(x)`` (flattened), which the pulling-away term
  of the EBGAN generator loss uses.
"""
import keras
from keras import ops

from tfgan_suite.errors import UserInputError
from tfgan_suite.layers import factory

ENERGIES = ("l2", "mean_square")


@keras.saving.register_keras_serializable(package="tfgan_suite")
class ReconstructionEnergy(keras.layers.Layer):
    """``[x, x_hat] -> ||x_hat - x||_2`` over all non-batch axes (one energy per example).

    ``kind="l2"`` (default) is the paper's norm: EBGAN's margins (10 on MNIST, 20 on CelebA, 80 on
    LSUN) are on this scale; ``epsilon`` inside the square root keeps the gradient finite at a
    perfect reconstruction. ``kind="mean_square"`` is the per-pixel mean of squared errors (this
    package's earlier energy; its margins are on a scale ``1 / num_pixels`` times the squared one).
    """

    def __init__(self, kind="l2", epsilon=1e-12, **kwargs):
        super().__init__(**kwargs)
        if kind not in ENERGIES:
            raise UserInputError(f"unknown energy {kind!r}; valid choices: {', '.join(ENERGIES)}")
        self.kind = kind
        self.epsilon = float(epsilon)

    def call(self, inputs):
        x, reconstruction = inputs
        squared = ops.square(ops.cast(reconstruction, "float32") - ops.cast(x, "float32"))
        squared = ops.reshape(squared, (ops.shape(squared)[0], -1))
        if self.kind == "mean_square":
            return ops.mean(squared, axis=1)
        return ops.sqrt(ops.sum(squared, axis=1) + self.epsilon)

    def compute_output_shape(self, input_shapes):
        return (input_shapes[0][0],)

    def get_config(self):
        return {**super().get_config(), "kind": self.kind, "epsilon": self.epsilon}


def build_autoencoder(spec, input_shape, name=None):
    """Builds the ``(energy, embedding)`` model; raises one line on a malformed spec."""
    if not isinstance(spec, dict) or spec.get("type") != "autoencoder" or not {
            "encoder", "decoder"} <= set(spec):
        raise UserInputError(f"an autoencoder spec is a dict with type='autoencoder', 'encoder' and "
                         f"'decoder' layer specs; got {spec!r}")
    encoder = factory.build(spec["encoder"], input_shape, name=f"{name or 'autoencoder'}_encoder")
    decoder = factory.build(spec["decoder"], encoder.output_shape[1:],
                            name=f"{name or 'autoencoder'}_decoder")
    if tuple(decoder.output_shape[1:]) != tuple(input_shape):
        raise UserInputError(f"the decoder outputs {tuple(decoder.output_shape[1:])} but the images "
                         f"are {tuple(input_shape)}")
    images = keras.Input(shape=tuple(input_shape))
    code = encoder(images)
    embedding = keras.layers.Flatten(name="embedding")(code)
    energy = ReconstructionEnergy(spec.get("energy", "l2"), name="energy")([images, decoder(code)])
    return keras.Model(images, [energy, embedding], name=name)
