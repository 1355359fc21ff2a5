"""Bad input: one clear line (DatasetError, a ValueError), non-zero exit in the CLI."""
import numpy as np
import pytest
from PIL import Image

from tfgan_suite import data
from tfgan_suite.data import DatasetError
from tfgan_suite.data.__main__ import main as cli


def one_line(error):
    text = str(error.value)
    assert "\n" not in text and isinstance(error.value, ValueError)
    return text


def test_unknown_name_lists_valid_names():
    with pytest.raises(DatasetError) as error:
        data.load("cifar100")
    text = one_line(error)
    assert "'cifar100'" in text
    for name in ("mnist", "fashion_mnist", "cifar10", "stl10", "celeb_a", "lsun", "mnist_bundled"):
        assert name in text


def test_missing_path(tmp_path):
    with pytest.raises(DatasetError) as error:
        data.load(str(tmp_path / "nope.npz"))
    assert "nope.npz" in one_line(error) and "does not exist" in one_line(error)
    with pytest.raises(DatasetError, match="does not exist"):
        data.load(str(tmp_path / "no" / "folder"))


def test_npz_without_known_key_lists_keys(tmp_path):
    np.savez(tmp_path / "bad.npz", pixels=np.zeros((2, 4, 4), np.uint8), targets=np.zeros(2))
    with pytest.raises(DatasetError) as error:
        data.load_array(tmp_path / "bad.npz")
    text = one_line(error)
    assert "'x_train' or 'images'" in text and "pixels, targets" in text


def test_not_an_npz(tmp_path):
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "b.npz").write_text("not a zip")
    with pytest.raises(DatasetError, match="not an .npz"):
        data.load_array(tmp_path / "a.txt")
    with pytest.raises(DatasetError, match="not a valid .npz"):
        data.load_array(tmp_path / "b.npz")


def test_mixed_sizes_in_folder_names_two_files(tmp_path):
    (tmp_path / "sub").mkdir()
    Image.fromarray(np.zeros((8, 8, 3), np.uint8)).save(tmp_path / "a.png")
    Image.fromarray(np.zeros((8, 8, 3), np.uint8)).save(tmp_path / "b.png")
    Image.fromarray(np.zeros((9, 8, 3), np.uint8)).save(tmp_path / "sub" / "c.jpg")
    with pytest.raises(DatasetError) as error:
        data.load_array(tmp_path)
    text = one_line(error)
    assert "a.png" in text and "c.jpg" in text and "8x8" in text and "8x9" in text


def test_empty_folder(tmp_path):
    with pytest.raises(DatasetError, match="no images"):
        data.load(tmp_path)


def test_grayscale_for_rgb_model_and_reverse_name_both_shapes():
    gray = data.load(batch_size=8)
    with pytest.raises(DatasetError) as error:
        data.check_channels(gray, (28, 28, 3))
    text = one_line(error)
    assert "(28, 28, 1)" in text and "(28, 28, 3)" in text and "channels=3" in text
    with pytest.raises(DatasetError) as error:
        data.check_channels((32, 32, 3), (28, 28, 1))
    text = one_line(error)
    assert "(32, 32, 3)" in text and "(28, 28, 1)" in text and "channels=1" in text and "image_size=28" in text
    converted = data.load(batch_size=8, channels=3)  # conversion only when asked
    assert data.check_channels(converted, (28, 28, 3)) == (28, 28, 3)


def test_bad_options():
    with pytest.raises(DatasetError, match="channels must be 1, 3"):
        data.load(channels=2)
    with pytest.raises(DatasetError, match="fewer than one batch"):
        data.load(num_examples=10, batch_size=64, repeat=False)
    with pytest.raises(DatasetError, match="batch_size must be positive"):
        data.load(batch_size=0)


def test_cli_prints_one_line_and_exits_nonzero(tmp_path, capsys):
    assert cli(["inspect", "cifar100"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: unknown dataset 'cifar100'") and "\n" not in err
    np.savez(tmp_path / "bad.npz", pixels=np.zeros((2, 4, 4), np.uint8))
    assert cli(["inspect", str(tmp_path / "bad.npz")]) == 2
    assert "found keys: pixels" in capsys.readouterr().err


def test_cli_inspect_export_and_no_overwrite(tmp_path, capsys):
    out = tmp_path / "sub.npz"
    assert cli(["export", "mnist_bundled", "--num_examples", "16", "--output", str(out)]) == 0
    np.testing.assert_array_equal(np.load(out)["x_train"], data.load_array(num_examples=16))
    assert cli(["export", "mnist_bundled", "--num_examples", "16", "--output", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    grid = tmp_path / "grid.png"
    assert cli(["inspect", str(out), "--grid", str(grid)]) == 0
    assert "16 examples, shape (28, 28, 1)" in capsys.readouterr().out
    assert np.asarray(Image.open(grid)).shape == (112, 112)
