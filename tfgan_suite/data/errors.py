"""The one exception type of the data stage."""
from tfgan_suite.errors import UserInputError


class DatasetError(UserInputError):
    """A dataset cannot be found, read or used as asked; the message is one line naming the fix.

    Command-line entry points print ``str(error)`` and exit non-zero instead of showing a traceback.
    """
