"""PRDC, MS-SSIM and SWD in MetricsCallback, the evaluate CLI and BogoNet's scorers."""
import json

import keras
import numpy as np
import pytest

from test_metrics_callback import TinyGenerator, _run_cli
from tfgan_suite import metrics

PRDC_KEYS = ("precision", "recall", "density", "coverage")


@pytest.fixture(scope="module")
def digits128(digits):
    return digits[:128]


def test_callback_logs_prdc_ms_ssim_and_swd_of_the_fixed_sample(digits128):
    keras.utils.set_random_seed(0)
    model = TinyGenerator()
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    callback = metrics.MetricsCallback(digits128, every_n_steps=None, num_samples=64,
                                       metrics=("prdc", "ms_ssim", "swd"), classifier="mnist", seed=5,
                                       batch_size=32, ms_ssim_pairs=10)
    z = np.random.default_rng(0).normal(size=(32, 8)).astype(np.float32)
    history = model.fit(z, digits128[:32].astype(np.float32) / 127.5 - 1.0, batch_size=32, epochs=1, verbose=0,
                        callbacks=[callback])
    logged = callback.history[-1]
    assert set(logged) == {"step", "ms_ssim", "swd_28", "swd_avg"} | {f"{k}_mnist" for k in PRDC_KEYS}
    assert history.history["coverage_mnist"] == [logged["coverage_mnist"]]
    # recompute every value independently from the same fixed sample
    generated = np.concatenate([model.generate(32, seed=s) for s in (metrics.sources.batch_seed(5, 0),
                                                                    metrics.sources.batch_seed(5, 1))])
    classifier = metrics.domain_classifier("mnist")
    prdc = metrics.precision_recall_density_coverage(classifier.features(digits128[:64]), classifier.features(generated))
    for key in PRDC_KEYS:
        assert logged[f"{key}_mnist"] == pytest.approx(prdc[key], abs=1e-6)
    assert logged["ms_ssim"] == pytest.approx(metrics.ms_ssim_diversity(generated, num_pairs=10, seed=5), abs=1e-6)
    assert logged["swd_avg"] == pytest.approx(metrics.sliced_wasserstein_distance(digits128[:64], generated, seed=5)["avg"],
                                              rel=1e-6)


def test_evaluate_cli_runs_the_new_metrics(tmp_path, digits128, capsys):
    generated = np.clip(digits128[::-1].astype(np.int32) + np.random.default_rng(0).integers(-40, 40, digits128.shape),
                        0, 255).astype(np.uint8)
    np.savez(tmp_path / "generated.npz", images=generated)
    np.savez(tmp_path / "real.npz", x_test=digits128)
    argv = [f"--generator={tmp_path / 'generated.npz'}", f"--dataset={tmp_path / 'real.npz'}", "--split=test",
            "--metrics=prdc,ms_ssim,swd", "--num_samples=100", "--classifier=mnist", "--ms_ssim_pairs=10",
            "--noprogress", f"--output={tmp_path / 'out.json'}"]
    code, out, _ = _run_cli(argv, capsys)
    assert code == 0 and "coverage" in out and "swd_avg" in out
    report = json.loads((tmp_path / "out.json").read_text())["metrics"]
    classifier = metrics.domain_classifier("mnist")
    prdc = metrics.precision_recall_density_coverage(classifier.features(digits128[:100]),
                                                     classifier.features(generated[:100]))
    assert {k: report[k] for k in PRDC_KEYS} == pytest.approx(prdc, abs=1e-6)
    assert report["ms_ssim"] == pytest.approx(metrics.ms_ssim_diversity(generated[:100], num_pairs=10), abs=1e-6)
    assert 0 < report["ms_ssim_real"] < 1
    assert report["swd_avg"] == pytest.approx(
        metrics.sliced_wasserstein_distance(digits128[:100], generated[:100])["avg"], rel=1e-6)
    code, _, err = _run_cli(argv[:3] + ["--metrics=swd,bogus", "--overwrite"] + argv[4:], capsys)
    assert code == 2 and "valid choices: fid, kid, is, prdc, ms_ssim, swd" in err and "Traceback" not in err


def test_bogonet_scorers(digits128, monkeypatch):
    from tfgan_suite.bogonet import runner, scorers

    monkeypatch.setattr(scorers, "MS_SSIM_PAIRS", 16)  # 200 in real sweeps; 256x256 MS-SSIM is ~50 pairs/s

    assert {"swd", "domain_coverage", "coverage", "ms_ssim_gap"} <= set(runner.metric_names())
    real = digits128[:64].astype(np.float32)[..., None] / 127.5 - 1.0 if digits128.ndim == 3 else \
        digits128[:64].astype(np.float32) / 127.5 - 1.0
    noise = np.clip(np.random.default_rng(1).normal(size=real.shape), -1, 1).astype(np.float32)
    settings = runner.Settings(dataset="mnist", seed=0)
    scores = {}
    for name in ("swd", "domain_coverage", "ms_ssim_gap"):
        score = runner.SCORERS.build(name, real=real, settings=settings)
        scores[name] = (score(real), score(noise))
    assert scores["domain_coverage"][0] == 0.0 and scores["domain_coverage"][1] > 0.9  # 1 - coverage
    assert scores["ms_ssim_gap"][0] == 0.0 and scores["ms_ssim_gap"][1] > 0.05
    assert scores["swd"][0] < scores["swd"][1]
