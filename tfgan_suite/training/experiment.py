"""One training run from a plain config: data -> architecture -> objective -> fit -> export.

``run.py`` turns command-line flags into a :class:`TrainConfig`; notebooks can build one directly::

    from tfgan_suite.training.experiment import Run, TrainConfig, train
    result = train(TrainConfig(loss="lsgan", steps=1000, workdir="runs/lsgan"))
    run = Run(TrainConfig(loss="wgan_gp", lr_d=2e-4)).build()   # or one stage at a time

The config's training settings start from the objective's paper values
(:func:`game_settings`, ``training.settings``); :class:`Run` is the run itself: workdir, build,
callbacks, fit with divergence roll-back, export.

A run writes into ``workdir``: ``samples/*.png`` grids, ``losses.csv``, TensorBoard scalars, the grids
as images and the run's settings as an HParams session under ``tensorboard/``, ``config.json``,
checkpoints under ``checkpoints/`` and the generator as a SavedModel in ``generator/``.

Scale and fault tolerance (docs/scale.md): ``strategy`` picks a ``tf.distribute`` strategy
(``training.distribute``), ``jit_compile`` XLA, ``mixed_precision`` a Keras dtype policy
(``training.precision``). Running the same config on the same workdir again resumes exactly from
the newest readable checkpoint (``training.checkpointing``); a workdir holding anything else is
refused. A NaN/Inf loss stops the run (``on_nan="stop"``) or rolls it back to the last good
checkpoint with halved learning rates (``on_nan="restore"``).
"""
import dataclasses
import inspect
import json
import os
import shutil
import tempfile
from typing import Any, Optional

import keras
import tensorflow as tf

from tfgan_suite import augment as augment_lib
from tfgan_suite import data as data_lib
from tfgan_suite import export, losses, models
from tfgan_suite.errors import UserInputError
from tfgan_suite.training import callbacks as callbacks_lib
from tfgan_suite.training import checkpointing, distribute, divergence, execution, precision
from tfgan_suite.training import schedules
from tfgan_suite.training import settings as settings_lib
from tfgan_suite.training import step as step_lib
from tfgan_suite.training.gan import GAN
from tfgan_suite.training.settings import DEFAULT


@dataclasses.dataclass
class TrainConfig:
    """Everything a run depends on. ``DEFAULT`` (``"default"``) means "the objective's paper value"
    (``training.settings``); ``None`` means none (no penalty, no clipping, no EMA)."""

    loss: str = "nsgan"
    penalty: Optional[str] = DEFAULT
    model: str = DEFAULT  # DEFAULT: the objective's architecture (ebgan), else dcgan28
    dataset: Optional[str] = None  # None: the bundled real MNIST subset
    data_dir: Optional[str] = None
    batch_size: int = 64
    steps: int = 3000
    lr_d: Any = DEFAULT
    lr_g: Any = DEFAULT
    beta_1: Any = DEFAULT
    beta_2: Any = DEFAULT
    n_critic: Any = DEFAULT
    optimizer: str = DEFAULT  # adam | rmsprop (training.settings)
    critic_schedule: str = DEFAULT  # constant | wgan (training.step)
    update: str = DEFAULT  # alternating | simultaneous
    clip_value: Any = DEFAULT
    ema_decay: Any = DEFAULT
    historical_averaging: Any = DEFAULT
    lr_decay: Optional[str] = None  # none | linear[:END] | exponential[:RATE], see schedules
    # generator steps at which the sampling generator is also exported, to generators/step_<k>
    # (callbacks.GeneratorSnapshots); the final one is always generator/
    export_at: tuple = ()
    seed: int = 0
    workdir: str = "runs/default"
    sample_every: int = 500
    log_every: int = 100
    verbose: int = 1
    model_options: dict = dataclasses.field(default_factory=dict)
    loss_options: dict = dataclasses.field(default_factory=dict)
    penalty_options: dict = dataclasses.field(default_factory=dict)
    # --- scale and fault tolerance (docs/scale.md) ---
    strategy: str = "default"  # default | mirrored | multi_worker | tpu (training.distribute)
    jit_compile: Any = "auto"  # XLA: True | False | "auto" (training.execution)
    steps_per_execution: Any = "auto"  # train steps per call: int | "auto" (training.execution)
    mixed_precision: Optional[str] = None  # None/float32 | bfloat16 | float16
    checkpoint_every: Optional[int] = None  # None: the multiple of log_every nearest above 1000
    keep_checkpoints: int = 3
    on_nan: str = "stop"  # stop | restore (roll back to the last good checkpoint, halve both LRs)
    # --- ensembles (docs/sgan.md): "none" trains one GAN; "sgan" an SGAN of num_pairs local pairs.
    ensemble: str = "none"
    num_pairs: int = 5
    # --- class-conditional GANs: (images, labels) batches, conditional G and projection D
    num_classes: Optional[int] = None
    # --- limited data (docs/augment.md); None everywhere: off (so older runs still resume)
    num_examples: Optional[int] = None  # train on the first N images of the training split
    augment: Optional[str] = None  # DiffAugment policies ("translation,cutout") or "ada[:groups]"
    ada_target: Optional[float] = None  # ADA's r_t target (None: 0.6)
    ada_speed_images: Optional[int] = None  # images for ADA's p to move by 1 (None: 500,000)


# Fields that may differ when a run is resumed: they do not change the state being trained.
# (jit_compile is not among them: XLA draws a different noise stream from the same seeds.)
# steps_per_execution is: each step computes the same numbers whatever the count (training.execution).
RESUMABLE_CHANGES = ("steps", "verbose", "workdir", "strategy", "checkpoint_every",
                     "keep_checkpoints", "sample_every", "on_nan", "steps_per_execution",
                     "export_at")
ON_NAN = ("stop", "restore")
MAX_NAN_RESTORES = 3


def _comparable(config):
    return json.loads(json.dumps(dataclasses.asdict(config), default=str))


def saved_config(workdir):
    """The settings dict in ``workdir/config.json``, ``None`` when there is none; ``ValueError``
    when it is not a JSON object."""
    path = os.path.join(workdir, "config.json")
    if not os.path.isfile(path):
        return None
    with open(path) as f:
        saved = json.load(f)
    if not isinstance(saved, dict):
        raise ValueError(f"{path} holds a {type(saved).__name__}, not a config")
    return saved


def check_workdir(workdir, config=None):
    """Decides whether ``workdir`` starts a new run (``"new"``) or resumes one (``"resume"``).

    New: the directory is absent or empty. Resume: it holds ``config.json`` of the same config
    (fields in ``RESUMABLE_CHANGES`` may differ). Anything else (other files, a different config)
    raises ``UserInputError`` in one line; nothing is ever overwritten.
    """
    if os.path.exists(workdir) and not os.path.isdir(workdir):
        raise UserInputError(f"workdir {workdir!r} exists and is not a directory")
    if not os.path.isdir(workdir) or not os.listdir(workdir):
        return "new"
    entries = ", ".join(sorted(os.listdir(workdir))[:5])
    try:
        saved = saved_config(workdir)
    except ValueError:
        raise UserInputError(f"workdir {workdir!r} already holds a run whose config.json is "
                             f"unreadable; choose a new --workdir") from None
    if config is None or saved is None:
        raise UserInputError(f"workdir {workdir!r} already holds a run or other files ({entries}) "
                             f"that are not a resumable run of this config; choose a new --workdir "
                             f"or remove it first")
    current = _comparable(config)
    # a field added after the run was started counts as its default value
    defaults = _comparable(TrainConfig())
    changed = [f"{key}: {saved.get(key, defaults.get(key))!r} -> {value!r}"
               for key, value in current.items()
               if key not in RESUMABLE_CHANGES and saved.get(key, defaults.get(key)) != value]
    if changed:
        raise UserInputError(f"workdir {workdir!r} already holds a run with a different config "
                             f"({'; '.join(changed[:4])}); resume with the same flags or choose a "
                             f"new --workdir")
    return "resume"


def _checkpoint_every(config, log_every):
    if config.checkpoint_every is None:
        return log_every * max(1, -(-1000 // log_every))
    if config.checkpoint_every < 1 or config.checkpoint_every % log_every:
        raise UserInputError(f"--checkpoint_every={config.checkpoint_every} must be a positive "
                             f"multiple of --log_every={log_every}")
    return config.checkpoint_every


SETTING_FIELDS = ("optimizer", "lr_d", "lr_g", "beta_1", "beta_2", "n_critic", "critic_schedule", "update",
                  "penalty", "penalty_options", "clip_value", "ema_decay", "historical_averaging")


def game_settings(config):
    """The objective's paper :class:`~tfgan_suite.training.settings.Settings` with the config's
    overrides (raises one line on a bad value)."""
    return settings_lib.resolve(config.loss, model=config.model,
                                **{name: getattr(config, name) for name in SETTING_FIELDS})


def model_name(config):
    """``config.model``, or the objective's architecture (EBGAN's autoencoder), or ``dcgan28``."""
    return game_settings(config).model or "dcgan28"


def _architecture_overrides(config, objective, image_channels):
    """Model options the user left out, filled from the objective's settings and the data."""
    accepted = inspect.signature(models.ARCHITECTURES.lookup(model_name(config))).parameters
    options = dict(config.model_options)
    if config.num_classes is not None:
        options["num_classes"] = config.num_classes
    if "d_output_dim" in accepted:
        options.setdefault("d_output_dim", objective.discriminator_output_dim)
    for key, value in game_settings(config).model_options.items():  # e.g. MMD's spectral norm
        if key in accepted:
            options.setdefault(key, value)
    if "channels" in accepted and image_channels is not None:
        options.setdefault("channels", image_channels)
    return options


def _architecture(config, image_channels):
    """``(objective, architecture name, its options, its ArchitectureSpec)`` for ``config``."""
    objective = losses.get(config.loss, **config.loss_options)
    name = model_name(config)
    options = _architecture_overrides(config, objective, image_channels)
    arch = models.specs(name, **options)
    warn_batch_norm_critic(game_settings(config).penalty, name, arch)
    return objective, name, options, arch


PER_SAMPLE_PENALTIES = ("gradient_penalty", "dragan")


def warn_batch_norm_critic(penalty, name, arch):
    """One warning line when a per-sample gradient penalty meets a batch-normalized critic."""
    from tfgan_suite.layers import factory  # pylint: disable=import-outside-toplevel

    spec = arch.discriminator
    layers = (factory.validate(spec, num_classes=getattr(arch, "num_classes", None))
              if isinstance(spec, (list, tuple, str)) else [])
    if penalty in PER_SAMPLE_PENALTIES and any(layer.get("norm") == "batch" for layer in layers):
        checkpointing.warn(
            f"penalty {penalty!r} with model {name!r}, whose critic uses batch norm: the penalty "
            f"constrains each sample's gradient but a batch-normed critic's output depends on the "
            f"whole batch (Gulrajani et al. 2017, section 4); use a critic without it "
            f"(dcgan*: --model_options=d_norm=none or d_norm=layer)")


def _compile_kwargs(config):
    """The ``compile`` arguments GAN and SGAN share (optimizers with decay and loss scaling,
    penalty, n_critic, schedule, update, clipping, EMA, averaging) and XLA."""
    return dict(**game_settings(config).compile_kwargs(config.steps, config.lr_decay,
                                                       config.mixed_precision),
                jit_compile=config.jit_compile, steps_per_execution=config.steps_per_execution,
                augment=config.augment,
                ada_options=ada_options(config))


def ada_options(config):
    """``AdaptiveAugment`` keyword arguments the config sets (``None`` when it sets none)."""
    options = {name: value for name, value in (("target", config.ada_target),
                                               ("speed_images", config.ada_speed_images))
               if value is not None}
    return options or None


def build_gan(config, image_channels=None):
    """The compiled :class:`GAN` described by ``config`` (call inside a strategy scope if any)."""
    objective, name, arch_options, arch = _architecture(config, image_channels)
    generator, discriminator = models.get(name, **arch_options)
    gan = GAN(generator, discriminator, arch.latent_dim, seed=config.seed)
    gan.compile(loss=objective, **_compile_kwargs(config))
    return gan, arch


ENSEMBLES = ("none", "sgan")


def check_ensemble(config):
    """One line for a bad --ensemble / --num_pairs or an option SGAN does not support."""
    if config.ensemble not in ENSEMBLES:
        raise UserInputError(f"unknown ensemble {config.ensemble!r}; valid choices: "
                             f"{', '.join(ENSEMBLES)}")
    if config.ensemble == "sgan":
        if config.num_pairs < 1:
            raise UserInputError(f"--num_pairs must be positive, got {config.num_pairs}")
        settings = game_settings(config)
        if settings.ema_decay is not None or settings.historical_averaging:
            raise UserInputError("--ema_decay and --historical_averaging are not supported with "
                                 "--ensemble=sgan")
        if config.num_classes is not None:
            raise UserInputError("--num_classes (class-conditional GANs) is not supported with "
                                 "--ensemble=sgan")
        if config.strategy != "default":
            raise UserInputError(f"--ensemble=sgan spreads its pairs over the GPUs itself; use "
                                 f"--strategy=default, not {config.strategy!r}")


def build_sgan(config, image_channels=None):
    """The compiled :class:`~tfgan_suite.training.sgan.SGAN` described by ``config`` (as
    :func:`build_gan`, every pair being the architecture); with several GPUs the pairs are spread
    over them. Build it outside any strategy scope."""
    from tfgan_suite.training.sgan import SGAN  # pylint: disable=import-outside-toplevel

    objective, name, arch_options, arch = _architecture(config, image_channels)
    gpus = [d.name for d in tf.config.list_logical_devices("GPU")]
    sgan = SGAN(lambda: models.get(name, **arch_options), num_pairs=config.num_pairs,
                latent_dim=arch.latent_dim, seed=config.seed,
                devices=gpus if len(gpus) > 1 else None)
    sgan.compile(loss=objective, **_compile_kwargs(config))
    return sgan, arch


def _validate(config):
    if config.steps < 1:
        raise UserInputError(f"--steps must be positive, got {config.steps}")
    log_every = min(config.log_every, config.steps)
    if config.steps % log_every:
        raise UserInputError(f"--steps={config.steps} must be a multiple of "
                             f"--log_every={log_every}")
    # points past --steps are kept for a resumed run with a larger budget (reached only then)
    bad = [s for s in config.export_at if isinstance(s, bool) or not isinstance(s, int) or s < 1]
    if bad:
        raise UserInputError(f"--export_at={bad[0]!r}: each point must be a generator step >= 1")
    if config.on_nan not in ON_NAN:
        raise UserInputError(f"unknown --on_nan {config.on_nan!r}; valid choices: "
                             f"{', '.join(ON_NAN)}")
    precision.policy_name(config.mixed_precision)
    distribute.STRATEGIES.lookup(config.strategy)
    losses.get(config.loss, **config.loss_options)  # fail on a bad name before touching disk
    settings = game_settings(config)
    models.ARCHITECTURES.lookup(model_name(config))
    if settings.critic_schedule != "constant" and config.strategy != "default":
        raise UserInputError(f"--critic_schedule={settings.critic_schedule} feeds batches of "
                             f"varying size; use --strategy=default, not {config.strategy!r}")
    decay = schedules.parse(config.lr_decay)
    if config.on_nan == "restore" and decay[0] != "none":
        raise UserInputError(f"--on_nan=restore lowers constant learning rates; it cannot be "
                             f"combined with --lr_decay={config.lr_decay} (use --on_nan=stop)")
    check_ensemble(config)
    _check_limited_data(config, settings)
    return intervals(config)


def intervals(config):
    """``(log_every, checkpoint_every)`` in generator steps (``_validate`` checks them)."""
    log_every = min(config.log_every, config.steps)
    return log_every, _checkpoint_every(config, log_every)


def with_execution(config):
    """``config`` with ``jit_compile`` and ``steps_per_execution`` resolved to concrete values
    (``training.execution``: ``"auto"`` picks the faster path for this machine and strategy and
    logs why; steps per execution divide the logging, sample-grid and checkpoint intervals)."""
    log_every, checkpoint_every = _validate(config)
    stored = _started_on_xla(config)
    if config.jit_compile == execution.AUTO and stored is not None:
        # "auto" may depend on --steps, which a resumed run may raise: keep the run's path
        use_xla, reason = stored, (f"XLA {'on' if stored else 'off'}: resuming the run in "
                                   f"{config.workdir}, which started on that path")
    else:
        kind, parameters = network_kind(config)
        use_xla, reason = execution.resolve_jit_compile(
            config.jit_compile, config.strategy, kind, parameters, config.steps)
    execution.log_choice(reason)
    steps = execution.resolve_steps_per_execution(
        config.steps_per_execution, (log_every, config.sample_every, checkpoint_every))
    return dataclasses.replace(config, jit_compile=use_xla, steps_per_execution=steps)


def network_kind(config):
    """``(kind, parameters)`` of the config's networks for ``execution.choose_xla``: from the
    architecture's spec; an SGAN ensemble counts as not measured (``execution.UNKNOWN``)."""
    if config.ensemble == "sgan":
        return execution.UNKNOWN, None
    objective = losses.get(config.loss, **config.loss_options)
    arch = models.specs(model_name(config), **_architecture_overrides(config, objective, None))
    return execution.spec_kind(arch)


def _started_on_xla(config):
    """The ``jit_compile`` stored in ``config.workdir``'s ``config.json`` (a run to resume), or
    ``None`` when there is none (or it is unreadable: ``check_workdir`` says so in one line)."""
    try:
        stored = (saved_config(config.workdir) or {}).get("jit_compile")
    except (OSError, ValueError):
        return None
    return stored if isinstance(stored, bool) else None


def _check_limited_data(config, settings):
    """One line for a bad --num_examples, --augment or ADA flag."""
    augment_lib.check(config.augment, config.loss)
    if ada_options(config) and not (config.augment or "").startswith("ada"):
        raise UserInputError(f"--ada_target / --ada_speed_images need --augment=ada, not "
                             f"--augment={config.augment or 'none'}")
    if config.num_examples is not None:
        needed = config.batch_size * (settings.n_critic if settings.critic_schedule == "constant"
                                      else 1)
        if config.num_examples < needed:
            raise UserInputError(f"--num_examples={config.num_examples} is smaller than one train "
                                 f"step's real images ({needed} = batch_size x n_critic); use "
                                 f"at least {needed}")


class Run:
    """One training run of a :class:`TrainConfig`, step by step::

        run = Run(config)      # validates the config, picks the strategy, checks the workdir
        run.build()            # data shape, model, checkpoints (restored when resuming)
        run.fit()              # Keras fit with the run's callbacks; NaN/Inf: stop or roll back
        run.export()           # the sampling generator as a SavedModel
        result = run.result()  # or all four at once: Run(config).execute()

    Raises ``UserInputError`` (bad config or a workdir holding something else, one line) and
    ``divergence.TrainingDiverged`` (a NaN/Inf loss: one line naming the step and the last good
    checkpoint, which is kept).
    """

    def __init__(self, config):
        self.config = config = with_execution(config)  # validates; the path that runs is recorded
        self.log_every, self.checkpoint_every = intervals(config)
        # first: multi-worker must create its strategy before anything else touches TensorFlow
        self.strategy = distribute.make_strategy(config.strategy)
        self.chief = distribute.is_chief(self.strategy)
        self.mode = check_workdir(config.workdir, config) if self.chief else "worker"
        # non-chief workers write their (unused) copies into a scratch directory
        self.out_dir = config.workdir if self.chief else tempfile.mkdtemp(prefix="tfgan_worker_")
        self.gan = self.arch = self.checkpoints = None
        self.start_step = 0
        self.resumed_from = 0  # the step this process started at (a roll-back moves start_step)
        self.history = {}
        self.generator_path = None

    # ------------------------------------------------------------------ build
    def build(self):
        """Builds the model (seeded), checks the data against it, restores or starts checkpoints
        and writes ``config.json``."""
        config = self.config
        probe = data_lib.load(config.dataset, split="train", batch_size=1, seed=config.seed,
                              data_dir=config.data_dir, labels=self.labels,
                              num_examples=config.num_examples)
        keras.utils.set_random_seed(config.seed)  # initial weights are a function of the seed
        with precision.precision_policy(config.mixed_precision), self.strategy.scope():
            build = build_sgan if config.ensemble == "sgan" else build_gan
            channels = tf.nest.flatten(probe.element_spec)[0].shape[-1]  # images [, labels]
            self.gan, self.arch = build(config, image_channels=channels)
        self.dataset(0)  # shape check before writing anything
        os.makedirs(self.out_dir, exist_ok=True)
        self.checkpoints = checkpointing.RunCheckpoints(
            self.gan, os.path.join(config.workdir, "checkpoints"), config.keep_checkpoints,
            write=self.chief)
        self.start_step = self.checkpoints.restore_latest() if self.mode != "new" else 0
        self.resumed_from = self.start_step
        if self.mode == "new" or self.chief:
            with open(os.path.join(self.out_dir, "config.json"), "w") as f:
                json.dump(dataclasses.asdict(config), f, indent=2, default=str)
        if self.start_step == 0 and self.mode != "worker":
            self.checkpoints.save(0)  # "restore" always has a good checkpoint to go back to
        return self

    @property
    def labels(self):
        """Whether batches are ``(images, labels)`` (a class-conditional run)."""
        return self.config.num_classes is not None

    @property
    def critic_schedule(self):
        return getattr(getattr(self.gan, "game", None), "critic_schedule", "constant")

    def dataset(self, step):
        """The training data from generator step ``step`` on (a pure function of the seed: a
        resumed run skips the batches already used). A constant schedule feeds ``n_critic * B``
        images per step; the wgan schedule batches of ``B`` grouped by ``step.scheduled_batches``."""
        config, schedule, n_critic = self.config, self.critic_schedule, self.gan.n_critic
        batch = config.batch_size * (n_critic if schedule == "constant" else 1)
        dataset = data_lib.load(config.dataset, split="train", image_size=self.arch.image_shape[0],
                                batch_size=batch, seed=config.seed, data_dir=config.data_dir,
                                labels=self.labels, num_examples=config.num_examples)
        data_lib.check_channels(dataset, self.arch.image_shape)  # one line naming the fix
        if schedule != "constant":
            used = step_lib.critic_batches_before(schedule, n_critic, step)
            return step_lib.scheduled_batches(dataset.skip(used), n_critic, step, schedule)
        return distribute.distribute_batches(self.strategy, dataset.skip(step), n_critic)

    # ------------------------------------------------------------------ fit
    def callbacks(self, guard, csv_path):
        """Step counter, divergence guard, (chief) sample grids, CSV and TensorBoard, checkpoints."""
        config, out_dir = self.config, self.out_dir
        callbacks = [callbacks_lib.StepCounter(), guard]
        if self.chief:
            tensorboard_dir = os.path.join(out_dir, "tensorboard")
            callbacks += [
                callbacks_lib.SampleGrid(os.path.join(out_dir, "samples"), config.sample_every,
                                         seed=config.seed, tensorboard_dir=tensorboard_dir,
                                         num_classes=config.num_classes),
                keras.callbacks.CSVLogger(csv_path, append=True),
                keras.callbacks.TensorBoard(tensorboard_dir, write_graph=False),
                # the run's flags and the settings they resolved to, in the HParams dashboard
                callbacks_lib.HParams(tensorboard_dir, {
                    **{k: v for k, v in dataclasses.asdict(config).items()
                       if k not in ("workdir", "verbose")}, "settings": self.gan.settings})]
            if config.ensemble == "sgan":  # G_0 and every G_i side by side
                callbacks.append(callbacks_lib.EnsembleGrid(
                    os.path.join(out_dir, "samples"), config.sample_every, seed=config.seed,
                    tensorboard_dir=tensorboard_dir))
        if config.export_at and self.chief:
            callbacks.append(callbacks_lib.GeneratorSnapshots(
                os.path.join(out_dir, "generators"), config.export_at, self.gan.latent_dim))
        callbacks.append(checkpointing.PeriodicCheckpoint(
            self.checkpoints, self.checkpoint_every, self.log_every, config.steps, guard))
        return callbacks

    def fit(self):
        """Trains from ``start_step`` to ``config.steps``; on NaN/Inf stops (``on_nan="stop"``) or
        rolls back to the last good checkpoint with halved learning rates (at most
        ``MAX_NAN_RESTORES`` times)."""
        config = self.config
        if self.start_step >= config.steps:
            if os.path.isdir(os.path.join(self.out_dir, "generator")):
                raise UserInputError(f"workdir {config.workdir!r} holds a finished run of "
                                     f"{self.start_step} steps; raise --steps to continue it or "
                                     f"choose a new --workdir")
            return self
        execution.announce_choices()  # the path chosen, now that the input has been checked
        csv_path = os.path.join(self.out_dir, "losses.csv")
        checkpointing.truncate_csv(csv_path, self.start_step)
        guard = divergence.DivergenceGuard()
        callbacks = self.callbacks(guard, csv_path)
        restores = 0
        while True:
            fit = self.gan.fit(self.dataset(self.start_step),
                               initial_epoch=self.start_step // self.log_every,
                               epochs=config.steps // self.log_every,
                               steps_per_epoch=self.log_every, callbacks=callbacks,
                               verbose=config.verbose, shuffle=False)
            for key, values in fit.history.items():
                self.history.setdefault(key, []).extend(values)
            if guard.diverged_at is None:
                return self
            step, last_good = guard.diverged_at, self.checkpoints.last_good
            if config.on_nan == "stop" or restores >= MAX_NAN_RESTORES:
                raise divergence.TrainingDiverged(
                    f"training diverged: non-finite {guard.bad_metric} at step {step}; stopped "
                    f"(last good checkpoint: {last_good or 'none'}, kept)"
                    + (f" after {restores} roll-backs" if restores else ""))
            self.start_step = self.checkpoints.restore_latest()
            rates = checkpointing.scale_learning_rates(
                (self.gan.d_optimizer, self.gan.g_optimizer), 0.5)
            restores += 1
            checkpointing.warn(f"non-finite {guard.bad_metric} at step {step}; rolled back to "
                               f"{self.checkpoints.last_good} and halved the learning rates to "
                               f"d={rates[0]:.3g}, g={rates[1]:.3g}")
            checkpointing.truncate_csv(csv_path, self.start_step)
            guard.reset()
            self.gan.stop_training = False

    # ------------------------------------------------------------------ export
    def export(self):
        """Exports the sampling generator (EMA when enabled) atomically: written beside, then
        renamed; non-chief workers only clean up their scratch files."""
        if not self.chief:
            shutil.rmtree(self.out_dir, ignore_errors=True)
            self.checkpoints.close()
            return self
        generator = self.gan.sampling_generator
        if self.strategy is not tf.distribute.get_strategy():
            # a plain copy outside the strategy, so the SavedModel holds ordinary variables
            copy = keras.models.clone_model(generator)
            copy.set_weights(generator.get_weights())
            generator = copy
        path = os.path.join(self.out_dir, "generator")
        staging = path + ".partial"
        shutil.rmtree(staging, ignore_errors=True)
        export.export_generator(generator, staging, self.gan.latent_dim)
        shutil.rmtree(path, ignore_errors=True)
        os.replace(staging, path)
        self.generator_path = path
        return self

    def result(self):
        """``{"gan", "history", "workdir", "generator_path", "resumed_from"}`` (``resumed_from``:
        the step this process restored and trained from, 0 for a run started here)."""
        return {"gan": self.gan, "history": self.history, "workdir": self.config.workdir,
                "generator_path": self.generator_path, "resumed_from": self.resumed_from}

    def execute(self):
        """build, fit, export; returns :meth:`result`."""
        return self.build().fit().export().result()


def train(config):
    """Runs (or resumes) ``config`` (:class:`Run`); returns ``{"gan", "history", "workdir",
    "generator_path", "resumed_from"}``."""
    return Run(config).execute()


def set_global_determinism(seed, deterministic_ops=True):
    """Seeds Python, NumPy and TF, and (``deterministic_ops``) asks TF for deterministic kernels.

    Keras silently compiles without XLA while op determinism is on (``model_supports_jit``), so a
    ``jit_compile`` run must pass ``deterministic_ops=False``.
    """
    keras.utils.set_random_seed(seed)
    if deterministic_ops:
        tf.config.experimental.enable_op_determinism()
