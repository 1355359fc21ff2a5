"""MultiWorkerMirroredStrategy: two worker processes on 127.0.0.1 (TF_CONFIG) equal one worker."""
import json
import os
import socket
import subprocess
import sys
import textwrap

import numpy as np
import pytest

WORKER = textwrap.dedent("""
    import sys
    import numpy as np
    from tfgan_suite.training import experiment
    from tfgan_suite.training.experiment import TrainConfig

    strategy, workdir, out = sys.argv[1:4]
    result = experiment.train(TrainConfig(
        strategy=strategy, workdir=workdir, steps=6, log_every=3, checkpoint_every=3, batch_size=8,
        n_critic=2, ema_decay=0.9, model_options={"width": 8, "latent_dim": 16}, verbose=0, seed=4))
    gan = result["gan"]
    np.savez(out, *(gan.generator.get_weights() + gan.discriminator.get_weights()
                    + gan.ema_generator.get_weights()))
""")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _load(path):
    with np.load(path) as arrays:
        return [arrays[k] for k in sorted(arrays.files, key=lambda k: int(k.split("_")[1]))]


@pytest.mark.slow
def test_two_workers_finish_with_identical_weights_equal_to_one_worker(tmp_path):
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    env.pop("TF_CONFIG", None)
    cluster = {"worker": [f"127.0.0.1:{_free_port()}", f"127.0.0.1:{_free_port()}"]}
    workdir = tmp_path / "multi"
    workers = []
    for index in range(2):
        worker_env = dict(env, TF_CONFIG=json.dumps(
            {"cluster": cluster, "task": {"type": "worker", "index": index}}))
        workers.append(subprocess.Popen(
            [sys.executable, str(script), "multi_worker", str(workdir), str(tmp_path / f"w{index}.npz")],
            env=worker_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    outputs = [w.communicate(timeout=600)[0] for w in workers]
    for worker, output in zip(workers, outputs):
        assert worker.returncode == 0, output[-3000:]
    single = subprocess.run([sys.executable, str(script), "default", str(tmp_path / "single"),
                             str(tmp_path / "single.npz")], env=env, capture_output=True,
                            text=True, timeout=600)
    assert single.returncode == 0, single.stderr[-3000:]

    chief, other, reference = (_load(tmp_path / n) for n in ("w0.npz", "w1.npz", "single.npz"))
    assert len(chief) == len(other) == len(reference)
    for a, b in zip(chief, other):  # the workers hold the same weights, bit for bit
        np.testing.assert_array_equal(a, b)
    # equal to one worker on the same global batch, up to float32 summation order (measured ~5e-7)
    for a, c in zip(chief, reference):
        np.testing.assert_allclose(a, c, atol=1e-5)
    # only the chief writes the run's files; checkpoints every 3 steps
    assert sorted(os.listdir(workdir / "checkpoints")) == [
        "checkpoint", "ckpt-0.data-00000-of-00001", "ckpt-0.index", "ckpt-3.data-00000-of-00001",
        "ckpt-3.index", "ckpt-6.data-00000-of-00001", "ckpt-6.index"]
    assert (workdir / "generator" / "saved_model.pb").exists()
