"""The auxiliary-classifier term of AC-GAN (Odena et al., 2017, sec. 3), added to any objective.

An AC-GAN discriminator returns ``(adversarial output, class logits)``. The objective (any loss of the
catalogue) and the penalties see the adversarial output only; the class log-likelihood
``L_C = E[log P(C = c | X_real)] + E[log P(C = c | X_fake)]`` enters as cross-entropies: the critic
minimizes ``CE(logits(x_real), y)``, the generator ``CE(logits(G(z, y)), y)`` (the split of the
WGAN-GP code's AC-GAN, which weighs them 1 and 0.1; Odena et al. weigh both 1).
"""
import tensorflow as tf


def adversarial(outputs):
    """The adversarial part of a discriminator's outputs (the first of an AC-GAN pair)."""
    return outputs[0] if isinstance(outputs, (list, tuple)) else outputs


def class_cross_entropy(outputs, labels):
    """``mean_i -log softmax(logits_i)[y_i]`` of an AC-GAN discriminator's outputs; 0 for outputs
    without class logits or without labels."""
    if labels is None or not isinstance(outputs, (list, tuple)):
        return 0.0
    return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
        tf.cast(labels, tf.int32), tf.cast(outputs[1], tf.float32)))
