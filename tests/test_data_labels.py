"""``data.load(..., labels=True)``: (images, labels) batches from npz files, class folders and tfds,
and one clear error for sources without labels."""
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tfgan_suite import data
from tfgan_suite.data import DatasetError

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "tfds"  # the first 64 real MNIST images


def image_sums(images):
    return np.round((np.asarray(images) + 1.0) * 127.5).reshape(len(images), -1).sum(1)


def test_npz_batches_pair_each_image_with_its_label(shared_data):
    path = shared_data / "mnist.npz"
    batches = list(data.load(path, batch_size=50, num_examples=200, labels=True, repeat=False))
    assert len(batches) == 4
    images, labels = batches[0]
    assert images.shape == (50, 28, 28, 1) and labels.dtype.name == "int32" and labels.shape == (50,)
    with np.load(path) as archive:
        x, y = archive["x_train"][:200], archive["y_train"][:200]
    by_sum = {int(s): int(label) for s, label in zip(x.reshape(200, -1).sum(1), y)}
    assert len(by_sum) == 200  # each first-200 MNIST digit has a distinct ink sum
    for images, labels in batches:  # shuffled, yet every image keeps its own label
        assert [by_sum[int(s)] for s in image_sums(images)] == labels.numpy().tolist()


def test_bundled_and_test_split_labels(shared_data):
    images, labels = next(iter(data.load(batch_size=10, shuffle=False, labels=True)))
    assert labels.numpy().tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]  # the first MNIST labels
    _, labels = next(iter(data.load(shared_data / "mnist.npz", "test", batch_size=10,
                                    shuffle=False, labels=True)))
    assert labels.numpy().tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]


def test_class_folders_are_labelled_by_sorted_name(tmp_path, shared_data):
    with np.load(shared_data / "mnist.npz") as archive:
        x, y = archive["x_train"][:30], archive["y_train"][:30]
    names = {0: "zero", 1: "one", 4: "four"}  # sorted: four (0), one (1), zero (2)
    expected = {}
    for i, (image, label) in enumerate(zip(x, y)):
        if int(label) in names:
            folder = tmp_path / names[int(label)]
            folder.mkdir(exist_ok=True)
            Image.fromarray(image[..., 0]).save(folder / f"{i:03d}.png")
            expected[int(image.sum())] = sorted(names.values()).index(names[int(label)])
    images, labels = next(iter(data.load(tmp_path, batch_size=len(expected), labels=True)))
    assert [expected[int(s)] for s in image_sums(images)] == labels.numpy().tolist()
    assert set(labels.numpy().tolist()) == {0, 1, 2}


def test_prepared_tfds_labels_offline(shared_data):
    _, labels = next(iter(data.load("mnist", data_dir=FIXTURE, download=False, batch_size=64,
                                    shuffle=False, labels=True)))
    with np.load(shared_data / "mnist.npz") as archive:
        np.testing.assert_array_equal(labels.numpy(), archive["y_train"][:64])


def test_sources_without_labels_raise_one_line(tmp_path):
    np.savez(tmp_path / "images.npz", x_train=np.zeros((4, 8, 8, 1), np.uint8))
    with pytest.raises(DatasetError, match=r"has no labels for split 'train': expected key 'y_train'"):
        data.load(tmp_path / "images.npz", labels=True)
    with pytest.raises(DatasetError, match=r"dataset 'ring8' has no labels"):
        data.load("ring8", labels=True)
    flat = tmp_path / "flat"
    flat.mkdir()
    Image.fromarray(np.zeros((8, 8), np.uint8)).save(flat / "a.png")
    with pytest.raises(DatasetError, match=r"has no labels: a labelled folder holds one sub-folder"):
        data.load(flat, labels=True)
    np.savez(tmp_path / "bad.npz", x_train=np.zeros((4, 8, 8), np.uint8), y_train=np.zeros(3, np.int64))
    with pytest.raises(DatasetError, match=r"3 labels for 4 images"):
        data.load(tmp_path / "bad.npz", labels=True)
