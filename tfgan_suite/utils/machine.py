"""What the machine was doing while something was measured: records carry it beside their times."""
import json
import os


def load_average():
    """The 1-, 5- and 15-minute load averages rounded to 0.01, or ``None`` where the system has
    none: a time measured at a load above the core count was shared with other work."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def write_record(path, record, sort_keys=False):
    """Writes a measurement record as indented JSON (one trailing newline, so a re-run that measured
    the same figures leaves the committed file unchanged) and says where; ``sort_keys`` orders the
    keys alphabetically, for the benchmarks whose committed records were written that way."""
    with open(path, "w") as f:
        json.dump(record, f, indent=2, sort_keys=sort_keys)
        f.write("\n")
    print(f"wrote {path}")
