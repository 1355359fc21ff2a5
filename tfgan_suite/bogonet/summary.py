"""Pure aggregation of BogoNet run records: per-objective statistics and the pairwise win matrix.

A *record* is the dict a run writes (``runs/<arch_id>__<objective>.json``); this module reads only
``arch_id``, ``objective``, ``status``, ``score`` and ``wall_time_s``. Scores are lower-is-better
(Fréchet distances). Definitions:

* **harness errors** (``status == "harness_error"``, or ``"error"`` in records of older sweeps): the
  run raised, which says nothing about the objective. They are left out of everything below (runs,
  failure rate, scores, win matrix) and listed on their own (:func:`harness_errors`).
* **failed**: ``status`` is ``"diverged"`` (a NaN/Inf loss, sample or score) or ``"collapsed"``
  (sample diversity below the threshold, see ``runner.classify``).
* **failure rate** of an objective = failed runs / runs (harness errors excluded).
* **mean / median score** are over the objective's *finished* (``ok``) runs only; ``None`` if none.
* **comparison** of objectives A and B on one architecture (:func:`compare`):
  A finished and B failed -> A wins (1); both failed -> tie (1/2); both finished -> the lower score
  wins, and scores within ``tie_tolerance`` (absolute; 0 = exactly equal) tie (1/2).
* **win matrix** ``W[A][B]`` = mean of ``compare(A, B)`` over the architectures that have a record
  for both A and B, so ``W[A][B] + W[B][A] = 1``; the diagonal is ``None``; ``N[A][B]`` counts those
  architectures (``W`` is ``None`` when ``N`` is 0).
* **mean win rate** of A = mean of ``W[A][B]`` over the other objectives B with ``N[A][B] > 0``;
  the **winner** is the objective with the highest mean win rate (ties broken by the lower failure
  rate, then the lower median score, then the name).
"""
import math
import statistics

STATUSES = ("ok", "diverged", "collapsed", "harness_error")
HARNESS_ERROR_STATUSES = ("harness_error", "error")  # "error": records written before the split


def is_harness_error(record):
    """True when the run raised (our code, a file, the machine): not the objective's result."""
    return record.get("status") in HARNESS_ERROR_STATUSES


def comparable(records):
    """The records that measure their objective (harness errors left out)."""
    return [r for r in records if not is_harness_error(r)]


def harness_errors(records):
    """``[{arch_id, objective, error}]`` of the runs that raised, sorted."""
    return sorted(({"arch_id": r["arch_id"], "objective": r["objective"], "error": r.get("error")}
                   for r in records if is_harness_error(r)), key=lambda e: (e["arch_id"], e["objective"]))


def is_failed(record):
    """True unless the run finished with a finite score and enough diversity."""
    return record.get("status") != "ok"


def compare(a, b, tie_tolerance=0.0):
    """1 if record ``a`` beats record ``b``, 0 if it loses, 0.5 on a tie (see module docstring)."""
    failed_a, failed_b = is_failed(a), is_failed(b)
    if failed_a and failed_b:
        return 0.5
    if failed_a != failed_b:
        return 0.0 if failed_a else 1.0
    diff = float(a["score"]) - float(b["score"])
    if abs(diff) <= tie_tolerance:
        return 0.5
    return 1.0 if diff < 0 else 0.0


def objectives_of(records):
    """Objective names in order of first appearance."""
    seen = {}
    for r in records:
        seen.setdefault(r["objective"], None)
    return list(seen)


def by_arch(records):
    """``{arch_id: {objective: record}}`` (a later duplicate replaces an earlier one)."""
    table = {}
    for r in records:
        table.setdefault(r["arch_id"], {})[r["objective"]] = r
    return table


def objective_stats(records, objectives=None):
    """Per objective: runs, ok, failed, diverged, collapsed, failure_rate, mean_score, median_score
    (over ok runs), mean_wall_time_s (over its runs) and harness_errors (not counted in runs)."""
    objectives = list(objectives) if objectives is not None else objectives_of(records)
    stats = {}
    for name in objectives:
        errors = sum(r["objective"] == name for r in records if is_harness_error(r))
        rows = [r for r in comparable(records) if r["objective"] == name]
        scores = [float(r["score"]) for r in rows if not is_failed(r)]
        times = [float(r["wall_time_s"]) for r in rows if r.get("wall_time_s") is not None]
        failed = sum(is_failed(r) for r in rows)
        stats[name] = {
            "runs": len(rows),
            "ok": len(scores),
            "failed": failed,
            "diverged": sum(r.get("status") == "diverged" for r in rows),
            "collapsed": sum(r.get("status") == "collapsed" for r in rows),
            "failure_rate": failed / len(rows) if rows else None,
            "mean_score": statistics.fmean(scores) if scores else None,
            "median_score": statistics.median(scores) if scores else None,
            "mean_wall_time_s": statistics.fmean(times) if times else None,
            "harness_errors": errors,
        }
    return stats


def win_matrix(records, objectives=None, tie_tolerance=0.0):
    """``(W, N)``: win fractions and architecture counts, lists of lists indexed like ``objectives``."""
    objectives = list(objectives) if objectives is not None else objectives_of(records)
    table = by_arch(comparable(records))
    size = len(objectives)
    wins = [[None] * size for _ in range(size)]
    counts = [[0] * size for _ in range(size)]
    for i, a in enumerate(objectives):
        for j, b in enumerate(objectives):
            if i == j:
                continue
            outcomes = [compare(runs[a], runs[b], tie_tolerance)
                        for runs in table.values() if a in runs and b in runs]
            counts[i][j] = len(outcomes)
            wins[i][j] = sum(outcomes) / len(outcomes) if outcomes else None
    return wins, counts


def mean_win_rates(wins):
    """Row means of the off-diagonal, non-``None`` entries (``None`` for an empty row)."""
    rates = []
    for i, row in enumerate(wins):
        values = [v for j, v in enumerate(row) if j != i and v is not None]
        rates.append(sum(values) / len(values) if values else None)
    return rates


def summarize(records, objectives=None, tie_tolerance=0.0):
    """Everything the report shows, as one JSON-serializable dict.

    Keys: ``objectives``, ``architectures`` (count), ``runs``, ``stats`` (:func:`objective_stats`),
    ``win_matrix``, ``win_counts``, ``mean_win_rate`` ({objective: rate}), ``ranking`` (best first),
    ``winner`` and ``harness_errors`` (:func:`harness_errors`; not in any of the others).
    """
    objectives = list(objectives) if objectives is not None else objectives_of(records)
    records = [r for r in records if r["objective"] in objectives]
    stats = objective_stats(records, objectives)
    wins, counts = win_matrix(records, objectives, tie_tolerance)
    rates = dict(zip(objectives, mean_win_rates(wins)))

    def key(name):
        s = stats[name]
        rate = rates[name]
        return (-(rate if rate is not None else -1.0),
                s["failure_rate"] if s["failure_rate"] is not None else math.inf,
                s["median_score"] if s["median_score"] is not None else math.inf, name)

    ranking = sorted(objectives, key=key)
    return {"objectives": objectives, "architectures": len(by_arch(comparable(records))),
            "runs": len(comparable(records)), "harness_errors": harness_errors(records),
            "tie_tolerance": tie_tolerance, "stats": stats, "win_matrix": wins,
            "win_counts": counts, "mean_win_rate": rates, "ranking": ranking,
            "winner": ranking[0] if ranking else None}


def _fmt(value, digits=2):
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def format_tables(summary, metric="score"):
    """The per-objective table and the win matrix as Markdown (also readable in a terminal)."""
    objectives = summary["objectives"]
    stats = summary["stats"]
    lines = [f"| objective | runs | finished | diverged | collapsed | harness errors | failure rate | "
             f"mean {metric} | median {metric} | mean win rate | mean time (s) |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name in summary["ranking"]:
        s = stats[name]
        lines.append(f"| {name} | {s['runs']} | {s['ok']} | {s['diverged']} | {s['collapsed']} | "
                     f"{s['harness_errors']} | {_fmt(s['failure_rate'])} | {_fmt(s['mean_score'])} | "
                     f"{_fmt(s['median_score'])} | {_fmt(summary['mean_win_rate'][name])} | "
                     f"{_fmt(s['mean_wall_time_s'], 1)} |")
    lines += ["", "Win matrix: row beats column on this fraction of architectures "
              "(ties and double failures count 1/2; a failed run loses to a finished one).", "",
              "| row beats column | " + " | ".join(objectives) + " |",
              "| --- |" + " ---: |" * len(objectives)]
    for i, name in enumerate(objectives):
        cells = ["-" if i == j else _fmt(summary["win_matrix"][i][j]) for j in range(len(objectives))]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def winner_sentence(summary, metric="score"):
    """One sentence naming the winner and its margin over the runner-up."""
    ranking = summary["ranking"]
    if not ranking:
        return "no results yet"
    best = ranking[0]
    rates, stats = summary["mean_win_rate"], summary["stats"]
    text = (f"{best} wins with a mean win rate of {_fmt(rates[best])} "
            f"(failure rate {_fmt(stats[best]['failure_rate'])}, median {metric} "
            f"{_fmt(stats[best]['median_score'])})")
    if len(ranking) > 1:
        second = ranking[1]
        i, j = summary["objectives"].index(best), summary["objectives"].index(second)
        text += (f"; runner-up {second} at {_fmt(rates[second])} (failure rate "
                 f"{_fmt(stats[second]['failure_rate'])}, median {metric} "
                 f"{_fmt(stats[second]['median_score'])}); head to head {best} beats {second} on "
                 f"{_fmt(summary['win_matrix'][i][j])} of {summary['win_counts'][i][j]} architectures")
    return text + "."


def format_harness_errors(summary):
    """Markdown list of the runs that raised (empty string when there are none)."""
    errors = summary.get("harness_errors") or []
    if not errors:
        return ""
    lines = [f"Harness errors: {len(errors)} run(s) raised; they are not counted for or against any "
             "objective (each record under runs/ keeps the full traceback; --retry_errors runs them again):",
             ""]
    lines += [f"* {e['arch_id']} {e['objective']}: {e['error']}" for e in errors]
    return "\n".join(lines)


def format_arch_table(records, objectives=None, descriptions=None, digits=1):
    """Markdown table: one row per architecture, its score per objective (or its failure status);
    the best finished score of the row is in bold. ``descriptions``: ``{arch_id: text}``."""
    objectives = list(objectives) if objectives is not None else objectives_of(records)
    descriptions = descriptions or {}
    lines = ["| architecture | " + " | ".join(objectives) + " |",
             "| --- |" + " ---: |" * len(objectives)]
    for arch, runs in sorted(by_arch(records).items()):
        finished = [runs[o]["score"] for o in objectives if o in runs and not is_failed(runs[o])]
        best = min(finished) if finished else None
        cells = []
        for name in objectives:
            r = runs.get(name)
            if r is None:
                cells.append("")
            elif is_failed(r):
                cells.append(r["status"])
            else:
                text = f"{r['score']:.{digits}f}"
                cells.append(f"**{text}**" if r["score"] == best else text)
        label = f"{arch} {descriptions[arch]}" if arch in descriptions else arch
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
