"""TensorBoard: sample grids as image summaries beside the PNG files, the run's config in HParams."""
import glob
import os

import keras
import numpy as np
import pytest
import tensorflow as tf
from PIL import Image
from tensorboard.plugins.hparams import metadata as hparams_metadata

from gan_testutil import tiny_dataset, tiny_image_gan
from tfgan_suite.training import callbacks


def summaries(directory):
    """``[(step, tag, plugin name, value proto)]`` of every event file in ``directory``."""
    out = []
    for path in sorted(glob.glob(os.path.join(directory, "events.out.tfevents.*"))):
        for event in tf.compat.v1.train.summary_iterator(path):
            for value in event.summary.value:
                out.append((event.step, value.tag, value.metadata.plugin_data.plugin_name, value))
    return out


def test_sample_grid_writes_each_png_also_as_an_image_summary(tmp_path):
    gan = tiny_image_gan()
    grid = callbacks.SampleGrid(str(tmp_path / "samples"), every_n_steps=2, num_samples=16,
                                tensorboard_dir=str(tmp_path / "tb"))
    gan.fit(tiny_dataset(), epochs=1, steps_per_epoch=4, verbose=0, callbacks=[grid], shuffle=False)

    pngs = sorted(os.listdir(tmp_path / "samples"))
    assert pngs == ["samples_0000002.png", "samples_0000004.png", "samples_final.png"]
    images = [(step, value) for step, tag, plugin, value in summaries(str(tmp_path / "tb" / "samples"))
              if tag == "samples" and plugin == "images"]
    assert [step for step, _ in images] == [2, 4, 4]  # the final grid is logged at the last step
    # an image summary tensor is [width, height, encoded PNG]: the PNG decodes to the file's pixels
    for (step, value), name in zip(images, pngs):
        width, height, encoded = value.tensor.string_val
        logged = tf.io.decode_png(encoded).numpy()
        with Image.open(tmp_path / "samples" / name) as picture:
            on_disk = np.asarray(picture)
        assert (int(width), int(height)) == (on_disk.shape[1], on_disk.shape[0])
        np.testing.assert_array_equal(logged[..., 0], on_disk)


def test_sample_grid_without_tensorboard_dir_writes_no_events(tmp_path):
    gan = tiny_image_gan()
    grid = callbacks.SampleGrid(str(tmp_path / "samples"), every_n_steps=0, num_samples=4)
    gan.fit(tiny_dataset(), epochs=1, steps_per_epoch=1, verbose=0, callbacks=[grid], shuffle=False)
    assert os.listdir(tmp_path) == ["samples"]
    assert os.listdir(tmp_path / "samples") == ["samples_final.png"]


def test_hparam_values_flatten_a_config_into_dashboard_types():
    import dataclasses

    @dataclasses.dataclass
    class Config:
        loss: str = "wgan_gp"
        lr_d: float = 1e-4
        n_critic: int = 5
        jit_compile: bool = False
        penalty: str = None
        model_options: dict = dataclasses.field(default_factory=lambda: {"width": 64})
        layers: tuple = (1, 2)

    assert callbacks.hparam_values(Config()) == {
        "jit_compile": False, "layers": "[1, 2]", "loss": "wgan_gp", "lr_d": 1e-4,
        "model_options.width": 64, "n_critic": 5, "penalty": "none"}


@pytest.mark.parametrize("loss", ["nsgan", "lsgan"])
def test_hparams_session_holds_the_config_beside_keras_scalars(tmp_path, loss):
    gan = tiny_image_gan(loss=loss)
    log_dir = str(tmp_path / loss / "tensorboard")
    config = {"loss": loss, "lr_d": 2e-4, "n_critic": 1, "ema_decay": None}
    gan.fit(tiny_dataset(), epochs=2, steps_per_epoch=2, verbose=0, shuffle=False, callbacks=[
        callbacks.HParams(log_dir, config),
        keras.callbacks.TensorBoard(log_dir, write_graph=False)])

    sessions = [value for _, _, plugin, value in summaries(log_dir)
                if plugin == hparams_metadata.PLUGIN_NAME]
    assert len(sessions) == 1
    start = hparams_metadata.parse_session_start_info_plugin_data(
        sessions[0].metadata.plugin_data.content)
    assert start.hparams["loss"].string_value == loss
    assert start.hparams["lr_d"].number_value == pytest.approx(2e-4)
    assert start.hparams["n_critic"].number_value == 1
    assert start.hparams["ema_decay"].string_value == "none"
    # the dashboard's metrics are the scalars Keras writes under the session directory
    scalar_tags = {tag for _, tag, _, _ in summaries(os.path.join(log_dir, "train"))}
    assert {"epoch_d_loss", "epoch_g_loss"} <= scalar_tags


def test_a_run_logs_grids_and_its_settings_to_tensorboard(tmp_path):
    from tfgan_suite.training.experiment import TrainConfig, train

    workdir = tmp_path / "run"
    train(TrainConfig(loss="lsgan", steps=2, log_every=1, sample_every=1, batch_size=8,
                      model_options={"width": 8}, workdir=str(workdir), verbose=0))
    board = workdir / "tensorboard"
    images = [step for step, tag, plugin, _ in summaries(str(board / "samples"))
              if tag == "samples" and plugin == "images"]
    assert images == [1, 2, 2]
    sessions = [value for _, _, plugin, value in summaries(str(board))
                if plugin == hparams_metadata.PLUGIN_NAME]
    start = hparams_metadata.parse_session_start_info_plugin_data(
        sessions[0].metadata.plugin_data.content)
    assert start.hparams["loss"].string_value == "lsgan"
    assert start.hparams["model_options.width"].number_value == 8
    # the paper values the "default" flags resolved to (LSGAN: Adam 2e-4, one critic update)
    assert start.hparams["lr_d"].string_value == "default"
    assert start.hparams["settings.lr_d"].number_value == pytest.approx(2e-4)
    assert start.hparams["settings.n_critic"].number_value == 1
    assert "workdir" not in start.hparams
