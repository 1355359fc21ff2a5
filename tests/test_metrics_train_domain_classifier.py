"""train_domain_classifier refuses, before training, to replace weights or their json record."""
import json

import numpy as np
import pytest

from tfgan_suite.metrics import train_domain_classifier


@pytest.fixture
def tiny_npz(tmp_path):
    rng = np.random.default_rng(0)
    path = tmp_path / "tiny.npz"
    np.savez(path, x_train=rng.integers(0, 256, (64, 28, 28), dtype=np.uint8), y_train=rng.integers(0, 10, 64),
             x_test=rng.integers(0, 256, (32, 28, 28), dtype=np.uint8), y_test=rng.integers(0, 10, 32))
    return path


def _run(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        train_domain_classifier.main(argv)
    return exit_info.value.code, capsys.readouterr().err


def test_json_record_beside_a_new_output_is_kept_without_overwrite(tmp_path, tiny_npz, capsys):
    out = tmp_path / "weights"
    out.mkdir()
    info = out / "domain_classifiers.json"
    info.write_text(json.dumps({"mnist": {"test_accuracy": 0.99}}))
    before = info.read_bytes()
    argv = ["--dataset=mnist", f"--data={tiny_npz}", f"--output={out / 'new.weights.h5'}", "--epochs=1"]
    code, err = _run(argv, capsys)
    assert code == 2 and err.count("\n") == 1
    assert f"error: {info} already records a mnist classifier; pass --overwrite" in err
    assert info.read_bytes() == before and not (out / "new.weights.h5").exists()

    train_domain_classifier.main(argv + ["--overwrite"])  # now replaced (one tiny epoch)
    record = json.loads(info.read_text())["mnist"]
    assert record["epochs"] == 1 and record["data"] == "tiny.npz" and 0 <= record["test_accuracy"] <= 1
    assert (out / "new.weights.h5").stat().st_size == record["weights_bytes"]


def test_existing_weights_and_bad_data_are_refused_before_training(tmp_path, tiny_npz, capsys):
    weights = tmp_path / "w.weights.h5"
    weights.write_bytes(b"old")
    code, err = _run(["--dataset=mnist", f"--data={tiny_npz}", f"--output={weights}"], capsys)
    assert code == 2 and f"error: {weights} exists; pass --overwrite to replace it" in err
    assert weights.read_bytes() == b"old"
    np.savez(tmp_path / "no_labels.npz", x_train=np.zeros((2, 28, 28), np.uint8))
    code, err = _run(["--dataset=mnist", f"--data={tmp_path / 'no_labels.npz'}",
                      f"--output={tmp_path / 'x.weights.h5'}"], capsys)
    assert code == 2 and "lacks y_train, x_test, y_test" in err and not (tmp_path / "x.weights.h5").exists()
    code, err = _run(["--dataset=kmnist", f"--data={tiny_npz}"], capsys)
    assert code == 2 and "unknown --dataset 'kmnist'; valid choices: mnist, fashion_mnist" in err
