"""Test setup: quiet TensorFlow, two logical CPU devices (for MirroredStrategy tests), shared data.

Missing prerequisites skip a test locally and fail it under ``CI=true`` (see skip_policy.py).
"""
import hashlib
import os
import re
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

from skip_policy import pytest_make_collect_report, pytest_runtest_makereport  # noqa: E402,F401  (hooks)

SHARED_DATA_ENV = "TFGAN_SUITE_SHARED_DATA"
# what the tests read from shared/data (its README describes each file)
SHARED_FILES = ("mnist.npz", "fashion_mnist.npz", "cifar10.npz", "inception_2015-12-05_fid_torchscript.pt",
                "inception_2015-12-05_fid_torchscript.index.json")

_cpus = tf.config.list_physical_devices("CPU")
try:
    tf.config.set_logical_device_configuration(
        _cpus[0], [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()])
    _LOGICAL_DEVICE_ERROR = None
except RuntimeError as error:  # the runtime was already initialized by an earlier import
    _LOGICAL_DEVICE_ERROR = error


def listed_sha256(readme_text):
    """``{file name: sha256}`` from the table of shared/data's README (rows ``| `name` | ... | `hex` |``)."""
    return dict(re.findall(r"^\| `([^`]+)` \|.*\| `([0-9a-f]{64})` \|\s*$", readme_text, re.MULTILINE))


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_sha256(path, names):
    """Asserts that every file in ``names`` under ``path`` has the sha256 that ``path/README.md`` lists."""
    listed = listed_sha256((path / "README.md").read_text(encoding="utf-8"))
    unlisted = [name for name in names if name not in listed]
    assert not unlisted, f"{path / 'README.md'} lists no sha256 for {', '.join(unlisted)}"
    changed = [f"{name} (sha256 {actual}, README: {listed[name]})" for name in names
               for actual in (sha256_of(path / name),) if actual != listed[name]]
    assert not changed, f"shared data at {path} differs from its README: {'; '.join(changed)}"


@pytest.fixture(scope="session")
def shared_data():
    """``$TFGAN_SUITE_SHARED_DATA`` or ``<repo>/../shared/data``, holding every file in SHARED_FILES
    with the sha256 that its README lists (a changed or truncated file fails every test using it)."""
    path = Path(os.environ.get(SHARED_DATA_ENV) or Path(__file__).resolve().parents[1].parent / "shared" / "data")
    missing = [name for name in SHARED_FILES if not (path / name).is_file()]
    if missing:
        pytest.skip(f"real data not found at {path}: missing {', '.join(missing)} (set {SHARED_DATA_ENV})")
    check_sha256(path, SHARED_FILES)
    return path


@pytest.fixture(scope="session")
def mnist(shared_data):
    """The real MNIST of shared/data: ``{"x_train", "y_train", "x_test", "y_test"}`` (uint8 NHWC images,
    int64 labels), loaded once."""
    with np.load(shared_data / "mnist.npz") as archive:
        return {key: archive[key] for key in archive.files}


@pytest.fixture(scope="session")
def digits(mnist):
    """The first 256 MNIST test images (uint8, NHWC)."""
    return mnist["x_test"][:256]


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """An empty cache directory for converted Inception weights and statistics (``$TFGAN_SUITE_CACHE``)
    for one test module."""
    from tfgan_suite.metrics import inception  # pylint: disable=import-outside-toplevel

    path = tmp_path_factory.mktemp("tfgan_suite_cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(inception.CACHE_ENV, str(path))
        yield path


@pytest.fixture(scope="session")
def mirrored_strategy():
    """One two-replica MirroredStrategy over the logical CPUs for the whole session.

    Several MirroredStrategy instances in one process make CPU collective ops fail intermittently
    ("CollectiveReduceV2 ... error from a previous operation"), so tests share this one, which also
    reduces through one device instead of collectives.
    """
    devices = tf.config.list_logical_devices("CPU")
    if len(devices) < 2:
        pytest.skip(f"needs two logical CPU devices, found {len(devices)}; conftest could not split the "
                    f"CPU: {_LOGICAL_DEVICE_ERROR or 'no error'}")
    return tf.distribute.MirroredStrategy(
        [d.name for d in devices[:2]], cross_device_ops=tf.distribute.ReductionToOneDevice())


@pytest.fixture(autouse=True)
def no_op_determinism_leak():
    """Tests that call the CLIs in-process turn on TF's op determinism, which is process-wide and
    makes Keras silently compile later models without XLA: turn it off again after each test."""
    yield
    from tensorflow.python.framework import config as tf_config  # pylint: disable=import-outside-toplevel

    if tf_config.is_op_determinism_enabled():
        tf_config.disable_op_determinism()


@pytest.fixture(scope="session")
def benchmark_module():
    """``benchmark_module("adam_state")``: the script ``benchmarks/<name>.py`` loaded as a module
    (the benchmarks are scripts, not a package)."""
    import importlib.util  # pylint: disable=import-outside-toplevel

    def load(name):
        path = Path(__file__).resolve().parents[1] / "benchmarks" / f"{name}.py"
        spec = importlib.util.spec_from_file_location(f"benchmark_{name}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    return load


@pytest.fixture(scope="session")
def doc_text():
    """``doc_text("docs/metrics.md")``: a committed doc with its whitespace collapsed to single spaces,
    so that a test can look for a sentence however the doc wraps it."""
    def read(relative_path):
        return " ".join((Path(__file__).resolve().parents[1] / relative_path).read_text().split())

    return read
