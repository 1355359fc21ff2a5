"""A checkpoint that does not fit the model built now is named in one line, not called corrupt."""
import os
import types

import keras
import numpy as np
import pytest

from tfgan_suite.errors import UserInputError
from tfgan_suite.training import checkpoint_mismatch, checkpointing


def _model(g_units=128, extra_d_layer=False, optimizers_built=True):
    generator = keras.Sequential([keras.Input((64,)), keras.layers.Dense(g_units, name="dense")], name="generator")
    d_layers = [keras.Input((g_units,)), keras.layers.Dense(1, name="logit")]
    if extra_d_layer:
        d_layers.insert(1, keras.layers.Dense(8, name="hidden"))
    discriminator = keras.Sequential(d_layers, name="discriminator")
    model = types.SimpleNamespace(generator=generator, discriminator=discriminator,
                                  d_optimizer=keras.optimizers.Adam(), g_optimizer=keras.optimizers.Adam())
    model.checkpoint_objects = lambda: {name: getattr(model, name) for name in (
        "generator", "discriminator", "d_optimizer", "g_optimizer")}
    if optimizers_built:
        model.d_optimizer.build(discriminator.trainable_variables)
        model.g_optimizer.build(generator.trainable_variables)
    return model


def _files(directory):
    return {name: os.path.getsize(os.path.join(directory, name)) for name in sorted(os.listdir(directory))}


@pytest.fixture
def saved(tmp_path):
    directory = str(tmp_path / "checkpoints")
    writer = checkpointing.RunCheckpoints(_model(), directory)
    writer.save(5)
    writer.save(10)
    return directory


def test_reshaped_variable_is_named_with_both_shapes(saved):
    before = _files(saved)
    with pytest.raises(UserInputError) as info:
        checkpointing.RunCheckpoints(_model(g_units=256, optimizers_built=False), saved).restore_latest()
    message = str(info.value)
    assert message.startswith(f"checkpoint {os.path.join(saved, 'ckpt-10')} does not match the model: "
                              "variable 'discriminator/logit/kernel' has shape (128, 1) in the checkpoint, "
                              "(256, 1) in the model (and 2 more differences); resume with the flags")
    found = checkpoint_mismatch.differences(os.path.join(saved, "ckpt-10"), _checkpoint(_model(g_units=256)))
    assert "variable 'generator/dense/kernel' has shape (64, 128) in the checkpoint, (64, 256) in the model" in found
    assert "variable 'generator/dense/bias' has shape (128,) in the checkpoint, (256,) in the model" in found
    assert "corrupt" not in message and "\n" not in message and message.endswith("choose a new --workdir")
    assert _files(saved) == before  # nothing rewritten or removed


def test_added_layer_is_named(saved):
    found = checkpoint_mismatch.differences(os.path.join(saved, "ckpt-10"), _checkpoint(_model(extra_d_layer=True)))
    # layers are tracked by position: the new layer sits where the old logit layer was
    assert found[:3] == [
        "variable 'discriminator/hidden/kernel' has shape (128, 1) in the checkpoint, (128, 8) in the model",
        "variable 'discriminator/hidden/bias' has shape (1,) in the checkpoint, (8,) in the model",
        "'discriminator/logit' is in the model but not in the checkpoint"]
    assert all(text.startswith("variable 'd_optimizer/") for text in found[3:])  # its slots come last


def test_matching_model_restores_and_has_no_differences(saved):
    model = _model(optimizers_built=False)  # slots are created later: not a mismatch
    assert checkpoint_mismatch.describe(os.path.join(saved, "ckpt-10"), _checkpoint(model)) is None
    assert checkpointing.RunCheckpoints(model, saved).restore_latest() == 10
    np.testing.assert_array_equal(model.generator.get_weights()[1], np.zeros(128, np.float32))


def _checkpoint(model):
    import tensorflow as tf

    return tf.train.Checkpoint(**checkpointing.checkpoint_objects(model))
