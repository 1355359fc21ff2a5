"""The tfds path: a real prepared data_dir (offline), the papers' protocols, and offline failures."""
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf
import tensorflow_datasets as tfds

from tfgan_suite import data
from tfgan_suite.data import DatasetError, catalog

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "tfds"  # data/make_tfds_fixture.py


def test_prepared_data_dir_loads_offline(shared_data):
    x = data.load_array("mnist", data_dir=FIXTURE, download=False)
    assert x.shape == (64, 28, 28, 1) and x.dtype == np.uint8
    with np.load(shared_data / "mnist.npz") as archive:  # the fixture holds the first 64 / 32 real MNIST images
        np.testing.assert_array_equal(x, archive["x_train"][:64])
        np.testing.assert_array_equal(data.load_array("mnist", "test", data_dir=FIXTURE, download=False),
                                      archive["x_test"][:32])


def test_prepared_data_dir_pipeline_and_path_form():
    batches = list(data.load("mnist", data_dir=FIXTURE, batch_size=16, repeat=False, download=False))
    assert [tuple(b.shape) for b in batches] == [(16, 28, 28, 1)] * 4
    assert all(b.dtype == tf.float32 for b in batches)
    x = data.load_array("mnist", data_dir=FIXTURE, download=False)
    got = np.concatenate(batches)
    np.testing.assert_allclose(np.sort(got.reshape(64, -1).sum(1)),
                               np.sort((x / 127.5 - 1).reshape(64, -1).sum(1)), rtol=1e-5)
    # The prepared dataset directory itself (or its data_dir root) also works as a path.
    np.testing.assert_array_equal(data.load_array(FIXTURE / "mnist" / "3.0.1", "test"),
                                  data.load_array("mnist", "test", data_dir=FIXTURE, download=False))
    assert data.load_array(str(FIXTURE), num_examples=10).shape == (10, 28, 28, 1)


def test_missing_split_is_one_line():
    with pytest.raises(DatasetError, match="no split 'validation'.*available splits: test, train"):
        data.load("mnist", "validation", data_dir=FIXTURE, download=False)


@pytest.mark.parametrize("name, shape", [("stl10", (48, 48, 3)), ("celeb_a", (64, 64, 3)),
                                         ("lsun", (64, 64, 3)), ("cifar10", (32, 32, 3))])
def test_paper_datasets_through_mocked_tfds(name, shape, tmp_path, monkeypatch):
    monkeypatch.setattr(catalog, "unresolvable_host", lambda builder: None)  # mock_data fakes the download
    with tfds.testing.mock_data(num_examples=6, policy=tfds.testing.MockPolicy.USE_CODE):
        batch = next(iter(data.load(name, batch_size=4, data_dir=tmp_path))).numpy()
    assert batch.shape == (4,) + shape and batch.dtype == np.float32
    assert -1 <= batch.min() < batch.max() <= 1


def test_celeb_a_protocol_crops_the_central_108_window():
    image = np.zeros((218, 178, 3), np.uint8)
    image[55:163, 35:143] = 200  # the central 108x108 window: rows (218-108)//2.., cols (178-108)//2..
    out = catalog.celeb_a_64(tf.constant(image)).numpy()
    assert out.shape == (64, 64, 3) and out.dtype == np.uint8 and (out == 200).all()


def test_lsun_protocol_crops_a_central_square():
    image = np.full((100, 160, 3), 250, np.uint8)
    image[:, 30:130] = 50  # central 100x100 square
    out = catalog.lsun_64(tf.constant(image)).numpy()
    assert out.shape == (64, 64, 3) and (out == 50).all()


def test_stl10_protocol_averages_when_shrinking():
    image = np.zeros((96, 96, 3), np.uint8)
    image[::2] = 200  # alternating rows: an antialiased 2x shrink averages them to ~100
    out = catalog.stl10_48(tf.constant(image)).numpy()
    assert out.shape == (48, 48, 3)
    assert abs(out[4:-4, 4:-4].astype(float).mean() - 100) < 2


def test_not_prepared_and_download_disabled(tmp_path):
    with pytest.raises(DatasetError) as error:
        data.load("cifar10", data_dir=tmp_path, download=False)
    text = str(error.value)
    assert "\n" not in text and "not prepared" in text and str(tmp_path) in text
    assert "python -m tfgan_suite.data prepare cifar10" in text and ".npz" in text


def test_download_failure_becomes_one_line(tmp_path, monkeypatch):
    def offline(self, *args, **kwargs):
        raise ConnectionError("Max retries exceeded with url: /~kriz/cifar-10-binary.tar.gz")

    monkeypatch.setattr(tfds.core.DatasetBuilder, "download_and_prepare", offline)
    monkeypatch.setattr(catalog, "unresolvable_host", lambda builder: None)
    with pytest.raises(DatasetError) as error:
        data.load("cifar10", data_dir=tmp_path)
    text = str(error.value)
    assert "\n" not in text and "ConnectionError: Max retries" in text and "--data_dir=DIR" in text


def test_offline_is_detected_before_tfds_retries(tmp_path, monkeypatch):
    pytest.importorskip("importlib_resources", reason="tfds needs importlib_resources to list download URLs")
    import socket

    def no_dns(*args, **kwargs):
        raise socket.gaierror("Name or service not known")

    def must_not_run(self, *args, **kwargs):
        raise AssertionError("download_and_prepare called although offline")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    monkeypatch.setattr(tfds.core.DatasetBuilder, "download_and_prepare", must_not_run)
    with pytest.raises(DatasetError, match=r"no network: cannot resolve www\.cs\.toronto\.edu"):
        data.load("cifar10", data_dir=tmp_path)
