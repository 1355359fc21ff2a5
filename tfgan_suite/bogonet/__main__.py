"""Command line: ``python -m tfgan_suite.bogonet --objectives=nsgan,wgan_gp,dragan,rep ...``.

Samples ``--num_architectures`` random G/D pairs (``tfgan_suite.bogonet.sampler``), trains each with
each objective for ``--steps`` generator updates, scores it, and writes per-run records, a summary
table and plots into ``--workdir``. Re-running the same command resumes a killed sweep.

Parallel on one machine: ``--num_workers=W`` starts W shard processes. Several machines / a cluster:
run the same command with ``--shard_index=i --num_shards=N`` for i in 0..N-1 into a shared workdir
(e.g. a SLURM job array: ``--shard_index=$SLURM_ARRAY_TASK_ID``), then ``--summarize_only``.
Bad input exits with status 2 and one line on stderr.
"""
import os
import sys

from absl import app, flags, logging

from tfgan_suite.utils.cli import (FlagDefiner, forwarded_args, limit_threads, run_app,
                                   start_tensorflow_quietly)

FLAGS = flags.FlagValues()  # this command's own flags (see utils.cli.FlagDefiner)
_define = FlagDefiner(FLAGS)

_define.DEFINE_list("objectives", ["nsgan", "wgan_gp", "dragan", "rep"],
                  "Objective names (tfgan_suite.losses.names()).")
_define.DEFINE_integer("num_architectures", 150, "Random architectures to sample.")
_define.DEFINE_integer("arch_seed", 0, "Seed of the architecture sampler.")
_define.DEFINE_float("width_multiplier", 1.0, "Scale of every sampled width (e.g. 0.5 on a CPU).")
_define.DEFINE_integer("seed", 0, "Seed of weight initialization, latent draws and data order.")
_define.DEFINE_integer("steps", 300, "Generator updates per run.")
_define.DEFINE_integer("batch_size", 64, "Images per discriminator update.")
_define.DEFINE_string("dataset", None, "Dataset name or path (default: the bundled MNIST subset).")
_define.DEFINE_string("data_dir", None, "tensorflow-datasets data_dir.")
_define.DEFINE_string("metric", "domain_fd", "Score: domain_fd (MNIST/Fashion-MNIST classifier "
                    "features) or fid (Inception).")
_define.DEFINE_string("domain", None, "Domain classifier for domain_fd: mnist or fashion_mnist "
                    "(default: guessed from --dataset).")
_define.DEFINE_integer("num_eval_samples", 1000, "Generated (and real test) images per score.")
_define.DEFINE_integer("diversity_samples", 500, "Images used for the pairwise-distance diversity.")
_define.DEFINE_float("collapse_threshold", 0.1, "A run collapsed when its samples' mean pairwise "
                   "distance is below this fraction of the real images'.")
_define.DEFINE_float("tie_tolerance", 0.0, "Scores closer than this tie in the win matrix.")
_define.DEFINE_string("workdir", "runs/bogonet", "Sweep directory (resumed if it holds this sweep).")
_define.DEFINE_integer("shard_index", 0, "This process's shard: the job of architecture a and objective "
                     "o (positions) runs in shard (a + o) mod num_shards.")
_define.DEFINE_integer("num_shards", 1, "Number of shards.")
_define.DEFINE_integer("num_workers", 1, "Shard processes to start on this machine.")
_define.DEFINE_integer("threads", 0, "TensorFlow intra-op threads per process (0: TF's default; "
                     "with --num_workers, cores / workers).")
_define.DEFINE_bool("retry_errors", False, "Run again the jobs whose record is an error.")
_define.DEFINE_bool("summarize_only", False, "Only aggregate the records already in --workdir.")
_define.DEFINE_bool("summarize", True, "Write the summary when this process's runs are done.")
_define.DEFINE_bool("progress", True, "Show a progress bar.")

# flags forwarded to worker processes (everything that defines the sweep)
_FORWARDED = ("objectives", "num_architectures", "arch_seed", "width_multiplier", "seed", "steps", "batch_size",
              "dataset", "data_dir", "metric", "domain", "num_eval_samples", "diversity_samples",
              "collapse_threshold", "workdir", "retry_errors")


def settings_from_flags():
    from tfgan_suite.bogonet.runner import Settings

    return Settings(dataset=FLAGS.dataset, data_dir=FLAGS.data_dir, steps=FLAGS.steps,
                    batch_size=FLAGS.batch_size, seed=FLAGS.seed, arch_seed=FLAGS.arch_seed,
                    width_multiplier=FLAGS.width_multiplier,
                    metric=FLAGS.metric, domain=FLAGS.domain,
                    num_eval_samples=FLAGS.num_eval_samples,
                    diversity_samples=FLAGS.diversity_samples,
                    collapse_threshold=FLAGS.collapse_threshold)


def check_flags(objectives):
    """One UserInputError for the first bad flag value."""
    from tfgan_suite import losses
    from tfgan_suite.bogonet import runner
    from tfgan_suite.errors import UserInputError

    unknown = [name for name in objectives if name not in losses.names()]
    if unknown or not objectives:
        raise UserInputError(f"unknown objective(s) {', '.join(map(repr, unknown)) or '(none given)'}"
                             f"; valid choices: {', '.join(losses.names())}")
    if len(set(objectives)) != len(objectives):
        raise UserInputError(f"--objectives lists a name twice: {','.join(objectives)}")
    if FLAGS.metric not in runner.metric_names():
        raise UserInputError(f"unknown metric {FLAGS.metric!r}; valid choices: "
                             f"{', '.join(runner.metric_names())}")
    for name in ("num_architectures", "steps", "batch_size", "num_workers"):
        if getattr(FLAGS, name) < 1:
            raise UserInputError(f"--{name} must be positive, got {getattr(FLAGS, name)}")
    if FLAGS.num_eval_samples < 2 or FLAGS.diversity_samples < 2:
        raise UserInputError("--num_eval_samples and --diversity_samples must be at least 2")
    if FLAGS.num_workers > 1 and FLAGS.num_shards > 1:
        raise UserInputError("use either --num_workers (processes on this machine) or "
                             "--shard_index/--num_shards (one shard per command), not both")


def summarize(workdir, objectives, metric, tie_tolerance, out=sys.stdout):
    """Aggregates the records in ``workdir`` (files and PNGs: ``report.write_report``); prints it."""
    from tfgan_suite.bogonet import report

    result, text = report.write_report(workdir, objectives, metric, tie_tolerance)
    print(text, file=out)
    return result


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"unexpected arguments: {' '.join(argv[1:])}")
    limit_threads(FLAGS.threads)
    start_tensorflow_quietly()
    from tfgan_suite.errors import UserInputError

    logging.set_verbosity(logging.WARNING)
    try:
        return _main()
    except UserInputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def _main():
    from tfgan_suite.bogonet import runner, sampler, sweep
    from tfgan_suite.errors import UserInputError

    objectives = [name.strip() for name in FLAGS.objectives if name.strip()]
    workdir = FLAGS.workdir
    if FLAGS.summarize_only:  # all objectives found, unless --objectives was given
        chosen = objectives if FLAGS["objectives"].present else None
        summarize(workdir, chosen, None, FLAGS.tie_tolerance)  # metric name from sweep.json
        return 0
    check_flags(objectives)
    settings = settings_from_flags()
    sweep.shard_jobs([], FLAGS.shard_index, FLAGS.num_shards)  # validates the shard flags
    context = runner.Context(settings)  # loads data and the scorer: fails early on bad input
    if not FLAGS.width_multiplier > 0:
        raise UserInputError(f"--width_multiplier must be positive, got {FLAGS.width_multiplier}")
    specs = sampler.sample_specs(FLAGS.num_architectures, FLAGS.arch_seed, context.image_shape,
                                 FLAGS.width_multiplier)
    sweep.prepare_workdir(workdir, settings, specs)
    total = len(specs) * len(objectives)
    if FLAGS.num_workers > 1:
        threads = FLAGS.threads or max(1, (os.cpu_count() or 1) // FLAGS.num_workers)
        codes = sweep.launch_workers(forwarded_args(FLAGS, _FORWARDED), FLAGS.num_workers,
                                     workdir, total, threads_per_worker=threads)
        if any(codes):
            print(f"error: worker exit codes {codes}; see {os.path.join(workdir, 'logs')}",
                  file=sys.stderr)
            return 1
    else:
        counts = sweep.run_jobs(workdir, specs, objectives, context, FLAGS.shard_index,
                                FLAGS.num_shards, retry_errors=FLAGS.retry_errors,
                                progress=FLAGS.progress)
        print(f"shard {FLAGS.shard_index}/{FLAGS.num_shards}: {counts['ran']} runs done now, "
              f"{counts['skipped']} found finished, of {counts['shard_jobs']} in this shard")
    if FLAGS.summarize:
        summarize(workdir, objectives, FLAGS.metric, FLAGS.tie_tolerance)
    return 0


def run_main():
    run_app(main, FLAGS)


if __name__ == "__main__":
    run_main()
