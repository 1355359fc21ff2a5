"""The shape of every tensor the Inception converter reads, derived from the network's graph.

The weights reader (:mod:`tfgan_suite.metrics.torch_archive`) takes a view only when its shape is the
one the network needs: a crafted file cannot make it allocate or read more than that.
"""
from tfgan_suite.metrics.inception import NUM_FEATURES, NUM_LOGITS, _pytorch_fid_names, conv_specs


def conv_input_channels():
    """``{conv name: input channels}``, following the graph that :func:`~tfgan_suite.metrics.inception.inception_model` builds."""
    filters = {name: f for name, f, *_ in conv_specs()}
    inputs = {}

    def chain(names, channels):  # convs applied one after the other; returns the output channels
        for name in names:
            inputs[name] = channels
            channels = filters[name]
        return channels

    x = chain(["conv", "conv_1", "conv_2", "conv_3", "conv_4"], 3)
    for p in ("mixed", "mixed_1", "mixed_2"):
        x = (chain([f"{p}.conv"], x) + chain([f"{p}.tower.conv", f"{p}.tower.conv_1"], x)
             + chain([f"{p}.tower_1.conv", f"{p}.tower_1.conv_1", f"{p}.tower_1.conv_2"], x)
             + chain([f"{p}.tower_2.conv"], x))
    p = "mixed_3"
    x = chain([f"{p}.conv"], x) + chain([f"{p}.tower.{c}" for c in ("conv", "conv_1", "conv_2")], x) + x
    for p in ("mixed_4", "mixed_5", "mixed_6", "mixed_7"):
        x = (chain([f"{p}.conv"], x) + chain([f"{p}.tower.{c}" for c in ("conv", "conv_1", "conv_2")], x)
             + chain([f"{p}.tower_1.{c}" for c in ("conv", "conv_1", "conv_2", "conv_3", "conv_4")], x)
             + chain([f"{p}.tower_2.conv"], x))
    p = "mixed_8"
    x = (chain([f"{p}.tower.conv", f"{p}.tower.conv_1"], x)
         + chain([f"{p}.tower_1.{c}" for c in ("conv", "conv_1", "conv_2", "conv_3")], x) + x)
    for p in ("mixed_9", "mixed_10"):
        a = chain([f"{p}.tower_conv"], x)
        b = chain([f"{p}.tower_1_conv", f"{p}.tower_1_conv_1"], x)
        x = (chain([f"{p}.conv"], x) + chain([f"{p}.tower_mixed_conv"], a) + chain([f"{p}.tower_mixed_conv_1"], a)
             + chain([f"{p}.tower_1_mixed_conv"], b) + chain([f"{p}.tower_1_mixed_conv_1"], b)
             + chain([f"{p}.tower_2_conv"], x))
    assert x == NUM_FEATURES, x
    return inputs


def source_tensor_shapes():
    """The shape of every tensor the converter reads, under TorchScript and pytorch-fid names."""
    inputs, fid_names, shapes = conv_input_channels(), _pytorch_fid_names(), {}
    for name, filters, (kh, kw), *_ in conv_specs():
        weight = (filters, inputs[name], kh, kw)
        shapes[f"net.layers.{name}.weight"] = weight
        shapes[f"{fid_names[name]}.conv.weight"] = weight
        for part in ("beta", "mean", "var"):
            shapes[f"net.layers.{name}.{part}"] = (filters,)
        for part in ("weight", "bias", "running_mean", "running_var"):
            shapes[f"{fid_names[name]}.bn.{part}"] = (filters,)
    shapes["fc.weight"], shapes["fc.bias"] = (NUM_LOGITS, NUM_FEATURES), (NUM_LOGITS,)
    return shapes


def expected_shape_of(shapes):
    """``name -> shape or None`` for :func:`torch_archive.read_tensors`; a name may carry a module
    prefix (``model.Conv2d_1a_3x3.conv.weight``), other tensors (``num_batches_tracked``) are skipped."""
    def lookup(name):
        parts = str(name).split(".")
        return next((shapes[".".join(parts[i:])] for i in range(len(parts)) if ".".join(parts[i:]) in shapes),
                    None)
    return lookup


# name -> shape or None, for every tensor of the TorchScript or pytorch-fid weights
expected_shape = expected_shape_of(source_tensor_shapes())
