"""benchmarks/lucic_their_loop.py: our NS GAN step on the Lucic network computes compare_gan v1's
loop (transcribed in TF1 graph style) from the same weights, batches and z."""
import argparse

import numpy as np


def test_escape_is_the_first_window_above_after_one_below(benchmark_module):
    escape_step = benchmark_module("lucic_their_loop").escape_step
    assert escape_step([(125, 1.2), (250, 0.04), (375, 0.2), (500, 0.31), (625, 0.5)]) == 500
    assert escape_step([(125, 1.2), (250, 0.6)]) is None  # never collapsed
    assert escape_step([(125, 0.3), (250, 0.01), (375, 0.02)]) is None  # never escaped


def test_their_variables_map_one_to_one_onto_ours(benchmark_module):
    from tfgan_suite import models

    generator, discriminator = models.get("lucic_infogan", batchnorm=True)
    ours = generator.weights + discriminator.weights
    names = benchmark_module("lucic_their_loop").their_names()
    assert len(names) == len(ours) == 36
    for name, weight in zip(names, ours):
        kind = name.split("/")[-1]
        assert ("moving" in kind) == ("moving" in weight.path), (name, weight.path)
        assert (kind in ("Matrix", "w")) == weight.path.endswith("kernel"), (name, weight.path)


def test_first_update_is_theirs_from_the_same_start(shared_data, monkeypatch,
                                                     benchmark_module):
    """Losses of the first two updates and the generator's first gradients, ours against their
    loop's, from one start (D's first biases off 0: see ROWS) with TF1's Adam epsilon."""
    monkeypatch.setenv("TFGAN_SUITE_SHARED_DATA", str(shared_data))  # the subprocess reads it too
    module = benchmark_module("lucic_their_loop")
    args = argparse.Namespace(lr=2e-4, beta1=0.5, threads=1)
    gan = module._our_gan(args.lr, args.beta1, 1e-8)
    first_bias = next(w for w in gan.discriminator.weights if w.path.endswith("bias"))
    first_bias.assign(np.random.RandomState(2).normal(scale=1e-3, size=first_bias.shape).astype(
        np.float32))
    images = module._mnist_train()[:2 * module.BATCH]
    normal = np.random.RandomState(1).normal(size=(2, module.BATCH, module.Z_DIM)).astype(
        np.float32)
    start = [w.numpy() for w in gan.generator.weights + gan.discriminator.weights]

    theirs, their_gradients = module._their_losses(start, images, normal, args, gradients=True)
    our_gradients = module._our_step0_gradients(gan, images, normal)
    ours = module._our_losses(gan, images, normal)

    # d_loss of update 0 is the start's forward pass: the same function to float32 rounding; every
    # later loss follows Adam's first, sign-like steps, which turn rounding into ~1e-5
    np.testing.assert_allclose(ours[0][0], theirs[0][0], rtol=1e-6)
    np.testing.assert_allclose(ours[0][1], theirs[0][1], rtol=1e-4)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-3)
    kernels = [i for i, name in enumerate(n for n in module.their_names() if "moving" not in n)
               if name.endswith(("Matrix", "/w"))]
    for i in kernels:
        scale = np.abs(their_gradients[i]).max()
        assert np.abs(our_gradients[i] - their_gradients[i]).max() < 0.02 * scale, i


def test_their_feed_continues_the_same_stream_after_a_restart(benchmark_module):
    feed_type = benchmark_module("lucic_their_loop").TheirFeed
    whole = feed_type(3, 200)
    expected = [whole.next() for _ in range(7)]  # crosses an epoch boundary (3 batches of 64)
    first = feed_type(3, 200)
    got = [first.next() for _ in range(2)]
    resumed = feed_type(3, 200, first.state())
    got += [resumed.next() for _ in range(5)]
    for (indices, normal), (want_indices, want_normal) in zip(got, expected):
        np.testing.assert_array_equal(indices, want_indices)
        np.testing.assert_array_equal(normal, want_normal)


def _their_run(script, run_dir, task, z, stop_at=None):
    import json
    import subprocess
    import sys

    run_dir.mkdir(exist_ok=True)
    (run_dir / "task.json").write_text(json.dumps(task))
    np.save(run_dir / "z.npy", z)
    subprocess.run([sys.executable, script, f"--train_theirs={run_dir}", "--threads=1"]
                   + ([f"--stop_at={stop_at}"] if stop_at else []), check=True, capture_output=True)
    return json.loads((run_dir / "windows.json").read_text())


def test_their_loop_killed_after_a_checkpoint_resumes_to_the_same_samples(
        tmp_path, shared_data, monkeypatch, benchmark_module):
    monkeypatch.setenv("TFGAN_SUITE_SHARED_DATA", str(shared_data))
    module = benchmark_module("lucic_their_loop_fid")
    z = np.random.RandomState(0).normal(size=(module.loop.SAMPLE_BATCH, 64)).astype(np.float32)
    task = {"seed": 1, "lr": 1e-3, "beta1": 0.5, "budget": 4, "points": [2, 4],
            "checkpoint_every": 2}

    whole = _their_run(module.__file__, tmp_path / "whole", task, z)
    _their_run(module.__file__, tmp_path / "killed", task, z, stop_at=3)  # killed at 3
    resumed = _their_run(module.__file__, tmp_path / "killed", task, z)

    assert whole["update"] == resumed["update"] == 4
    assert whole["window"] == resumed["window"]  # the d_loss of every update, 1 to 4
    for step in (2, 4):
        images = np.load(tmp_path / "whole" / "points" / f"step_{step}.npy")
        assert images.shape == (len(z), 28, 28, 1) and 0 <= images.min() < images.max() <= 1
        np.testing.assert_array_equal(
            images, np.load(tmp_path / "killed" / "points" / f"step_{step}.npy"))
    early = np.load(tmp_path / "whole" / "points" / "step_2.npy")
    assert np.abs(early - images).max() > 1e-3  # the generator moved between the points


def test_their_loop_is_scored_at_the_suites_points_and_at_the_end(benchmark_module):
    """The same points as our runs' records: the snapshots before the end and the end itself
    (``export_at`` holds only the former: a run scores its final generator separately)."""
    from tfgan_suite.reproduce import suites

    suite = suites.get("lucic_mnist")
    budget, points = benchmark_module("lucic_their_loop_fid").suite_points(suite)
    assert budget == 15_625 and points == [3906, 7812, 11718, 15625]
