"""MetricsCallback during fit (CSV + TensorBoard + history) and the evaluate CLI."""
import csv
import json

import keras
import numpy as np
import pytest

from tfgan_suite import metrics


class TinyGenerator(keras.Model):
    """z (8) -> 28x28x1 images in [-1, 1], with the GAN's generate(n, seed) contract."""

    def __init__(self):
        super().__init__()
        self.dense = keras.layers.Dense(28 * 28, kernel_initializer=keras.initializers.RandomNormal(seed=1))

    def call(self, z):
        return keras.ops.reshape(keras.ops.tanh(self.dense(z)), (-1, 28, 28, 1))

    def generate(self, n, seed=0):
        z = np.random.default_rng(seed).normal(size=(n, 8)).astype(np.float32)
        return keras.ops.convert_to_numpy(self(z))


def test_callback_logs_fixed_sample_metric_to_csv_tensorboard_and_history(tmp_path, digits):
    keras.utils.set_random_seed(0)
    model = TinyGenerator()
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    z = np.random.default_rng(0).normal(size=(64, 8)).astype(np.float32)
    targets = digits[:64].astype(np.float32) / 127.5 - 1.0
    callback = metrics.MetricsCallback(digits, every_n_steps=2, num_samples=200, metrics=("fid", "kid", "is"),
                                       classifier="mnist", seed=5, log_dir=tmp_path / "tb", batch_size=100)
    history = model.fit(z, targets, batch_size=32, epochs=2, verbose=0,
                        callbacks=[callback, keras.callbacks.CSVLogger(str(tmp_path / "log.csv"))])
    assert [h["step"] for h in callback.history] == [2, 4]
    with open(tmp_path / "log.csv") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 2 and {"fid_mnist", "kid_mnist", "is_mnist"} <= set(rows[0])
    assert [float(r["fid_mnist"]) for r in rows] == pytest.approx([h["fid_mnist"] for h in callback.history])
    assert history.history["fid_mnist"] == pytest.approx([h["fid_mnist"] for h in callback.history])
    # the logged value is the metric of the fixed sample: recompute it independently after training
    again = metrics.fid(digits[:200], model, num_samples=200, batch_size=100, seed=5, classifier="mnist",
                        progress=False)
    assert callback.history[-1]["fid_mnist"] == pytest.approx(again, rel=1e-6)
    assert callback.history[0]["fid_mnist"] != callback.history[1]["fid_mnist"]  # training moved it
    assert list((tmp_path / "tb").glob("events.out.tfevents.*"))


def test_callback_rejects_unknown_metric():
    with pytest.raises(ValueError, match="valid choices: fid, kid, is"):
        metrics.MetricsCallback(np.zeros((4, 28, 28, 1)), metrics=("fud",))


def _run_cli(argv, capsys):
    from tfgan_suite import evaluate

    evaluate.FLAGS.unparse_flags()
    evaluate.FLAGS(["evaluate"] + argv)
    code = 0
    try:
        evaluate.main(["evaluate"])
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 1
        if not isinstance(e.code, int):
            print(e.code, file=__import__("sys").stderr)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_evaluate_cli_prints_table_and_writes_json(tmp_path, digits, capsys):
    gen = np.clip(digits[::-1].astype(np.int32) + np.random.default_rng(0).integers(-40, 40, digits.shape), 0, 255)
    np.savez(tmp_path / "generated.npz", images=gen.astype(np.uint8))
    np.savez(tmp_path / "real.npz", x_test=digits)
    argv = [f"--generator={tmp_path / 'generated.npz'}", f"--dataset={tmp_path / 'real.npz'}", "--split=test",
            "--metrics=fid,kid,is", "--num_samples=200", "--classifier=mnist", "--kid_subsets=5",
            "--kid_subset_size=100", "--noprogress", f"--output={tmp_path / 'out.json'}"]
    code, out, _ = _run_cli(argv, capsys)
    assert code == 0 and "fid" in out and "kid" in out and "is" in out
    report = json.loads((tmp_path / "out.json").read_text())
    expected = metrics.domain_frechet_distance(digits[:200], gen[:200].astype(np.uint8))
    assert report["metrics"]["fid"] == pytest.approx(expected, rel=1e-6)
    assert report["metrics"]["is"] > 1.0
    code, _, err = _run_cli(argv, capsys)  # refuses to overwrite
    assert code != 0 and "exists" in err
    code, _, err = _run_cli(argv[:3] + ["--metrics=fid,bogus", "--overwrite"] + argv[4:], capsys)
    assert code == 2 and "valid choices: fid, kid, is" in err and "Traceback" not in err
