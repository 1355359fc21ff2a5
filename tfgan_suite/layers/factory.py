"""The layer factory: architectures declared as data, built into Keras models.

A spec is a list of layer dictionaries, for example::

    [{"op": "dense", "units": 7 * 7 * 128, "norm": "batch", "activation": "relu"},
     {"op": "reshape", "shape": [7, 7, 128]},
     {"op": "deconv", "filters": 64, "kernel": 4, "strides": 2, "norm": "batch", "activation": "relu"},
     {"op": "deconv", "filters": 1, "kernel": 4, "strides": 2, "activation": "tanh"}]

or the equivalent compact string (layers separated by ``;`` or new lines, the op's main value first,
then ``key=value`` options; ``AxBxC`` is a shape, and its product where a number is expected)::

    dense:6272,norm=batch,act=relu; reshape:7x7x128;
    deconv:64,k=4,s=2,norm=batch,act=relu; deconv:1,k=4,s=2,act=tanh

Every layer is ``op -> [spectral norm] -> [normalization] -> [activation]``. A ``resblock`` is one
residual block (``tfgan_suite.layers.residual``), e.g. ``resblock:256,resample=up,norm=batch``;
ResNets stay a plain sequence of layers. Parsing never evaluates code. A bad spec raises one
``ValueError`` naming the layer index, the key and the accepted values.

Class-conditional models (``build(..., num_classes=N)``): ``norm=conditional_batch`` (per-class
scale/shift) and the ``conditional_dense`` output op (projection and/or an auxiliary classifier)
read the labels; the built model then takes ``[inputs, labels]`` (labels: int32, one per example).
"""
import math
import re

import keras

from tfgan_suite.errors import UserInputError

from tfgan_suite.layers import conditional
from tfgan_suite.layers import residual

ACTIVATIONS = ("linear", "relu", "lrelu", "elu", "selu", "tanh", "sigmoid", "softplus", "swish")
NORMS = ("none", "batch", "layer", "instance", "conditional_batch")
SPECTRAL_NORM = (False, True, "matrix", "conv")
PADDINGS = ("same", "valid")
# kernel initializers: Keras's default (Glorot uniform), or N(0, init_std^2) / its 2-std truncation
# (TF1's random_normal_initializer / truncated_normal_initializer, as DCGAN-era reference code used)
INITIALIZERS = ("default", "normal", "truncated_normal")

_COMMON = {
    "activation": ("linear", "one of " + ", ".join(ACTIVATIONS)),
    "alpha": (0.2, "a float (leaky ReLU slope)"),
    "norm": ("none", "one of " + ", ".join(NORMS)),
    "spectral_norm": (False, "one of false, true, matrix, conv"),
    "sn_gain": (1.0, "a positive float"),
    "sn_iterations": (1, "a positive int"),
    "use_bias": ("auto", "true, false or auto (no bias when a normalization follows)"),
    "init": ("default", "one of " + ", ".join(INITIALIZERS)),
    "init_std": (0.02, "a positive float (standard deviation of init=normal|truncated_normal)"),
    "bn_momentum": (0.9, "a float in [0, 1) (the moving averages' decay of norm=batch)"),
    "bn_epsilon": (1e-5, "a positive float (norm=batch)"),
}
_WEIGHTED = ("activation", "alpha", "norm", "spectral_norm", "sn_gain", "sn_iterations", "use_bias",
             "init", "init_std", "bn_momentum", "bn_epsilon")
# op -> {key: (default or REQUIRED, description)}; the first key is the compact form's positional value.
REQUIRED = object()
OPS = {
    "dense": {"units": (REQUIRED, "a positive int"), **{k: _COMMON[k] for k in _WEIGHTED}},
    "conv": {"filters": (REQUIRED, "a positive int"), "kernel": (3, "a positive int"),
             "strides": (1, "a positive int"), "padding": ("same", "same or valid"),
             **{k: _COMMON[k] for k in _WEIGHTED}},
    "deconv": {"filters": (REQUIRED, "a positive int"), "kernel": (4, "a positive int"),
               "strides": (2, "a positive int"), "padding": ("same", "same or valid"),
               **{k: _COMMON[k] for k in _WEIGHTED}},
    "reshape": {"shape": (REQUIRED, "a list of positive ints")},
    "flatten": {},
    "upsample": {"size": (2, "a positive int")},
    "avgpool": {"size": (2, "a positive int")},
    "global_sum_pool": {},
    "global_avg_pool": {},
    "resblock": {"filters": (REQUIRED, "a positive int"),
                 "resample": ("none", "one of " + ", ".join(residual.RESAMPLE)),
                 "kernel": (3, "a positive int"),
                 "hidden": ("auto", "one of " + ", ".join(residual.HIDDEN)),
                 "optimized": (False, "true or false (SNGAN's first discriminator block)"),
                 "norm": _COMMON["norm"], "activation": ("relu", _COMMON["activation"][1]),
                 **{k: _COMMON[k] for k in ("alpha", "spectral_norm", "sn_gain", "sn_iterations")},
                 "use_bias": (True, "true or false")},
    "conditional_dense": {"units": (REQUIRED, "a positive int"),
                          "projection": (True, "true or false (Miyato & Koyama's projection)"),
                          "auxiliary": (False, "true or false (AC-GAN class logits)"),
                          **{k: _COMMON[k] for k in ("spectral_norm", "sn_gain", "sn_iterations")},
                          "use_bias": (True, "true or false")},
    "dropout": {"rate": (REQUIRED, "a float in [0, 1)")},
    "activation": {"activation": (REQUIRED, _COMMON["activation"][1]), "alpha": _COMMON["alpha"],
},
    "norm": {"norm": (REQUIRED, _COMMON["norm"][1])},
    # x -> scale * x + offset, e.g. an image in [-1, 1] to [0, 1] (scale 0.5, offset 0.5)
    "rescale": {"scale": (REQUIRED, "a finite float"), "offset": (0.0, "a finite float")},
    # z ~ N(0, 1) per element -> erf(z / sqrt(2)) ~ U[-1, 1]: a uniform latent prior from the
    # Gaussian draws every GAN here makes (layers.latent)
    "normal_to_uniform": {},
}
_ALIASES = {"k": "kernel", "s": "strides", "act": "activation", "sn": "spectral_norm", "bn": "norm",
            "pad": "padding"}


def _fail(index, op, key, value, accepted):
    raise UserInputError(f"layer {index} ({op!r}): key {key!r} has bad value {value!r}; "
                     f"accepted: {accepted}")


def _check_value(index, op, key, value, description):
    def positive_int(v):
        return isinstance(v, int) and not isinstance(v, bool) and v > 0

    ok = {
        "units": positive_int, "filters": positive_int, "kernel": positive_int,
        "strides": positive_int, "size": positive_int, "sn_iterations": positive_int,
        "padding": lambda v: v in PADDINGS,
        "resample": lambda v: v in residual.RESAMPLE,
        "hidden": lambda v: v in residual.HIDDEN,
        "optimized": lambda v: isinstance(v, bool),
        "projection": lambda v: isinstance(v, bool),
        "auxiliary": lambda v: isinstance(v, bool),
        "activation": lambda v: v in ACTIVATIONS,
        "norm": lambda v: v in NORMS,
        "spectral_norm": lambda v: any(v is s or v == s for s in SPECTRAL_NORM) and not (
            isinstance(v, int) and not isinstance(v, bool)),
        "use_bias": lambda v: isinstance(v, bool) or v == "auto",
        "alpha": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v),
        "sn_gain": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and 0 < v < math.inf,
        "init": lambda v: v in INITIALIZERS,
        "init_std": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and 0 < v < math.inf,
        "bn_momentum": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v < 1,
        "bn_epsilon": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and 0 < v < math.inf,
        "scale": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v),
        "offset": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v),
        "rate": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v < 1,
        "shape": lambda v: isinstance(v, (list, tuple)) and len(v) > 0 and all(
            positive_int(d) for d in v),
    }[key]
    if not ok(value):
        _fail(index, op, key, value, description)


def validate(spec, num_classes=None):
    """Checks a spec and returns it as a list of complete layer dicts (defaults filled in).

    ``num_classes``: the label-aware options (``conditional_batch``, ``conditional_dense``) are
    accepted only when it is given.
    """
    if isinstance(spec, str):
        spec = parse(spec)
    if not isinstance(spec, (list, tuple)) or not spec:
        raise UserInputError(f"an architecture spec must be a non-empty list of layer dicts or a string, "
                         f"got {type(spec).__name__}")
    layers = []
    for index, layer in enumerate(spec):
        if not isinstance(layer, dict):
            raise UserInputError(f"layer {index}: expected a dict, got {type(layer).__name__} {layer!r}")
        op = layer.get("op")
        if op not in OPS:
            _fail(index, op, "op", op, "one of " + ", ".join(OPS))
        schema = OPS[op]
        unknown = sorted(set(layer) - set(schema) - {"op"})
        if unknown:
            raise UserInputError(f"layer {index} ({op!r}): unknown key {unknown[0]!r}; "
                             f"accepted keys: op, {', '.join(schema)}")
        complete = {"op": op}
        for key, (default, description) in schema.items():
            if key not in layer:
                if default is REQUIRED:
                    raise UserInputError(f"layer {index} ({op!r}): missing key {key!r} "
                                     f"({description})")
                complete[key] = default
                continue
            _check_value(index, op, key, layer[key], description)
            complete[key] = layer[key]
        if num_classes is None and _takes_labels(complete):
            key = "op" if op == "conditional_dense" else "norm"
            raise UserInputError(f"layer {index} ({op!r}): key {key!r} has bad value "
                                 f"{complete[key]!r}; it reads class labels, so the model needs "
                                 f"num_classes")
        layers.append(complete)
    return layers


def _parse_scalar(text):
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if "x" in lowered and all(part.isdigit() for part in lowered.split("x")):
        return [int(part) for part in lowered.split("x")]
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def parse(text):
    """Parses the compact string form into a list of layer dicts (no evaluation of code)."""
    layers = []
    for index, chunk in enumerate(c.strip() for c in text.replace("\n", ";").split(";")):
        if not chunk:
            continue
        op, _, rest = chunk.partition(":")
        op = op.strip()
        if op not in OPS:
            _fail(len(layers), op, "op", op, "one of " + ", ".join(OPS))
        layer = {"op": op}
        main_key = next(iter(OPS[op]), None) if op in OPS else None
        for position, item in enumerate(a.strip() for a in rest.split(",") if a.strip()):
            key, eq, value = item.partition("=")
            if not eq:
                if position != 0 or main_key is None:
                    raise UserInputError(f"layer {len(layers)} ({op!r}): positional value {item!r} is "
                                     f"only allowed first; write key=value")
                key, value = main_key, item
            key = _ALIASES.get(key.strip(), key.strip())
            parsed = _parse_scalar(value.strip())
            if key in ("units", "filters") and isinstance(parsed, list):
                parsed = math.prod(parsed)
            layer[key] = parsed
        layers.append(layer)
    return layers


@keras.saving.register_keras_serializable(package="tfgan_suite")
class GlobalSumPooling2D(keras.layers.Layer):
    """Sums NHWC features over height and width: ``(N, H, W, C) -> (N, C)``.

    A registered layer (not a ``Lambda``) so saved models load with ``safe_mode=True``.
    """

    def call(self, inputs):
        return keras.ops.sum(inputs, axis=(1, 2))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[-1])


@keras.saving.register_keras_serializable(package="tfgan_suite")
class NormalToUniform(keras.layers.Layer):
    """``z -> erf(z / sqrt(2))`` element-wise: maps N(0, 1) draws to U[-1, 1] exactly.

    ``2 Phi(z) - 1 = erf(z / sqrt(2))`` and ``Phi(z) ~ U[0, 1]`` for ``z ~ N(0, 1)`` (the probability
    integral transform), so a generator whose first layer is this one sees a uniform latent prior
    while every draw of the training step stays the project's stateless Gaussian one (seeded,
    resumable, the same under any number of replicas). Not trainable.
    """

    def call(self, inputs):
        return keras.ops.erf(inputs * (1.0 / math.sqrt(2.0)))

    def compute_output_shape(self, input_shape):
        return input_shape


def _takes_labels(layer):
    return layer["op"] == "conditional_dense" or layer.get("norm") == "conditional_batch"


def _keep_float32(keras_layer):
    """Makes ``keras_layer`` (and a wrapped inner layer) compute in float32 under mixed precision."""
    for target in (keras_layer, getattr(keras_layer, "layer", None)):
        if target is not None:
            target.dtype_policy = "float32"


def kernel_initializer(layer):
    """The Keras initializer of a weighted layer's kernel (``init``, ``init_std``)."""
    if layer.get("init", "default") == "default":
        return "glorot_uniform"
    if layer["init"] == "normal":
        return keras.initializers.RandomNormal(stddev=layer["init_std"])
    return keras.initializers.TruncatedNormal(stddev=layer["init_std"])


def _core_layer(layer, num_classes=None):
    op = layer["op"]
    if "use_bias" in layer and layer["use_bias"] == "auto":
        # a normalization's own shift makes the bias redundant (its gradient is exactly zero)
        layer = {**layer, "use_bias": layer["norm"] == "none"}
    if op == "dense":
        return keras.layers.Dense(layer["units"], use_bias=layer["use_bias"],
                                  kernel_initializer=kernel_initializer(layer))
    if op == "conv":
        return keras.layers.Conv2D(layer["filters"], layer["kernel"], layer["strides"],
                                   padding=layer["padding"], use_bias=layer["use_bias"],
                                   kernel_initializer=kernel_initializer(layer))
    if op == "deconv":
        return keras.layers.Conv2DTranspose(layer["filters"], layer["kernel"], layer["strides"],
                                            padding=layer["padding"], use_bias=layer["use_bias"],
                                            kernel_initializer=kernel_initializer(layer))
    if op == "rescale":
        return keras.layers.Rescaling(layer["scale"], layer["offset"])
    if op == "normal_to_uniform":
        return NormalToUniform()
    if op == "reshape":
        return keras.layers.Reshape(tuple(layer["shape"]))
    if op == "flatten":
        return keras.layers.Flatten()
    if op == "upsample":
        return keras.layers.UpSampling2D(layer["size"])
    if op == "avgpool":
        return keras.layers.AveragePooling2D(layer["size"])
    if op == "global_sum_pool":
        return GlobalSumPooling2D()
    if op == "global_avg_pool":
        return keras.layers.GlobalAveragePooling2D()
    if op == "resblock":
        options = {k: v for k, v in layer.items() if k != "op"}
        return residual.ResidualBlock(num_classes=num_classes, **options)
    if op == "conditional_dense":
        options = {k: v for k, v in layer.items() if k != "op"}
        return conditional.ConditionalHead(num_classes=num_classes, **options)
    if op == "dropout":
        return keras.layers.Dropout(layer["rate"])
    if op == "activation":
        return conditional.activation_layer(layer["activation"], layer["alpha"])
    if op == "norm":
        return conditional.normalization_layer(layer["norm"], num_classes)
    raise AssertionError(op)  # validate() has already rejected unknown ops


def layers_for(layer, num_classes=None):
    """The Keras layers one (validated) layer dict expands to, in order."""
    core = _core_layer(layer, num_classes)
    out = [core] if core is not None else []
    if layer["op"] in ("dense", "conv", "deconv"):
        out = [conditional.maybe_spectral_norm(core, layer["spectral_norm"], layer["sn_gain"],
                                               layer["sn_iterations"])]
        norm = conditional.normalization_layer(layer["norm"], num_classes,
                                               layer["bn_momentum"], layer["bn_epsilon"])
        act = conditional.activation_layer(layer["activation"], layer["alpha"])
        out += [x for x in (norm, act) if x is not None]
    return out


def _shape_error(index, layer, shape, error):
    """One line naming the spec layer whose input shape does not fit."""
    plain = re.sub(r"\x1b\[[0-9;]*m", "", str(error))  # Keras colours its messages
    reason = next((line for line in plain.splitlines()
                   if line.strip() and "Exception encountered" not in line), "")
    return UserInputError(f"layer {index} ({layer['op']!r}) does not fit its input "
                          f"shape {shape}: {reason.strip()}")


def build(spec, input_shape, name=None, num_classes=None):
    """Builds a spec (list of dicts or compact string) into a Keras model.

    Args:
      spec: the architecture (see module docstring).
      input_shape: shape of one example, without the batch dimension.
      name: the model's name.
      num_classes: None: a ``keras.Sequential`` model of the inputs. An int: a functional model of
        ``[inputs, labels]`` (labels int32 of shape ``(batch,)``) whose label-aware layers read
        the labels.

    Raises:
      UserInputError (a ValueError): naming the bad layer index, key and accepted values.
    """
    layers = validate(spec, num_classes)
    if num_classes is not None:
        if not isinstance(num_classes, int) or isinstance(num_classes, bool) or num_classes < 2:
            raise UserInputError(f"num_classes must be an int >= 2, got {num_classes!r}")
        if not any(_takes_labels(layer) for layer in layers):
            raise UserInputError("num_classes is set but no layer reads the labels (use "
                                 "norm=conditional_batch or a conditional_dense output layer)")
    inputs = keras.Input(shape=tuple(input_shape))
    labels = keras.Input(shape=(), dtype="int32", name="labels") if num_classes else None
    model = keras.Sequential(name=name) if labels is None else None
    if model is not None:
        model.add(inputs)
    h = inputs
    # mixed precision: the last spec layer (the generator's tanh output, the discriminator's final
    # dense) computes in float32
    mixed = keras.config.dtype_policy().compute_dtype != "float32"
    for index, layer in enumerate(layers):
        for keras_layer in layers_for(layer, num_classes):
            if mixed and index == len(layers) - 1:
                _keep_float32(keras_layer)
            shape = tuple(h.shape)
            try:
                if model is not None:
                    model.add(keras_layer)
                    h = model.outputs[0]
                else:
                    h = keras_layer([h, labels] if getattr(keras_layer, "takes_labels", False)
                                    else h)
            except ValueError as error:  # shape mismatches: say which layer of the spec
                raise _shape_error(index, layer, shape, error) from None
    if model is not None:
        return model
    return keras.Model([inputs, labels], h, name=name)


def takes_labels(model):
    """Whether a built model is class-conditional (called on ``[inputs, labels]``)."""
    return len(getattr(model, "inputs", None) or ()) == 2
