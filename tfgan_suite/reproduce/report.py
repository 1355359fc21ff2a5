"""Results of a reproduction suite: ``DIR/results.json``, ``DIR/results.md`` and the published docs.

``results.json`` holds every run record plus, per objective and metric, the mean and standard
deviation over the seeds whose run finished (``status == "ok"``); ``results.md`` is generated from it.
:func:`publish` copies a suite's JSON (and one sample grid per objective) to ``docs/results/`` and
regenerates ``docs/results.md`` from **all** ``docs/results/*.json``: the tables are never typed.
Hand-written investigation notes for a suite live in ``docs/results/<suite>.notes.md`` and are
included below its table.
"""
import glob
import os
import re
import shutil
import statistics

from tfgan_suite.bogonet import sweep

# metric -> (column title, higher is better)
METRICS = {
    "domain_fd": ("domain FD ↓", False), "domain_score": ("classifier score ↑", True),
    "modes": ("modes covered ↑", True), "high_quality": ("high-quality fraction ↑", True),
    "kl": ("KL to uniform ↓", False),
    "fid_best": ("best-checkpoint FID ↓", False), "fid": ("FID ↓", False), "kid": ("KID ↓", False),
    "precision": ("precision ↑", True), "recall": ("recall ↑", True),
    "density": ("density ↑", True), "coverage": ("coverage ↑", True),
}
# Both rules below compare with the suite's baseline row (Suite.baseline: nsgan, or nsgan_none where
# the rows are techniques on top of an objective).
DOES_NOT_TRAIN_FACTOR = 3.0  # domain FD above this multiple of the baseline's: investigated in the notes
# A finished run whose domain FD is above COLLAPSE_FACTOR x the median domain FD of the table's
# baseline runs is "collapsed": reported apart (by seed and value), and left out of its row's mean.
COLLAPSE_FACTOR = 10.0
DEFAULT_BASELINE = "nsgan"
CURVE_FILE = "fid_curves.png"  # a suite's FID-per-scored-point plot (reproduce.plots), beside its grids


def collapse_rule(baseline=DEFAULT_BASELINE):
    return (f"a run is collapsed when its domain FD is above {COLLAPSE_FACTOR:g}x the median domain "
            f"FD of the table's {baseline} runs; collapsed runs are listed apart and left out of the "
            f"mean ± std")


def baseline_of(document):
    """The baseline row of a results document (written since the field existed; before, the suite's
    own, or nsgan for a suite no longer defined)."""
    if document.get("baseline"):
        return document["baseline"]
    from tfgan_suite.reproduce import suites  # pylint: disable=import-outside-toplevel

    suite = suites.SUITES.get(document.get("suite"))
    return suite.baseline if suite is not None else DEFAULT_BASELINE


def _mean_std(values):
    if not values:
        return None
    return {"mean": statistics.fmean(values),
            "std": statistics.stdev(values) if len(values) > 1 else 0.0, "n": len(values)}


def collapse_threshold(records, baseline=DEFAULT_BASELINE):
    """COLLAPSE_FACTOR x the median domain FD of the finished ``baseline`` runs (None: no such
    runs)."""
    values = [r["metrics"]["domain_fd"] for r in records if r["objective"] == baseline
              and r["status"] == "ok" and r["metrics"].get("domain_fd") is not None]
    return COLLAPSE_FACTOR * statistics.median(values) if values else None


def is_collapsed(record, threshold):
    fd = record["metrics"].get("domain_fd")
    return threshold is not None and fd is not None and fd > threshold


def summarize(records, objectives, baseline=DEFAULT_BASELINE):
    """``{objective: {"runs", "ok", "statuses", "collapsed", "metrics": {name: {mean, std, n}},
    wall times}}``; the metrics are over the finished runs that did not collapse
    (:func:`collapse_rule` against ``baseline``), ``collapsed`` lists the others as
    ``{"seed", "domain_fd"}``."""
    summary = {}
    threshold = collapse_threshold(records, baseline)
    for objective in objectives:
        rows = [r for r in records if r["objective"] == objective]
        if not rows:
            continue
        finished = [r for r in rows if r["status"] == "ok"]
        collapsed = [r for r in finished if is_collapsed(r, threshold)]
        ok = [r for r in finished if not is_collapsed(r, threshold)]
        names = [m for m in METRICS if any(r["metrics"].get(m) is not None for r in ok)]
        summary[objective] = {
            "runs": len(rows), "ok": len(finished),
            "collapsed": [{"seed": r["seed"], "domain_fd": r["metrics"]["domain_fd"]} for r in collapsed],
            "statuses": {s: sum(r["status"] == s for r in rows) for s in {r["status"] for r in rows}},
            "seeds": sorted(r["seed"] for r in rows),
            "model": rows[0].get("model"),
            "metrics": {m: _mean_std([r["metrics"][m] for r in ok if r["metrics"].get(m) is not None])
                        for m in names},
            "mean_wall_time_s": statistics.fmean(r["wall_time_s"] for r in rows),
            "mean_train_time_s": _mean_or_none([whole_run_train_time(r) for r in rows]),
            # the load of the runs the minutes are of
            "mean_train_load": _mean_or_none([_one_minute_load(r) for r in rows
                                              if whole_run_train_time(r) is not None]),
        }
    return summary


def whole_run_train_time(record):
    """A run's training seconds; a run resumed after a kill (``train_resumed_from_step`` > 0) was
    timed only from that step, so its time is scaled to all its generator steps. ``None`` when the
    step timing started from is unknown (the field is there but null: an older runner's
    ``train_time.json``, which may cover only the part after a resume). Records written before the
    field existed do not have it and count as timed whole."""
    seconds, start = record.get("train_time_s"), record.get("train_resumed_from_step") or 0
    if _timing_start_unknown(record):
        return None
    if seconds is None or not start:
        return seconds
    return seconds * record["generator_steps"] / (record["generator_steps"] - start)


def _timing_start_unknown(record):
    return "train_resumed_from_step" in record and record["train_resumed_from_step"] is None


def _resumed_note(document):
    """What the minutes column means for resumed runs, when the table has one."""
    records = document.get("records", ())
    note = ""
    if any(r.get("train_resumed_from_step") for r in records):
        note += ("; a run resumed after a kill is timed from where it resumed, and that time is "
                 "scaled to the whole run")
    unknown = sorted(f"{r['objective']} seed {r['seed']}" for r in records
                     if _timing_start_unknown(r) and r.get("train_time_s") is not None)
    if unknown:
        note += (f"; left out of the minutes: {', '.join(unknown)} (timed by an older runner that "
                 "did not record where its timing started, so possibly only after a resume)")
    return note


def _one_minute_load(record):
    """Mean of the 1-minute load averages at the start and end of the run's training (or of the
    whole run when the training's were not kept)."""
    load = record.get("train_load_average") or record.get("load_average") or {}
    values = [load[k][0] for k in ("start", "end") if load.get(k)]
    return statistics.fmean(values) if values else None


def _mean_or_none(values):
    values = [v for v in values if v is not None]
    return statistics.fmean(values) if values else None


def has_peer_column(anchors):
    """Whether a suite's anchors are a peer's per-objective table (shown beside ours, every
    objective listed, "running" where no run has finished yet)."""
    return any("objective" in a for a in anchors)


def results(suite, steps, records, command):
    """The ``results.json`` document of ``records`` (objectives in the suite's order)."""
    order = [o for o in suite.objectives
             if has_peer_column(suite.anchors) or any(r["objective"] == o for r in records)]
    order += sorted({r["objective"] for r in records} - set(order))
    cpus = {r.get("cpu_count") for r in records} - {None}
    return {"suite": suite.name, "dataset": suite.dataset, "steps": steps,
            "cpu_count": ",".join(str(c) for c in sorted(cpus)) or None,
            "protocol": suite.protocol.describe(), "budget_note": suite.budget_note,
            "anchors": [dict(a) for a in suite.anchors], "command": command,
            "objectives": order,  # the table's row order (the JSON's keys are written sorted)
            "baseline": suite.baseline,
            "summary": summarize(records, order, suite.baseline),
            "records": sorted(records, key=lambda r: (order.index(r["objective"]), r["seed"]))}


def _cell(stat, digits):
    if stat is None:
        return "–"
    if stat["n"] > 1:
        return f"{stat['mean']:.{digits}f} ± {stat['std']:.{digits}f}"
    return f"{stat['mean']:.{digits}f}"


def _digits(metric):
    return {"modes": 1, "kid": 4}.get(metric, 2 if metric in ("domain_fd", "fid", "fid_best") else 3)


def does_not_train(summary, baseline_row=DEFAULT_BASELINE):
    """Rows whose mean domain FD is above 3x the baseline row's (or that never finished)."""
    baseline = summary.get(baseline_row, {}).get("metrics", {}).get("domain_fd")
    flagged = []
    for objective, row in summary.items():
        fd = row["metrics"].get("domain_fd")
        if row["ok"] == 0 or (baseline and fd and fd["mean"] > DOES_NOT_TRAIN_FACTOR * baseline["mean"]):
            flagged.append(objective)
    return flagged


def _peer_cell(anchor):
    if anchor is None:
        return "not in their study"
    return f"{anchor['fid']:.1f} ± {anchor['std']:.1f}"


def _cores(document):
    """The runs' CPU cores as the tables name them: "2 CPU cores", or what stands in before a run has
    finished (the count comes from the records)."""
    count = document.get("cpu_count")
    return f"{count} CPU cores" if count else "the CPU cores of the machine (no run has finished yet)"


def peer_table(document, image_dir=None):
    """Markdown of a suite whose anchors are a peer's per-objective FIDs (Lucic et al. 2018):
    their number beside ours for every objective, "running" where no run has finished; then each
    run's FID at every scored point, with their curves and the seed-0 samples under ``image_dir``."""
    anchors = {a["objective"]: a for a in document["anchors"] if a.get("objective")}
    summary = document["summary"]
    protocol = document["protocol"]
    metrics = [m for m in ("fid_best", "fid", "kid", "precision", "recall")
               if any(m in row["metrics"] for row in summary.values())] or ["fid_best", "fid"]
    lines = [f"Budget: {document['steps']} discriminator updates per run. "
             f"{document['budget_note']}", "",
             f"Protocol: {protocol['num_generated']} generated images against "
             f"{protocol['num_reference']} real `{protocol['reference_split']}` images; features: "
             f"{protocol['feature_network']}, resize `{protocol.get('resize', 'half_pixel')}`; "
             f"scored at {protocol.get('checkpoints', 1)} points of each run. Ours: mean ± std over "
             f"the seeds that finished; training minutes per run on {_cores(document)} under the "
             f"1-minute load average in the last column (shared machine){_resumed_note(document)}.",
             "",
             "| objective | published FID (Lucic et al.) | "
             + " | ".join(f"ours: {METRICS[m][0]}" for m in metrics)
             + " | runs ok | train min/run | load |",
             "|---|---|" + "---|" * len(metrics) + "---|---|---|"]
    for objective in document["objectives"]:
        row = summary.get(objective)
        published = _peer_cell(anchors.get(objective))
        if row is None or row["ok"] == 0:
            status = "running" if row is None else ", ".join(
                f"{n} {s}" for s, n in sorted(row["statuses"].items()))
            lines.append(f"| {objective} | {published} | " + " | ".join([status] * len(metrics))
                         + f" | {0 if row is None else row['ok']}/{0 if row is None else row['runs']}"
                         + " | – | – |")
            continue
        cells = [_cell(row["metrics"].get(m), _digits(m)) for m in metrics]
        minutes = row.get("mean_train_time_s") or row["mean_wall_time_s"]
        load = row.get("mean_train_load")
        lines.append(f"| {objective} | {published} | " + " | ".join(cells)
                     + f" | {row['ok']}/{row['runs']} | {minutes / 60:.1f} | "
                     + (f"{load:.1f}" if load is not None else "–") + " |")
    lines += ["", "Published numbers:"]
    seen = set()
    for anchor in document["anchors"]:
        if anchor.get("objective") is None:
            lines.append(f"- With the settings suggested by each objective's authors, their best "
                         f"GAN reached FID {anchor['fid_text']}: {anchor['meaning']}. Source: "
                         f"{anchor['source']}.")
        elif (anchor["source"], anchor["meaning"]) not in seen:
            seen.add((anchor["source"], anchor["meaning"]))
            lines.append(f"- Published FID column: {anchor['meaning']} Source: {anchor['source']}.")
    lines += scored_points(document, image_dir)
    finished = [o for o in document["objectives"] if any(
        r["objective"] == o and r["seed"] == 0 and r["status"] == "ok" for r in document["records"])]
    if image_dir:
        lines += _sample_grids(finished, image_dir)
    lines += ["", f"Command: `{portable_command(document['command'])}`"]
    return "\n".join(lines)


def _sample_grids(objectives, image_dir):
    """Lines of Markdown: one row of the seed-0 sample grids of ``objectives`` (none when empty)."""
    if not objectives:
        return []
    return ["", "Samples (seed 0, from the scored draw):", "",
            "| " + " | ".join(objectives) + " |", "|" + "---|" * len(objectives),
            "| " + " | ".join(f"![{o}]({image_dir}/{o}.png)" for o in objectives) + " |"]


def scored_runs(document):
    """The finished runs of ``document`` scored at several points (``record["checkpoints"]``), in
    the table's row order, then by seed."""
    order = list(document.get("objectives", ()))
    return sorted((r for r in document.get("records", ())
                   if r.get("status") == "ok" and r.get("checkpoints")),
                  key=lambda r: (order.index(r["objective"]) if r["objective"] in order
                                 else len(order), r["seed"]))


def scored_points(document, image_dir=None):
    """Lines of Markdown: :func:`checkpoint_table` of the suite's runs scored at several points and,
    with ``image_dir``, the FID plot that ``--publish`` draws of them (none without such runs)."""
    runs = scored_runs(document)
    lines = checkpoint_table(runs)
    if image_dir and runs:
        lines += ["", f"![FID at each scored point]({image_dir}/{CURVE_FILE})"]
    return lines


def checkpoint_table(runs):
    """Lines of Markdown: each of ``runs`` (:func:`scored_runs`) with its FID at every scored point
    (a suite scored at several points, e.g. every 5 of Lucic et al.'s 20 epochs), the discriminator
    updates in each cell; the best-checkpoint column is the lowest of a row. No lines without runs."""
    if not runs:
        return []
    points = max(len(r["checkpoints"]) for r in runs)
    lines = ["", f"FID at each of the {points} scored points of every finished run (discriminator "
             f"updates in brackets; the last point is the end of training):", "",
             "| objective | seed | " + " | ".join(f"point {k + 1}" for k in range(points))
             + " | best |", "|---|---|" + "---|" * (points + 1)]
    for run in runs:
        cells = ["–" if c["fid"] is None else f"{c['fid']:.2f} ({c['critic_updates']:,})"
                 for c in run["checkpoints"]]
        cells += ["–"] * (points - len(cells))
        best = run.get("metrics", {}).get("fid_best")
        lines.append(f"| {run['objective']} | {run['seed']} | " + " | ".join(cells)
                     + f" | {'–' if best is None else f'{best:.2f}'} |")
    return lines


def markdown_table(document, image_dir=None):
    """The suite's Markdown: budget, protocol, the table (mean ± std over seeds), anchors, grids."""
    if has_peer_column(document.get("anchors", ())):
        return peer_table(document, image_dir)
    order = document.get("objectives", list(document["summary"]))
    # from the records when the document has them, so that every table follows today's rules
    baseline = baseline_of(document)
    summary = summarize(document["records"], order, baseline) if document.get("records") else \
        {o: document["summary"][o] for o in order}
    metrics = [m for m in METRICS if any(m in row["metrics"] for row in summary.values())]
    protocol = document["protocol"]
    lines = [f"Budget: {document['steps']} generator updates per run. {document['budget_note']}",
             "",
             f"Protocol: {protocol['num_generated']} generated samples"
             + (f" against {protocol['num_reference']} real `{protocol['reference_split']}` images"
                if protocol.get("num_reference") else "")
             + f"; features: {protocol['feature_network']}. Mean ± std over the seeds that "
               f"finished" + (f" and did not collapse ({collapse_rule(baseline)})" if "domain_fd" in metrics
                              else "") + f". Training minutes per run on {_cores(document)} under the 1-minute load "
               f"average in the last column (shared machine)"
               f"{_resumed_note(document)}.",
             "",
             "| objective | model | " + " | ".join(METRICS[m][0] for m in metrics)
             + " | runs ok | train min/run | load |",
             "|---|---|" + "---|" * len(metrics) + "---|---|---|"]
    flagged = does_not_train(summary, baseline)
    for objective, row in summary.items():
        name = f"{objective} (see notes)" if objective in flagged else objective
        cells = [_cell(row["metrics"].get(m), _digits(m)) for m in metrics]
        if row.get("collapsed"):
            cells[0] += "; collapsed: " + ", ".join(
                f"seed {c['seed']} ({c['domain_fd']:.2f})" for c in row["collapsed"])
        minutes = row.get("mean_train_time_s") or row["mean_wall_time_s"]
        load = row.get("mean_train_load")
        lines.append(f"| {name} | {row['model']} | " + " | ".join(cells)
                     + f" | {row['ok']}/{row['runs']} | {minutes / 60:.1f} | "
                     + (f"{load:.1f}" if load is not None else "–") + " |")
    if document.get("anchors"):
        lines += ["", "Published results (not ours; other networks and budgets):", "",
                  "| method | modes ↑ | KL ↓ | source |", "|---|---|---|---|"]
        lines += [f"| {a['method']} | {a['modes']:g} | {a['kl']:.2f} | {a['source']} |"
                  for a in document["anchors"]]
    lines += scored_points(document, image_dir)
    if image_dir:
        lines += _sample_grids(list(summary), image_dir)
    lines += ["", f"Command: `{portable_command(document['command'])}`"]
    return "\n".join(lines)


def portable_command(command):
    """``command`` with its ``--workdir`` replaced by ``DIR``: the records keep the directory they
    ran in (the exact command), the docs show the one a reader types."""
    return re.sub(r"--workdir=\S+", "--workdir=DIR", command)


def recheck_table(document):
    """Markdown of ``<suite>.recheck.json`` (:mod:`tfgan_suite.reproduce.recheck`)."""
    lines = [f"Re-run check: each record's own command run again in a new workdir; the seeds' "
             f"spread is {document['rule']} (`{document['command']}`).", "",
             "| run | re-run's TF threads (record's) | re-run's path (record's) | published | "
             "re-run | difference | seeds' spread | within |",
             "|---|---|---|---|---|---|---|---|"]
    def threads(value):  # None: a record that does not store its count (recheck.thread_provenance)
        return "unknown" if value is None else str(value) if value else "TF default"
    def number(value):  # None: a diverged re-run; whole numbers (mode counts) without decimals
        if value is None:
            return "–"
        return f"{value:.0f}" if float(value).is_integer() else f"{value:.3f}"
    def path(jit, steps):  # training.execution; rows before those fields: plain, one step
        return f"{'XLA' if jit else 'plain'}, {steps} step{'s' if steps > 1 else ''}/call"
    for row in document["checks"]:
        low, high = row["spread"]
        lines.append(f"| {row['objective']} seed {row['seed']} | {threads(row.get('threads', 0))} "
                     f"({threads(row.get('published_threads'))}) | "
                     f"{path(row.get('jit_compile', False), row.get('steps_per_execution', 1))} "
                     f"({path(*row.get('published_path', (False, 1)))}) | "
                     f"{number(row['published'])} | "
                     f"{number(row['rerun'])} | {number(row['abs_difference'])} | "
                     f"[{number(low)}, {number(high)}] | "
                     f"{'yes' if row['within_spread'] else '**no**'} |")
    return "\n".join(lines)


def sgan_generators_table(document):
    """Markdown of ``<suite>.sgan_generators.json`` (``benchmarks/sgan_toy_locals.py``): modes
    covered (high-quality fraction) of SGAN's global G_0 and of every local G_i, per seed."""
    count = max(len(run["generators"]) for run in document["runs"])
    lines = [f"Every generator of the `sgan` runs, scored on the same {document['num_samples']} "
             f"latent vectors as the table: modes covered (high-quality fraction) "
             f"(`{document['command']}`).", "",
             "| seed | " + " | ".join(["G_0 (scored above)"] + [f"G_{i}" for i in range(1, count)])
             + " | mean of the G_i |", "|---|" + "---|" * (count + 1)]
    for run in document["runs"]:
        cells = [f"{g['modes']} ({g['high_quality']:.2f})" for g in run["generators"]]
        local = [g["modes"] for g in run["generators"][1:]]
        lines.append(f"| {run['seed']} | " + " | ".join(cells)
                     + f" | {statistics.fmean(local):.1f} |")
    return "\n".join(lines)


def write(workdir, document):
    """Writes ``DIR/results.json`` and ``DIR/results.md`` (grids from ``DIR/samples``)."""
    sweep.write_json_atomic(os.path.join(workdir, "results.json"), document)
    grid_dir = os.path.join(workdir, "grids")
    os.makedirs(grid_dir, exist_ok=True)
    for objective in document["summary"]:
        source = _seed0_grid(workdir, objective)
        if source:
            shutil.copyfile(source, os.path.join(grid_dir, f"{objective}.png"))
    _write_text(os.path.join(workdir, "results.md"),
                f"# {document['suite']}\n\n{markdown_table(document, 'grids')}\n")


def _seed0_grid(workdir, objective):
    paths = sorted(glob.glob(os.path.join(workdir, "samples", f"seed*__{objective}.png")))
    return paths[0] if paths else None


def _write_text(path, text):
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(path + ".tmp", path)


DOCS_HEADER = """# Measured results

Generated by `python -m tfgan_suite.reproduce --publish` from `docs/results/*.json`; do not edit by
hand (notes: `docs/results/<suite>.notes.md`). Every run's record in the JSON holds the command that
reproduces it (`command`: run it with a new `--workdir`; `train_command`: the same training through
`python -m tfgan_suite.run`), its resolved paper settings, its metric protocol, its wall time and the
machine load while it ran (newer records also the training's CPU seconds, `train_cpu_s`, and, for a
run killed and resumed, the step its timed part started at, `train_resumed_from_step`). A table marks a row "(see notes)" when its mean domain FD is above 3x its
baseline row's (nsgan; nsgan_none where the rows are techniques on top of an objective) or no run
finished.
"""


def publish(workdir, docs_dir="docs"):
    """Copies ``DIR/results.json`` and its grids into ``docs_dir/results/`` and regenerates
    ``docs_dir/results.md`` from every committed suite JSON. Returns the Markdown path."""
    from tfgan_suite.reproduce import recheck  # pylint: disable=import-outside-toplevel

    document = sweep.read_json(os.path.join(workdir, "results.json"))
    target = os.path.join(docs_dir, "results")
    # every published record says its TF thread count or why it is unknown (recheck.thread_provenance)
    checks_path = os.path.join(target, f"{document['suite']}.recheck.json")
    checks = sweep.read_json(checks_path) if os.path.exists(checks_path) else None
    recheck.stamp_threads(document, checks["checks"] if checks else [])
    if checks:
        sweep.write_json_atomic(checks_path, checks)
    image_dir = os.path.join(target, "img", document["suite"])
    os.makedirs(image_dir, exist_ok=True)
    sweep.write_json_atomic(os.path.join(target, f"{document['suite']}.json"), document)
    for objective in document["summary"]:
        source = os.path.join(workdir, "grids", f"{objective}.png")
        if os.path.exists(source):
            shutil.copyfile(source, os.path.join(image_dir, f"{objective}.png"))
    if scored_runs(document):
        from tfgan_suite.reproduce import plots  # pylint: disable=import-outside-toplevel

        plots.plot_fid_curves(document, os.path.join(image_dir, CURVE_FILE))
    return regenerate_docs(docs_dir)


def regenerate_docs(docs_dir="docs"):
    """``docs_dir/results.md`` from all ``docs_dir/results/*.json`` (and their notes files)."""
    sections = [DOCS_HEADER]
    for path in sorted(glob.glob(os.path.join(docs_dir, "results", "*.json"))):
        document = sweep.read_json(path)
        if not {"suite", "summary", "protocol"} <= set(document):  # other tools' results
            continue
        suite = document["suite"]
        sections.append(f"## {suite}\n\n{markdown_table(document, f'results/img/{suite}')}\n")
        for extra, render in (("recheck", recheck_table), ("sgan_generators", sgan_generators_table)):
            extra_path = os.path.join(docs_dir, "results", f"{suite}.{extra}.json")
            if os.path.exists(extra_path):
                sections.append(render(sweep.read_json(extra_path)) + "\n")
        notes = os.path.join(docs_dir, "results", f"{suite}.notes.md")
        if os.path.exists(notes):
            with open(notes, encoding="utf-8") as f:
                sections.append(f.read().strip() + "\n")
    out = os.path.join(docs_dir, "results.md")
    _write_text(out, "\n".join(sections))
    return out
