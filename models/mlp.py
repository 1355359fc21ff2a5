"""The MLP generator/critic of the WGAN experiments (Arjovsky et al., 2017, "MLP with 4 layers and 512
units"; martinarjovsky/WassersteinGAN ``models/mlp.py``): three hidden layers of 512 ReLU units and a
linear output layer in both networks.

Deviation: our generator's output layer ends in tanh (the data are in [-1, 1]); the authors' is linear.
"""

from tfgan_suite.models import ArchitectureSpec, register, spectral_norm_keys


@register("wgan_mlp")
def wgan_mlp(latent_dim=100, image_size=28, channels=1, hidden=512, depth=3, d_output_dim=1,
             spectral_norm=False, sn_gain=1.0):
    pixels = image_size * image_size * channels
    generator = [{"op": "dense", "units": hidden, "activation": "relu"} for _ in range(depth)]
    generator += [{"op": "dense", "units": pixels, "activation": "tanh"},
                  {"op": "reshape", "shape": [image_size, image_size, channels]}]
    sn = spectral_norm_keys(spectral_norm, sn_gain)
    discriminator = [{"op": "flatten"}]
    discriminator += [{"op": "dense", "units": hidden, "activation": "relu", **sn}
                      for _ in range(depth)]
    discriminator.append({"op": "dense", "units": d_output_dim, **sn})
    return ArchitectureSpec(generator, discriminator, latent_dim,
                            (image_size, image_size, channels))
