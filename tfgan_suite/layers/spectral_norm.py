"""Spectral normalization of a layer's weight (Miyato et al., 2018).

``spectral_normalize(layer, method, gain, power_iterations)`` wraps a Dense/Conv layer so its kernel
is divided by an estimate of its largest singular value (times ``gain``). Methods:

* ``matrix``: power iteration on the kernel reshaped to (fan_in, out) (Miyato et al.).
"""
import keras


def spectral_normalize(layer, method="matrix", gain=1.0, power_iterations=1):
    if method != "matrix" or gain != 1.0:
        raise ValueError(f"spectral norm method {method!r} with gain {gain} is not available yet; "
                         f"valid: matrix with gain 1")
    return keras.layers.SpectralNormalization(layer, power_iterations=power_iterations)
