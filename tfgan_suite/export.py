"""Export a generator as a TensorFlow SavedModel that loads without tfgan_suite.

Signatures:
  * ``serving_default(z: float32[None, latent_dim]) -> {"images": float32[None, H, W, C]}``
  * ``sample(n: int32[], seed: int64[]) -> {"images": ...}``: ``n`` images from ``z ~ N(0, I)`` drawn
    with a stateless RNG keyed by ``seed`` (the same ``z`` as ``GAN.generate(n, seed)``).

A class-conditional generator (a model of ``(z, labels)``) takes the class of each sample too:
``serving_default(z, labels: int32[None])`` and ``sample(n, seed, labels: int32[None])`` (one label
per sample).

Load with ``tf.saved_model.load(path).signatures["serving_default"](z=z)["images"]``.

User-supplied ``.keras`` files are loaded with :func:`load_keras_model`, which never runs code stored
in the file (Keras safe mode: ``Lambda`` layers and other pickled Python are refused).
"""
import os

import keras
import tensorflow as tf

from tfgan_suite.errors import UserInputError


def export_generator(generator, path, latent_dim):
    """Writes ``generator`` (a Keras model, e.g. ``gan.sampling_generator``) to ``path``."""
    latent_dim = int(latent_dim)
    conditional = len(getattr(generator, "inputs", None) or ()) == 2

    def images(z, labels=None):
        inputs = z if labels is None else (z, labels)
        return {"images": tf.cast(generator(inputs, training=False), tf.float32)}

    def draw(n, seed):
        return tf.random.stateless_normal(tf.stack([n, latent_dim]),
                                          seed=tf.stack([seed, tf.constant(0, tf.int64)]),
                                          alg="philox")

    z_spec = tf.TensorSpec([None, latent_dim], tf.float32, name="z")
    sample_specs = [tf.TensorSpec([], tf.int32, name="n"), tf.TensorSpec([], tf.int64, name="seed")]
    archive = keras.export.ExportArchive()
    archive.track(generator)
    if conditional:
        labels_spec = tf.TensorSpec([None], tf.int32, name="labels")

        def sample_labelled(n, seed, labels):
            tf.debugging.assert_equal(tf.shape(labels)[0], n, message="sample needs one label per sample")
            return images(draw(n, seed), labels)

        archive.add_endpoint("serving_default", images, input_signature=[z_spec, labels_spec])
        archive.add_endpoint("sample", sample_labelled, input_signature=sample_specs + [labels_spec])
    else:
        archive.add_endpoint("serving_default", images, input_signature=[z_spec])
        archive.add_endpoint("sample", lambda n, seed: images(draw(n, seed)),
                             input_signature=sample_specs)
    archive.write_out(path, verbose=False)
    return path


def load_keras_model(path):
    """Loads a ``.keras`` model file in Keras safe mode (no arbitrary code from the file).

    Layers registered with ``keras.saving.register_keras_serializable`` (all of ``tfgan_suite``'s)
    load normally. A file that needs unsafe deserialization (a ``Lambda`` layer's pickled Python)
    raises :class:`~tfgan_suite.errors.UserInputError` in one line instead of running it.
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise UserInputError(f"Keras model file {path!r} not found")
    try:
        return keras.saving.load_model(path, safe_mode=True, compile=False)
    except ValueError as error:
        text = str(error)
        if "safe_mode" in text or "unsafe" in text.lower() or "lambda" in text.lower():
            raise UserInputError(f"refusing to load {path!r}: it holds Python code (e.g. a Lambda "
                                 f"layer) that only unsafe deserialization would run; rebuild the "
                                 f"model with registered layers or load it yourself if you trust "
                                 f"it") from None
        raise
