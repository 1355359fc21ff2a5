"""Every bad input of docs/errors.md gets its exact one line, and nothing is written or changed."""
import hashlib
import os

import numpy as np
import pytest

from errors_catalogue import CASES, DOC, markdown


def snapshot(root):
    """``{relative path: sha256 of the content (None for a folder)}`` of everything under ``root``."""
    out = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs:
            out[os.path.relpath(os.path.join(folder, name), root)] = None
        for name in files:
            path = os.path.join(folder, name)
            with open(path, "rb") as f:
                out[os.path.relpath(path, root)] = hashlib.sha256(f.read()).hexdigest()
    return out


def observe(name, tmp_path, monkeypatch):
    """Runs case ``name`` in ``tmp_path`` (also the working and cache directory); returns the line it
    printed or raised, with ``{tmp}`` for the directory, and asserts that nothing there changed."""
    case = CASES[name]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TFGAN_SUITE_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("TFGAN_SUITE_INCEPTION_WEIGHTS", raising=False)
    if case.setup is not None:
        case.setup(tmp_path)
    before = snapshot(tmp_path)
    line = case.trigger(tmp_path).replace(str(tmp_path), "{tmp}")
    assert snapshot(tmp_path) == before, "the bad input wrote or changed files"
    return line


@pytest.mark.parametrize("name", [
    pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=case.xfail) if case.xfail else ())
    for name, case in CASES.items()])
def test_bad_input_gives_its_line_and_writes_nothing(name, tmp_path, monkeypatch):
    assert observe(name, tmp_path, monkeypatch) == CASES[name].message


def test_catalogue_is_large_and_the_doc_is_generated_from_it():
    assert len(CASES) >= 40
    assert DOC.read_text() == markdown(), "docs/errors.md is stale: run `python tests/errors_catalogue.py`"


@pytest.mark.parametrize("low, high, expected", [
    (0.0, 1.0, (-1.0, 1.0)),
    (0.0, 255.0, (-1.0, 1.0)),
    (-1.0, 1.0, (-1.0, 1.0)),
    (-3.0, 7.0, None)])
def test_float_images_are_converted_by_a_stated_rule_or_refused(tmp_path, low, high, expected):
    """An .npz of float64 images in [0, 1] (or [0, 255]) is never trained on as is: the pipeline's
    batches span [-1, 1]; floats that fit no known range are refused with one line."""
    from tfgan_suite import data

    rng = np.random.default_rng(0)
    images = np.concatenate([np.full((1, 8, 8, 1), low), np.full((1, 8, 8, 1), high),
                             rng.uniform(low, high, (14, 8, 8, 1))]).astype(np.float64)
    np.savez(tmp_path / "floats.npz", x_train=images)
    if expected is None:
        with pytest.raises(data.DatasetError, match="pixel values span") as error:
            next(iter(data.load(str(tmp_path / "floats.npz"), batch_size=16, shuffle=False)))
        assert "\n" not in str(error.value)
        return
    batch = next(iter(data.load(str(tmp_path / "floats.npz"), batch_size=16, shuffle=False))).numpy()
    assert batch.dtype == np.float32
    np.testing.assert_allclose([batch.min(), batch.max()], expected, atol=1e-6)
