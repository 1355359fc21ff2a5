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
picks, per machine and network, what ``benchmarks/roofline.py`` measured to be the faster path
(``choose_xla``, a pure function of what it is told; one logged line says what it chose and why):

* XLA on when a GPU or TPU is visible and no multi-device strategy splits the step (Keras's own
  rule for ``jit_compile="auto"``; accelerator steps are short, so XLA's fused kernels pay).
* On a CPU-only machine it depends on the network. Convolutional networks: off. On this project's
  2-core AVX-512 machine (TensorFlow 2.21, oneDNN) XLA's best step of every convolutional
  architecture reached no more of the matmul rate per CPU-second than the best plain one (61-76%
  against 62-94%;
  ``benchmarks/results/roofline.json``, README "Speed"; only ``rep``'s simultaneous step on
  DCGAN-28 was 4% faster, too little to make an exception of). Small
  networks without convolutions (``toy_mlp``, the ring/grid nets): their steps are dominated by
  per-op overhead, which XLA's fusion removes (XLA + 10 steps per call ran 1.3x the plain path's
  steps per CPU-second, same record); a larger MLP (``wgan_mlp``, 1.9M parameters) is matmul-bound
  and ran slower with XLA, hence ``DENSE_XLA_MAX_PARAMETERS``. Compiling costs seconds, so XLA is
  on only for runs of at least ``DENSE_XLA_MIN_STEPS`` steps; ``GAN.compile`` does not know the
  run's length and keeps it off. A network whose layers cannot be inspected (an unbuilt custom
  model, the SGAN ensemble, which was not measured) counts as convolutional.
* ``steps_per_execution``: the largest divisor of the logging/sampling/checkpoint intervals up to
  ``MAX_STEPS_PER_EXECUTION``: it removes per-step Python and callback work, which matters for
  small models (the toy MLPs) and short accelerator steps.
"""
import math
import sys

import tensorflow as tf
from absl import logging

from tfgan_suite.errors import UserInputError

AUTO = "auto"
MAX_STEPS_PER_EXECUTION = 10
# strategies whose step XLA compiles as a whole; the others split it over devices or workers
_XLA_STRATEGIES = ("default", "tpu")
# on a CPU, "auto" compiles a network without convolutions with XLA when it has at most this many
# parameters (both players, roughly: dense kernels and biases): measured faster with XLA for
# toy_mlp (69k), slower for wgan_mlp (1.9M); the bound between them is a choice, not a measurement
DENSE_XLA_MAX_PARAMETERS = 250_000
# ... and when the run has at least this many steps: XLA's first call of 10 steps took 10 s more
# than the plain one (toy_mlp, benchmarks/results/roofline.json, first_block_s, at load 5) and then
# saved about 1.2 ms per step (wall; 0.7 ms per CPU-second), so it pays from about 8,500 steps
DENSE_XLA_MIN_STEPS = 10_000
# layer-factory ops that slide a kernel over (or resample) an image: a spec with none is an MLP
SPATIAL_OPS = frozenset({"conv", "deconv", "resblock", "upsample", "avgpool", "global_sum_pool",
                         "global_avg_pool"})
CONVOLUTIONAL, DENSE, UNKNOWN = "convolutional", "dense", "unknown"


def accelerator_kinds():
    """The kinds of accelerator TensorFlow sees (``"GPU"``, ``"TPU"``), sorted."""
    return sorted({device.device_type for device in tf.config.list_physical_devices()
                   if device.device_type in ("GPU", "TPU")})


def choose_xla(strategy, accelerators, network, parameters=None, steps=None):
    """``(use_xla, reason)`` of ``jit_compile="auto"``: a pure function of the strategy's name, the
    accelerator kinds visible (``accelerator_kinds()``), the network's kind (``CONVOLUTIONAL``,
    ``DENSE`` or ``UNKNOWN``: ``spec_kind``, ``network_kind``), its parameter count and the run's
    length in steps (``None``: unknown). ``reason`` is one line saying why (module docstring)."""
    if strategy not in _XLA_STRATEGIES:
        return False, (f"XLA off: the {strategy!r} strategy splits the step over devices "
                       f"(pass --jit_compile to force it)")
    if accelerators:
        return True, f"XLA on: {'/'.join(accelerators)} visible"
    if network != DENSE:
        what = "a convolutional network" if network == CONVOLUTIONAL else "a network not measured"
        return False, (f"XLA off: {what} on a CPU-only machine, where XLA's convolution steps "
                       f"measured slower per CPU-second than oneDNN's (benchmarks/roofline.py; "
                       f"pass --jit_compile to force it)")
    if parameters is None or parameters > DENSE_XLA_MAX_PARAMETERS:
        size = "unknown" if parameters is None else f"{parameters:,}"
        return False, (f"XLA off: a network without convolutions but with {size} parameters on a "
                       f"CPU-only machine, where XLA measured faster only up to "
                       f"{DENSE_XLA_MAX_PARAMETERS:,} (benchmarks/roofline.py; pass --jit_compile "
                       f"to force it)")
    if steps is None or steps < DENSE_XLA_MIN_STEPS:
        length = "a run of unknown length" if steps is None else f"a run of {steps} steps"
        return False, (f"XLA off: a small network without convolutions on a CPU-only machine, but "
                       f"{length} does not repay XLA's compile time (from {DENSE_XLA_MIN_STEPS} "
                       f"steps it does; pass --jit_compile to force it)")
    return True, (f"XLA on: a small network without convolutions ({parameters:,} parameters) on a "
                  f"CPU-only machine, where XLA's step measured faster, and {steps} steps repay "
                  f"its compile time (benchmarks/roofline.py; pass --nojit_compile to turn it off)")


def resolve_jit_compile(value, strategy="default", network=UNKNOWN, parameters=None, steps=None):
    """``(use_xla, reason)`` for ``jit_compile`` = ``True``/``False``/``"auto"`` (``choose_xla`` on
    this machine's accelerators for ``"auto"``).

    ``reason`` is one line saying why ``"auto"`` chose what it chose (``""`` for an explicit value).
    Raises ``UserInputError`` for anything else.
    """
    if isinstance(value, bool):
        return value, ""
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true", ""
    if value != AUTO:
        raise UserInputError(f"jit_compile must be true, false or {AUTO!r}, got {value!r}")
    if strategy not in _XLA_STRATEGIES:  # before touching TensorFlow's devices (multi-worker)
        return choose_xla(strategy, [], network, parameters, steps)
    return choose_xla(strategy, accelerator_kinds(), network, parameters, steps)


def _layer_lists(arch):
    """The layer lists of both networks of a ``models.ArchitectureSpec`` (an autoencoder critic's
    encoder and decoder), each paired with the width of its input; ``None`` when one is not a
    list."""
    from tfgan_suite.layers import factory  # pylint: disable=import-outside-toplevel

    discriminator = arch.discriminator
    pairs = [(arch.generator, arch.latent_dim)]
    if isinstance(discriminator, dict) and discriminator.get("type") == "autoencoder":
        pairs += [(discriminator.get("encoder"), math.prod(arch.image_shape)),
                  (discriminator.get("decoder"), None)]  # its input: the encoder's last width
    else:
        pairs.append((discriminator, math.prod(arch.image_shape)))
    lists = []
    for spec, width in pairs:
        if isinstance(spec, str):
            spec = factory.parse(spec)
        if not isinstance(spec, (list, tuple)) or not all(isinstance(l, dict) for l in spec):
            return None
        lists.append((spec, width))
    return lists


def spec_kind(arch):
    """``(kind, parameters)`` of a ``models.ArchitectureSpec``: ``CONVOLUTIONAL`` when either
    network has a spatial layer-factory op (``SPATIAL_OPS``), else ``DENSE`` with the dense layers'
    kernel and bias count (the generator's, then the critic's); ``(UNKNOWN, None)`` for specs that
    are not layer lists."""
    lists = _layer_lists(arch)
    if lists is None:
        return UNKNOWN, None
    if any(layer.get("op") in SPATIAL_OPS for spec, _ in lists for layer in spec):
        return CONVOLUTIONAL, None
    parameters, width = 0, None
    for spec, start in lists:
        width = start if start is not None else width
        for layer in spec:
            if layer.get("op") in ("dense", "conditional_dense"):
                parameters += (width + 1) * layer["units"]
                width = layer["units"]
            elif layer.get("op") == "reshape":
                width = math.prod(layer["shape"])
    return DENSE, parameters


def network_kind(*models):
    """``(kind, parameters)`` of built Keras ``models``: ``CONVOLUTIONAL`` when a weight has rank 3
    or more (a convolution kernel; dense kernels are matrices), else ``DENSE`` with their parameter
    count; ``(UNKNOWN, None)`` when one has no weights yet (unbuilt)."""
    parameters, kind = 0, DENSE
    for model in models:
        weights = getattr(model, "weights", None)
        if not weights:
            return UNKNOWN, None
        if any(len(weight.shape) >= 3 for weight in weights):
            kind = CONVOLUTIONAL
        parameters += sum(math.prod(weight.shape) for weight in weights)
    return kind, parameters if kind == DENSE else None


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


_LOGGED = set()
_PENDING = []  # choices made, not yet written (announce_choices)


def log_choice(reason):
    """Queues one line for an ``"auto"`` choice (nothing for an explicit one), once per distinct
    line in a process (a reproduce suite or a BogoNet sweep resolves the same choice for every run).
    ``announce_choices`` writes it when training starts, so that bad input found after the choice
    still gets its one line of error and nothing else."""
    if reason and reason not in _LOGGED and reason not in _PENDING:
        _PENDING.append(reason)


def announce_choices():
    """Writes the queued choices: absl's INFO log, and stderr too when INFO is hidden (the command
    line logs WARNING and above)."""
    while _PENDING:
        reason = _PENDING.pop(0)
        _LOGGED.add(reason)
        logging.info(reason)
        if logging.get_verbosity() < logging.INFO:
            print(f"tfgan_suite: {reason}", file=sys.stderr, flush=True)
