"""GPU check in one command: train-step speed in four modes, Inception speed, the CIFAR-10 run.

    python benchmarks/gpu_check.py --inception_weights=PATH --output=gpu_check.json   # < 8 min, 1 GPU
    python benchmarks/gpu_check.py --quick --output=quick.json                        # CPU smoke run

Rows, all measured in one process (the CIFAR-10 run in a child process), printed as one table and
written as JSON (``--output``):

* ``dcgan32`` and ``sngan_cnn`` (hinge loss, one critic update per step, batch ``--batch_size``) in
  four modes: ``plain`` (default strategy, float32), ``xla`` (``jit_compile=True``), ``xla+bf16``
  (XLA and the ``mixed_bfloat16`` policy) and ``mirrored-1`` (``MirroredStrategy`` over one
  device: the cost of the distribution machinery). Steps/s is steady state: ``--steps`` timed steps after ``--warmup``
  untimed ones (tracing, XLA compilation), from the interval between the first and last step ends
  inside one ``fit`` (a callback reads each step's loss, which waits for the device). Data is an
  in-memory tensor repeated, so the input pipeline is not what is measured.
* ``inception``: images/s of ``tfgan_suite.metrics.inception_features`` (32x32 RGB images resized to
  299, pool_3 features, batch 50) with the weights at ``--inception_weights`` (default
  ``$TFGAN_SUITE_SHARED_DATA/inception_2015-12-05_fid_torchscript.pt``); skipped when absent.
* ``cifar10 run``: ``python -m tfgan_suite.run --flagfile=<tfgan_suite.flags>/hinge_sngan_cifar10.cfg``
  (the CIFAR-10 preset: hinge, SNGAN-CNN, batch 64) for ``--run_steps`` steps on ``--cifar10``
  (default ``$TFGAN_SUITE_SHARED_DATA/cifar10.npz``, else the ``cifar10`` tfds name): steps/s between
  its first and last TensorBoard epoch summaries (data pipeline, callbacks and checkpoints
  included), and the end-to-end wall time.

``--quick``: 3 warm-up + 4 timed steps at batch 8, 8 Inception images, a 4-step run: minutes on a
CPU, to check the script itself. ``--markdown=RESULT.json`` prints a saved result as the Markdown
table the docs show (docs/scale.md).
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# This process starts TensorFlow before the CIFAR-10 run's child process does: without memory
# growth the parent's TensorFlow takes nearly all GPU memory and the child gets none. Set before
# TensorFlow is imported (it reads the variable when it initializes the GPUs); the child gets it
# through child_environment().
os.environ.setdefault("TF_FORCE_GPU_ALLOW_GROWTH", "true")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import tfgan_suite  # noqa: E402
from tfgan_suite import models  # noqa: E402
from tfgan_suite.data.pipeline import pipeline_options  # noqa: E402
from tfgan_suite.training import distribute, precision  # noqa: E402
from tfgan_suite.utils.cli import child_environment  # noqa: E402
from tfgan_suite.utils.machine import write_record  # noqa: E402

MODELS = ("dcgan32", "sngan_cnn")
MODES = {  # name: (strategy name, mixed precision policy, jit_compile)
    "plain": ("default", None, False),
    "xla": ("default", None, True),
    "xla+bf16": ("default", "bfloat16", True),
    "mirrored-1": ("mirrored", None, False),
}


def shared_file(name):
    root = os.environ.get("TFGAN_SUITE_SHARED_DATA")
    path = os.path.join(root, name) if root else None
    return path if path and os.path.exists(path) else None


class StepEnds(keras.callbacks.Callback):
    """Wall time at the end of each step, after the step's loss reached the host."""

    def __init__(self):
        super().__init__()
        self.times = []

    def on_train_batch_end(self, batch, logs=None):
        float(logs["g_loss"])  # waits for the device
        self.times.append(time.perf_counter())

    def steps_per_second(self):
        return (len(self.times) - 1) / (self.times[-1] - self.times[0])


def device_name():
    gpus = tf.config.list_logical_devices("GPU")
    return (gpus[0].name if gpus else tf.config.list_logical_devices("CPU")[0].name), bool(gpus)


def train_step_speed(model_name, mode, batch_size, warmup, steps, device):
    strategy_name, policy, jit_compile = MODES[mode]
    strategy = (distribute.make_strategy("mirrored", devices=[device])
                if strategy_name == "mirrored" else tf.distribute.get_strategy())
    keras.utils.set_random_seed(0)
    with precision.precision_policy(policy), strategy.scope():
        generator, discriminator = models.get(model_name)
        gan = tfgan_suite.GAN(generator, discriminator, models.specs(model_name).latent_dim)
        d_opt, g_opt = (precision.wrap_optimizer(keras.optimizers.Adam(2e-4, beta_1=0.0, beta_2=0.9),
                                                 policy) for _ in range(2))
        # one step per call: StepEnds times each step's end, and with the "auto" default Keras
        # would call it once per several steps (for short fits, once in all)
        gan.compile(d_optimizer=d_opt, g_optimizer=g_opt, loss="hinge", n_critic=1,
                    jit_compile=jit_compile, steps_per_execution=1)
    shape = models.specs(model_name).image_shape
    images = tf.random.stateless_uniform([batch_size, *shape], [0, 1], -1.0, 1.0)
    dataset = tf.data.Dataset.from_tensors(images).repeat().with_options(pipeline_options())
    dataset = distribute.distribute_batches(strategy, dataset, gan.n_critic)
    gan.fit(dataset, epochs=1, steps_per_epoch=warmup, verbose=0, shuffle=False)
    ends = StepEnds()
    gan.fit(dataset, epochs=1, steps_per_epoch=steps + 1, verbose=0, shuffle=False,
            callbacks=[ends])
    return ends.steps_per_second()


def inception_speed(weights, num_images, batch_size):
    from tfgan_suite import metrics  # pylint: disable=import-outside-toplevel

    images = np.random.default_rng(0).integers(0, 256, (num_images, 32, 32, 3), dtype=np.uint8)
    metrics.inception_features(images[:batch_size], batch_size=batch_size,
                               inception_weights=weights, progress=False)  # build, convert, trace
    start = time.perf_counter()
    features = metrics.inception_features(images, batch_size=batch_size,
                                          inception_weights=weights, progress=False)
    elapsed = time.perf_counter() - start
    assert features.shape == (num_images, 2048), features.shape
    return num_images / elapsed


def epoch_wall_times(tensorboard_dir):
    """Wall times of the Keras TensorBoard epoch summaries (``epoch_g_loss``) of a run, by step."""
    times = {}
    from tensorflow.core.util import event_pb2  # pylint: disable=import-outside-toplevel

    for path in glob.glob(os.path.join(tensorboard_dir, "train", "events.out.tfevents.*")):
        for record in tf.data.TFRecordDataset(path):
            event = event_pb2.Event.FromString(record.numpy())
            for value in event.summary.value:
                if value.tag == "epoch_g_loss":
                    times[event.step] = event.wall_time
    return [times[k] for k in sorted(times)]


def cifar10_run_speed(dataset, steps, log_every, workdir):
    flagfile = os.path.join(os.path.dirname(__import__("tfgan_suite.flags").flags.__file__),
                            "hinge_sngan_cifar10.cfg")
    command = [sys.executable, "-m", "tfgan_suite.run", f"--flagfile={flagfile}",
               f"--dataset={dataset}", f"--steps={steps}", f"--log_every={log_every}",
               f"--sample_every={steps}", f"--workdir={workdir}"]
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env=child_environment())
    wall = time.perf_counter() - start
    if result.returncode:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stderr[-2000:]}")
    times = epoch_wall_times(os.path.join(workdir, "tensorboard"))
    if len(times) < 2:
        raise RuntimeError(f"expected {steps // log_every} epoch summaries, found {len(times)}")
    return log_every * (len(times) - 1) / (times[-1] - times[0]), wall


def print_table(rows):
    print(f"\n{'benchmark':<22}{'mode':<13}{'speed':>12}  {'unit':<9}{'vs plain':>9}")
    for row in rows:
        value = f"{row['value']:.2f}" if row["value"] is not None else "skipped"
        ratio = f"{row['vs_plain']:.2f}x" if row.get("vs_plain") else ""
        print(f"{row['benchmark']:<22}{row['mode']:<13}{value:>12}  {row['unit']:<9}{ratio:>9}"
              + (f"  ({row['note']})" if row.get("note") else ""))


def markdown(result):
    """The Markdown table of a saved result (what docs/scale.md shows)."""
    lines = [f"{'GPU' if result['gpu'] else 'CPU'} `{result['device']}`, TF {result['tensorflow']}, "
             f"Keras {result['keras']}, batch {result['settings']['batch_size']}, "
             f"{result['settings']['warmup']} warm-up + {result['settings']['steps']} timed steps "
             f"per mode, total {result['total_s']:.0f} s, 1-minute load average "
             f"{result['load_average_1min']:.1f} at the end", "",
             "| benchmark | mode | speed | vs plain | note |", "|---|---|---:|---:|---|"]
    for row in result["rows"]:
        value = f"{row['value']:.2f} {row['unit']}" if row["value"] is not None else "skipped"
        ratio = f"{row['vs_plain']:.2f}x" if row.get("vs_plain") else ""
        lines.append(f"| {row['benchmark']} | {row['mode']} | {value} | {ratio} | "
                     f"{row.get('note', '')} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny settings (a CPU smoke run)")
    parser.add_argument("--batch_size", type=int, default=64)
    parser.add_argument("--warmup", type=int, default=20, help="untimed steps per mode")
    parser.add_argument("--steps", type=int, default=200, help="timed steps per mode")
    parser.add_argument("--inception_weights", default=shared_file(
        "inception_2015-12-05_fid_torchscript.pt"))
    parser.add_argument("--inception_images", type=int, default=2000)
    parser.add_argument("--cifar10", default=shared_file("cifar10.npz") or "cifar10")
    parser.add_argument("--run_steps", type=int, default=1000)
    parser.add_argument("--run_log_every", type=int, default=100)
    parser.add_argument("--models", default=",".join(MODELS), help="comma-separated subset")
    parser.add_argument("--modes", default=",".join(MODES), help="comma-separated subset")
    parser.add_argument("--output", help="write the rows as JSON here")
    parser.add_argument("--markdown", help="only print this saved result as a Markdown table")
    args = parser.parse_args(argv)
    if args.markdown:
        with open(args.markdown) as f:
            print(markdown(json.load(f)))
        return None
    if args.quick:
        args.batch_size, args.warmup, args.steps = 8, 3, 4
        args.inception_images, args.run_steps, args.run_log_every = 8, 4, 1
    device, on_gpu = device_name()
    started = time.perf_counter()
    print(f"device {device} ({'GPU' if on_gpu else 'CPU'}), TF {tf.__version__}, "
          f"keras {keras.__version__}, batch {args.batch_size}, {args.warmup} warm-up + "
          f"{args.steps} timed steps per mode; load average {os.getloadavg()[0]:.1f}", flush=True)
    rows = []
    for model_name in filter(None, args.models.split(",")):
        plain = None
        for mode in filter(None, args.modes.split(",")):
            speed = train_step_speed(model_name, mode, args.batch_size, args.warmup, args.steps,
                                     device)
            plain = speed if mode == "plain" else plain
            rows.append({"benchmark": f"{model_name} train step", "mode": mode, "value": speed,
                         "unit": "steps/s", "vs_plain": speed / plain if plain else None})
            print(f"{model_name:>10} {mode:<11} {speed:8.2f} steps/s "
                  f"({time.perf_counter() - started:.0f} s elapsed)", flush=True)
    if args.inception_weights:
        batch = min(50, args.inception_images)
        speed = inception_speed(args.inception_weights, args.inception_images, batch)
        rows.append({"benchmark": "inception features", "mode": f"batch {batch}", "value": speed,
                     "unit": "images/s"})
    else:
        rows.append({"benchmark": "inception features", "mode": "", "value": None,
                     "unit": "images/s", "note": "no --inception_weights"})
    row = {"benchmark": "cifar10 run (preset)", "mode": f"{args.run_steps} steps",
           "value": None, "unit": "steps/s"}
    with tempfile.TemporaryDirectory(prefix="gpu_check_") as tmp:
        try:
            row["value"], wall = cifar10_run_speed(args.cifar10, args.run_steps,
                                                   args.run_log_every, os.path.join(tmp, "run"))
            row["note"] = f"{wall:.0f} s end to end"
        except RuntimeError as error:  # e.g. no CIFAR-10 here: the other rows still count
            row["note"] = str(error).strip().splitlines()[-1][:200]
    rows.append(row)
    print_table(rows)
    total = time.perf_counter() - started
    print(f"total {total:.0f} s")
    if args.output:
        write_record(args.output, {"device": device, "gpu": on_gpu, "tensorflow": tf.__version__,
                                   "keras": keras.__version__, "settings": vars(args),
                                   "total_s": total, "load_average_1min": os.getloadavg()[0],
                                   "rows": rows})
    return rows


if __name__ == "__main__":
    main()
