"""The repulsive-loss paper's networks (Wang, Sun & Halgamuge, ICLR 2019), as in the authors' configs.

Read from richardwth/MMD-GAN: ``my_test_cifar.py`` (32x32), ``my_test_stl.py`` (48x48),
``my_test_celebA.py`` and ``my_test_lsun.py`` (64x64). Their layer defaults (``layer_func.py``):
kernel 3, stride 1, SAME padding, leaky ReLU slope 0.1.

Discriminator (no normalization layer; every layer, the last dense one included, spectrally
normalized and multiplied by the constant C, the configs' ``act_k``):

* 32 / 48: conv3 64, conv4/2 128, conv3 128, conv4/2 256, conv3 256, conv4/2 512, conv3 512,
  flatten, dense ``d_output_dim`` (16);
* 64: the same followed by conv4/2 1024, conv3 1024, then flatten and dense.

C is ``64 ** (1 / 8)`` (about 1.682) in the CIFAR-10 and STL-10 configs and ``64 ** 0.1`` (about
1.516) in the CelebA and LSUN configs; ``sn_gain=None`` picks the config's value for the image size.

Generator: z (128) -> dense s0 x s0 x c0 -> deconv4/2 with BN and ReLU down to 64 channels ->
conv3 to the image channels, tanh; (s0, c0) = (4, 512) at 32, (6, 512) at 48, (4, 1024) at 64
(deconvs 512, 256, 128, 64). The first dense layer is linear (no BN, no activation) in the 32 and
64 configs and dense-BN-ReLU in the STL-10 (48) config.

``image_size=28`` (MNIST, Fashion-MNIST) is **ours**, not the authors': the 32x32 network with one
down-sampling stage fewer in D (64, 128, 128, 256, 256: 28 -> 14 -> 7) and G starting from
7 x 7 x 256 (deconvs 128, 64), C = 64 ** (1 / 8) as for the small images.
"""
from tfgan_suite.models import ArchitectureSpec, register, spectral_norm_keys

# image size -> (generator start size, start channels, first dense linear?, D conv stack, C)
_SMALL_D = [(64, 3, 1), (128, 4, 2), (128, 3, 1), (256, 4, 2), (256, 3, 1), (512, 4, 2),
            (512, 3, 1)]
CONFIGS = {
    28: (7, 256, True, _SMALL_D[:5], 64 ** (1 / 8)),
    32: (4, 512, True, _SMALL_D, 64 ** (1 / 8)),  # my_test_cifar.py
    48: (6, 512, False, _SMALL_D, 64 ** (1 / 8)),  # my_test_stl.py
    64: (4, 1024, True, _SMALL_D + [(1024, 4, 2), (1024, 3, 1)], 64 ** 0.1),  # celebA, lsun
}


def discriminator_channels(image_size):
    """The discriminator's conv channels at ``image_size``."""
    return [filters for filters, _, _ in CONFIGS[image_size][3]]


@register("rep_cnn")
def rep_cnn(latent_dim=128, image_size=32, channels=3, d_output_dim=16, spectral_norm="conv",
            sn_gain=None):
    """The authors' network at ``image_size`` 32, 48 or 64 (28: ours); ``sn_gain=None``: their C."""
    if image_size not in CONFIGS:
        raise ValueError(f"rep_cnn has no configuration for image_size {image_size}; valid: "
                         f"28 (ours, MNIST), 32 (CIFAR-10), 48 (STL-10), 64 (CelebA, LSUN)")
    start, start_channels, linear_first, d_convs, authors_gain = CONFIGS[image_size]
    first = ({} if linear_first else {"norm": "batch", "activation": "relu"})
    generator = [{"op": "dense", "units": start * start * start_channels, **first},
                 {"op": "reshape", "shape": [start, start, start_channels]}]
    filters = start_channels
    while filters > 64:
        filters //= 2
        generator.append({"op": "deconv", "filters": filters, "kernel": 4, "strides": 2,
                          "norm": "batch", "activation": "relu"})
    generator.append({"op": "conv", "filters": channels, "kernel": 3, "strides": 1,
                      "activation": "tanh"})
    sn = spectral_norm_keys(spectral_norm, authors_gain if sn_gain is None else sn_gain)
    discriminator = [{"op": "conv", "filters": f, "kernel": k, "strides": s, "activation": "lrelu",
                      "alpha": 0.1, **sn} for f, k, s in d_convs]
    discriminator += [{"op": "flatten"}, {"op": "dense", "units": d_output_dim, **sn}]
    return ArchitectureSpec(generator, discriminator, latent_dim,
                            (image_size, image_size, channels))
