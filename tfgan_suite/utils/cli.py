"""Helpers for the command-line entry points (run, evaluate, bogonet)."""
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


class FlagDefiner:
    """``flags.DEFINE_*`` bound to one CLI's own ``FlagValues``.

    Each tfgan_suite command line (run, evaluate, bogonet) keeps its flags in a private
    ``FlagValues`` so that several of them can be imported into one process (tests, notebooks)
    although they share names such as ``--dataset`` or ``--steps`` with different defaults.
    Usage: ``FLAGS = flags.FlagValues(); define = FlagDefiner(FLAGS); define.DEFINE_string(...)``.
    """

    def __init__(self, flag_values):
        self._flag_values = flag_values

    def __getattr__(self, name):
        from absl import flags  # pylint: disable=import-outside-toplevel

        definer = getattr(flags, name)
        return lambda *args, **kwargs: definer(*args, flag_values=self._flag_values, **kwargs)


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
