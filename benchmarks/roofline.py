"""How close does a training step come to the machine's limit, on each execution path?

For every architecture (with the non-saturating loss) and every objective family (on one
architecture), in ONE process: the train step's FLOPs counted by TensorFlow's profiler on the traced
``GAN.train_step`` graph (both players' updates, forward and backward), the step's speed through
``GAN.fit`` on four paths, and the machine's float32 matmul rate (2048 x 2048, the reachable limit)
measured in the same process with the same thread count:

* ``plain``: ``tf.function`` (oneDNN kernels), one step per call: the default before issue 21;
* ``plain_spe``: the same, ``steps_per_execution=10``;
* ``xla``: ``jit_compile=True``;
* ``xla_spe``: XLA and ``steps_per_execution=10``.

The paths of one model are timed interleaved, in rounds that rotate who goes first, so machine load
hits all alike. Each block's speed is given twice: steps per wall-clock second, and steps per
CPU-second of the process (``time.process_time``), which a loaded machine disturbs much less than
wall time: on a shared machine compare the CPU-second columns, and read the wall columns with the
load average printed beside them. Achieved GFLOP/s = FLOPs per step x steps per second; the
fraction is against the matmul rate measured the same way (wall or CPU).

``--inception N`` adds the FID Inception network on N images (FLOPs per image, images per second
and per CPU-second, plain vs XLA, and the largest feature difference XLA makes).

``--cli`` adds the default command-line run (``python -m tfgan_suite.run`` as a ``Run`` of the
default ``TrainConfig``, bundled MNIST, its callbacks and data pipeline) on the path of
before issue 21 (``jit_compile=False, steps_per_execution=1``, op determinism on) against today's
default (``"auto"``, op determinism on unless XLA, as the CLI does), interleaved in the same way.

    python benchmarks/roofline.py [--threads 1] [--rounds 2] [--steps 10] [--block_seconds 8]
                                  [--models dcgan28,...] [--families nsgan,wgan,...]
                                  [--family_model dcgan32] [--cli]
                                  [--inception 25]
                                  [--json benchmarks/results/roofline.json]
    python benchmarks/speed_table.py benchmarks/results/roofline.json   # the README's table
"""
import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

PATHS = {"plain": dict(jit_compile=False, steps_per_execution=1),
         "plain_spe": dict(jit_compile=False, steps_per_execution=10),
         "xla": dict(jit_compile=True, steps_per_execution=1),
         "xla_spe": dict(jit_compile=True, steps_per_execution=10)}
# objective families (each with its paper's settings, training.settings.PAPER): one critic update,
# five (with weight clipping, and with a hinge loss), five with a gradient penalty, and the
# simultaneous update of both players from one forward pass with an MMD kernel loss (rep)
FAMILIES = {"nsgan": "one critic update", "wgan": "5 critic updates, clipping",
            "hinge": "5 critic updates", "wgan_gp": "5 critic updates + gradient penalty",
            "rep": "simultaneous, MMD kernel"}
ALL_MODELS = ("toy_mlp", "wgan_mlp", "dcgan28", "lucic_infogan", "ebgan", "dcgan32", "dcgan64",
              "sngan_cnn", "rep_cnn", "sngan_resnet", "wgan_gp_resnet")
SPE = 10  # steps per call of the _spe paths: every timed block is a multiple of it
# what a block's length assumes of the plain path's speed (fraction of the matmul rate) when
# --block_seconds sizes it from the step's FLOPs
ASSUMED_FRACTION = 0.7


def cpu_name():
    """The processor's model name (``/proc/cpuinfo``), else ``platform.processor()``."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def matmul_rate(size=2048, repeats=6):
    """float32 ``size x size`` matmul GFLOP/s as ``(wall, cpu)``: the best of ``repeats``."""
    a = tf.random.stateless_normal([size, size], seed=[0, 1])
    b = tf.random.stateless_normal([size, size], seed=[0, 2])
    matmul = tf.function(lambda x, y: tf.reduce_sum(tf.matmul(x, y)))
    matmul(a, b).numpy()
    flops = 2.0 * size ** 3
    best_wall = best_cpu = 0.0
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        matmul(a, b).numpy()
        best_wall = max(best_wall, flops / (time.perf_counter() - wall) / 1e9)
        best_cpu = max(best_cpu, flops / (time.process_time() - cpu) / 1e9)
    return best_wall, best_cpu


def step_flops(gan, batch_shape):
    """FLOPs of one ``train_step`` on a real batch of ``batch_shape`` (TensorFlow's profiler on the
    traced graph: matmuls, convolutions and their gradients, element-wise ops)."""
    concrete = tf.function(gan.train_step).get_concrete_function(
        tf.TensorSpec(batch_shape, tf.float32))
    options = tf.compat.v1.profiler.ProfileOptionBuilder.float_operation()
    options["output"] = "none"
    return tf.compat.v1.profiler.profile(concrete.graph, options=options).total_float_ops


def build(loss, model, path):
    """A compiled GAN of ``loss`` on ``model`` (its paper settings and network options, as the
    command line builds it) on ``path``; returns ``(gan, real batch shape)``."""
    from tfgan_suite.training.experiment import TrainConfig, build_gan

    keras.utils.set_random_seed(0)
    config = TrainConfig(loss=loss, model=model, **PATHS[path])
    gan, arch = build_gan(config, image_channels=None)
    return gan, (config.batch_size * gan.n_critic, *arch.image_shape)


def time_blocks(fits, rounds):
    """``{name: (wall steps/s, cpu steps/s)}``: medians over ``rounds`` of each ``fits[name]()``,
    which runs one block and returns its step count; the order rotates every round."""
    names, wall, cpu = list(fits), {n: [] for n in fits}, {n: [] for n in fits}
    for r in range(rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            start_wall, start_cpu = time.perf_counter(), time.process_time()
            steps = fits[name]()
            wall[name].append(steps / (time.perf_counter() - start_wall))
            cpu[name].append(steps / (time.process_time() - start_cpu))
    return {n: (statistics.median(wall[n]), statistics.median(cpu[n])) for n in names}


def block_steps(flops, args, limit):
    """Train steps per timed block: ``--steps``, or with ``--block_seconds`` as many multiples of
    ``SPE`` (at least one, at most ``--steps``) as fill that many CPU-seconds at
    ``ASSUMED_FRACTION`` of the matmul rate, so big networks run fewer steps than small ones."""
    if not args.block_seconds:
        return args.steps
    seconds_per_step = flops / (ASSUMED_FRACTION * limit[1] * 1e9)
    blocks = round(args.block_seconds / (seconds_per_step * SPE)) if flops else args.steps
    return SPE * min(max(blocks, 1), args.steps // SPE)


def measure_model(loss, model, args, limit):
    """One row per path for ``loss`` on ``model``."""
    gans = {path: build(loss, model, path) for path in args.paths}
    gan, shape = gans[args.paths[0]]
    flops = step_flops(gan, shape)
    steps = block_steps(flops, args, limit)
    real = np.random.default_rng(0).uniform(-1, 1, shape).astype(np.float32)
    dataset = tf.data.Dataset.from_tensors(real).repeat()

    def fit(path, steps):
        gans[path][0].fit(dataset, epochs=1, steps_per_epoch=steps, verbose=0, shuffle=False)
        return steps

    compile_s, compile_cpu_s = {}, {}
    for path in args.paths:  # trace / compile: one call of 10 steps, or two calls of one
        start, start_cpu = time.perf_counter(), time.process_time()
        fit(path, max(PATHS[path]["steps_per_execution"], 2))
        compile_s[path] = time.perf_counter() - start
        compile_cpu_s[path] = time.process_time() - start_cpu
    speeds = time_blocks({p: (lambda p=p: fit(p, steps)) for p in args.paths}, args.rounds)
    load = os.getloadavg()[0]
    rows = []
    for path in args.paths:
        wall, cpu = speeds[path]
        rows.append({"model": model, "loss": loss, "family": FAMILIES.get(loss, loss),
                     "path": path, "gflop_per_step": flops / 1e9,
                     "steps_per_s": wall, "steps_per_cpu_s": cpu,
                     "gflops": flops * wall / 1e9, "gflops_cpu": flops * cpu / 1e9,
                     "fraction_of_matmul": flops * wall / 1e9 / limit[0],
                     "fraction_of_matmul_cpu": flops * cpu / 1e9 / limit[1],
                     "vs_plain_wall": wall / speeds["plain"][0] if "plain" in speeds else None,
                     "vs_plain_cpu": cpu / speeds["plain"][1] if "plain" in speeds else None,
                     "first_block_s": compile_s[path],
                     "first_block_cpu_s": compile_cpu_s[path], "steps_per_block": steps,
                     "load_average_1min": load})
        print(f"{model:>15} {loss:>8} {path:>10}: {flops / 1e9:6.2f} GFLOP/step  "
              f"{wall:6.2f} steps/s ({rows[-1]['fraction_of_matmul']:.0%})  "
              f"{cpu:6.2f} steps/CPU-s ({rows[-1]['fraction_of_matmul_cpu']:.0%})  "
              f"load {os.getloadavg()[0]:.1f}", flush=True)
    return rows


def measure_cli(args):
    """The default command-line run before issue 21 vs today's default, interleaved."""
    from tfgan_suite.training import experiment

    def make(name, overrides, deterministic):
        # the CLI turned op determinism on for every run without XLA: kernels are chosen when the
        # traced function first runs, so the old path is traced and run once with it on
        if deterministic:
            tf.config.experimental.enable_op_determinism()
        config = experiment.TrainConfig(steps=100000, workdir=tempfile.mkdtemp() + "/w",
                                        verbose=0, **overrides)
        run = experiment.Run(config).build()
        data = run.dataset(0)
        callbacks = run.callbacks(experiment.divergence.DivergenceGuard(),
                                  os.path.join(run.out_dir, "losses.csv"))

        def block():
            steps = args.cli_steps
            run.gan.fit(data, epochs=1, steps_per_epoch=steps, callbacks=callbacks, verbose=0,
                        shuffle=False)
            return steps
        block()
        if deterministic:
            from tensorflow.python.framework import config as tf_config  # no public switch-off

            tf_config.disable_op_determinism()
        return name, block, run.config

    old = make("before (plain, 1 step per call, op determinism)",
               dict(jit_compile=False, steps_per_execution=1), True)
    # today's default: what "auto" resolves to here, with the CLI's determinism rule (on unless XLA)
    use_xla = experiment.with_execution(experiment.TrainConfig()).jit_compile
    new = make("default now (auto)", {}, not use_xla)
    speeds = time_blocks({old[0]: old[1], new[0]: new[1]}, args.rounds)
    rows = [{"name": name, "jit_compile": config.jit_compile,
             "steps_per_execution": config.steps_per_execution,
             "steps_per_s": speeds[name][0], "steps_per_cpu_s": speeds[name][1]}
            for name, _, config in (old, new)]
    for row in rows:
        row["vs_before_wall"] = row["steps_per_s"] / rows[0]["steps_per_s"]
        row["vs_before_cpu"] = row["steps_per_cpu_s"] / rows[0]["steps_per_cpu_s"]
        print(f"cli {row['name']}: {row['steps_per_s']:.2f} steps/s "
              f"(x{row['vs_before_wall']:.2f}), {row['steps_per_cpu_s']:.2f} steps/CPU-s "
              f"(x{row['vs_before_cpu']:.2f})", flush=True)
    return rows


def run_command(python, cli_args, steps):
    """One whole default command-line run (``python -m tfgan_suite.run``) in a child process started
    from an empty directory (so ``python``'s installed ``tfgan_suite`` runs, not the one in the
    current directory): ``{wall_s, cpu_s, ...}``, CPU-seconds of that child (user + system,
    ``os.wait4``)."""
    import subprocess  # pylint: disable=import-outside-toplevel

    from tfgan_suite.utils.cli import child_environment  # pylint: disable=import-outside-toplevel

    scratch = tempfile.mkdtemp(prefix="roofline_cli_")
    command = [python, "-m", "tfgan_suite.run", f"--workdir={scratch}/run"] + cli_args
    start, load = time.perf_counter(), os.getloadavg()[0]
    child = subprocess.Popen(command, cwd=scratch, env=child_environment(),
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    stderr = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status):
        raise RuntimeError(f"{' '.join(command)} failed:\n{stderr[-2000:]}")
    cpu = usage.ru_utime + usage.ru_stime
    with open(f"{scratch}/run/config.json") as f:
        config = json.load(f)
    return {"wall_s": wall, "cpu_s": cpu, "steps": steps, "steps_per_cpu_s": steps / cpu,
            "steps_per_s": steps / wall, "load_average_1min_at_start": load,
            "jit_compile": config["jit_compile"],
            "steps_per_execution": config.get("steps_per_execution", 1),
            "choice_line": next((line for line in stderr.splitlines()
                                 if line.startswith("tfgan_suite: XLA")), None)}


def measure_cli_command(args):
    """The whole default command, old code (``--cli_old_python``, an interpreter with the code of
    before issue 21 installed) against this code, alternating, ``--rounds`` times each."""
    cli_args = args.cli_args.split()
    steps = next((int(a.split("=", 1)[1]) for a in cli_args if a.startswith("--steps=")), None)
    if steps is None:
        from tfgan_suite.training import experiment  # pylint: disable=import-outside-toplevel

        steps = experiment.TrainConfig().steps
    pythons = {f"before: {args.cli_old_label}": args.cli_old_python,
               "now: this code": sys.executable}
    runs = {name: [] for name in pythons}
    for r in range(args.rounds):
        names = list(pythons)[r % 2:] + list(pythons)[:r % 2]
        for name in names:
            runs[name].append(run_command(pythons[name], cli_args, steps))
            row = runs[name][-1]
            print(f"cli command {name}: {row['wall_s']:.1f} s wall, {row['cpu_s']:.1f} CPU-s, "
                  f"{row['steps_per_cpu_s']:.2f} steps/CPU-s, "
                  f"load {row['load_average_1min_at_start']:.1f}", flush=True)
    rows = []
    for name, measured in runs.items():
        rows.append({"name": name, "python": pythons[name], "runs": measured,
                     "cpu_s": statistics.median(m["cpu_s"] for m in measured),
                     "wall_s": statistics.median(m["wall_s"] for m in measured)})
    for row in rows:
        row["speedup_cpu"] = rows[0]["cpu_s"] / row["cpu_s"]
        row["speedup_wall"] = rows[0]["wall_s"] / row["wall_s"]
    return {"command": " ".join(["python -m tfgan_suite.run"] + cli_args), "steps": steps,
            "rows": rows}


def measure_inception(args, limit):
    """The FID Inception network (``metrics.inception``): FLOPs per 299x299 image (profiler, at a
    static batch), images per second and per CPU-second without and with XLA, and the largest
    feature difference of the XLA path from the plain one on the same images."""
    from tfgan_suite.metrics import inception

    images = np.random.default_rng(0).integers(0, 256, (args.inception, 64, 64, 3)).astype(np.uint8)
    extractors = {name: inception.InceptionExtractor(jit_compile=name == "xla",
                                                     batch_size=args.inception)
                  for name in ("plain", "xla")}
    plain = extractors["plain"]
    concrete = tf.function(lambda x: plain.model(x, training=False)).get_concrete_function(
        tf.TensorSpec([1, 299, 299, 3], tf.float32))
    options = tf.compat.v1.profiler.ProfileOptionBuilder.float_operation()
    options["output"] = "none"
    flops = tf.compat.v1.profiler.profile(concrete.graph, options=options).total_float_ops
    features = {name: np.asarray(e(images)) for name, e in extractors.items()}  # trace / compile
    speeds = time_blocks({name: (lambda e=e: (e(images), len(images))[1])
                          for name, e in extractors.items()}, args.rounds)
    rows = []
    for name, (wall, cpu) in speeds.items():
        rows.append({"path": name, "batch_size": args.inception, "gflop_per_image": flops / 1e9,
                     "images_per_s": wall, "images_per_cpu_s": cpu,
                     "fraction_of_matmul": flops * wall / 1e9 / limit[0],
                     "fraction_of_matmul_cpu": flops * cpu / 1e9 / limit[1],
                     "max_abs_feature_difference_vs_plain": float(
                         np.max(np.abs(features[name] - features["plain"])))})
        print(f"inception {name}: {flops / 1e9:.2f} GFLOP/image, {wall:.2f} images/s, "
              f"{cpu:.2f} images/CPU-s ({rows[-1]['fraction_of_matmul_cpu']:.0%}), max feature "
              f"difference vs plain {rows[-1]['max_abs_feature_difference_vs_plain']:.2g}",
              flush=True)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=0,
                        help="TensorFlow intra-op threads (0: its default, all cores)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--steps", type=int, default=10,
                        help="train steps per timed block (the most with --block_seconds)")
    parser.add_argument("--block_seconds", type=float, default=0,
                        help="size each model's blocks to about this many CPU-seconds from its "
                             "FLOPs (multiples of 10 steps, at most --steps); 0: --steps")
    parser.add_argument("--models", default=",".join(ALL_MODELS))
    parser.add_argument("--families", default=",".join(FAMILIES))
    parser.add_argument("--family_model", default="dcgan32",
                        help="the architecture the objective families are measured on")
    parser.add_argument("--paths", default=",".join(PATHS))
    parser.add_argument("--cli", action="store_true", help="also time the default CLI run")
    parser.add_argument("--cli_steps", type=int, default=100)
    parser.add_argument("--cli_old_python",
                        help="with --cli, also time the whole default command (subprocesses) run "
                             "by this interpreter (the code before issue 21 installed) against "
                             "this code's")
    parser.add_argument("--cli_old_label", default="the code before issue 21",
                        help="what --cli_old_python runs (e.g. a commit)")
    parser.add_argument("--cli_args", default="",
                        help="flags added to the whole command (default: none, the default run)")
    parser.add_argument("--inception", type=int, default=0,
                        help="also time the FID Inception network on this many images (a batch)")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    args = parser.parse_args()
    args.paths = args.paths.split(",")
    for name, value in (("--threads", args.threads), ("--rounds", args.rounds - 1),
                        ("--steps", args.steps - 1), ("--cli_steps", args.cli_steps - 1)):
        if value < 0:
            parser.error(f"{name} must be positive (0 allowed for --threads), got {value}")
    if args.steps % SPE:
        parser.error(f"--steps must be a multiple of {SPE} (the _spe paths), got {args.steps}")
    unknown = sorted(set(args.paths) - set(PATHS))
    if unknown:
        parser.error(f"unknown --paths {unknown}; valid choices: {', '.join(PATHS)}")
    if args.threads:
        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    load_before = os.getloadavg()
    limit = matmul_rate()
    print(f"{cpu_name()}: float32 2048x2048 matmul {limit[0]:.0f} GFLOP/s wall, "
          f"{limit[1]:.0f} GFLOP/CPU-s (threads: {args.threads or 'default'})", flush=True)
    jobs = [("nsgan", m) for m in args.models.split(",") if m] + [
        (f, args.family_model) for f in args.families.split(",") if f and f != "nsgan"]
    rows, cli, inception_rows, cli_command = [], [], [], {}

    def save():  # after every model, so a long run that is stopped keeps what it measured
        if args.json:
            from speed_table import run_record  # pylint: disable=import-outside-toplevel
            from tfgan_suite.utils.machine import write_record  # pylint: disable=import-outside-toplevel

            record = run_record("roofline", cpu=cpu_name(), threads=args.threads,
                                tensorflow=tf.__version__, keras=keras.__version__,
                                load_average_before=list(load_before), matmul_gflops=limit[0],
                                matmul_gflops_cpu=limit[1], rows=rows, cli=cli,
                                inception=inception_rows, cli_command=cli_command)
            write_record(args.json, record)

    if args.cli:
        cli += measure_cli(args)
        save()
        if args.cli_old_python:
            cli_command.update(measure_cli_command(args))
            save()
    if args.inception:
        inception_rows += measure_inception(args, limit)
        save()
    for loss, model in jobs:
        if model == "ebgan" or loss == "ebgan":
            loss = "ebgan"  # the autoencoder critic is EBGAN's own
        rows += measure_model(loss, model, args, limit)
        save()


if __name__ == "__main__":
    main()
