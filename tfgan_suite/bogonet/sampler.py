"""BogoNet's architecture distribution: random G/D pairs over the layer factory's vocabulary.

Architecture ``i`` of a sweep is drawn from ``numpy.random.default_rng([seed, i])`` only, so the same
``seed`` always gives the same specs, and the first 12 of 150 architectures are the 12 of a 12-architecture
sweep (a sweep can be extended). Every choice below is independent and uniform unless a probability is
given. ``u`` is the number of 2x up-samplings of the generator: the largest count (at most 3) such that
the image side halves evenly and stays >= 4 (28 -> 7x7 start, u=2; 32 -> 4x4 start, u=3).

==========================  ===================================================================
choice                      distribution
==========================  ===================================================================
``latent_dim``              {32, 64, 128}
G family                    cnn (p=0.8) or mlp (p=0.2)
G cnn: width                {16, 32, 64} channels at the last stage; x2 per earlier stage, <= 256
G cnn: depth                {0, 1, 2} extra stride-1 ``conv`` layers after each up-sampling
G cnn: up-sampling          ``deconv`` (stride 2) or ``upsample`` + ``conv`` (stride 1)
G cnn: kernel               {3, 4, 5} for every G conv/deconv
G mlp: depth, width         {1, 2, 3} hidden ``dense`` layers of {128, 256, 512} units
G activation                {relu, lrelu, elu, swish, softplus, tanh} (all hidden layers)
G norm                      {none, batch, layer} (all hidden layers); output layer: ``tanh``, no norm
D family                    cnn (p=0.8) or mlp (p=0.2)
D cnn: stages               {2, 3} stride-2 ``conv`` layers (``same`` padding)
D cnn: depth                {0, 1} extra stride-1 ``conv`` layers after each strided one
D cnn: width                {16, 32, 64} channels in the first stage; x2 per stage, <= 256
D cnn: kernel               {3, 4, 5} for every D conv
D mlp: depth, width         {1, 2, 3} hidden ``dense`` layers of {128, 256, 512} units
D hidden dense head         with p=0.3 one ``dense`` layer of {64, 128, 256} units before the output
D activation                {lrelu (slope 0.2), relu, elu, swish, tanh} (all hidden layers)
D norm                      {none, batch, layer} (hidden layers; the first D layer never has one)
D spectral norm             {off, on} (p=0.5): every weighted D layer, output included
==========================  ===================================================================

``width_multiplier`` (default 1) scales every sampled width (G/D channels, MLP and head units; rounded,
at least 1) after sampling, so a CPU-sized sweep keeps the same random decisions at a fraction of the
cost.

The discriminator's output layer is ``dense`` with ``units`` = the objective's
``discriminator_output_dim`` (1 for most, 16 for the MMD objectives): :func:`discriminator_for`
sets it, so the same architecture serves every objective.
"""
import hashlib
import json

import numpy as np

SAMPLER_VERSION = 1

LATENT_DIMS = (32, 64, 128)
FAMILY_P_CNN = 0.8
G_WIDTHS = (16, 32, 64)
G_EXTRA_CONVS = (0, 1, 2)
G_UPSAMPLING = ("deconv", "upsample_conv")
KERNELS = (3, 4, 5)
MLP_DEPTHS = (1, 2, 3)
MLP_WIDTHS = (128, 256, 512)
G_ACTIVATIONS = ("relu", "lrelu", "elu", "swish", "softplus", "tanh")
NORMS = ("none", "batch", "layer")
D_STAGES = (2, 3)
D_EXTRA_CONVS = (0, 1)
D_WIDTHS = (16, 32, 64)
D_HEAD_P = 0.3
D_HEAD_UNITS = (64, 128, 256)
D_ACTIVATIONS = ("lrelu", "relu", "elu", "swish", "tanh")
SPECTRAL_NORM_P = 0.5
MAX_CHANNELS = 256


def upsamplings(image_side):
    """Number of 2x up-samplings ``u`` (<= 3) with ``image_side / 2**u`` an integer >= 4."""
    u, side = 0, int(image_side)
    while u < 3 and side % 2 == 0 and side // 2 >= 4:
        side //= 2
        u += 1
    return u


def _pick(rng, values):
    return values[int(rng.integers(len(values)))]


def _layer_options(activation, norm):
    out = {"activation": activation, "norm": norm}
    if activation == "lrelu":
        out["alpha"] = 0.2
    return out


def _sample_choices(rng):
    """All random decisions of one architecture, as a flat JSON-friendly dict."""
    c = {"latent_dim": _pick(rng, LATENT_DIMS)}
    c["g_family"] = "cnn" if rng.random() < FAMILY_P_CNN else "mlp"
    if c["g_family"] == "cnn":
        c["g_width"] = _pick(rng, G_WIDTHS)
        c["g_extra_convs"] = _pick(rng, G_EXTRA_CONVS)
        c["g_upsampling"] = _pick(rng, G_UPSAMPLING)
        c["g_kernel"] = _pick(rng, KERNELS)
    else:
        c["g_depth"] = _pick(rng, MLP_DEPTHS)
        c["g_units"] = _pick(rng, MLP_WIDTHS)
    c["g_activation"] = _pick(rng, G_ACTIVATIONS)
    c["g_norm"] = _pick(rng, NORMS)
    c["d_family"] = "cnn" if rng.random() < FAMILY_P_CNN else "mlp"
    if c["d_family"] == "cnn":
        c["d_stages"] = _pick(rng, D_STAGES)
        c["d_extra_convs"] = _pick(rng, D_EXTRA_CONVS)
        c["d_width"] = _pick(rng, D_WIDTHS)
        c["d_kernel"] = _pick(rng, KERNELS)
    else:
        c["d_depth"] = _pick(rng, MLP_DEPTHS)
        c["d_units"] = _pick(rng, MLP_WIDTHS)
    c["d_head_units"] = _pick(rng, D_HEAD_UNITS) if rng.random() < D_HEAD_P else 0
    c["d_activation"] = _pick(rng, D_ACTIVATIONS)
    c["d_norm"] = _pick(rng, NORMS)
    c["d_spectral_norm"] = bool(rng.random() < SPECTRAL_NORM_P)
    return c


def _scaled(choices, multiplier):
    """The choices with every width multiplied by ``multiplier`` (rounded, at least 1)."""
    out = dict(choices)
    for key in ("g_width", "g_units", "d_width", "d_units", "d_head_units"):
        if out.get(key):
            out[key] = max(1, int(round(out[key] * multiplier)))
    return out


def _generator(c, image_shape):
    height, width, channels = image_shape
    hidden = _layer_options(c["g_activation"], c["g_norm"])
    if c["g_family"] == "mlp":
        layers = [{"op": "dense", "units": c["g_units"], **hidden} for _ in range(c["g_depth"])]
        return layers + [{"op": "dense", "units": height * width * channels, "activation": "tanh"},
                         {"op": "reshape", "shape": [height, width, channels]}]
    u = upsamplings(height)
    base_h, base_w = height // 2 ** u, width // 2 ** u
    k = c["g_kernel"]
    stage_channels = [min(MAX_CHANNELS, c["g_width"] * 2 ** (u - 1 - i)) for i in range(u)]
    start = min(MAX_CHANNELS, stage_channels[0] * 2)
    layers = [{"op": "dense", "units": base_h * base_w * start, **hidden},
              {"op": "reshape", "shape": [base_h, base_w, start]}]
    for filters in stage_channels:
        if c["g_upsampling"] == "deconv":
            layers.append({"op": "deconv", "filters": filters, "kernel": k, "strides": 2, **hidden})
        else:
            layers += [{"op": "upsample", "size": 2},
                       {"op": "conv", "filters": filters, "kernel": k, "strides": 1, **hidden}]
        layers += [{"op": "conv", "filters": filters, "kernel": k, "strides": 1, **hidden}
                   for _ in range(c["g_extra_convs"])]
    layers.append({"op": "conv", "filters": channels, "kernel": k, "strides": 1,
                   "activation": "tanh"})
    return layers


def _discriminator(c):
    sn = c["d_spectral_norm"]
    hidden = {**_layer_options(c["d_activation"], c["d_norm"]), "spectral_norm": sn}
    first = {**hidden, "norm": "none"}
    layers = []
    if c["d_family"] == "mlp":
        layers.append({"op": "flatten"})
        for i in range(c["d_depth"]):
            layers.append({"op": "dense", "units": c["d_units"], **(first if i == 0 else hidden)})
    else:
        k = c["d_kernel"]
        for stage in range(c["d_stages"]):
            filters = min(MAX_CHANNELS, c["d_width"] * 2 ** stage)
            layers.append({"op": "conv", "filters": filters, "kernel": k, "strides": 2,
                           **(first if stage == 0 else hidden)})
            layers += [{"op": "conv", "filters": filters, "kernel": k, "strides": 1, **hidden}
                       for _ in range(c["d_extra_convs"])]
        layers.append({"op": "flatten"})
    if c["d_head_units"]:
        layers.append({"op": "dense", "units": c["d_head_units"], **hidden})
    layers.append({"op": "dense", "units": 1, "spectral_norm": sn})
    return layers


def arch_id(index):
    return f"arch{int(index):04d}"


def sample_spec(index, seed=0, image_shape=(28, 28, 1), width_multiplier=1.0):
    """Architecture ``index`` of the sweep seeded by ``seed``, as a JSON-serializable dict.

    Keys: ``arch_id``, ``index``, ``seed``, ``sampler_version``, ``image_shape``, ``latent_dim``,
    ``choices`` (every random decision), ``generator`` and ``discriminator`` (layer-factory specs; the
    discriminator ends in ``dense`` with 1 unit, see :func:`discriminator_for`) and ``digest`` (a
    short hash of the rest, to detect a changed sampler on resume).
    """
    image_shape = [int(d) for d in image_shape]
    if len(image_shape) != 3:
        raise ValueError(f"image_shape must be (height, width, channels), got {image_shape}")
    rng = np.random.default_rng([int(seed), int(index)])
    if not width_multiplier > 0:
        raise ValueError(f"width_multiplier must be positive, got {width_multiplier!r}")
    choices = _scaled(_sample_choices(rng), float(width_multiplier))
    spec = {"arch_id": arch_id(index), "index": int(index), "seed": int(seed),
            "sampler_version": SAMPLER_VERSION, "image_shape": image_shape,
            "width_multiplier": float(width_multiplier),
            "latent_dim": choices["latent_dim"], "choices": choices,
            "generator": _generator(choices, image_shape), "discriminator": _discriminator(choices)}
    spec["digest"] = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:16]
    return spec


def sample_specs(num_architectures, seed=0, image_shape=(28, 28, 1), width_multiplier=1.0):
    """Architectures ``0 .. num_architectures - 1`` (see :func:`sample_spec`)."""
    return [sample_spec(i, seed, image_shape, width_multiplier) for i in range(int(num_architectures))]


def discriminator_for(spec, output_dim=1):
    """The spec's discriminator layers with the output layer's ``units`` set to ``output_dim``."""
    layers = [dict(layer) for layer in spec["discriminator"]]
    layers[-1]["units"] = int(output_dim)
    return layers


def build(spec, output_dim=1):
    """Builds ``(generator, discriminator)`` Keras models of a sampled spec."""
    from tfgan_suite import layers  # deferred: sampling needs no Keras

    generator = layers.build(spec["generator"], (spec["latent_dim"],),
                             name=f"{spec['arch_id']}_generator")
    discriminator = layers.build(discriminator_for(spec, output_dim), tuple(spec["image_shape"]),
                                 name=f"{spec['arch_id']}_discriminator")
    return generator, discriminator


def describe(spec):
    """One short line: ``G cnn w32 +1conv deconv k4 relu/batch; D cnn 3x(+0) w16 k5 lrelu/none SN``
    (no ``|``, so it fits in a Markdown table cell)."""
    c = spec["choices"]
    if c["g_family"] == "cnn":
        g = (f"G cnn w{c['g_width']} +{c['g_extra_convs']}conv {c['g_upsampling']} "
             f"k{c['g_kernel']}")
    else:
        g = f"G mlp {c['g_depth']}x{c['g_units']}"
    if c["d_family"] == "cnn":
        d = f"D cnn {c['d_stages']}x(+{c['d_extra_convs']}) w{c['d_width']} k{c['d_kernel']}"
    else:
        d = f"D mlp {c['d_depth']}x{c['d_units']}"
    head = f" head{c['d_head_units']}" if c["d_head_units"] else ""
    sn = " SN" if c["d_spectral_norm"] else ""
    return (f"{g} {c['g_activation']}/{c['g_norm']} z{c['latent_dim']}; "
            f"{d}{head} {c['d_activation']}/{c['d_norm']}{sn}")
