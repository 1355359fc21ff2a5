"""The Lucic et al. 2018 suites: their budget in discriminator updates, the presets read from
compare_gan v1 (the same as flags/lucic_*.cfg), the FID protocol, the checkpoint points and the
penalty's rescaling to our pixel range."""
import dataclasses
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

from tfgan_suite import run
from tfgan_suite.penalties import gradient
from tfgan_suite.reproduce import lucic, runner, suites
from tfgan_suite.training import experiment

FLAGS_DIR = Path(__file__).resolve().parents[1] / "flags"
# fields only the suite sets: the offline data file, XLA, where and how verbosely it runs (and
# mixed_precision, "float32" from the flag, None in a TrainConfig: the same policy)
SUITE_ONLY = ("dataset", "jit_compile", "mixed_precision", "workdir", "seed", "verbose",
              "sample_every")


@pytest.fixture
def parsed_flags():
    yield run.FLAGS
    run.FLAGS.unparse_flags()


@pytest.mark.parametrize("objective", lucic.OBJECTIVES)
def test_flagfile_is_the_suite_preset(objective, parsed_flags, tmp_path):
    parsed_flags(["run", f"--flagfile={FLAGS_DIR / f'lucic_{objective}.cfg'}"])
    from_flags = dataclasses.asdict(run.config_from_flags())
    suite = suites.get("lucic_mnist")
    from_suite = dataclasses.asdict(runner.train_config(suite, objective, 0, lucic.CRITIC_UPDATES,
                                                        str(tmp_path)))
    for field in SUITE_ONLY:
        from_flags.pop(field), from_suite.pop(field)
    from_flags["export_at"] = tuple(from_flags["export_at"])
    assert from_flags == from_suite


@pytest.mark.parametrize("name", ["lucic_mnist", "lucic_fashion_mnist"])
def test_every_objective_gets_15625_discriminator_updates(name):
    suite = suites.get(name)
    assert suite.steps == 20 * 50_000 // 64 == 15_625 and suite.batch_size == 64
    assert suite.objectives[:2] == ("nsgan", "wgan_gp")  # run first
    for objective in suite.objectives:
        n_critic = suite.n_critic(objective)
        steps = suite.generator_steps(objective, suite.steps)
        assert steps * n_critic == 15_625, objective
        config = runner.train_config(suite, objective, 0, suite.steps, "/tmp/unused")
        assert config.jit_compile == "auto"  # the default rule picks the path; the record says which
        assert config.steps % config.log_every == 0
    assert {o: suite.n_critic(o) for o in lucic.STUDY_OBJECTIVES} == {
        "gan": 1, "nsgan": 1, "lsgan": 1, "wgan": 5, "wgan_gp": 5, "dragan": 1}


def test_checkpoints_every_quarter_and_the_end():
    suite = suites.get("lucic_mnist")
    assert suite.export_points(15_625) == (3906, 7812, 11718)  # their 3,907 / 7,813 / 11,719
    assert suite.export_points(3_125) == (781, 1562, 2343)
    assert suite.export_points(3) == (1, 2)  # tiny budgets: no step 0, no duplicates


def test_protocol_is_their_fid_and_older_suites_keep_theirs():
    protocol = suites.get("lucic_fashion_mnist").protocol.describe()
    assert protocol == {"kind": "inception", "num_generated": 10_000, "num_reference": 10_000,
                        "reference_split": "test", "sample_seed": 12345,
                        "feature_network": "FID Inception (2015-12-05), pool3", "resize": "tf1",
                        "checkpoints": 4, "report": "best_checkpoint"}
    assert "resize" not in suites.get("cifar10").protocol.describe()
    assert runner.primary_metric(suites.get("lucic_mnist").protocol) == "fid_best"
    assert runner.primary_metric(suites.get("cifar10").protocol) == "fid"


def _their_penalty(critic_01, x01, epsilon=1e-4, lam=10.0, sigmoid=False):
    """compare_gan v1 WGAN_GP.py / DRAGAN.py: lam * mean((sqrt(eps + sum g^2) - 1)^2) in [0, 1]."""
    with tf.GradientTape() as tape:
        tape.watch(x01)
        out = critic_01(x01)
        total = tf.reduce_sum(tf.sigmoid(out) if sigmoid else out)
    g = tape.gradient(total, x01)
    slopes = tf.sqrt(epsilon + tf.reduce_sum(tf.square(g), axis=[1, 2, 3]))
    return lam * tf.reduce_mean(tf.square(slopes - 1.0))


@pytest.mark.parametrize("objective", ["wgan_gp", "dragan"])
def test_penalty_options_give_their_penalty_in_our_pixels(objective):
    """At the same points, our penalty with the suite's options on x' = 2x - 1 equals theirs on x."""
    options = dict(lucic.PRESETS[objective]["penalty_options"])
    w = tf.constant(np.random.default_rng(0).normal(size=(12, 1)), tf.float32)

    def critic_01(x):  # a smooth non-linear critic of [0, 1] images
        flat = tf.reshape(x, [tf.shape(x)[0], -1])[:, :12]
        return tf.tanh(flat @ w) * 3.0

    def critic_ours(x, training=False):  # the same function of our pixels (models/lucic.py)
        return critic_01((x + 1.0) / 2.0)

    x01 = tf.constant(np.random.default_rng(1).uniform(0, 1, (6, 4, 4, 1)), tf.float32)
    norms = gradient.gradient_norms(critic_ours, 2.0 * x01 - 1.0, options["epsilon"],
                                    options.get("output", "logits"))
    ours = options["weight"] * gradient.norm_penalty(norms, options.get("target",
                                                                        options.get("k")))
    theirs = _their_penalty(critic_01, x01, sigmoid=options.get("output") == "sigmoid")
    np.testing.assert_allclose(float(ours), float(theirs), rtol=1e-5)


def test_a_scored_point_is_kept_so_a_killed_run_resumes_scoring_at_the_next(tmp_path,
                                                                           monkeypatch):
    suite = suites.SUITES["lucic_mnist"]
    config = runner.train_config(suite, "nsgan", 0, 15625, str(tmp_path))
    first, second = sorted(config.export_at)[:2]
    for step in (first, second):  # the two snapshots exported before the kill
        Path(config.workdir, "generators", f"step_{step}").mkdir(parents=True)
    monkeypatch.setattr(runner, "load_generated", lambda path, n, seed: np.full(
        (2, 1), float(path.rsplit("_", 1)[1]) + seed))

    class CountingScorer:
        calls = 0

        def fid_kid(self, images):
            self.calls += 1
            return {"fid": float(images[0, 0]), "kid": 0.5}, None

    scorer = CountingScorer()
    scored = runner.score_checkpoints(suite, config, scorer)
    seed = suite.protocol.sample_seed
    # the third point (of four: the end is scored as the run's generator) was not exported yet
    assert [(p["fid"], p["kid"]) for p in scored] == [
        (first + seed, 0.5), (second + seed, 0.5), (None, None)]
    assert scorer.calls == 2
    # scored again after a kill: the kept points are read, not measured
    assert runner.score_checkpoints(suite, config, scorer) == scored and scorer.calls == 2
    # another protocol (another latent draw) measures them again
    other = dataclasses.replace(suite, protocol=dataclasses.replace(suite.protocol,
                                                                    sample_seed=seed + 1))
    rescored = runner.score_checkpoints(other, config, scorer)
    assert [p["fid"] for p in rescored[:2]] == [first + seed + 1, second + seed + 1]
    assert scorer.calls == 4


def _lucic_record(objective, seed, fids, n_critic=1):
    steps = 15625 // n_critic
    points = [{"generator_step": s, "critic_updates": s * n_critic, "fid": f, "kid": 0.01}
              for s, f in zip([steps // 4, steps // 2, 3 * steps // 4, steps], fids)]
    return {"objective": objective, "seed": seed, "status": "ok", "wall_time_s": 3600.0,
            "train_time_s": 3000.0, "train_load_average": {"start": [2.0], "end": [2.2]},
            "metrics": {"fid": fids[-1], "kid": 0.01, "fid_best": min(fids)},
            "checkpoints": points}


def test_the_peer_table_puts_ours_beside_theirs_and_lists_every_scored_point():
    from tfgan_suite.reproduce import report

    suite = suites.SUITES["lucic_mnist"]
    records = [_lucic_record("nsgan", 0, [9.0, 7.5, 8.25, 8.0]),
               _lucic_record("nsgan", 1, [10.0, 6.5, 7.0, 7.75]),
               _lucic_record("wgan_gp", 0, [30.0, 21.0, 19.5, 20.0], n_critic=5)]
    text = report.markdown_table(report.results(suite, 15625, records, "python -m x"))
    table, points_table = text.split("FID at each of the 4 scored points")
    rows = {line.split(" | ")[0][2:]: line for line in table.splitlines() if line.startswith("| ")}
    # best-checkpoint mean ± std over seeds (7.5, 6.5), final FID (8.0, 7.75), beside their 6.8 ± 0.5
    assert rows["nsgan"].startswith("| nsgan | 6.8 ± 0.5 | 7.00 ± 0.71 | 7.88 ± 0.18 |")
    assert "| 2/2 | 50.0 | 2.1 |" in rows["nsgan"]
    assert rows["hinge"] == "| hinge | not in their study | running | running | running | 0/0 | – | – |"
    points = [line for line in points_table.splitlines() if line.startswith("| ")][1:]
    assert len(points) == 3 and points[1:] == [
        "| nsgan | 1 | 10.00 (3,906) | 6.50 (7,812) | 7.00 (11,718) | 7.75 (15,625) | 6.50 |",
        "| wgan_gp | 0 | 30.00 (3,905) | 21.00 (7,810) | 19.50 (11,715) | 20.00 (15,625) | 19.50 |"]


def test_the_peer_table_names_the_runs_cores_and_says_so_before_any_run_has_finished():
    from tfgan_suite.reproduce import report

    suite = suites.SUITES["lucic_fashion_mnist"]
    empty = report.markdown_table(report.results(suite, 15625, [], "python -m x"))
    assert "training minutes per run on the CPU cores of the machine (no run has finished yet)" in empty
    assert "?" not in empty.split("| objective |")[0]
    record = dict(_lucic_record("nsgan", 0, [9.0, 8.0, 7.0, 6.0]), cpu_count=2)
    one = report.markdown_table(report.results(suite, 15625, [record], "python -m x"))
    assert "training minutes per run on 2 CPU cores under" in one


def test_a_run_resumed_after_a_kill_is_timed_to_the_whole_run():
    from tfgan_suite.reproduce import report

    suite = suites.SUITES["lucic_mnist"]
    whole, resumed = _lucic_record("nsgan", 0, [9.0, 8.0, 7.0, 6.0]), \
        _lucic_record("nsgan", 1, [9.0, 8.0, 7.0, 6.0])
    for record in (whole, resumed):
        record["generator_steps"] = 15625
    resumed.update(train_time_s=1500.0, train_resumed_from_step=12500)  # timed over a fifth
    assert report.whole_run_train_time(whole) == 3000.0
    assert report.whole_run_train_time(resumed) == 7500.0
    text = report.markdown_table(report.results(suite, 15625, [whole, resumed], "python -m x"))
    nsgan = next(line for line in text.splitlines() if line.startswith("| nsgan |"))
    assert "| 2/2 | 87.5 |" in nsgan  # (3000 + 7500) / 2 s
    assert "timed from where it resumed, and that time is scaled to the whole run" in text
    text = report.markdown_table(report.results(suite, 15625, [whole], "python -m x"))
    assert "| 1/1 | 50.0 |" in text and "resumed" not in text


def test_a_run_whose_timing_start_is_unknown_is_left_out_of_the_minutes():
    from tfgan_suite.reproduce import report

    suite = suites.SUITES["lucic_mnist"]
    whole, unknown = _lucic_record("nsgan", 0, [9.0, 8.0, 7.0, 6.0]), \
        _lucic_record("nsgan", 1, [9.0, 8.0, 7.0, 6.0])
    unknown.update(train_time_s=1500.0, train_resumed_from_step=None,  # an older runner's record
                   train_load_average={"start": [9.0], "end": [9.0]})
    assert report.whole_run_train_time(unknown) is None
    text = report.markdown_table(report.results(suite, 15625, [whole, unknown], "python -m x"))
    nsgan = next(line for line in text.splitlines() if line.startswith("| nsgan |"))
    assert nsgan.endswith("| 2/2 | 50.0 | 2.1 |")  # seed 0's 3000 s and load alone
    assert "left out of the minutes: nsgan seed 1" in text
    del unknown["train_resumed_from_step"]  # written before the field existed: timed whole
    assert report.whole_run_train_time(unknown) == 1500.0


def test_published_lucic_results_show_the_fid_curves_and_the_seed0_samples(tmp_path):
    from tfgan_suite.reproduce import plots, report

    suite = suites.SUITES["lucic_mnist"]
    records = [_lucic_record("nsgan", 0, [9.0, 7.5, 8.25, 8.0]),
               _lucic_record("wgan_gp", 1, [30.0, 21.0, 19.5, 20.0], n_critic=5)]
    document = report.results(suite, 15625, records, "python -m x")
    text = report.markdown_table(document, "results/img/lucic_mnist")
    assert "![FID at each scored point](results/img/lucic_mnist/fid_curves.png)" in text
    assert "| ![nsgan](results/img/lucic_mnist/nsgan.png) |" in text  # wgan_gp has no seed 0 yet
    assert "wgan_gp.png" not in text
    path = plots.plot_fid_curves(document, str(tmp_path / "curves.png"))
    assert Path(path).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert plots.plot_fid_curves(report.results(suite, 15625, [], "x"), str(tmp_path / "none.png")) is None
    assert not (tmp_path / "none.png").exists()


def test_the_settings_probe_is_lucic_nsgan_with_only_the_learning_rate_and_beta1_changed():
    main, probe = suites.SUITES["lucic_mnist"], suites.SUITES["lucic_mnist_settings"]
    fields, reference = probe.train_fields("nsgan_narrow"), main.train_fields("nsgan")
    changed = {k for k in set(fields) | set(reference) if fields.get(k) != reference.get(k)}
    assert changed == {"lr_d", "lr_g", "beta_1"}
    assert (fields["lr_d"], fields["lr_g"], fields["beta_1"]) == (2e-4, 2e-4, 0.5)
    assert probe.generator_steps("nsgan_narrow", 15625) == 15625
    assert probe.protocol == main.protocol and probe.export_points(15625) == (3906, 7812, 11718)


def test_a_suite_without_published_numbers_still_lists_every_scored_point_and_its_plot():
    from tfgan_suite.reproduce import report

    suite = suites.SUITES["lucic_mnist_settings"]
    document = report.results(suite, 15625, [_lucic_record("nsgan_narrow", 0,
                                                           [371.0, 350.5, 36.25, 25.0])], "x")
    text = report.markdown_table(document, "results/img/lucic_mnist_settings")
    assert "| nsgan_narrow | 0 | 371.00 (3,906) | 350.50 (7,812) | 36.25 (11,718) | " \
           "25.00 (15,625) | 25.00 |" in text
    assert "![FID at each scored point](results/img/lucic_mnist_settings/fid_curves.png)" in text
    assert "FID at each" not in report.markdown_table(report.results(suite, 15625, [], "x"))
