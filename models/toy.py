"""A small MLP pair for 2-D toy mixtures (ring8, grid25): the setting of the unrolled-GAN / VEEGAN
toy experiments, narrowed to run in minutes on a CPU.

Generator: z (latent_dim) -> ``depth`` x [dense ``hidden``, ReLU] -> dense 2 (linear: the points are
not bounded to [-1, 1]). Discriminator: 2 -> ``depth`` x [dense ``hidden``, ReLU] -> dense
``d_output_dim``.
"""
from tfgan_suite.models import ArchitectureSpec, register


@register("toy_mlp")
def toy_mlp(latent_dim=16, hidden=128, depth=3, dims=2, d_output_dim=1, spectral_norm=False):
    generator = [{"op": "dense", "units": hidden, "activation": "relu"} for _ in range(depth)]
    generator.append({"op": "dense", "units": dims})
    discriminator = [{"op": "dense", "units": hidden, "activation": "relu",
                      "spectral_norm": spectral_norm} for _ in range(depth)]
    discriminator.append({"op": "dense", "units": d_output_dim, "spectral_norm": spectral_norm})
    return ArchitectureSpec(generator, discriminator, latent_dim, (dims,))
