"""FID of compare_gan v1's own NS GAN loop under the lucic_mnist protocol: is our nsgan's gap to
their table in our code or in the runs?

    python benchmarks/lucic_their_loop_fid.py --seeds=2 --workdir=DIR [--reference_dir=DIR]
        [--lr=5e-5] [--beta1=0.0] [--threads=1] [--output=FILE.json]

For each seed, their loop as ``benchmarks/lucic_their_loop.py`` transcribes it (TF1 graph, their
Adam, batch norm and leaky ReLU; the same start, data order and z draws as that script's
``escape`` section for the seed) trains for the suite's budget (15,625 discriminator updates), in
a subprocess that keeps a TF1 checkpoint every ``--checkpoint_every`` updates and at each point, so
a killed run resumes where it was. At each of the suite's points (every 5 epochs, the last at the
end) their inference-mode generator (batch norm on its moving averages, their ``fake_images`` in
``gans/GAN.py``) draws the suite's 10,000 fixed latent vectors, the draw our runs' snapshots are
scored on. Those images are scored exactly as our snapshots are (``runner.Scorer.fid_kid``: the
suite's protocol, reference features cached in ``--reference_dir``), each point's scores kept
beside its images. The record has every point's FID and KID, the best (what their table reports),
the mean d_loss per 125 updates and when the discriminator collapsed and escaped (the rule of
``lucic_their_loop.py``).
"""
import argparse
import json
import os
import pickle
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lucic_their_loop as loop  # noqa: E402  (a script beside this one)

from tfgan_suite.utils.cli import bounded_int  # noqa: E402

SUITE = "lucic_mnist"
OBJECTIVE = "nsgan"  # the objective whose loop lucic_their_loop.py transcribes


def suite_points(suite):
    """The suite's budget (discriminator updates) and scoring points for nsgan (1 D per G update):
    the snapshots before the end (``config.export_at``) and the end, which our runs score too."""
    from tfgan_suite.reproduce import runner

    config = runner.train_config(suite, OBJECTIVE, 0, suite.steps, "/nonexistent")
    return suite.steps, sorted(set(config.export_at) | {suite.steps})


def _write_atomic(path, save):
    staging = f"{path}.tmp{os.getpid()}"
    with open(staging, "wb") as f:
        save(f)
    os.replace(staging, path)


# ------------------------------------------------------------ their side (a TF1 subprocess)
def train_theirs(run_dir, threads, stop_at=None):
    """Their loop on ``run_dir/task.json``: trains to ``stop_at`` (default the budget), resuming from
    ``run_dir/ckpt`` when present; writes ``points/step_<k>.npy`` (images in [0, 1]) at each point
    and ``windows.json`` (mean d_loss per ``loop.WINDOW`` updates, training seconds)."""
    import tensorflow as tf

    tf1 = tf.compat.v1
    tf1.disable_eager_execution()
    run_dir = Path(run_dir)
    task = json.loads((run_dir / "task.json").read_text())
    tf1.set_random_seed(task["seed"])
    graph = loop.their_graph(task["lr"], task["beta1"])
    saver = tf1.train.Saver(max_to_keep=1)
    images = loop._mnist_train()  # pylint: disable=protected-access
    state_path, windows_path = run_dir / "feed_state.pkl", run_dir / "windows.json"
    (run_dir / "points").mkdir(exist_ok=True)
    config = tf1.ConfigProto(intra_op_parallelism_threads=threads, inter_op_parallelism_threads=1)
    with tf1.Session(config=config) as sess:
        checkpoint = tf1.train.latest_checkpoint(str(run_dir))
        if checkpoint:
            saver.restore(sess, checkpoint)
            with open(state_path, "rb") as f:
                state = pickle.load(f)
            progress = json.loads(windows_path.read_text())
        else:
            sess.run(tf1.global_variables_initializer())
            state, progress = None, {"update": 0, "windows": [], "window": [], "seconds": 0.0}
        feed = loop.TheirFeed(task["seed"], len(images), state and state["feed"])
        z = np.load(run_dir / "z.npy")

        def save(update):
            progress["update"] = update
            saver.save(sess, str(run_dir / "ckpt"), global_step=update)
            _write_atomic(state_path, lambda f: pickle.dump({"feed": feed.state()}, f))
            _write_atomic(windows_path, lambda f: f.write(json.dumps(progress).encode()))

        start = time.time() - progress["seconds"]
        for update in range(progress["update"] + 1, (stop_at or task["budget"]) + 1):
            indices, normal = feed.next()
            _, d_loss = sess.run([graph["d_step"], graph["d_loss"]],
                                 {graph["images"]: images[indices], graph["normal"]: normal})
            sess.run(graph["g_step"], {graph["normal"]: normal})
            progress["window"].append(float(d_loss))
            if update % loop.WINDOW == 0:
                progress["windows"].append((update, float(np.mean(progress["window"]))))
                progress["window"] = []
            if update in task["points"]:
                samples = np.concatenate([
                    sess.run(graph["samples"], {graph["sample_normal"]: z[i:i + loop.SAMPLE_BATCH]})
                    for i in range(0, len(z), loop.SAMPLE_BATCH)])
                _write_atomic(run_dir / "points" / f"step_{update}.npy",
                              lambda f, s=samples: np.save(f, s))
            if update % task["checkpoint_every"] == 0 or update in task["points"]:
                progress["seconds"] = time.time() - start
                save(update)


# ------------------------------------------------------------ our side: orchestration and scores
def run_seed(seed, args, suite, scorer):
    """Trains (or resumes) their loop for ``seed`` and scores its points; returns the seed's record."""
    from tfgan_suite.reproduce import runner

    budget, points = suite_points(suite)
    run_dir = Path(args.workdir) / f"seed{seed}"
    run_dir.mkdir(parents=True, exist_ok=True)
    task = {"seed": seed, "lr": args.lr, "beta1": args.beta1, "budget": budget, "points": points,
            "checkpoint_every": args.checkpoint_every}
    task_path = run_dir / "task.json"
    if task_path.exists() and json.loads(task_path.read_text()) != task:
        raise SystemExit(f"{run_dir} holds a run of another task ({task_path.read_text()}); "
                         "use another --workdir")
    task_path.write_text(json.dumps(task))
    if not (run_dir / "z.npy").exists():  # the draw our runs' snapshots are scored on
        np.save(run_dir / "z.npy", runner.latent_draw(suite.protocol.num_generated, loop.Z_DIM,
                                                      suite.protocol.sample_seed).numpy())
    subprocess.run([sys.executable, __file__, f"--train_theirs={run_dir}",
                    f"--threads={args.threads}"]
                   + ([f"--stop_at={args.stop_at}"] if args.stop_at else []), check=True)
    progress = json.loads((run_dir / "windows.json").read_text())
    scored = []
    for step in points:
        images_path = run_dir / "points" / f"step_{step}.npy"
        if not images_path.exists():
            continue  # not trained that far (--stop_at)
        scores = runner.kept_scores(  # images in [0, 1] -> ours in [-1, 1]
            str(run_dir / "points" / f"step_{step}.scores.json"), suite,
            lambda path=images_path: scorer.fid_kid(np.load(path) * 2.0 - 1.0)[0])
        scored.append({"discriminator_updates": step, **scores})
        print(f"seed {seed} at {step} updates: FID {scores['fid']:.2f}", flush=True)
    windows = [tuple(w) for w in progress["windows"]]
    fids = [p["fid"] for p in scored if p["fid"] is not None]
    return {"trained_updates": progress["update"], "train_seconds": round(progress["seconds"], 1),
            "points": scored, "fid_best": min(fids) if len(scored) == len(points) else None,
            "escape": loop.escape_step(windows),
            "min_window_d_loss": min((m for _, m in windows), default=None),
            "windows": windows}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="2")
    parser.add_argument("--workdir", default="runs/lucic_their_loop_fid")
    parser.add_argument("--reference_dir", default=None,
                        help="where the suite's reference features are cached (a lucic_mnist "
                             "workdir shares them); default --workdir")
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--beta1", type=float, default=0.0)
    parser.add_argument("--threads", type=bounded_int(0), default=1,
                        help="TensorFlow threads (0: its default)")
    parser.add_argument("--checkpoint_every", type=bounded_int(1), default=1000)
    parser.add_argument("--stop_at", type=bounded_int(1), default=None,
                        help="stop training after this many updates (resume later without it)")
    parser.add_argument("--output", default=None)
    parser.add_argument("--train_theirs", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.train_theirs:
        return train_theirs(args.train_theirs, args.threads, args.stop_at)
    os.environ["TF_NUM_INTRAOP_THREADS"] = str(args.threads)
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    from tfgan_suite.reproduce import runner, suites
    from tfgan_suite.utils.machine import load_average, write_record

    suite = suites.get(SUITE)
    scorer = runner.Scorer(suite, cache_dir=args.reference_dir or args.workdir)
    result = {"benchmark": "lucic_their_loop_fid", "command": "python " + " ".join(
        [os.path.relpath(__file__, Path(__file__).resolve().parents[1])] + sys.argv[1:]),
        "suite": SUITE, "objective": OBJECTIVE, "lr": args.lr, "beta1": args.beta1,
        "threads": args.threads, "measured_with": runner.measured_with(suite),
        "load_start": load_average(), "seeds": {}}
    for seed in [int(s) for s in args.seeds.split(",") if s]:
        result["seeds"][str(seed)] = run_seed(seed, args, suite, scorer)
    result["load_end"] = load_average()
    if args.output:
        write_record(args.output, result, sort_keys=True)
    return None


if __name__ == "__main__":
    main()
