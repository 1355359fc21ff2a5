"""Flagfiles with paper presets, installed as ``tfgan_suite.flags``.

``python -m tfgan_suite.run --flagfile=flags/NAME.cfg`` from a checkout, or
``--flagfile=$(python -c "import tfgan_suite.flags as f; print(f.path('NAME'))")`` when installed.
"""
from importlib import resources


def path(name):
    """Absolute path of the installed flagfile ``NAME.cfg``."""
    return str(resources.files(__name__).joinpath(f"{name}.cfg"))
