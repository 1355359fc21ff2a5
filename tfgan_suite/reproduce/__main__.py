"""Command line: ``python -m tfgan_suite.reproduce --suite=mnist --workdir=DIR [--objectives=...]
[--seeds=0,1,2] [--steps=N] [--num_workers=K] [--publish]``.

Trains every (objective, seed) of a suite (``tfgan_suite.reproduce.suites``) with the objectives' paper
settings under one budget of generator updates, scores each run, and writes one record per run
(``DIR/runs/seed<k>__<objective>.json``, atomically) plus ``DIR/results.json`` and ``DIR/results.md``.
Re-running the same command resumes: finished runs are skipped and a run killed part-way continues
from its last checkpoint. ``--publish`` copies the results to ``docs/results/<suite>.json`` and
regenerates ``docs/results.md`` from every committed suite JSON (``--docs_only`` does only that);
``--report_only`` only rewrites the results from the records already in DIR. ``--from_published``
first copies the suite's committed records into DIR (where DIR has none), so a suite that outlives
one machine continues on the next with the same command. Bad input exits with status 2 and one line
on stderr.
"""
import os
import sys

from absl import app, flags

from tfgan_suite.utils.cli import MAX_SEED, FlagDefiner, forwarded_args, run_app, run_quietly

FLAGS = flags.FlagValues()  # this command's own flags (see utils.cli.FlagDefiner)
_define = FlagDefiner(FLAGS)
_define.DEFINE_string("suite", None, "mnist, fashion_mnist, stacked_mnist, ring8, grid25, cifar10, "
                      "lucic_mnist, lucic_fashion_mnist, limited_mnist or "
                      "limited_fashion_mnist.")
_define.DEFINE_string("workdir", None, "Results directory (resumed); default runs/reproduce/<suite>.")
_define.DEFINE_list("objectives", None, "Objectives to run (default: the suite's).")
_define.DEFINE_number_list("seeds", None, "Seeds (default: 0,1,2).",
                           f"comma-separated integers in [0, {MAX_SEED}]",
                           lambda value: value == int(value) and 0 <= value <= MAX_SEED)
_define.DEFINE_integer("steps", None, "Generator updates per run (default: the suite's budget).",
                       lower_bound=1)
_define.DEFINE_integer("num_workers", 1, "Processes on this machine, each running a share of the runs.",
                       lower_bound=1)
_define.DEFINE_integer("shard_index", 0, "This process's shard (several machines on one workdir).",
                       lower_bound=0)
_define.DEFINE_integer("num_shards", 1, "Number of shards.", lower_bound=1)
_define.DEFINE_integer("threads", 0, "TensorFlow intra-op threads per process (0: TF's default; "
                       "with --num_workers, cores / workers).", lower_bound=0)
_define.DEFINE_bool("retry_errors", False, "Run again the runs whose record is an error.")
_define.DEFINE_enum("jit_compile", "auto", ["auto", "true", "false"], "Execution path of every "
                   "run's train step: auto (the faster path for this machine and network), true "
                   "(XLA) or false. XLA draws another random stream from the same seed, so a record "
                   "re-runs to its digits only on its own path (its `jit_compile`; recheck passes it).")
_define.DEFINE_bool("report_only", False, "Only rewrite results.json/results.md from DIR's records.")
_define.DEFINE_bool("summarize", True, "Write results.json/results.md when this process is done.")
_define.DEFINE_bool("publish", False, "Copy the results to --docs_dir/results/ and regenerate "
                    "--docs_dir/results.md from all published suites.")
_define.DEFINE_string("docs_dir", "docs", "The repository's docs directory (for --publish).")
_define.DEFINE_bool("docs_only", False, "Only regenerate --docs_dir/results.md from the committed "
                    "--docs_dir/results/*.json (no --suite needed).")
_define.DEFINE_bool("progress", True, "Show a progress bar.")
_define.DEFINE_bool("from_published", False, "First copy the suite's published records "
                    "(--docs_dir/results/<suite>.json) into --workdir where it has none: a suite "
                    "that outlives one machine continues from its committed runs.")

_FORWARDED = ("suite", "workdir", "objectives", "seeds", "steps", "retry_errors", "jit_compile")


def _settings():
    """``(suite, objectives, seeds, steps, workdir)`` from the flags; one UserInputError if bad."""
    from tfgan_suite.errors import UserInputError
    from tfgan_suite.reproduce import suites

    if not FLAGS.suite:
        raise UserInputError(f"--suite is required; valid choices: {', '.join(suites.names())}")
    suite = suites.get(FLAGS.suite)
    objectives = tuple(o.strip() for o in FLAGS.objectives if o.strip()) if FLAGS.objectives \
        else suite.objectives
    for objective in objectives:
        suite.train_fields(objective)  # one line naming the valid objectives
    if len(set(objectives)) != len(objectives):
        raise UserInputError(f"--objectives lists a name twice: {','.join(objectives)}")
    try:
        seeds = tuple(int(s) for s in FLAGS.seeds) if FLAGS.seeds else suite.seeds
    except ValueError:
        raise UserInputError(f"--seeds expects integers, got {','.join(FLAGS.seeds)!r}") from None
    steps = FLAGS.steps or suite.steps
    if steps < 1 or FLAGS.num_workers < 1:
        raise UserInputError("--steps and --num_workers must be positive")
    if FLAGS.num_workers > 1 and FLAGS.num_shards > 1:
        raise UserInputError("use either --num_workers or --shard_index/--num_shards, not both")
    return suite, objectives, seeds, steps, FLAGS.workdir or suites.default_workdir(suite.name)


def command_line(suite, workdir, steps):
    return f"python -m tfgan_suite.reproduce --suite={suite.name} --workdir={workdir} --steps={steps}"


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"unexpected arguments: {' '.join(argv[1:])}")
    return run_quietly(_main, FLAGS.threads)


def _main():
    from tfgan_suite.bogonet import sweep
    from tfgan_suite.reproduce import report, runner

    if FLAGS.docs_only:
        print(f"regenerated: {report.regenerate_docs(FLAGS.docs_dir)}")
        return 0
    suite, objectives, seeds, steps, workdir = _settings()
    if not FLAGS.report_only:
        published = runner.published_records(suite, steps, FLAGS.docs_dir) \
            if FLAGS.from_published else []
        runner.bind_workdir(workdir, suite, steps)
        if FLAGS.from_published:
            restored = runner.restore_published(workdir, suite, published, FLAGS.docs_dir)
            print(f"restored {restored} published records of {suite.name} into {workdir}")
        sweep.shard_jobs([], FLAGS.shard_index, FLAGS.num_shards)  # validates the shard flags
        specs = [{"arch_id": f"seed{seed}", "seed": seed} for seed in seeds]
        if FLAGS.num_workers > 1:
            if sweep.run_local_workers(forwarded_args(FLAGS, _FORWARDED), FLAGS.num_workers,
                                       workdir, len(specs) * len(objectives), FLAGS.threads,
                                       module="tfgan_suite.reproduce", progress=FLAGS.progress):
                return 1
        else:
            scorer = runner.Scorer(suite, cache_dir=workdir)

            def run(spec, objective, context, samples_path=None):
                return runner.run_one(suite, objective, spec["seed"], steps, workdir, context,
                                      samples_path, jit_compile=FLAGS.jit_compile)

            counts = sweep.run_jobs(workdir, specs, objectives, scorer, FLAGS.shard_index,
                                    FLAGS.num_shards, runner=run, retry_errors=FLAGS.retry_errors,
                                    progress=FLAGS.progress)
            print(f"shard {FLAGS.shard_index}/{FLAGS.num_shards}: {counts['ran']} runs done now, "
                  f"{counts['skipped']} found finished, of {counts['shard_jobs']} in this shard")
    if not (FLAGS.summarize or FLAGS.report_only):
        return 0
    records = [r for r in sweep.load_records(workdir) if r.get("suite") == suite.name]
    if not records and not report.has_peer_column(suite.anchors):
        from tfgan_suite.errors import UserInputError

        raise UserInputError(f"no run records of suite {suite.name!r} under "
                             f"{os.path.join(workdir, 'runs')}")
    bound_steps = records[0]["steps"] if records else steps
    document = report.results(suite, bound_steps, records, command_line(suite, workdir, bound_steps))
    report.write(workdir, document)
    print(report.markdown_table(document))
    print(f"written: {os.path.join(workdir, 'results.json')} and results.md")
    if FLAGS.publish:
        print(f"published: {report.publish(workdir, FLAGS.docs_dir)}")
    return 0


def run_main():
    run_app(main, FLAGS)


if __name__ == "__main__":
    run_main()
