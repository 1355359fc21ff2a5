"""The shared-data fixture checks each file's sha256 against the table of shared/data's README."""
import hashlib

import pytest

from conftest import SHARED_FILES, check_sha256, listed_sha256


def test_the_readme_lists_a_sha256_for_every_file_the_tests_read(shared_data):
    listed = listed_sha256((shared_data / "README.md").read_text(encoding="utf-8"))
    assert set(SHARED_FILES) <= set(listed)


def test_a_changed_file_fails_the_check(tmp_path):
    (tmp_path / "a.npz").write_bytes(b"original")
    digest = hashlib.sha256(b"original").hexdigest()
    (tmp_path / "README.md").write_text(f"| file | bytes | sha256 |\n| --- | --- | --- |\n"
                                        f"| `a.npz` | 8 | `{digest}` |\n")
    check_sha256(tmp_path, ["a.npz"])
    (tmp_path / "a.npz").write_bytes(b"originaX")
    with pytest.raises(AssertionError, match="a.npz .sha256 [0-9a-f]{64}, README: " + digest):
        check_sha256(tmp_path, ["a.npz"])
    with pytest.raises(AssertionError, match="lists no sha256 for b.npz"):
        check_sha256(tmp_path, ["b.npz"])
