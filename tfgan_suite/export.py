"""Export a generator as a TensorFlow SavedModel that loads without tfgan_suite.

Signatures:
  * ``serving_default(z: float32[None, latent_dim]) -> {"images": float32[None, H, W, C]}``
  * ``sample(n: int32[], seed: int64[]) -> {"images": ...}``: ``n`` images from ``z ~ N(0, I)`` drawn
    with a stateless RNG keyed by ``seed`` (the same ``z`` as ``GAN.generate(n, seed)``).

Load with ``tf.saved_model.load(path).signatures["serving_default"](z=z)["images"]``.
"""
import keras
import tensorflow as tf


def export_generator(generator, path, latent_dim):
    """Writes ``generator`` (a Keras model, e.g. ``gan.sampling_generator``) to ``path``."""
    latent_dim = int(latent_dim)

    def serve(z):
        return {"images": tf.cast(generator(z, training=False), tf.float32)}

    def sample(n, seed):
        z = tf.random.stateless_normal(tf.stack([n, latent_dim]),
                                       seed=tf.stack([seed, tf.constant(0, tf.int64)]), alg="philox")
        return {"images": tf.cast(generator(z, training=False), tf.float32)}

    archive = keras.export.ExportArchive()
    archive.track(generator)
    archive.add_endpoint("serving_default", serve,
                         input_signature=[tf.TensorSpec([None, latent_dim], tf.float32, name="z")])
    archive.add_endpoint("sample", sample,
                         input_signature=[tf.TensorSpec([], tf.int32, name="n"),
                                          tf.TensorSpec([], tf.int64, name="seed")])
    archive.write_out(path, verbose=False)
    return path
