"""The InfoGAN-style pair of Lucic et al. 2018 ("Are GANs Created Equal?"), 28x28, one shared network.

Read from google/compare_gan tag ``v1.0`` (``compare_gan/src/gans/abstract_gan.py``,
``AbstractGAN.generator`` / ``discriminator``; layer helpers in ``compare_gan/src/gans/ops.py``):

* z: 64-d (``gan_lib.py``, ``z_dim``), uniform in [-1, 1] (``AbstractGAN.z_generator``). Every GAN
  here draws z ~ N(0, I); the generator's first layer maps it through ``erf(z / sqrt(2))``
  (``normal_to_uniform``), which is U[-1, 1] exactly, so the network sees their prior.
* G: dense 1024, BN, leaky ReLU 0.2; dense 7*7*128, BN, leaky ReLU; reshape 7x7x128; deconv 4x4/2 to
  64, BN, leaky ReLU; deconv 4x4/2 to 1 channel, sigmoid. Their images are in [0, 1]; ours in
  [-1, 1]: the sigmoid's output s is mapped to 2 s - 1 (a ``rescale`` layer), so the FID pipeline's
  ``(x + 1) * 127.5`` gives their ``255 s``.
* D: conv 4x4/2 64, leaky ReLU; conv 4x4/2 128, [BN], leaky ReLU; flatten; dense 1024, [BN], leaky
  ReLU; dense 1 (the logit; ``sigmoid_output`` appends their ``tf.nn.sigmoid`` for the objectives
  that read the probability, LSGAN in their code). The BNs exist only with
  ``discriminator_batchnorm`` (``batchnorm=True`` here). D's first layer maps our [-1, 1] images to
  their [0, 1] (``(x + 1) / 2``), so D computes their function of their pixels.
* Every weighted layer has a bias (also before BN) and its kernel drawn with std 0.02
  (``ops.linear`` and ``ops.deconv2d``: normal; ``ops.conv2d``: truncated normal); biases 0.
* BN: ``ops.batch_norm``: decay 0.999, epsilon 0.001, with scale; statistics of the batch in
  training, moving averages at evaluation (``build_model(is_training=False)`` in eval_gan_lib.py).
  Keras's ``momentum`` is the same decay.

Trainable parameters (d_output_dim 1): generator 6,627,521 + BN 2 * (1024 + 6272 + 64) = 6,642,241;
discriminator 6,556,865 without BN, 6,559,169 with it (tests/test_models_lucic.py builds the same
network from plain Keras layers and compares).

``autoencoder=True`` (for EBGAN, whose discriminator is an autoencoder): the encoder is D's trunk up
to the dense layer, with ``embedding_dim`` units, and the decoder is the generator's network from
that code (sigmoid then ``2 s - 1``); this pairing is ours, not the study's.
"""
from tfgan_suite.models import ArchitectureSpec, register

INIT_STD = 0.02  # ops.py: linear / conv2d / deconv2d stddev
BN = {"norm": "batch", "bn_momentum": 0.999, "bn_epsilon": 0.001}  # ops.batch_norm
LEAK = {"activation": "lrelu", "alpha": 0.2}  # ops.lrelu


def _weighted(op, init="normal", **keys):
    return {"op": op, "init": init, "init_std": INIT_STD, "use_bias": True, **keys}


def _generator_body(channels, base=7):
    """From a code vector to an image in [-1, 1]: their generator after z."""
    return [
        _weighted("dense", units=1024, **BN, **LEAK),
        _weighted("dense", units=base * base * 128, **BN, **LEAK),
        {"op": "reshape", "shape": [base, base, 128]},
        _weighted("deconv", filters=64, kernel=4, strides=2, **BN, **LEAK),
        _weighted("deconv", filters=channels, kernel=4, strides=2, activation="sigmoid"),
        {"op": "rescale", "scale": 2.0, "offset": -1.0},  # [0, 1] -> [-1, 1]
    ]


def _discriminator_trunk(batchnorm, sn):
    norm = BN if batchnorm else {"norm": "none"}
    return [
        {"op": "rescale", "scale": 0.5, "offset": 0.5},  # our [-1, 1] -> their [0, 1]
        _weighted("conv", "truncated_normal", filters=64, kernel=4, strides=2, **LEAK, **sn),
        _weighted("conv", "truncated_normal", filters=128, kernel=4, strides=2, **norm, **LEAK,
                  **sn),
        {"op": "flatten"},
    ], norm


@register("lucic_infogan")
def lucic_infogan(latent_dim=64, channels=1, batchnorm=True, d_output_dim=1, sigmoid_output=False,
                  spectral_norm=False, sn_gain=1.0, autoencoder=False, embedding_dim=64):
    """``batchnorm``: their ``discriminator_batchnorm``; ``spectral_norm``/``sn_gain``: on every
    D layer (for the objectives of other papers that need it; not in the study)."""
    sn = {"spectral_norm": spectral_norm, "sn_gain": float(sn_gain)} if spectral_norm else {}
    generator = [{"op": "normal_to_uniform"}] + _generator_body(channels)
    trunk, norm = _discriminator_trunk(batchnorm, sn)
    if autoencoder:
        encoder = trunk + [_weighted("dense", units=embedding_dim)]
        discriminator = {"type": "autoencoder", "encoder": encoder,
                         "decoder": _generator_body(channels)}
    else:
        discriminator = trunk + [
            _weighted("dense", units=1024, **norm, **LEAK, **sn),
            _weighted("dense", units=d_output_dim,
                      activation="sigmoid" if sigmoid_output else "linear", **sn)]
    return ArchitectureSpec(generator, discriminator, latent_dim, (28, 28, channels))
