"""SNGAN's own "standard CNN" (Miyato et al., 2018, Table 3 (a)/(b)).

Generator: z -> dense (s/8 x s/8 x 512), BN, ReLU -> 3 x [deconv 4x4 stride 2, BN, ReLU] (256, 128, 64)
-> conv 3x3 to the image channels, tanh. Discriminator: conv 3x3/1 64, conv 4x4/2 64, conv 3x3/1 128,
conv 4x4/2 128, conv 3x3/1 256, conv 4x4/2 256, conv 3x3/1 512, each leaky ReLU(0.1) and spectrally
normalized, then dense to ``d_output_dim``.

This is SNGAN's network, not the repulsive-loss paper's: Wang et al. (2019) widen the discriminator
to 64-128-128-256-256-512-512 and make the generator's first dense layer linear; that network is
:mod:`tfgan_suite.models.rep` (``rep_cnn``).
"""
from tfgan_suite.models import ArchitectureSpec, register, spectral_norm_keys


@register("sngan_cnn")
def sngan_cnn(latent_dim=128, image_size=32, channels=3, d_output_dim=1, spectral_norm=True,
              sn_gain=1.0):
    """``spectral_norm``: False, True/"matrix" (SNGAN's estimator) or "conv"; ``sn_gain``: C."""
    if image_size % 8:
        raise ValueError(f"sngan_cnn needs image_size divisible by 8, got {image_size}; "
                         f"valid: 32 (CIFAR-10), 48 (STL-10), 64")
    base = image_size // 8
    generator = [
        {"op": "dense", "units": base * base * 512, "norm": "batch", "activation": "relu"},
        {"op": "reshape", "shape": [base, base, 512]},
        *({"op": "deconv", "filters": f, "kernel": 4, "strides": 2, "norm": "batch",
           "activation": "relu"} for f in (256, 128, 64)),
        {"op": "conv", "filters": channels, "kernel": 3, "strides": 1, "activation": "tanh"},
    ]
    sn = spectral_norm_keys(spectral_norm, sn_gain)
    conv = [(64, 3, 1), (64, 4, 2), (128, 3, 1), (128, 4, 2), (256, 3, 1), (256, 4, 2),
            (512, 3, 1)]
    discriminator = [
        {"op": "conv", "filters": f, "kernel": k, "strides": s, "activation": "lrelu",
         "alpha": 0.1, **sn} for f, k, s in conv
    ]
    discriminator += [{"op": "flatten"}, {"op": "dense", "units": d_output_dim, **sn}]
    return ArchitectureSpec(generator, discriminator, latent_dim,
                            (image_size, image_size, channels))
