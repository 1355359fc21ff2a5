"""The 4-layer MLP generator/critic of the WGAN experiments (Arjovsky et al., 2017): 4 hidden layers
of 512 ReLU units in both networks."""

from tfgan_suite.models import ArchitectureSpec, register


@register("wgan_mlp")
def wgan_mlp(latent_dim=100, image_size=28, channels=1, hidden=512, depth=4, d_output_dim=1,
             spectral_norm=False):
    pixels = image_size * image_size * channels
    generator = [{"op": "dense", "units": hidden, "activation": "relu"} for _ in range(depth)]
    generator += [{"op": "dense", "units": pixels, "activation": "tanh"},
                  {"op": "reshape", "shape": [image_size, image_size, channels]}]
    discriminator = [{"op": "flatten"}]
    discriminator += [{"op": "dense", "units": hidden, "activation": "relu",
                       "spectral_norm": spectral_norm} for _ in range(depth)]
    discriminator.append({"op": "dense", "units": d_output_dim, "spectral_norm": spectral_norm})
    return ArchitectureSpec(generator, discriminator, latent_dim,
                            (image_size, image_size, channels))
