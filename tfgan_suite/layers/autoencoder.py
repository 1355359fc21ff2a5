"""Autoencoder discriminators (EBGAN): ``x -> (energy, embedding)``.

``build_autoencoder(spec, input_shape)`` takes ``{"type": "autoencoder", "encoder": <layer spec>,
"decoder": <layer spec>}`` (each a layer-factory spec, see :mod:`tfgan_suite.layers.factory`) and
returns a functional ``keras.Model`` with two outputs:

* ``energy`` [batch]: the per-sample reconstruction error ``mean_pixels (Dec(Enc(x)) - x)^2``;
* ``embedding`` [batch, k]: the encoder output ``Enc(x)`` (flattened), which the pulling-away term
  of the EBGAN generator loss uses.
"""
import keras
from keras import ops

from tfgan_suite.errors import UserInputError
from tfgan_suite.layers import factory


@keras.saving.register_keras_serializable(package="tfgan_suite")
class ReconstructionEnergy(keras.layers.Layer):
    """``[x, x_hat] -> mean over all non-batch axes of (x_hat - x)^2``."""

    def call(self, inputs):
        x, reconstruction = inputs
        squared = ops.square(ops.cast(reconstruction, "float32") - ops.cast(x, "float32"))
        return ops.mean(ops.reshape(squared, (ops.shape(squared)[0], -1)), axis=1)

    def compute_output_shape(self, input_shapes):
        return (input_shapes[0][0],)


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
    energy = ReconstructionEnergy(name="energy")([images, decoder(code)])
    return keras.Model(images, [energy, embedding], name=name)
