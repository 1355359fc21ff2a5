"""EBGAN (Zhao et al., 2017): a DCGAN generator against an autoencoder discriminator.

Discriminator ``x -> (energy, embedding)``: encoder conv(width, 4, /2) -> conv(2 width, 4, /2, BN)
-> flatten -> dense(``embedding_dim``) (the embedding the pulling-away term uses); decoder
dense -> reshape -> deconv(width, 4, x2, BN) -> deconv(channels, 4, x2, tanh); energy = the
Euclidean norm of the reconstruction error, as in the paper. The generator is :mod:`dcgan`'s for
the same image size.

This convolutional pair is ours: the paper's MNIST grid search used fully connected networks, and
its 64x64 networks are deeper convolutional autoencoders (Zhao et al., 2017, appendix).
"""
from tfgan_suite.errors import UserInputError
from tfgan_suite.models import ArchitectureSpec, dcgan, register


@register("ebgan")
def ebgan(latent_dim=64, image_size=28, channels=1, width=64, embedding_dim=64, energy="l2"):
    """``energy``: ``"l2"`` (the paper's ``||Dec(Enc(x)) - x||``) or ``"mean_square"``."""
    if image_size not in (28, 32):
        raise UserInputError(f"ebgan supports image_size 28 or 32, got {image_size}")
    generator = dcgan._dcgan(image_size, 7 if image_size == 28 else 4, latent_dim, channels,
                             width, 1, False).generator
    base = image_size // 4
    encoder = [
        {"op": "conv", "filters": width, "kernel": 4, "strides": 2, "activation": "lrelu"},
        {"op": "conv", "filters": 2 * width, "kernel": 4, "strides": 2, "norm": "batch",
         "activation": "lrelu"},
        {"op": "flatten"},
        {"op": "dense", "units": embedding_dim},
    ]
    decoder = [
        {"op": "dense", "units": base * base * 2 * width, "norm": "batch", "activation": "relu"},
        {"op": "reshape", "shape": [base, base, 2 * width]},
        {"op": "deconv", "filters": width, "kernel": 4, "strides": 2, "norm": "batch",
         "activation": "relu"},
        {"op": "deconv", "filters": channels, "kernel": 4, "strides": 2, "activation": "tanh"},
    ]
    discriminator = {"type": "autoencoder", "encoder": encoder, "decoder": decoder,
                     "energy": energy}
    return ArchitectureSpec(generator, discriminator, latent_dim,
                            (image_size, image_size, channels))
