"""Offline sources of tfgan_suite.data: the bundled subset, .npz files and image folders (real data)."""

import numpy as np
import pytest
from PIL import Image

from tfgan_suite import data


def to_float(x):
    return x.astype(np.float32) / 127.5 - 1.0


def test_default_is_bundled_real_mnist_subset():
    batch = next(iter(data.load(batch_size=32))).numpy()
    assert batch.shape == (32, 28, 28, 1) and batch.dtype == np.float32
    assert batch.min() == -1.0 and batch.max() == 1.0
    x = data.load_array()
    assert x.shape == (10000, 28, 28, 1) and x.dtype == np.uint8
    # MNIST statistics: mean ink of the first 10k training images, and a background corner.
    assert abs(x.mean() / 255 - 0.1311) < 5e-4 and x[:, 0, 0, 0].max() == 0
    assert "mnist_bundled" in data.names()


def test_bundled_subset_is_the_first_10k_mnist_training_images(shared_data):
    with np.load(shared_data / "mnist.npz") as archive:
        np.testing.assert_array_equal(data.load_array("mnist_bundled"), archive["x_train"][:10000])


@pytest.mark.parametrize("name, shape", [("mnist", (28, 28, 1)), ("fashion_mnist", (28, 28, 1)),
                                         ("cifar10", (32, 32, 3))])
def test_shared_npz_files_load_by_path(name, shape, shared_data):
    path = shared_data / f"{name}.npz"
    with np.load(path) as archive:
        first = archive["x_train"][:200]
        test_first = archive["x_test"][:50]
    np.testing.assert_array_equal(data.load_array(path, num_examples=200), first)
    np.testing.assert_array_equal(data.load_array(str(path), "test", num_examples=50), test_first)
    batches = list(data.load(path, batch_size=50, num_examples=200, shuffle=False, repeat=False))
    assert [b.shape for b in batches] == [(50,) + shape] * 4
    np.testing.assert_allclose(np.concatenate(batches), to_float(first), atol=1e-6)


def test_npz_with_images_key_and_no_channel_axis(tmp_path):
    images = np.arange(6 * 5 * 4, dtype=np.uint8).reshape(6, 5, 4) * 2
    np.savez(tmp_path / "plain.npz", images=images)
    x = data.load_array(tmp_path / "plain.npz")
    assert x.shape == (6, 5, 4, 1) and x.dtype == np.uint8
    np.testing.assert_array_equal(x[..., 0], images)
    batch = next(iter(data.load(tmp_path / "plain.npz", batch_size=6, shuffle=False))).numpy()
    np.testing.assert_allclose(batch[..., 0], to_float(images), atol=1e-6)


def test_folder_of_png_and_jpeg_recursive(tmp_path, shared_data):
    with np.load(shared_data / "cifar10.npz") as archive:
        images = archive["x_test"][:12]
    for i, image in enumerate(images):  # nested folders, sorted path order = i order
        sub = tmp_path / f"class{i // 5}"
        sub.mkdir(exist_ok=True)
        Image.fromarray(image).save(sub / f"{i:03d}.png")
    Image.fromarray(images[0]).save(tmp_path / "class9_q100.jpg", quality=100)
    x = data.load_array(tmp_path)
    assert x.shape == (13, 32, 32, 3) and x.dtype == np.uint8
    np.testing.assert_array_equal(x[:12], images)  # PNG is lossless
    assert np.abs(x[12].astype(int) - images[0]).mean() < 3  # JPEG q100, close to the original
    batch = next(iter(data.load(tmp_path, batch_size=4, shuffle=False, image_size=16))).numpy()
    assert batch.shape == (4, 16, 16, 3) and -1 <= batch.min() and batch.max() <= 1


def test_folder_of_grayscale_images_has_one_channel(tmp_path, shared_data):
    with np.load(shared_data / "mnist.npz") as archive:
        images = archive["x_test"][:5, :, :, 0]
    for i, image in enumerate(images):
        Image.fromarray(image, mode="L").save(tmp_path / f"{i}.png")
    x = data.load_array(tmp_path, num_examples=3)
    assert x.shape == (3, 28, 28, 1)
    np.testing.assert_array_equal(x[..., 0], images[:3])
