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


@pytest.fixture(scope="session")
def mirrored_strategy():
    """One two-replica MirroredStrategy over the logical CPUs for the whole session.

    Several MirroredStrategy instances in one process make CPU collective ops fail intermittently
    ("CollectiveReduceV2 ... error from a previous operation"), so tests share this one, which also
    reduces through one device instead of collectives.
    """
    devices = tf.config.list_logical_devices("CPU")
    if len(devices) < 2:
        pytest.skip("needs two logical CPU devices (configured in conftest before TF starts)")
    return tf.distribute.MirroredStrategy(
        [d.name for d in devices[:2]], cross_device_ops=tf.distribute.ReductionToOneDevice())
