"""A run whose workdir is a relative path resumes from its checkpoints (the default is runs/default)."""
from gan_testutil import tiny_image_gan

from tfgan_suite.training import checkpointing


def test_checkpoints_under_a_relative_directory_are_restored(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    gan = tiny_image_gan()
    saver = checkpointing.RunCheckpoints(gan, "run/checkpoints")
    saver.save(0)
    saver.save(7)
    resumed = checkpointing.RunCheckpoints(tiny_image_gan(seed=1), "run/checkpoints")
    assert resumed.restore_latest() == 7
    assert resumed.last_good == str(tmp_path / "run" / "checkpoints" / "ckpt-7")
