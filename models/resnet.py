"""The GAN ResNets of SNGAN (Miyato et al., 2018) and WGAN-GP (Gulrajani et al., 2017).

Each block is one ``resblock`` layer (``tfgan_suite.layers.residual``). Parameter counts are the
trainable parameters of the reference code (checked by ``tests/test_models_resnet.py``, which
recomputes them from the reference layers' shapes), unconditional, with ``num_classes`` unset.

``sngan_resnet`` (pfnet-research/sngan_projection ``gen_models/resnet*.py``,
``dis_models/snresnet*.py``; the 48x48 pair follows the paper's STL-10 table as in
kwotsin/mimicry ``sngan_48.py``):

| image_size | generator                                          | discriminator                          | G params  | D params   |
| ---------- | -------------------------------------------------- | -------------------------------------- | --------- | ---------- |
| 32         | dense 4x4x256, 3 x up 256, BN-ReLU-conv3 tanh      | opt 128, down 128, 128, 128; no bias   | 4,276,739 | 1,053,824  |
| 48         | dense 6x6x512, up 256, 128, 64                     | opt 64, down 128, 256, 512; 1024       | 4,878,083 | 10,141,441 |
| 64         | dense 4x4x1024, up 512, 256, 128, 64               | opt 64, down 128, 256, 512, 1024       | 12,220,675 | 10,141,441 |

The discriminator ends ReLU -> global sum pooling -> dense (spectrally normalized by default).
``wgan_gp_resnet`` (igul222/improved_wgan_training ``gan_cifar_resnet.py``, unconditional:
``NORMALIZATION_D = False``, so the critic has no normalization): generator dense 4x4x128, 3 x up
128 (batch norm), BN-ReLU-conv3 tanh: 1,204,483 parameters; critic opt 128, down 128, 128, 128,
ReLU -> global *mean* pooling -> dense 1 (with bias): 1,053,825 parameters.
"""
from tfgan_suite.errors import UserInputError
from tfgan_suite.models import ArchitectureSpec, register

# image_size -> (bottom width, generator widths (dense, then one per up-block), discriminator blocks)
_SNGAN = {
    32: (4, [256, 256, 256, 256], [(128, "down"), (128, "down"), (128, "none"), (128, "none")]),
    48: (6, [512, 256, 128, 64], [(64, "down"), (128, "down"), (256, "down"), (512, "down"),
                                  (1024, "none")]),
    64: (4, [1024, 512, 256, 128, 64], [(64, "down"), (128, "down"), (256, "down"),
                                        (512, "down"), (1024, "down")]),
}


def resnet_generator(bottom, widths, channels, norm="batch"):
    """dense -> reshape -> up-blocks -> norm -> ReLU -> conv 3x3 to the image, tanh."""
    return [
        {"op": "dense", "units": bottom * bottom * widths[0], "use_bias": True},
        {"op": "reshape", "shape": [bottom, bottom, widths[0]]},
        *({"op": "resblock", "filters": w, "resample": "up", "norm": norm} for w in widths[1:]),
        {"op": "norm", "norm": norm},
        {"op": "activation", "activation": "relu"},
        {"op": "conv", "filters": channels, "kernel": 3, "activation": "tanh"},
    ]


def resnet_discriminator(blocks, pool, d_output_dim, output_bias, spectral_norm, sn_gain,
                         norm="none"):
    """An optimized first block, residual blocks, ReLU, global pooling, dense."""
    sn = {"spectral_norm": spectral_norm, "sn_gain": sn_gain}
    spec = []
    for index, (filters, resample) in enumerate(blocks):
        block = {"op": "resblock", "filters": filters, "resample": resample, "norm": norm, **sn}
        if index == 0:
            block.update(optimized=True, norm="none")
        elif resample == "none":
            block["hidden"] = "in"  # the reference discriminator blocks' first conv keeps C_in
        spec.append(block)
    return spec + [{"op": "activation", "activation": "relu"}, {"op": pool},
                   {"op": "dense", "units": d_output_dim, "use_bias": output_bias, **sn}]


@register("sngan_resnet")
def sngan_resnet(image_size=32, latent_dim=128, channels=3, d_output_dim=1, spectral_norm=True,
                 sn_gain=1.0):
    """SNGAN's ResNets for 32 (CIFAR-10), 48 (STL-10) and 64x64 images; counts in the module doc."""
    if image_size not in _SNGAN:
        raise UserInputError(f"sngan_resnet supports image_size 32, 48 or 64, got {image_size!r}")
    bottom, widths, blocks = _SNGAN[image_size]
    generator = resnet_generator(bottom, widths, channels)
    # snresnet_32's output layer has no bias (nobias=True); the 48 and 64 ones have one
    discriminator = resnet_discriminator(blocks, "global_sum_pool", d_output_dim,
                                         image_size != 32, spectral_norm, sn_gain)
    return ArchitectureSpec(generator, discriminator, latent_dim,
                            (image_size, image_size, channels))


@register("wgan_gp_resnet")
def wgan_gp_resnet(latent_dim=128, channels=3, width=128, d_output_dim=1, spectral_norm=False,
                   sn_gain=1.0, d_norm="none"):
    """The WGAN-GP paper's CIFAR-10 ResNet (32x32); ``d_norm="layer"`` is the code's
    ``NORMALIZATION_D`` option (off in the paper's unconditional model)."""
    generator = resnet_generator(4, [width] * 4, channels)
    blocks = [(width, "down"), (width, "down"), (width, "none"), (width, "none")]
    discriminator = resnet_discriminator(blocks, "global_avg_pool", d_output_dim, True,
                                         spectral_norm, sn_gain, norm=d_norm)
    return ArchitectureSpec(generator, discriminator, latent_dim, (32, 32, channels))
