"""DCGAN (Radford et al., 2016) generators and discriminators for 28x28 and 32x32 images.

Discriminator normalization (``d_norm``): ``None`` is DCGAN's (batch norm on every layer but the
first; none when spectrally normalized). Critics trained with a per-sample gradient penalty
(WGAN-GP, DRAGAN) need ``"none"`` or ``"layer"``: batch norm makes each output depend on the whole
batch, so the penalized per-sample gradient is not the critic's (Gulrajani et al., 2017, section 4:
"no critic batch normalization"; layer normalization recommended as a drop-in replacement).
"""
from tfgan_suite.models import ArchitectureSpec, register, spectral_norm_keys

D_NORMS = (None, "batch", "none", "layer")


def _dcgan(image_size, base, latent_dim, channels, width, d_output_dim, spectral_norm,
           sn_gain=1.0, d_norm=None):
    if d_norm not in D_NORMS:
        raise ValueError(f"unknown d_norm {d_norm!r}; valid choices: batch, none, layer")
    ups = {28: 2, 32: 3}[image_size]
    g_start = width * 2 ** (ups - 1)
    generator = [
        {"op": "dense", "units": base * base * g_start, "norm": "batch", "activation": "relu"},
        {"op": "reshape", "shape": [base, base, g_start]},
    ]
    for i in range(ups - 1):
        generator.append({"op": "deconv", "filters": g_start // 2 ** (i + 1), "kernel": 4,
                          "strides": 2, "norm": "batch", "activation": "relu"})
    generator.append({"op": "deconv", "filters": channels, "kernel": 4, "strides": 2,
                      "activation": "tanh"})
    if d_norm is None:
        d_norm = "none" if spectral_norm else "batch"
    sn = spectral_norm_keys(spectral_norm, sn_gain)
    discriminator = []
    for i in range(ups):
        discriminator.append({"op": "conv", "filters": width * 2 ** i, "kernel": 4, "strides": 2,
                              "norm": "none" if i == 0 else d_norm,
                              "activation": "lrelu", "alpha": 0.2, **sn})
    discriminator += [{"op": "flatten"}, {"op": "dense", "units": d_output_dim, **sn}]
    return ArchitectureSpec(generator, discriminator, latent_dim,
                            (image_size, image_size, channels))


@register("dcgan28")
def dcgan28(latent_dim=64, channels=1, width=64, d_output_dim=1, spectral_norm=False, sn_gain=1.0,
            d_norm=None):
    """DCGAN for 28x28 (MNIST): G 7x7 -> 14 -> 28 with transposed convs; D two strided convs."""
    return _dcgan(28, 7, latent_dim, channels, width, d_output_dim, spectral_norm, sn_gain, d_norm)


@register("dcgan32")
def dcgan32(latent_dim=100, channels=3, width=64, d_output_dim=1, spectral_norm=False,
            sn_gain=1.0, d_norm=None):
    """DCGAN for 32x32 (CIFAR-10): G 4x4 -> 8 -> 16 -> 32; D three strided convs."""
    return _dcgan(32, 4, latent_dim, channels, width, d_output_dim, spectral_norm, sn_gain, d_norm)
