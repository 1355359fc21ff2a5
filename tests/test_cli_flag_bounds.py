"""Every numeric flag of every command declares its bounds where it is defined, and a bad value is
refused in one line before anything is written."""
import argparse
import importlib
import io
from contextlib import redirect_stderr, redirect_stdout

import pytest
from absl import flags

from tfgan_suite.utils import cli as cli_lib

ABSL_COMMANDS = ("tfgan_suite.run", "tfgan_suite.evaluate", "tfgan_suite.reproduce.__main__",
                 "tfgan_suite.reproduce.recheck", "tfgan_suite.bogonet.__main__")
ARGPARSE_COMMANDS = ("tfgan_suite.data.__main__", "tfgan_suite.metrics.train_domain_classifier",
                     "tfgan_suite.metrics.convert_inception")
# list flags that hold names or key=value text, not numbers (validated where they are used); a new
# list flag fails below until it is bounded (DEFINE_number_list) or listed here
TEXT_LISTS = {"model_options", "loss_options", "penalty_options", "objectives", "metrics", "runs"}


def absl_flags():
    for module_name in ABSL_COMMANDS:
        module = importlib.import_module(module_name)
        for name, flag in module.FLAGS._flags().items():  # pylint: disable=protected-access
            if name == flag.name:  # not an alias
                yield module_name, name, flag


def test_the_walk_covers_every_command_and_its_numbers():
    seen = {(module, name) for module, name, _ in absl_flags()}
    assert ("tfgan_suite.run", "sample_every") in seen and ("tfgan_suite.run", "mmd_sigmas") in seen
    assert ("tfgan_suite.bogonet.__main__", "ray_gpus_per_run") in seen
    assert len({module for module, _ in seen}) == len(ABSL_COMMANDS)


def test_every_numeric_absl_flag_has_bounds_or_a_validator():
    unbounded = []
    for module_name, name, flag in absl_flags():
        parser = flag.parser
        if isinstance(parser, (flags.IntegerParser, flags.FloatParser)):
            bounded = parser.lower_bound is not None or parser.upper_bound is not None
        elif isinstance(parser, flags.ListParser) and name not in TEXT_LISTS:
            bounded = False
        else:
            continue
        if not (bounded or flag.validators):
            unbounded.append(f"{module_name} --{name}")
    assert not unbounded, f"numeric flags without bounds: {unbounded}"


def argparse_actions(parser):
    for action in parser._actions:  # pylint: disable=protected-access
        if isinstance(action, argparse._SubParsersAction):  # pylint: disable=protected-access
            for sub in action.choices.values():
                yield from argparse_actions(sub)
        else:
            yield action


def test_every_numeric_argparse_option_has_bounds():
    unbounded = []
    for module_name in ARGPARSE_COMMANDS:
        module = importlib.import_module(module_name)
        if not hasattr(module, "_parser"):
            continue  # convert_inception: no numeric option (checked by the names below)
        for action in argparse_actions(module._parser()):  # pylint: disable=protected-access
            if action.type in (int, float) and not action.choices:
                unbounded.append(f"{module_name} {action.option_strings}")
    assert not unbounded, f"numeric options without bounds: {unbounded}"
    convert = importlib.import_module("tfgan_suite.metrics.convert_inception")
    assert "type=int" not in open(convert.__file__).read() and "type=float" not in open(
        convert.__file__).read()


def refusal(module_name, *argv):
    module = importlib.import_module(module_name)
    err = io.StringIO()
    try:
        with redirect_stderr(err), redirect_stdout(io.StringIO()), pytest.raises(SystemExit) as exit_info:
            cli_lib.parse_flags(module.FLAGS, [module_name, *argv])
    finally:
        module.FLAGS.unparse_flags()
    assert exit_info.value.code == 2
    lines = err.getvalue().strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


@pytest.mark.parametrize("module_name, argv, message", [
    ("tfgan_suite.run", ["--sample_every=-1"],
     "error: flag --sample_every=-1: -1 is not a positive integer"),
    ("tfgan_suite.run", ["--seed=-1"],
     "error: flag --seed=-1: -1 is not an integer in the range [0, 4294967295]"),
    ("tfgan_suite.run", ["--lr_g=0"], "error: flag --lr_g=0.0: must be > 0"),
    ("tfgan_suite.run", ["--beta1=1"], "error: flag --beta1=1.0: must be in [0, 1)"),
    ("tfgan_suite.run", ["--mmd_sigmas=1,-2"],
     "error: flag --mmd_sigmas=['1', '-2']: must be comma-separated numbers > 0"),
    ("tfgan_suite.run", ["--rep_weights=1"],
     "error: flag --rep_weights=['1']: must be 2 comma-separated finite numbers"),
    ("tfgan_suite.evaluate", ["--kid_subset_size=1"],
     "error: flag --kid_subset_size=1: 1 is not integer >= 2"),
    ("tfgan_suite.reproduce.__main__", ["--seeds=0,1.5"],
     "error: flag --seeds=['0', '1.5']: must be comma-separated integers in [0, 4294967295]"),
    ("tfgan_suite.reproduce.recheck", ["--threads=-1"],
     "error: flag --threads=-1: -1 is not a non-negative integer"),
    ("tfgan_suite.bogonet.__main__", ["--ray_gpus_per_run=-0.5"],
     "error: flag --ray_gpus_per_run=-0.5: -0.5 is not a non-negative number"),
    ("tfgan_suite.bogonet.__main__", ["--width_multiplier=0"],
     "error: flag --width_multiplier=0.0: must be > 0"),
])
def test_a_value_out_of_range_is_refused_in_one_line(module_name, argv, message):
    assert refusal(module_name, *argv) == message


def test_run_with_negative_sample_every_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    line = refusal("tfgan_suite.run", f"--workdir={tmp_path / 'w'}", "--sample_every=-1")
    assert "--sample_every=-1" in line
    assert list(tmp_path.iterdir()) == []


def test_argparse_commands_refuse_out_of_range_values():
    from tfgan_suite.data import __main__ as data_main  # pylint: disable=import-outside-toplevel

    err = io.StringIO()
    with redirect_stderr(err), pytest.raises(SystemExit) as exit_info:
        data_main._parser().parse_args(  # pylint: disable=protected-access
            ["inspect", "mnist", "--num_examples=0"])
    assert exit_info.value.code == 2
    assert err.getvalue().strip().splitlines()[-1].endswith(
        "error: argument --num_examples: 0 is not an integer in [1, inf]")
