"""Energy-based GAN (Zhao, Mathieu & LeCun, ICLR 2017).

The discriminator is an autoencoder and returns ``(energy, embedding)``: the energy is the
per-sample reconstruction error ``D(x) = ||Dec(Enc(x)) - x||``, the Euclidean norm over all pixels
(section 2.3), and the embedding is the encoder output ``S = Enc(x)`` (see
``tfgan_suite.models.ebgan`` and ``tfgan_suite.layers.autoencoder``). With ``m`` the margin::

    L_D = E D(x) + E max(0, m - D(G(z)))
    L_G = E D(G(z)) + pt_weight * PT(S),     S = Enc(G(z)) for the generated batch of N samples
    PT(S) = 1 / (N (N - 1)) sum_{i != j} (S_i . S_j / (||S_i|| ||S_j||))^2    (pulling-away term)

The margin is on the scale of that norm and depends on the data set: 10 on MNIST (the default), 20
on CelebA, 80 on LSUN, 40/80 on ImageNet at 128/256 pixels (the paper's appendix). The pulling-away
weight 0.1 is the paper's (section 2.4). A margin on a per-pixel *mean* of squares instead (an
earlier version here: margin 1.0, i.e. an L2 margin of 28 on 28x28 images) asks the autoencoder to
miss every generated pixel by half the pixel range; it never trained (MNIST-classifier Fréchet
distance 356 at 600 steps against 7.6 with the paper's energy and margin; docs/results.md).
"""
import tensorflow as tf

from tfgan_suite.errors import UserInputError
from tfgan_suite.losses.registry import Objective, register

METRICS = ("energy_real", "energy_fake")


def _split(outputs):
    """``(energy [batch], embedding [batch, k] or None)`` from what the discriminator returned."""
    if isinstance(outputs, (tuple, list)):
        energy, embedding = outputs[0], (outputs[1] if len(outputs) > 1 else None)
    else:
        energy, embedding = outputs, None
    energy = tf.reshape(tf.cast(energy, tf.float32), [-1])
    if embedding is not None:
        embedding = tf.cast(embedding, tf.float32)
        embedding = tf.reshape(embedding, [tf.shape(embedding)[0], -1])
    return energy, embedding


def pulling_away_term(embedding, epsilon=1e-8):
    """``PT(S) = 1/(N(N-1)) sum_{i!=j} cos(S_i, S_j)^2`` over the rows of ``embedding``."""
    s = tf.reshape(tf.cast(embedding, tf.float32), [tf.shape(embedding)[0], -1])
    s = s / tf.sqrt(tf.reduce_sum(tf.square(s), axis=1, keepdims=True) + epsilon)
    cosine2 = tf.square(tf.matmul(s, s, transpose_b=True))
    n = tf.cast(tf.shape(s)[0], tf.float32)
    return (tf.reduce_sum(cosine2) - tf.reduce_sum(tf.linalg.diag_part(cosine2))) / (n * (n - 1.0))


def ebgan_discriminator_loss(real_outputs, generated_outputs, margin=10.0):
    """``L_D = E D(x) + E max(0, m - D(G(z)))``."""
    real_energy, _ = _split(real_outputs)
    fake_energy, _ = _split(generated_outputs)
    return tf.reduce_mean(real_energy) + tf.reduce_mean(tf.nn.relu(margin - fake_energy))


def mean_energies(real_outputs, generated_outputs):
    """The monitors: ``{"energy_real": E D(x), "energy_fake": E D(G(z))}``."""
    return {"energy_real": tf.reduce_mean(_split(real_outputs)[0]),
            "energy_fake": tf.reduce_mean(_split(generated_outputs)[0])}


def ebgan_generator_loss(generated_outputs, pt_weight=0.1):
    """``L_G = E D(G(z)) + pt_weight * PT(Enc(G(z)))`` (PT skipped when no embedding or weight 0)."""
    fake_energy, embedding = _split(generated_outputs)
    loss = tf.reduce_mean(fake_energy)
    if pt_weight and embedding is not None:
        loss += pt_weight * pulling_away_term(embedding)
    return loss


@register("ebgan")
def ebgan(margin=10.0, pt_weight=0.1):
    """EBGAN-PT: margin loss for the autoencoder discriminator, pulling-away term for G."""
    if not margin > 0:
        raise UserInputError(f"ebgan margin must be positive, got {margin!r}")
    return Objective(
        "ebgan",
        lambda real, fake: ebgan_discriminator_loss(real, fake, margin),
        lambda real, fake: ebgan_generator_loss(fake, pt_weight),
        monitor_fn=mean_energies, monitor_names=METRICS)
