"""Helpers for the command-line entry points (run, evaluate, bogonet)."""
import argparse
import contextlib
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@contextlib.contextmanager
def native_stderr_silenced():
    """Sends file descriptor 2 to /dev/null for the duration (Python errors raised inside still
    reach the terminal: the descriptor is restored before they propagate)."""
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def start_tensorflow_quietly():
    """Imports TensorFlow and initializes its devices without the C++ start-up chatter.

    TensorFlow 2.21 logs oneDNN and CUDA-probe lines through absl before ``TF_CPP_MIN_LOG_LEVEL``
    applies, which would bury a one-line error message.
    """
    with native_stderr_silenced():
        import tensorflow as tf  # pylint: disable=import-outside-toplevel

        tf.config.list_logical_devices()


MAX_SEED = 2 ** 32 - 1  # seeds go to numpy and Python's random too: [0, 2^32)


def _numbers(items):
    """The floats of a list flag's items, or None when one is not a number."""
    try:
        return [float(item) for item in items]
    except (TypeError, ValueError):
        return None


class FlagDefiner:
    """``flags.DEFINE_*`` bound to one CLI's own ``FlagValues``.

    Each tfgan_suite command line (run, evaluate, bogonet) keeps its flags in a private
    ``FlagValues`` so that several of them can be imported into one process (tests, notebooks)
    although they share names such as ``--dataset`` or ``--steps`` with different defaults.
    Usage: ``FLAGS = flags.FlagValues(); define = FlagDefiner(FLAGS); define.DEFINE_string(...)``.
    """

    def __init__(self, flag_values):
        self._flag_values = flag_values

    def require(self, name, rule, check):
        """Bounds flag ``name`` where absl's inclusive ``lower_bound``/``upper_bound`` cannot (an
        open bound such as ``> 0``): an unset flag (None) passes, a value failing ``check`` is
        refused when the flags are parsed, before anything runs, in absl's one line
        ``flag --NAME=VALUE: must be RULE``."""
        from absl import flags  # pylint: disable=import-outside-toplevel

        flags.register_validator(name, lambda value: value is None or check(value),
                                 message=f"must be {rule}", flag_values=self._flag_values)

    def DEFINE_number_list(self, name, default, help, rule, check=lambda value: True,
                           size=None):  # pylint: disable=invalid-name,redefined-builtin
        """A comma-separated list of numbers (``--mmd_sigmas=1,2,4``), each passing ``check``,
        ``size`` of them when given; ``rule`` says it all (e.g. ``"comma-separated numbers > 0"``).
        The values stay strings, as ``DEFINE_list`` gives them. Refused at parse time as
        :meth:`require` refuses."""
        from absl import flags  # pylint: disable=import-outside-toplevel

        flags.DEFINE_list(name, default, help, flag_values=self._flag_values)
        self.require(name, rule,
                     lambda items: (_numbers(items) is not None and (not size or len(items) == size)
                                    and all(check(v) for v in _numbers(items))))

    def __getattr__(self, name):
        from absl import flags  # pylint: disable=import-outside-toplevel

        definer = getattr(flags, name)
        return lambda *args, **kwargs: definer(*args, flag_values=self._flag_values, **kwargs)


def bounded_int(lower=None, upper=None):
    """An argparse ``type`` for the argparse commands (``tfgan_suite.data``, the domain classifier
    trainer): an int in ``[lower, upper]`` (``None``: unbounded), as absl's ``lower_bound`` /
    ``upper_bound``; a bad value is refused in argparse's error line, which names the range."""
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
        if (lower is not None and value < lower) or (upper is not None and value > upper):
            raise argparse.ArgumentTypeError(
                f"{value} is not an integer in [{'-inf' if lower is None else lower}, "
                f"{'inf' if upper is None else upper}]")
        return value

    parse.bounds = (lower, upper)
    parse.__name__ = "bounded int"  # what argparse calls the type in its messages
    return parse


def parse_flags(flag_values, argv):
    """Parses ``argv`` into ``flag_values``; returns the remaining arguments.

    ``--help`` prints this command's flags and exits 0; a bad flag value prints one line and exits 2.
    """
    from absl import flags  # pylint: disable=import-outside-toplevel

    if any(arg in ("-h", "--help", "--helpfull", "-?") for arg in argv[1:]):
        # flags defined through FlagDefiner are filed under this module: relabel the header
        print(flag_values.get_help().replace(f"{__name__}:", "flags:", 1))
        sys.exit(0)
    try:
        remaining = flag_values(argv)
    except flags.Error as error:
        message = " ".join(str(error).split())
        print(f"error: {message[len('ERROR:: '):] if message.startswith('ERROR:: ') else message}", file=sys.stderr)
        sys.exit(2)
    flags.FLAGS.mark_as_parsed()  # absl.app insists the global registry is parsed
    return remaining


def run_app(main, flag_values):
    """``absl.app.run(main)`` parsing ``argv`` with ``flag_values`` (see :func:`parse_flags`)."""
    from absl import app  # pylint: disable=import-outside-toplevel

    app.run(main, flags_parser=lambda argv: parse_flags(flag_values, argv))


def forwarded_args(flag_values, names):
    """``--name=value`` arguments reproducing the flags ``names`` of ``flag_values`` (unset ones
    left out), for starting worker processes of the same command."""
    args = []
    for name in names:
        value = getattr(flag_values, name)
        if value is None:
            continue
        if isinstance(value, bool):
            args.append(f"--{name}" if value else f"--no{name}")
        elif isinstance(value, list):
            args.append(f"--{name}={','.join(value)}")
        else:
            args.append(f"--{name}={value}")
    return args


GPU_MEMORY_GROWTH = "TF_FORCE_GPU_ALLOW_GROWTH"


def child_environment(environ=None):
    """The environment of a child process that runs TensorFlow beside other TensorFlow processes
    (benchmark children, BogoNet and reproduce workers, Ray tasks): ``TF_FORCE_GPU_ALLOW_GROWTH=true``
    unless set, so each process takes GPU memory as it needs it instead of nearly all of every
    visible GPU when it starts (TensorFlow's default), which would leave the next one none."""
    env = dict(os.environ if environ is None else environ)
    env.setdefault(GPU_MEMORY_GROWTH, "true")
    return env


def limit_threads(threads):
    """Sets TensorFlow's intra-op (``threads``) and inter-op thread counts when ``threads > 0``;
    TensorFlow reads them when it starts (it cannot change them later)."""
    if threads > 0:
        os.environ["TF_NUM_INTRAOP_THREADS"] = str(threads)
        os.environ["TF_NUM_INTEROP_THREADS"] = str(max(1, threads // 2))


def run_quietly(body, threads=0):
    """The body of a command line's ``main``: limits TensorFlow's threads, starts it quietly, keeps
    absl's INFO lines off the screen and runs ``body()``; a ``UserInputError`` prints one line and
    gives exit status 2."""
    from absl import logging  # pylint: disable=import-outside-toplevel

    limit_threads(threads)
    start_tensorflow_quietly()
    from tfgan_suite.errors import UserInputError  # pylint: disable=import-outside-toplevel

    logging.set_verbosity(logging.WARNING)
    try:
        return body()
    except UserInputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
