"""How the train step executes: XLA or not, and how many steps one call runs.

Two choices decide a run's speed without changing what it computes step by step:

* ``jit_compile``: compile the train step with XLA. XLA draws another (equally distributed) noise
  stream from the same seeds (``utils.randomness``), so the choice is part of a run's identity: it
  is resolved once, stored in ``config.json`` and in every reproduction record, and a run resumes
  only on the path it started on.
* ``steps_per_execution`` (Keras): how many train steps one call of the compiled train function
  runs in a ``tf.while_loop`` before control returns to Python (callbacks, progress bar, logs).
  Every step still runs the same kernels on the same data with the same stateless noise, so the
  weights are the same to the bit for any value (``tests/test_training_execution.py``); callbacks
  see the logs every ``steps_per_execution`` steps, so it must divide the logging, sample-grid and
  checkpoint intervals, which ``resolve_steps_per_execution`` ensures.

``"auto"`` (the default of the command line, the reproduce suites, BogoNet and ``GAN.compile``)
picks, per machine, what ``benchmarks/roofline.py`` measured to be the faster path:

* XLA on when a GPU or TPU is visible and no multi-device strategy splits the step (Keras's own
  rule for ``jit_compile="auto"``); off on a CPU-only machine: on this project's 2-core AVX-512
  machine (TensorFlow 2.21, oneDNN) XLA's convolution steps reached 61-81% of the matmul rate per
  CPU-second where the plain ones reached 70-90% (``benchmarks/results/roofline.json``; README
  "Speed"). Tiny MLPs are the exception (XLA faster there); not yet used by this rule.
* ``steps_per_execution``: the largest divisor of the logging/sampling/checkpoint intervals up to
  ``MAX_STEPS_PER_EXECUTION``: it removes per-step Python and callback work, which matters for
  small models (the toy MLPs) and short accelerator steps.
"""
import math

import tensorflow as tf
from absl import logging

from tfgan_suite.errors import UserInputError

AUTO = "auto"
MAX_STEPS_PER_EXECUTION = 10
# strategies whose step XLA compiles as a whole; the others split it over devices or workers
_XLA_STRATEGIES = ("default", "tpu")


def accelerator_kinds():
    """The kinds of accelerator TensorFlow sees (``"GPU"``, ``"TPU"``), sorted."""
    return sorted({device.device_type for device in tf.config.list_physical_devices()
                   if device.device_type in ("GPU", "TPU")})


def resolve_jit_compile(value, strategy="default"):
    """``(use_xla, reason)`` for ``jit_compile`` = ``True``/``False``/``"auto"``.

    ``reason`` is one line saying why ``"auto"`` chose what it chose (``""`` for an explicit value).
    Raises ``UserInputError`` for anything else.
    """
    if isinstance(value, bool):
        return value, ""
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true", ""
    if value != AUTO:
        raise UserInputError(f"jit_compile must be true, false or {AUTO!r}, got {value!r}")
    if strategy not in _XLA_STRATEGIES:
        return False, (f"XLA off: the {strategy!r} strategy splits the step over devices "
                       f"(pass --jit_compile to force it)")
    kinds = accelerator_kinds()
    if not kinds:
        return False, ("XLA off: CPU-only machine, where XLA's step measured no faster than "
                       "oneDNN's (benchmarks/roofline.py; pass --jit_compile to force it)")
    return True, f"XLA on: {'/'.join(kinds)} visible"


def largest_divisor_at_most(number, limit):
    """The largest ``d <= limit`` that divides ``number`` (``number >= 1``)."""
    return max(d for d in range(1, min(limit, number) + 1) if number % d == 0)


def resolve_steps_per_execution(value, intervals):
    """Steps per call of the train function for a run whose callbacks act every ``intervals`` steps
    (logging/epoch length, sample grids, checkpoints; zeros and ``None`` are ignored).

    ``"auto"``: the largest divisor of every interval up to ``MAX_STEPS_PER_EXECUTION``. An integer
    must be >= 1 and divide every interval (else one line naming them).
    """
    intervals = [int(i) for i in intervals if i]
    common = math.gcd(*intervals) if intervals else MAX_STEPS_PER_EXECUTION
    if value == AUTO:
        return largest_divisor_at_most(common, MAX_STEPS_PER_EXECUTION)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise UserInputError(f"steps_per_execution must be a positive integer or {AUTO!r}, "
                             f"got {value!r}")
    if common % value:
        raise UserInputError(f"steps_per_execution={value} must divide the logging, sampling and "
                             f"checkpoint intervals {sorted(set(intervals))}; choose a divisor of "
                             f"{common} or {AUTO!r}")
    return value


def log_choice(reason):
    """One logged line for an ``"auto"`` choice (nothing for an explicit one)."""
    if reason:
        logging.info(reason)
