"""Command line: ``python -m tfgan_suite.run [--flagfile=...] [--loss=...] ...``.

With no flags it trains a non-saturating DCGAN on the bundled real MNIST subset. absl FLAGS are read
here only: they become a plain :class:`~tfgan_suite.training.experiment.TrainConfig`.
Bad input (unknown loss/model/dataset, an existing workdir, ...) exits with status 2 and one line.
"""
import math
import sys

from absl import app, flags, logging

from tfgan_suite.utils.cli import MAX_SEED, FlagDefiner, run_app, start_tensorflow_quietly

FLAGS = flags.FlagValues()  # this command's own flags (see utils.cli.FlagDefiner)
_define = FlagDefiner(FLAGS)

_define.DEFINE_string("loss", "nsgan", "Objective name (tfgan_suite.losses.names()).")
_define.DEFINE_string("penalty", None, "Discriminator penalty name (tfgan_suite.penalties.names(): "
                    "bcr, dragan, gradient_penalty, lecam, zcr); default: the objective's own "
                    "(gradient_penalty for wgan_gp, dragan for dragan, none otherwise); 'none' "
                    "turns it off.")
_define.DEFINE_string("model", None, "Architecture name (tfgan_suite.models.names()); default: the "
                    "objective's (ebgan for --loss=ebgan), else dcgan28.")
_define.DEFINE_list("model_options", [], "Architecture overrides as key=value, e.g. width=32.")
_define.DEFINE_string("dataset", None, "Dataset name or path; default: the bundled MNIST subset.")
_define.DEFINE_string("data_dir", None, "tensorflow-datasets data_dir.")
_define.DEFINE_integer("batch_size", 64, "Images per discriminator update.", lower_bound=1)
_define.DEFINE_integer("steps", 3000, "Generator updates.", lower_bound=1)
_define.DEFINE_float("lr_d", None, "Discriminator learning rate (default: the objective's).")
_define.DEFINE_float("lr_g", None, "Generator learning rate (default: the objective's).")
_define.DEFINE_float("beta1", None, "Adam beta_1 (default: the objective's).")
_define.DEFINE_float("beta2", None, "Adam beta_2 (default: the objective's).")
for _name in ("lr_d", "lr_g"):
    _define.require(_name, "> 0", lambda value: value > 0)
for _name in ("beta1", "beta2"):
    _define.require(_name, "in [0, 1)", lambda value: 0 <= value < 1)
_define.DEFINE_integer("n_critic", None, "Discriminator updates per generator update (default: "
                      "the objective's).", lower_bound=1)
_define.DEFINE_enum("optimizer", None, ["adam", "rmsprop"], "Both players' optimizer (default: "
                   "the objective's).")
_define.DEFINE_number_list("export_at", [], "Generator steps at which the generator is also "
                           "exported, to WORKDIR/generators/step_<k> (e.g. to score several points "
                           "of one run).", rule="comma-separated generator steps >= 1",
                           check=lambda step: float(step).is_integer() and step >= 1)
_define.DEFINE_enum("critic_schedule", None, ["constant", "wgan"], "Critic updates per generator "
                  "update: constant n_critic, or wgan (100 for the first 25 generator updates and "
                  "every 500th, as the WGAN authors' code); default: the objective's.")
_define.DEFINE_enum("update", None, ["alternating", "simultaneous"], "alternating (D then G) or "
                  "simultaneous (both from one forward pass; n_critic=1); default: the objective's.")
_define.DEFINE_float("clip_value", None, "Clip critic weights to [-c, c] (default: the objective's).")
_define.require("clip_value", "> 0", lambda value: value > 0)
_define.DEFINE_float("ema_decay", None, "Generator EMA decay used for samples and export.")
_define.require("ema_decay", "in [0, 1)", lambda value: 0 <= value < 1)
_define.DEFINE_float("historical_averaging", None, "Weight of the historical-averaging penalty "
                    "(default: 0, off).", lower_bound=0)
_define.DEFINE_integer("seed", 0, "Seed of every random draw.", lower_bound=0, upper_bound=MAX_SEED)
_define.DEFINE_string("workdir", "runs/default", "Output directory: new or empty, or a checkpointed "
                    "run of the same flags, which is resumed.")
_define.DEFINE_integer("sample_every", 500, "Steps between sample grids.", lower_bound=1)
_define.DEFINE_integer("log_every", 100, "Steps between CSV/TensorBoard rows (one progress bar each).",
                       lower_bound=1)
# --- scale and fault tolerance (docs/scale.md) ---
_define.DEFINE_enum("strategy", "default", ["default", "mirrored", "multi_worker", "tpu"],
                  "tf.distribute strategy; multi_worker reads the cluster from TF_CONFIG.")
_define.DEFINE_bool("jit_compile", None, "Compile the train step with XLA; unset: XLA where it "
                  "is faster (on a GPU/TPU with one device per step; on a CPU-only machine only for "
                  "a small MLP over a long run; training.execution). One line says which ran.")
_define.DEFINE_integer("steps_per_execution", None, "Train steps per call of the compiled train "
                     "function (callbacks see every Nth step); must divide --log_every, "
                     "--sample_every and --checkpoint_every; unset: the largest such divisor "
                     "up to 10.", lower_bound=1)
_define.DEFINE_bool("deterministic", None, "TensorFlow op determinism (tf.config.experimental."
                    "enable_op_determinism): the same seed on the same machine gives the same run "
                    "bit for bit. Default: on unless --jit_compile is (Keras compiles the step "
                    "without XLA while op determinism is on, so the two exclude each other). Its "
                    "cost on a GPU: cuDNN and other kernels are restricted to their deterministic "
                    "algorithms (slower convolutions; ops without one raise); docs/scale.md.")
_define.DEFINE_enum("mixed_precision", "float32", ["float32", "bfloat16", "float16"],
                  "Compute dtype (float16 adds dynamic loss scaling); variables stay float32.")
_define.DEFINE_integer("checkpoint_every", None, "Steps between checkpoints (a multiple of "
                     "--log_every; default: the multiple nearest above 1000).", lower_bound=1)
_define.DEFINE_enum("on_nan", "stop", ["stop", "restore"], "On a NaN/Inf loss: stop, or roll back "
                  "to the last good checkpoint and halve both learning rates.")
# --- ensembles (docs/sgan.md)
_define.DEFINE_string("ensemble", "none", "none: one GAN; sgan: SGAN (Chavdarova & Fleuret, 2018), "
                    "--num_pairs local pairs and a global pair; G_0 is sampled and exported.")
_define.DEFINE_integer("num_pairs", 5, "Local G/D pairs of --ensemble=sgan.", lower_bound=1)
# --- limited data (docs/augment.md)
_define.DEFINE_integer("num_examples", None, "Train on the first N images of the training split "
                       "(limited data; default: all).", lower_bound=1)
_define.DEFINE_string("augment", None, "Augment every image the discriminator sees: DiffAugment "
                      "policies color, translation, cutout (comma-separated, e.g. "
                      "translation,cutout), or ada (ADA's adaptive bgc pipeline; ada:blit,geom picks "
                      "groups); default: none.")
_define.DEFINE_float("ada_target", None, "ADA's target for r_t = E[sign(D(real))] (default 0.6).",
                     lower_bound=0.0, upper_bound=1.0)
_define.DEFINE_integer("ada_speed_images", None, "Real images for ADA's p to move by 1 (default "
                       "500000).", lower_bound=1)
_define.DEFINE_integer("num_classes", None, "Train a class-conditional GAN on (images, labels) of a "
                       "labelled dataset: conditional batch norm in G, projection head in D "
                       "(--model_options=auxiliary_classifier=true adds AC-GAN logits).",
                       lower_bound=2)

# ---- objective and penalty options; an unset flag means "the objective's default"
_define.DEFINE_float("penalty_weight", None, "Penalty weight lambda (default: 10 for "
                   "gradient_penalty and dragan).", lower_bound=0)
_define.DEFINE_enum("dragan_perturbation", None, ["gaussian", "uniform_std", "symmetric_std"],
                  "DRAGAN perturbation (default symmetric_std: zero-mean, scaled by std(x)).")
_define.DEFINE_float("dragan_scale", None, "DRAGAN perturbation size: C for *_std, the variance c "
                   "for gaussian (default 0.5).")
_define.require("dragan_scale", "> 0", lambda value: value > 0)
_define.DEFINE_number_list("mmd_sigmas", None, "Gaussian kernel bandwidth(s) of mmd/rep/rmb, e.g. "
                           "1,2,4 (default: 1,1.41,2,2.83,4 for mmd, 1 for rep/rmb).",
                           "comma-separated numbers > 0",
                           lambda value: value > 0)
_define.DEFINE_number_list("rep_weights", None, "rep/rmb discriminator weights w0,w1 with w0 - w1 "
                           "= 1 (default 0,-1: repulsive; 2,1: attractive -MMD^2).",
                           "2 comma-separated finite numbers", math.isfinite, size=2)
_define.DEFINE_string("lr_decay", None, "Learning-rate decay of both players: none, "
                    "linear[:END_FRACTION] or exponential[:RATE] over the run.")
_define.DEFINE_list("loss_options", [], "Other objective options as key=value, e.g. margin=2.")
_define.DEFINE_list("penalty_options", [], "Other penalty options as key=value, e.g. one_sided=true.")


def _parse_options(items, flag):
    from tfgan_suite.errors import UserInputError

    options = {}
    for item in items:
        key, eq, value = item.partition("=")
        if not eq:
            raise UserInputError(f"--{flag} expects key=value items, got {item!r}")
        for cast in (int, float):
            try:
                value = cast(value)
                break
            except ValueError:
                continue
        else:
            value = {"true": True, "false": False}.get(value.lower(), value)
        options[key.strip()] = value
    return options


def _or_default(value):
    """An unset flag (None) stands for the objective's paper value."""
    from tfgan_suite.training.settings import DEFAULT

    return DEFAULT if value is None else value


def config_from_flags():
    """Translates FLAGS into a plain TrainConfig."""
    from tfgan_suite.training.execution import AUTO
    from tfgan_suite.training.experiment import TrainConfig

    settings = {name: _or_default(FLAGS[flag].value) for name, flag in (
        ("model", "model"), ("optimizer", "optimizer"), ("lr_d", "lr_d"), ("lr_g", "lr_g"), ("beta_1", "beta1"),
        ("beta_2", "beta2"), ("n_critic", "n_critic"), ("critic_schedule", "critic_schedule"),
        ("update", "update"), ("clip_value", "clip_value"), ("ema_decay", "ema_decay"),
        ("historical_averaging", "historical_averaging"))}
    # --penalty=none turns the objective's penalty off
    penalty = None if (FLAGS.penalty or "").lower() == "none" else _or_default(FLAGS.penalty)
    return TrainConfig(
        loss=FLAGS.loss, penalty=penalty, **settings,
        model_options=_parse_options(FLAGS.model_options, "model_options"),
        dataset=FLAGS.dataset, data_dir=FLAGS.data_dir, batch_size=FLAGS.batch_size,
        steps=FLAGS.steps, seed=FLAGS.seed, workdir=FLAGS.workdir,
        sample_every=FLAGS.sample_every, log_every=FLAGS.log_every, lr_decay=FLAGS.lr_decay,
        export_at=_steps_list(FLAGS.export_at),
        ensemble=FLAGS.ensemble, num_pairs=FLAGS.num_pairs, **_objective_options(),
        # scale and fault tolerance
        strategy=FLAGS.strategy,
        jit_compile=AUTO if FLAGS.jit_compile is None else FLAGS.jit_compile,
        steps_per_execution=FLAGS.steps_per_execution or AUTO,
        mixed_precision=FLAGS.mixed_precision, checkpoint_every=FLAGS.checkpoint_every,
        on_nan=FLAGS.on_nan, num_classes=FLAGS.num_classes,
        num_examples=FLAGS.num_examples, augment=FLAGS.augment, ada_target=FLAGS.ada_target,
        ada_speed_images=FLAGS.ada_speed_images)


def _steps_list(values):
    """``--export_at``'s items (whole numbers >= 1, checked when the flags were parsed) as ints."""
    return tuple(int(float(v)) for v in values)



# objective flags -> the objective option each one sets (an objective without it refuses the flag)
LOSS_OPTION_FLAGS = {"mmd_sigmas": "sigmas", "rep_weights": "rep_weights"}
# settings flags whose name differs from the setting's (training.settings.Settings)
SETTING_FLAGS = {"beta_1": "beta1", "beta_2": "beta2"}


def _check_loss_takes(flag, key):
    """One line naming the flag when ``--loss`` has no option ``key`` (and the losses that do)."""
    import inspect

    from tfgan_suite import losses
    from tfgan_suite.errors import UserInputError

    def takes(name):
        return key in inspect.signature(losses.registry.OBJECTIVES.lookup(name)).parameters

    if not takes(FLAGS.loss):
        users = [name for name in losses.names() if takes(name)]
        raise UserInputError(f"--{flag} does not apply to --loss={FLAGS.loss}; it applies to "
                             f"--loss={'|'.join(users)}")


def check_settings(config):
    """The config's training settings (``training.settings``), a bad value named by its flag."""
    from tfgan_suite.errors import UserInputError
    from tfgan_suite.training import experiment, settings

    try:
        experiment.game_settings(config)
    except UserInputError as error:
        text = str(error)
        for field in settings.FIELDS:
            flag = "--" + SETTING_FLAGS.get(field, field)
            for prefix in ("", "unknown "):
                if text.startswith(f"{prefix}{field} "):
                    text = f"{prefix}{flag} {text[len(prefix) + len(field) + 1:]}"
        raise UserInputError(text) from None


def _objective_options():
    """The loss_options / penalty_options the objective flags stand for."""
    loss_options = _parse_options(FLAGS.loss_options, "loss_options")
    penalty_options = _parse_options(FLAGS.penalty_options, "penalty_options")
    for flag, key in LOSS_OPTION_FLAGS.items():
        if FLAGS[flag].value is not None:
            _check_loss_takes(flag, key)
            values = [float(v) for v in FLAGS[flag].value]  # numbers: checked when parsed
            loss_options[key] = tuple(values) if key == "rep_weights" else values
    for flag, key in (("penalty_weight", "weight"), ("dragan_perturbation", "perturbation"),
                      ("dragan_scale", "scale")):
        if FLAGS[flag].value is not None:
            penalty_options[key] = FLAGS[flag].value
    return {"loss_options": loss_options, "penalty_options": penalty_options}


def deterministic_ops(deterministic, jit_compile):
    """Whether to turn TF op determinism on: ``--deterministic`` when given (True/False), else on
    unless XLA is; one line when both are asked for (Keras would silently drop XLA)."""
    from tfgan_suite.errors import UserInputError

    if deterministic is None:
        return not jit_compile
    if deterministic and jit_compile:
        raise UserInputError("--deterministic and --jit_compile exclude each other (Keras compiles "
                             "without XLA while op determinism is on); drop one, or pass "
                             "--nodeterministic to train with XLA")
    return bool(deterministic)


def _start_multi_worker():
    """Creates the MultiWorkerMirroredStrategy before TensorFlow initializes its devices (it must
    configure collective ops first); returns an error line or None. train() reuses it (cached)."""
    from tfgan_suite.errors import UserInputError
    from tfgan_suite.utils.cli import native_stderr_silenced

    with native_stderr_silenced():
        from tfgan_suite.training import distribute
    try:
        distribute.make_strategy("multi_worker")
    except UserInputError as error:
        return str(error)
    return None


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"unexpected arguments: {' '.join(argv[1:])}")
    if FLAGS.strategy == "multi_worker":
        error = _start_multi_worker()
        if error:
            print(f"error: {error}", file=sys.stderr)
            return 2
    start_tensorflow_quietly()
    from tfgan_suite.errors import UserInputError
    from tfgan_suite.training import experiment
    from tfgan_suite.training.divergence import TrainingDiverged

    logging.set_verbosity(logging.WARNING)  # keep the SavedModel writer's INFO lines off the screen
    try:
        config = config_from_flags()
        if FLAGS.deterministic and FLAGS.jit_compile is None:  # asked for: XLA's "auto" yields
            config.jit_compile = False
        config = experiment.with_execution(config)
        check_settings(config)
        experiment.set_global_determinism(
            config.seed, deterministic_ops=deterministic_ops(FLAGS.deterministic, config.jit_compile))
        result = experiment.train(config)
    except UserInputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except TrainingDiverged as error:
        print(f"error: {error}", file=sys.stderr)
        return 3
    print(f"done: samples, losses.csv, tensorboard/ and generator/ are in {result['workdir']}")
    return 0


def run_main():
    run_app(main, FLAGS)


if __name__ == "__main__":
    run_main()
