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
