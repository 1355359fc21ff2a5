"""Where the default command-line run spends its time besides training steps.

Runs ``python -m tfgan_suite.run`` in this process (its ``main``, the flags given after ``--``,
default: none but ``--workdir``) and times every phase, in wall-clock and in CPU-seconds of the
process (``time.process_time``, which a loaded machine disturbs much less):

* ``import``: the interpreter's start and the imports of TensorFlow and ``tfgan_suite.run``;
* ``configure``: flags to ``TrainConfig``, the execution path, op determinism;
* ``build``: ``Run(config)`` and ``Run.build`` (data probe, networks, checkpoint 0, config.json);
* ``first_call``: the first call of the compiled train function (tracing it, then its steps);
* ``train_calls``: every later call of the train function (the training steps);
* one row per callback class (its ``on_*`` methods: sample grids, checkpoints, CSV, TensorBoard,
  progress bar, divergence guard, ...);
* ``fit_other``: the rest of ``Keras.fit`` (its loop, the data iterator, the epoch bookkeeping);
* ``export``: the SavedModel of the generator; ``other``: the rest (exit of ``main``).

    python benchmarks/cli_overhead.py [--json benchmarks/results/cli_overhead.json] [-- --steps=1000]

The command's own output is kept; the table is printed at the end.
"""
import time

START_WALL, START_CPU = time.perf_counter(), time.process_time()

import argparse  # noqa: E402
import collections  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402

HOOKS = ("on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end",
         "on_train_batch_begin", "on_train_batch_end")


class Clock:
    """Wall and CPU seconds per phase; ``phase(name)`` times a block, ``wrap`` a function."""

    def __init__(self):
        self.wall, self.cpu = collections.Counter(), collections.Counter()
        self.calls = collections.Counter()

    def add(self, name, wall, cpu):
        self.wall[name] += wall
        self.cpu[name] += cpu
        self.calls[name] += 1

    def wrap(self, name, function):
        def timed(*args, **kwargs):
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                self.add(name if isinstance(name, str) else name(),
                         time.perf_counter() - wall, time.process_time() - cpu)
        return timed


def instrument(clock):
    """Wraps ``Run``'s phases, the train function and every callback's hooks."""
    import keras

    from tfgan_suite.training import experiment
    from tfgan_suite.training.gan import GAN

    for method in ("build", "export"):
        setattr(experiment.Run, method, clock.wrap(method, getattr(experiment.Run, method)))
    run_init = experiment.Run.__init__

    def init(self, config):
        clock.wrap("build", run_init)(self, config)
    experiment.Run.__init__ = init
    fit = experiment.Run.fit
    experiment.Run.fit = clock.wrap("fit_total", fit)

    make = GAN.make_train_function

    def make_train_function(self, force=False):
        make(self, force)  # Keras sets self.train_function (and may return nothing)
        function = self.train_function
        if getattr(function, "timed", False):
            return function
        first = [True]

        def name():
            phase = "first_call" if first[0] else "train_calls"
            first[0] = False
            return phase
        timed = clock.wrap(name, function)
        timed.timed = True
        self.train_function = timed
        return timed
    GAN.make_train_function = make_train_function

    callback_list_init = keras.callbacks.CallbackList.__init__

    def callback_list(self, *args, **kwargs):
        callback_list_init(self, *args, **kwargs)
        for callback in self.callbacks:
            if getattr(callback, "timed", False):
                continue
            for hook in HOOKS:
                setattr(callback, hook, clock.wrap(f"callback {type(callback).__name__}",
                                                   getattr(callback, hook)))
            callback.timed = True
    keras.callbacks.CallbackList.__init__ = callback_list


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", help="also write the figures to this JSON file")
    argv = sys.argv[1:]
    cli_args = argv[argv.index("--") + 1:] if "--" in argv else []
    args = parser.parse_args(argv[:argv.index("--")] if "--" in argv else argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    load_before = os.getloadavg()
    import tensorflow as tf  # noqa: F401
    from tfgan_suite import run

    clock = Clock()
    instrument(clock)  # imports what the run imports (keras, training)
    clock.add("import", time.perf_counter() - START_WALL, time.process_time() - START_CPU)
    workdir = os.path.join(tempfile.mkdtemp(prefix="cli_overhead_"), "run")
    command = ["run", f"--workdir={workdir}"] + cli_args
    run.FLAGS(command)
    wall, cpu = time.perf_counter(), time.process_time()
    status = run.main(["run"])
    clock.add("main", time.perf_counter() - wall, time.process_time() - cpu)
    if status:
        sys.exit(f"the command failed with status {status}")
    total_wall, total_cpu = time.perf_counter() - START_WALL, time.process_time() - START_CPU

    rows = []
    callbacks = [n for n in clock.wall if n.startswith("callback ")]
    inner = ["first_call", "train_calls"] + callbacks
    derived = {
        "configure": ("main", ["build", "fit_total", "export"]),
        "fit_other": ("fit_total", inner),
        "other": (None, ["import", "main"]),
    }
    order = ["import", "configure", "build", "first_call", "train_calls", *sorted(callbacks),
             "fit_other", "export", "other"]
    for name in order:
        if name in derived:
            whole, parts = derived[name]
            wall = (clock.wall[whole] if whole else total_wall) - sum(clock.wall[p] for p in parts)
            cpu = (clock.cpu[whole] if whole else total_cpu) - sum(clock.cpu[p] for p in parts)
            calls = None
        else:
            wall, cpu, calls = clock.wall[name], clock.cpu[name], clock.calls[name]
        rows.append({"phase": name, "wall_s": wall, "cpu_s": cpu, "calls": calls,
                     "cpu_fraction": cpu / total_cpu})
    with open(os.path.join(workdir, "config.json")) as f:
        config = json.load(f)
    print(f"\n{'phase':>32} {'wall s':>8} {'CPU s':>8} {'of CPU':>7} calls")
    for row in rows:
        print(f"{row['phase']:>32} {row['wall_s']:8.2f} {row['cpu_s']:8.2f} "
              f"{row['cpu_fraction']:7.1%} {row['calls'] or ''}")
    print(f"{'total':>32} {total_wall:8.2f} {total_cpu:8.2f}; load average "
          f"{load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after")
    if args.json:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from speed_table import run_record  # pylint: disable=import-outside-toplevel
        # imported only now: whatever this process imports before the run counts in its import phase
        from tfgan_suite.utils.machine import write_record  # pylint: disable=import-outside-toplevel

        record = run_record("cli_overhead", cli_command=" ".join(["python -m tfgan_suite.run"]
                                                                 + cli_args),
                            steps=config["steps"], jit_compile=config["jit_compile"],
                            steps_per_execution=config["steps_per_execution"],
                            tensorflow=tf.__version__, load_average_before=list(load_before),
                            total_wall_s=total_wall, total_cpu_s=total_cpu, rows=rows)
        write_record(args.json, record)


if __name__ == "__main__":
    main()
