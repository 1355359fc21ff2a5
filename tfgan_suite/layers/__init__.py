"""Architectures as data: ``build(spec, input_shape)`` turns a layer-dict list or string into Keras."""
from tfgan_suite.layers.factory import (ACTIVATIONS, NORMS, OPS, build, parse, takes_labels,
                                        validate)
