"""Errors caused by what the user asked for (a bad name, path, spec or workdir).

Command-line entry points print these as one line and exit non-zero; anything else is a bug and
keeps its traceback.
"""


class UserInputError(ValueError):
    """A bad value given by the user; the message names it and the valid choices."""
