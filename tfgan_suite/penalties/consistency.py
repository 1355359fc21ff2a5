"""Consistency regularization: bCR and zCR (Zhao, Zhang, Chen, Singh & Zhang, "Improved Consistency
Regularization for GANs", AAAI 2021).

* ``bcr`` (section 3.1, "balanced consistency regularization", Algorithm 1)::

      lambda_real E||D(x) - D(T(x))||^2 + lambda_fake E||D(G(z)) - D(T(G(z)))||^2

  ``T``: a random horizontal flip (probability 1/2) then an integer translation by up to 1/8 of the
  side with zero padding (the "flipping and shifting" of CR-GAN, Zhang et al. 2020, section 3, which
  bCR keeps; neither paper names the padding). ``padding="reflect"`` mirrors the border instead, as
  PyTorch-StudioGAN's CR transform does: on images in [-1, 1] zero padding draws mid-grey bars,
  which a black-background data set (MNIST) never has (reflection did not help there, and bCR
  failed with a batch-normalized critic: docs/results/limited_mnist_bcr.notes.md). The
  discriminator's update only; ``lambda_real = lambda_fake = 10`` (section 4.1).
* ``zcr`` (section 3.2, "latent consistency regularization", Algorithm 2), ``z' = z + dz``,
  ``dz ~ N(0, sigma^2 I)``, ``sigma = 0.03``::

      L_D += lambda_dis E||D(G(z)) - D(G(z'))||^2          lambda_dis = 5
      L_G -= lambda_gen E||G(z) - G(z')||^2                 lambda_gen = 0.5

  The discriminator must not tell close latents apart; the generator must keep them apart (no
  collapse). ``||.||^2`` is the mean of the squared differences over the output units (for ``G``:
  over the pixels), then over the batch.

Both receive the images the discriminator judged (augmented when ``augment`` is on; zCR's ``G(z')``
gets the same augmentation draws as ``G(z)``, so only the latent perturbation differs).
"""
import tensorflow as tf

from tfgan_suite.augment.diffaugment import check_padding, random_translation
from tfgan_suite.penalties import register
from tfgan_suite.penalties.gradient import _check_weight, _first_output
from tfgan_suite.utils import randomness


def squared_distance(a, b):
    """``E_batch mean_units (a - b)^2`` in float32 (the first output of a tuple)."""
    a = tf.cast(_first_output(a), tf.float32)
    b = tf.cast(_first_output(b), tf.float32)
    return tf.reduce_mean(tf.square(a - b))


def random_flip(images, seed):
    """Each image mirrored left-right with probability 1/2."""
    flip = randomness.replica_uniform([tf.shape(images)[0]], seed) < 0.5
    return tf.where(flip[:, None, None, None], tf.reverse(images, axis=[2]), images)


def consistency_transform(images, seed, padding="zeros"):
    """bCR's ``T``: random flip, then translation by up to 1/8 of the side (``padding``: ``zeros``
    or ``reflect``)."""
    flip_seed, shift_seed = tf.unstack(tf.random.experimental.stateless_split(seed, 2))
    return random_translation(random_flip(images, flip_seed), shift_seed, padding=padding)


@register("bcr")
def balanced_consistency(weight_real=10.0, weight_fake=10.0, padding="zeros"):
    """bCR: ``weight_real E||D(x) - D(T(x))||^2 + weight_fake E||D(G(z)) - D(T(G(z)))||^2``."""
    weight_real, weight_fake = _check_weight(weight_real), _check_weight(weight_fake)
    padding = check_padding(padding)

    def penalty(discriminator, real, generated, seed, outputs):
        real_out, fake_out = outputs
        real_seed, fake_seed = tf.unstack(tf.random.experimental.stateless_split(seed, 2))
        real_term = squared_distance(
            real_out, discriminator(consistency_transform(real, real_seed, padding), training=True))
        fake_term = squared_distance(
            fake_out,
            discriminator(consistency_transform(generated, fake_seed, padding), training=True))
        return weight_real * real_term + weight_fake * fake_term

    penalty.__name__ = "bcr"
    penalty.extras = ("outputs",)
    return penalty


def perturb_latents(z, seed, sigma):
    """``z + dz``, ``dz ~ N(0, sigma^2 I)`` (one global draw, this replica's slice)."""
    return z + sigma * randomness.replica_normal(tf.shape(z), seed, dtype=z.dtype)


@register("zcr")
def latent_consistency(weight_dis=5.0, weight_gen=0.5, sigma=0.03):
    """zCR: ``weight_dis E||D(G(z)) - D(G(z'))||^2`` for D and ``-weight_gen E||G(z) - G(z')||^2`` for
    G (``penalty.generator_term``), ``z' = z + N(0, sigma^2)``."""
    weight_dis, weight_gen = _check_weight(weight_dis), _check_weight(weight_gen)
    sigma = _check_weight(sigma)

    def penalty(discriminator, real, generated, seed, outputs, source):
        """``source = (images_of, z)``: the function that made ``generated`` from ``z`` (generator
        and augmentation) and those latents."""
        del real, generated
        images_of, z = source
        perturbed = tf.stop_gradient(images_of(perturb_latents(z, seed, sigma)))
        return weight_dis * squared_distance(outputs[1], discriminator(perturbed, training=True))

    def generator_term(generator, z, generated, seed):
        """``-weight_gen E||G(z) - G(z')||^2`` (added to the generator's loss)."""
        perturbed = generator(perturb_latents(z, seed, sigma), training=True)
        return -weight_gen * squared_distance(generated, perturbed)

    penalty.__name__ = "zcr"
    penalty.extras = ("outputs", "source")
    penalty.generator_term = generator_term
    return penalty
