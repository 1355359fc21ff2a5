"""What the machine was doing while something was measured: records carry it beside their times."""
import os


def load_average():
    """The 1-, 5- and 15-minute load averages rounded to 0.01, or ``None`` where the system has
    none: a time measured at a load above the core count was shared with other work."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None
