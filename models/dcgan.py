"""DCGAN (Radford et al., 2016) generators and discriminators for 28x28, 32x32 and 64x64 images.

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


@register("dcgan64")
def dcgan64(latent_dim=100, channels=3, width=64, d_output_dim=1, spectral_norm=False,
            sn_gain=1.0, d_norm=None):
    """The DCGAN / WGAN 64x64 pair for LSUN bedrooms and CelebA (Radford et al., 2016;
    martinarjovsky/WassersteinGAN ``models/dcgan.py``, ``DCGAN_G`` / ``DCGAN_D``, isize 64).

    Generator: z as a 1x1 map -> deconv 4x4 valid to 4x4x(8 width) -> deconvs 4x4/2 to 4, 2, 1 x
    width, each BN-ReLU -> deconv 4x4/2 to the image, tanh; no biases. Discriminator: conv 4x4/2
    width, LReLU(0.2) -> convs 4x4/2 to 2, 4, 8 x width, each BN-LReLU -> conv 4x4 valid to
    ``d_output_dim``; no biases (with ``spectral_norm`` the BNs are dropped; ``d_norm`` as in
    :func:`_dcgan`). Trainable parameters
    with the defaults: generator 3,576,704, discriminator 2,765,568 (as the reference).
    """
    generator = [
        {"op": "reshape", "shape": [1, 1, latent_dim]},
        {"op": "deconv", "filters": width * 8, "kernel": 4, "strides": 1, "padding": "valid",
         "norm": "batch", "activation": "relu"},
        *({"op": "deconv", "filters": width * m, "kernel": 4, "strides": 2, "norm": "batch",
           "activation": "relu"} for m in (4, 2, 1)),
        {"op": "deconv", "filters": channels, "kernel": 4, "strides": 2, "use_bias": False,
         "activation": "tanh"},
    ]
    if d_norm not in D_NORMS:
        raise ValueError(f"unknown d_norm {d_norm!r}; valid choices: batch, none, layer")
    critic_norm = d_norm or ("none" if spectral_norm else "batch")
    sn = {"spectral_norm": spectral_norm, "sn_gain": sn_gain, "use_bias": False}
    discriminator = [{"op": "conv", "filters": width, "kernel": 4, "strides": 2,
                      "activation": "lrelu", "alpha": 0.2, **sn}]
    discriminator += [{"op": "conv", "filters": width * m, "kernel": 4, "strides": 2,
                       "norm": critic_norm, "activation": "lrelu",
                       "alpha": 0.2, **sn} for m in (2, 4, 8)]
    discriminator += [{"op": "conv", "filters": d_output_dim, "kernel": 4, "padding": "valid", **sn},
                      {"op": "flatten"}]
    return ArchitectureSpec(generator, discriminator, latent_dim, (64, 64, channels))
