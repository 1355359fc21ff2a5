"""One training run from a plain config: data -> architecture -> objective -> fit -> export.

``run.py`` turns command-line flags into a :class:`TrainConfig`; notebooks can build one directly::

    from tfgan_suite.training.experiment import TrainConfig, train
    result = train(TrainConfig(loss="lsgan", steps=1000, workdir="runs/lsgan"))

A run writes into ``workdir``: ``samples/*.png`` grids, ``losses.csv``, TensorBoard scalars under
``tensorboard/``, ``config.json`` and the generator as a SavedModel in ``generator/``.
"""
import dataclasses
import inspect
import json
import os
from typing import Any, Optional

import keras
import tensorflow as tf

from tfgan_suite import data as data_lib
from tfgan_suite import export, losses, models
from tfgan_suite.errors import UserInputError
from tfgan_suite.training import callbacks as callbacks_lib
from tfgan_suite.training import schedules
from tfgan_suite.training.gan import GAN


@dataclasses.dataclass
class TrainConfig:
    """Everything a run depends on. ``None`` means "the objective's paper default"."""

    loss: str = "nsgan"
    penalty: Optional[str] = None  # None: the objective's default penalty; "none": no penalty
    model: Optional[str] = None  # None: the objective's defaults["architecture"], else dcgan28
    dataset: Optional[str] = None  # None: the bundled real MNIST subset
    data_dir: Optional[str] = None
    batch_size: int = 64
    steps: int = 3000
    lr_d: Optional[float] = None
    lr_g: Optional[float] = None
    beta_1: Optional[float] = None
    beta_2: Optional[float] = None
    n_critic: Optional[int] = None
    clip_value: Any = "auto"
    ema_decay: Optional[float] = None
    historical_averaging: float = 0.0
    lr_decay: Optional[str] = None  # none | linear[:END] | exponential[:RATE], see schedules
    seed: int = 0
    workdir: str = "runs/default"
    sample_every: int = 500
    log_every: int = 100
    verbose: int = 1
    model_options: dict = dataclasses.field(default_factory=dict)
    loss_options: dict = dataclasses.field(default_factory=dict)
    penalty_options: dict = dataclasses.field(default_factory=dict)
    # --- ensembles (issue 6): "none" trains one GAN; "sgan" an SGAN of num_pairs local pairs.
    ensemble: str = "none"
    num_pairs: int = 5


def check_workdir(workdir):
    """Refuses to write into a directory that already holds files (nothing is overwritten)."""
    if os.path.isdir(workdir) and os.listdir(workdir):
        entries = ", ".join(sorted(os.listdir(workdir))[:5])
        raise UserInputError(f"workdir {workdir!r} already holds a run ({entries}); "
                             f"choose a new --workdir or remove it first")
    if os.path.exists(workdir) and not os.path.isdir(workdir):
        raise UserInputError(f"workdir {workdir!r} exists and is not a directory")


def model_name(config, objective=None):
    """``config.model``, or the objective's ``defaults["architecture"]`` (EBGAN's autoencoder
    discriminator), or ``dcgan28``."""
    if config.model:
        return config.model
    objective = objective or losses.get(config.loss, **config.loss_options)
    return objective.defaults.get("architecture", "dcgan28")


def _architecture_overrides(config, objective, image_channels):
    """Model options the user left out, filled from the objective and the data."""
    accepted = inspect.signature(
        models.ARCHITECTURES.lookup(model_name(config, objective))).parameters
    options = dict(config.model_options)
    if "d_output_dim" in accepted:
        options.setdefault("d_output_dim", objective.discriminator_output_dim)
    for key, value in objective.defaults.get("model_options", {}).items():  # e.g. MMD's SN
        if key in accepted:
            options.setdefault(key, value)
    if "channels" in accepted and image_channels is not None:
        options.setdefault("channels", image_channels)
    return options


def make_optimizers(config, objective):
    """Optimizers from the config, falling back on the objective's defaults (TTUR: two rates)."""
    defaults = dict(objective.defaults)
    name = defaults.get("optimizer", "adam")
    lr_d = config.lr_d if config.lr_d is not None else defaults.get("lr_d", 2e-4)
    lr_g = config.lr_g if config.lr_g is not None else defaults.get("lr_g", 2e-4)
    beta_1 = config.beta_1 if config.beta_1 is not None else defaults.get("beta_1", 0.5)
    beta_2 = config.beta_2 if config.beta_2 is not None else defaults.get("beta_2", 0.999)
    # learning-rate decay over the run, counted in each optimizer's own updates
    n_critic = config.n_critic or defaults.get("n_critic", 1)
    lr_d = schedules.build(lr_d, config.lr_decay, config.steps * n_critic)
    lr_g = schedules.build(lr_g, config.lr_decay, config.steps)
    if name == "rmsprop":
        return keras.optimizers.RMSprop(lr_d), keras.optimizers.RMSprop(lr_g)
    return (keras.optimizers.Adam(lr_d, beta_1=beta_1, beta_2=beta_2),
            keras.optimizers.Adam(lr_g, beta_1=beta_1, beta_2=beta_2))


def build_gan(config, image_channels=None):
    """The compiled :class:`GAN` described by ``config`` (call inside a strategy scope if any)."""
    objective = losses.get(config.loss, **config.loss_options)
    arch_options = _architecture_overrides(config, objective, image_channels)
    arch = models.specs(model_name(config, objective), **arch_options)
    generator, discriminator = models.get(model_name(config, objective), **arch_options)
    gan = GAN(generator, discriminator, arch.latent_dim, seed=config.seed)
    d_optimizer, g_optimizer = make_optimizers(config, objective)
    n_critic = config.n_critic or objective.defaults.get("n_critic", 1)
    # None: the objective's default penalty (wgan_gp, dragan); "none": no penalty at all
    penalty = "auto" if config.penalty is None else (
        None if config.penalty.lower() == "none" else config.penalty)
    gan.compile(d_optimizer=d_optimizer, g_optimizer=g_optimizer, loss=objective, penalty=penalty,
                penalty_options=config.penalty_options, n_critic=n_critic,
                clip_value=config.clip_value, ema_decay=config.ema_decay,
                historical_averaging=config.historical_averaging)
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
        if config.ema_decay or config.historical_averaging:
            raise UserInputError("--ema_decay and --historical_averaging are not supported with "
                                 "--ensemble=sgan")


def build_sgan(config, image_channels=None):
    """The compiled :class:`~tfgan_suite.training.sgan.SGAN` described by ``config`` (as
    :func:`build_gan`, every pair being the architecture); with several GPUs the pairs are spread
    over them. Build it outside any strategy scope."""
    from tfgan_suite.training.sgan import SGAN  # pylint: disable=import-outside-toplevel

    objective = losses.get(config.loss, **config.loss_options)
    arch_options = _architecture_overrides(config, objective, image_channels)
    name = model_name(config, objective)
    arch = models.specs(name, **arch_options)
    gpus = [d.name for d in tf.config.list_logical_devices("GPU")]
    sgan = SGAN(lambda: models.get(name, **arch_options), num_pairs=config.num_pairs,
                latent_dim=arch.latent_dim, seed=config.seed,
                devices=gpus if len(gpus) > 1 else None)
    d_optimizer, g_optimizer = make_optimizers(config, objective)
    penalty = "auto" if config.penalty is None else (
        None if config.penalty.lower() == "none" else config.penalty)
    sgan.compile(d_optimizer=d_optimizer, g_optimizer=g_optimizer, loss=objective, penalty=penalty,
                 penalty_options=config.penalty_options,
                 n_critic=config.n_critic or objective.defaults.get("n_critic", 1),
                 clip_value=config.clip_value)
    return sgan, arch


def train(config):
    """Runs ``config`` and returns ``{"gan", "history", "workdir", "generator_path"}``."""
    if config.steps < 1:
        raise UserInputError(f"--steps must be positive, got {config.steps}")
    log_every = min(config.log_every, config.steps)
    if config.steps % log_every:
        raise UserInputError(f"--steps={config.steps} must be a multiple of "
                             f"--log_every={log_every}")
    losses.get(config.loss, **config.loss_options)  # fail on a bad name before touching disk
    models.ARCHITECTURES.lookup(model_name(config))
    schedules.parse(config.lr_decay)
    check_ensemble(config)
    check_workdir(config.workdir)

    probe = data_lib.load(config.dataset, split="train", batch_size=1, seed=config.seed,
                          data_dir=config.data_dir)
    channels = probe.element_spec.shape[-1]
    build = build_sgan if config.ensemble == "sgan" else build_gan
    gan, arch = build(config, image_channels=channels)
    dataset = data_lib.load(config.dataset, split="train", image_size=arch.image_shape[0],
                            batch_size=config.batch_size * gan.n_critic, seed=config.seed,
                            data_dir=config.data_dir)
    if tuple(dataset.element_spec.shape[1:]) != tuple(arch.image_shape):
        raise UserInputError(f"dataset images have shape {tuple(dataset.element_spec.shape[1:])} "
                             f"but model {model_name(config)!r} expects {tuple(arch.image_shape)}")

    os.makedirs(config.workdir, exist_ok=True)
    with open(os.path.join(config.workdir, "config.json"), "w") as f:
        json.dump(dataclasses.asdict(config), f, indent=2, default=str)
    callbacks = [
        callbacks_lib.StepCounter(),
        callbacks_lib.SampleGrid(os.path.join(config.workdir, "samples"), config.sample_every,
                                 seed=config.seed),
        keras.callbacks.CSVLogger(os.path.join(config.workdir, "losses.csv")),
        keras.callbacks.TensorBoard(os.path.join(config.workdir, "tensorboard"),
                                    write_graph=False),
    ]
    if config.ensemble == "sgan":  # G_0 and every G_i side by side
        from tfgan_suite.training.sgan import EnsembleGrid  # pylint: disable=import-outside-toplevel
        callbacks.append(EnsembleGrid(os.path.join(config.workdir, "samples"),
                                      config.sample_every, seed=config.seed))
    history = gan.fit(dataset, epochs=config.steps // log_every, steps_per_epoch=log_every,
                      callbacks=callbacks, verbose=config.verbose, shuffle=False)
    generator_path = export.export_generator(gan.sampling_generator,
                                             os.path.join(config.workdir, "generator"),
                                             gan.latent_dim)
    return {"gan": gan, "history": history.history, "workdir": config.workdir,
            "generator_path": generator_path}


def set_global_determinism(seed):
    """Seeds Python, NumPy and TF, and asks TF for deterministic kernels."""
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
