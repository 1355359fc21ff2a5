"""A sweep's report on disk: summary.json, summary.md, scores.png and win_matrix.png."""
import os

from tfgan_suite.bogonet import plots, sampler, summary as summary_lib, sweep
from tfgan_suite.errors import UserInputError


def write_report(workdir, objectives=None, metric=None, tie_tolerance=0.0):
    """Aggregates the run records in ``workdir`` and writes the report files there.

    Args:
      objectives: the objectives to report, in this order (``None``: all found, in the order the
        sweep's commands asked for them, ``objectives.json``; objectives it does not list follow in
        order of first appearance).
      metric: the score's name in the tables; ``None``: the one in ``sweep.json`` (else "score").

    Returns:
      ``(summary dict, printable text)``.

    Raises:
      UserInputError: when there is no record of the requested objectives.
    """
    records = sweep.load_records(workdir)
    settings_file = os.path.join(workdir, "sweep.json")
    if metric is None:
        metric = (sweep.read_json(settings_file).get("metric", "score")
                  if os.path.exists(settings_file) else "score")
    if objectives is None:
        found = summary_lib.objectives_of(records)
        asked = [name for name in sweep.objective_order(workdir) if name in found]
        objectives = asked + [name for name in found if name not in asked]
    records = [r for r in records if r["objective"] in objectives]
    if not records:
        raise UserInputError(f"no run records for {', '.join(objectives) or 'any objective'} under "
                             f"{os.path.join(workdir, 'runs')}")
    result = summary_lib.summarize(records, objectives, tie_tolerance)
    tables = summary_lib.format_tables(result, metric)
    sentence = summary_lib.winner_sentence(result, metric)
    descriptions = {}
    for arch_id in summary_lib.by_arch(records):
        spec_file = os.path.join(workdir, "specs", f"{arch_id}.json")
        if os.path.exists(spec_file):
            descriptions[arch_id] = f"`{sampler.describe(sweep.read_json(spec_file))}`"
    per_arch = summary_lib.format_arch_table(records, objectives, descriptions)
    errors = summary_lib.format_harness_errors(result)
    reference = sorted({str(r["reference_split"]) for r in records if r.get("reference_split")})
    scored = f"Scored against the real images of the {', '.join(reference)} split.\n\n" if reference else ""
    sweep.write_json_atomic(os.path.join(workdir, "summary.json"), result)
    markdown = os.path.join(workdir, "summary.md")
    with open(markdown + ".tmp", "w") as f:
        f.write(f"{tables}\n\n{sentence}\n\n{scored}" + (f"{errors}\n\n" if errors else "")
                + f"Per architecture ({metric}, or why the run failed; best in bold):\n\n{per_arch}\n")
    os.replace(markdown + ".tmp", markdown)
    plots.plot_scores(records, objectives, os.path.join(workdir, "scores.png"), metric)
    plots.plot_win_matrix(result, os.path.join(workdir, "win_matrix.png"))
    text = (f"{result['runs']} runs over {result['architectures']} architectures\n\n{tables}\n\n"
            f"{sentence}\n" + (f"\n{errors}\n\n" if errors else "")
            + f"written: summary.json, summary.md, scores.png, win_matrix.png in {workdir}")
    return result, text
