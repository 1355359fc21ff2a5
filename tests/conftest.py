"""Test setup: quiet TensorFlow, two logical CPU devices (for MirroredStrategy tests), shared data."""
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

_cpus = tf.config.list_physical_devices("CPU")
try:
    tf.config.set_logical_device_configuration(
        _cpus[0], [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()])
except RuntimeError:  # the runtime was already initialized by an earlier import
    pass


def shared_data_dir():
    """``../shared/data`` beside the repository (CI and developers have it), or the env override."""
    override = os.environ.get("TFGAN_SUITE_SHARED_DATA")
    return Path(override) if override else Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data():
    path = shared_data_dir()
    if not (path / "mnist.npz").exists():
        pytest.skip(f"real data not found at {path} (set TFGAN_SUITE_SHARED_DATA)")
    return path
