"""Every bad input of docs/errors.md gets its exact one line, and nothing is written or changed."""
import hashlib
import os

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
