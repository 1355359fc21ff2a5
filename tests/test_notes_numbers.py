"""Every decimal number quoted in a results notes file (docs/results/*.notes.md) appears in a
committed record (docs/results/*.json, docs/measurements/*.json, benchmarks/results/*.json|csv) at the printed precision, or
its paragraph (or the one before it, e.g. a table's introduction) says it is "not regenerable".

Not checked: whole numbers (mode counts, step counts, dates), numbers within 80 characters after
"load", "UTC", "section" or a paper's "Table" (clock times, machine load, published results).
A value also matches as a percentage (x100) or in minutes (/60) of a recorded one.
"""
import glob
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTES = sorted(glob.glob(str(ROOT / "docs" / "results" / "*.notes.md")))
DECIMAL = re.compile(r"(?<![\w.\-:/=])(\d+\.\d+)(?![\w.]*[:/])")
EXEMPT_CONTEXT = re.compile(r"load|UTC|section|Table|\(20\d\d")
MARK = "not regenerable"


def _numbers(value, out):
    if isinstance(value, dict):
        for item in value.values():
            _numbers(item, out)
    elif isinstance(value, list):
        for item in value:
            _numbers(item, out)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        out.add(float(value))
    elif isinstance(value, str):
        out.update(float(m) for m in re.findall(r"-?\d+(?:\.\d+)?", value))
    return out


def recorded_values():
    values = set()
    for path in glob.glob(str(ROOT / "docs" / "results" / "*.json")) + \
            glob.glob(str(ROOT / "docs" / "measurements" / "*.json")) + \
            glob.glob(str(ROOT / "benchmarks" / "results" / "*.json")):
        _numbers(json.loads(Path(path).read_text(encoding="utf-8")), values)
    for path in glob.glob(str(ROOT / "benchmarks" / "results" / "*.csv")):
        _numbers(Path(path).read_text(encoding="utf-8"), values)
    return values


def unrecorded_numbers(text, values):
    """``[(number, context)]`` of the decimals in ``text`` that no record holds and no mark covers."""
    def recorded(token):
        digits, number = len(token.split(".")[1]), float(token)
        return any(abs(round(v * scale, digits) - number) < 1e-9
                   for v in values for scale in (1.0, 100.0, 1 / 60))

    missing = []
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n")]
    for index, paragraph in enumerate(paragraphs):
        if MARK in paragraph or (index and MARK in paragraphs[index - 1]):
            continue
        for match in DECIMAL.finditer(paragraph):
            context = paragraph[max(0, match.start() - 80):match.end() + 10]
            if not EXEMPT_CONTEXT.search(context) and not recorded(match.group(1)):
                missing.append((match.group(1), context))
    return missing


@pytest.fixture(scope="module")
def values():
    return recorded_values()


@pytest.mark.parametrize("path", NOTES, ids=[Path(p).name for p in NOTES])
def test_every_number_in_the_notes_is_in_a_committed_record(path, values):
    assert unrecorded_numbers(Path(path).read_text(encoding="utf-8"), values) == []


def test_an_unrecorded_number_is_found_unless_marked():
    values = {6.594721, 0.16026}
    assert unrecorded_numbers("three seeds give 6.59 ± 0.16", values) == []
    assert [n for n, _ in unrecorded_numbers("two seeds give 6.69 ± 0.02", values)] == ["6.69", "0.02"]
    assert unrecorded_numbers("two seeds give 6.69 ± 0.02 (not regenerable)", values) == []
