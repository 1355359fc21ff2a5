"""Command line: ``python -m tfgan_suite.bogonet --objectives=nsgan,wgan_gp,dragan,rep ...``.

Samples ``--num_architectures`` random G/D pairs (``tfgan_suite.bogonet.sampler``), trains each with
each objective for ``--steps`` generator updates, scores it, and writes per-run records, a summary
table and plots into ``--workdir``. Re-running the same command resumes a killed sweep.

Parallel on one machine: ``--num_workers=W`` starts W shard processes. Several machines / a cluster:
run the same command with ``--shard_index=i --num_shards=N`` for i in 0..N-1 into a shared workdir
(e.g. a SLURM job array: ``--shard_index=$SLURM_ARRAY_TASK_ID``), then ``--summarize_only``. On a Ray
cluster: ``--engine=ray --ray_address=auto`` runs every job as a Ray task (``bogonet/ray_engine.py``).
Bad input exits with status 2 and one line on stderr. A run that raised (a harness error: our code,
a missing file, the machine) is listed in summary.md, counts for no objective, and makes the command
that summarizes exit with status 1.
"""
import os
import sys

from absl import app, flags

from tfgan_suite.utils.cli import MAX_SEED, FlagDefiner, forwarded_args, run_app, run_quietly

FLAGS = flags.FlagValues()  # this command's own flags (see utils.cli.FlagDefiner)
_define = FlagDefiner(FLAGS)

_define.DEFINE_list("objectives", ["nsgan", "wgan_gp", "dragan", "rep"],
                  "Objective names (tfgan_suite.losses.names()).")
_define.DEFINE_integer("num_architectures", 150, "Random architectures to sample.", lower_bound=1)
_define.DEFINE_integer("arch_seed", 0, "Seed of the architecture sampler.", lower_bound=0,
                       upper_bound=MAX_SEED)
_define.DEFINE_float("width_multiplier", 1.0, "Scale of every sampled width (e.g. 0.5 on a CPU).")
_define.require("width_multiplier", "> 0", lambda value: value > 0)
_define.DEFINE_integer("seed", 0, "Seed of weight initialization, latent draws and data order.",
                       lower_bound=0, upper_bound=MAX_SEED)
_define.DEFINE_integer("steps", 300, "Generator updates per run.", lower_bound=1)
_define.DEFINE_integer("batch_size", 64, "Images per discriminator update.", lower_bound=1)
_define.DEFINE_string("dataset", None, "Dataset name or path (default: the bundled MNIST subset).")
_define.DEFINE_string("data_dir", None, "tensorflow-datasets data_dir.")
_define.DEFINE_integer("num_examples", None, "Train every run on the first N training images "
                       "(limited data; default: all).", lower_bound=1)
_define.DEFINE_string("augment", None, "Augment what every discriminator sees: DiffAugment "
                      "policies (e.g. translation,cutout) or ada (docs/augment.md); default: none.")
_define.DEFINE_string("metric", "domain_fd", "Score (lower is better): domain_fd (MNIST/Fashion-MNIST "
                    "classifier features), fid (Inception), swd, domain_coverage / coverage (1 - coverage), "
                    "ms_ssim_gap.")
_define.DEFINE_string("domain_classifier", None, "Domain classifier for domain_fd: mnist or fashion_mnist "
                    "(default: the one of the registered data set --dataset names; a file needs this flag).")
_define.DEFINE_alias("domain", "domain_classifier")
_define.DEFINE_enum("reference_split", None, ["test", "train"], "Split of the real images scored "
                  "against (default: test when the data set has one, else train, said on stderr).")
_define.DEFINE_integer("num_eval_samples", 1000, "Generated (and real test) images per score.",
                       lower_bound=2)
_define.DEFINE_integer("diversity_samples", 500, "Images used for the pairwise-distance diversity.",
                       lower_bound=2)
_define.DEFINE_float("collapse_threshold", 0.1, "A run collapsed when its samples' mean pairwise "
                   "distance is below this fraction of the real images'.", lower_bound=0)
_define.DEFINE_float("tie_tolerance", 0.0, "Scores closer than this tie in the win matrix.",
                     lower_bound=0)
_define.DEFINE_string("workdir", "runs/bogonet", "Sweep directory (resumed if it holds this sweep).")
_define.DEFINE_integer("shard_index", 0, "This process's shard: the job of architecture a and objective "
                     "o (positions) runs in shard (a + o) mod num_shards.", lower_bound=0)
_define.DEFINE_integer("num_shards", 1, "Number of shards.", lower_bound=1)
_define.DEFINE_integer("num_workers", 1, "Shard processes to start on this machine.", lower_bound=1)
_define.DEFINE_string("engine", "local", "Where runs execute: local (this process, or --num_workers "
                      "processes) or ray (one Ray task per run; pip install 'tfgan_suite[cluster]').")
_define.DEFINE_string("ray_address", None, "Ray cluster to join with --engine=ray (e.g. auto); "
                      "unset: start a local Ray instance.")
_define.DEFINE_float("ray_cpus_per_run", 1.0, "CPUs Ray reserves for each run (TensorFlow threads).")
_define.require("ray_cpus_per_run", "> 0", lambda value: value > 0)
_define.DEFINE_float("ray_gpus_per_run", 0.0, "GPUs Ray reserves for each run (Ray's num_gpus: a fraction "
                     "shares a GPU between runs, which then grow their memory as they need it); 0: "
                     "none (TensorFlow in the task sees no GPU).", lower_bound=0)
_define.DEFINE_integer("max_retries", 3, "With --engine=ray: times a run is started again after its "
                       "worker process died.", lower_bound=0)
_define.DEFINE_integer("threads", 0, "TensorFlow intra-op threads per process (0: TF's default; "
                     "with --num_workers, cores / workers).", lower_bound=0)
_define.DEFINE_bool("retry_errors", False, "Run again the jobs whose record is a harness error.")
_define.DEFINE_bool("summarize_only", False, "Only aggregate the records already in --workdir.")
_define.DEFINE_bool("summarize", True, "Write the summary when this process's runs are done.")
_define.DEFINE_bool("progress", True, "Show a progress bar.")

# flags forwarded to worker processes (everything that defines the sweep)
_FORWARDED = ("objectives", "num_architectures", "arch_seed", "width_multiplier", "seed", "steps", "batch_size",
              "dataset", "data_dir", "metric", "domain_classifier", "reference_split", "num_eval_samples",
              "diversity_samples", "collapse_threshold", "workdir", "retry_errors")


def settings_from_flags():
    from tfgan_suite.bogonet.runner import Settings

    return Settings(dataset=FLAGS.dataset, data_dir=FLAGS.data_dir, steps=FLAGS.steps,
                    batch_size=FLAGS.batch_size, seed=FLAGS.seed, arch_seed=FLAGS.arch_seed,
                    width_multiplier=FLAGS.width_multiplier,
                    metric=FLAGS.metric, domain=FLAGS.domain_classifier,
                    reference_split=FLAGS.reference_split,
                    num_eval_samples=FLAGS.num_eval_samples,
                    diversity_samples=FLAGS.diversity_samples,
                    collapse_threshold=FLAGS.collapse_threshold,
                    num_examples=FLAGS.num_examples, augment=FLAGS.augment)


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
    from tfgan_suite import augment  # pylint: disable=import-outside-toplevel

    for objective in objectives:
        augment.check(FLAGS.augment, objective)
    if FLAGS.metric not in runner.metric_names():
        raise UserInputError(f"unknown metric {FLAGS.metric!r}; valid choices: "
                             f"{', '.join(runner.metric_names())}")
    for name in ("num_architectures", "steps", "batch_size", "num_workers"):
        if getattr(FLAGS, name) < 1:
            raise UserInputError(f"--{name} must be positive, got {getattr(FLAGS, name)}")
    if FLAGS.num_eval_samples < 2 or FLAGS.diversity_samples < 2:
        raise UserInputError("--num_eval_samples and --diversity_samples must be at least 2")
    if FLAGS.engine not in ENGINES:
        raise UserInputError(f"unknown engine {FLAGS.engine!r}; valid choices: {', '.join(ENGINES)}")
    if FLAGS.engine == "ray" and FLAGS.num_workers > 1:
        raise UserInputError("--num_workers starts local processes; with --engine=ray, Ray places "
                             "the runs (size them with --ray_cpus_per_run)")
    if FLAGS.engine == "ray":
        from tfgan_suite.bogonet import ray_engine

        ray_engine.import_ray()  # one line, before any work, when Ray is missing
    if FLAGS.num_workers > 1 and FLAGS.num_shards > 1:
        raise UserInputError("use either --num_workers (processes on this machine) or "
                             "--shard_index/--num_shards (one shard per command), not both")


ENGINES = ("local", "ray")


def summarize(workdir, objectives, metric, tie_tolerance, out=sys.stdout):
    """Aggregates the records in ``workdir`` (files and PNGs: ``report.write_report``); prints it."""
    from tfgan_suite.bogonet import report

    result, text = report.write_report(workdir, objectives, metric, tie_tolerance)
    print(text, file=out)
    return result


def harness_error_exit(workdir, objectives=None):
    """1 (with one line on stderr) when a run of the sweep raised, else 0: a sweep whose harness
    failed must not pass for a finished one."""
    from tfgan_suite.bogonet import summary as summary_lib, sweep

    records = [r for r in sweep.load_records(workdir) if objectives is None or r["objective"] in objectives]
    errors = summary_lib.harness_errors(records)
    if not errors:
        return 0
    print(f"error: {len(errors)} run(s) raised harness errors (first: {errors[0]['arch_id']} "
          f"{errors[0]['objective']}: {errors[0]['error']}); tracebacks in {os.path.join(workdir, 'runs')}",
          file=sys.stderr)
    return 1


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"unexpected arguments: {' '.join(argv[1:])}")
    return run_quietly(_main, FLAGS.threads)


def _main():
    from tfgan_suite.bogonet import runner, sampler, sweep
    from tfgan_suite.errors import UserInputError

    objectives = [name.strip() for name in FLAGS.objectives if name.strip()]
    workdir = FLAGS.workdir
    if FLAGS.summarize_only:  # all objectives found, unless --objectives was given
        chosen = objectives if FLAGS["objectives"].present else None
        summarize(workdir, chosen, None, FLAGS.tie_tolerance)  # metric name from sweep.json
        return harness_error_exit(workdir, chosen)
    check_flags(objectives)
    settings = settings_from_flags()
    sweep.shard_jobs([], FLAGS.shard_index, FLAGS.num_shards)  # validates the shard flags
    context = runner.Context(settings)  # loads data and the scorer: fails early on bad input
    if not FLAGS.width_multiplier > 0:
        raise UserInputError(f"--width_multiplier must be positive, got {FLAGS.width_multiplier}")
    specs = sampler.sample_specs(FLAGS.num_architectures, FLAGS.arch_seed, context.image_shape,
                                 FLAGS.width_multiplier)
    sweep.prepare_workdir(workdir, settings, specs)
    sweep.note_objectives(workdir, objectives)
    if context.reference_note:  # after every check: a bad input still gets exactly one line
        print(context.reference_note, file=sys.stderr)
    total = len(specs) * len(objectives)
    if FLAGS.engine == "ray":
        from tfgan_suite.bogonet import ray_engine

        counts = ray_engine.run_jobs_on_ray(
            workdir, specs, objectives, settings, FLAGS.shard_index, FLAGS.num_shards,
            retry_errors=FLAGS.retry_errors, address=FLAGS.ray_address,
            cpus_per_run=FLAGS.ray_cpus_per_run, gpus_per_run=FLAGS.ray_gpus_per_run,
            max_retries=FLAGS.max_retries,
            progress=FLAGS.progress)
        print(f"shard {FLAGS.shard_index}/{FLAGS.num_shards} on Ray: {counts['ran']} runs done now, "
              f"{counts['skipped']} found finished, of {counts['shard_jobs']} in this shard")
        if counts["failed"]:
            print(f"error: {len(counts['failed'])} run(s) lost their worker more than "
                  f"--max_retries={FLAGS.max_retries} times: "
                  f"{', '.join(f'{a} {o}' for a, o, _ in counts['failed'][:5])}; "
                  f"re-run the same command to retry them", file=sys.stderr)
            return 1
    elif FLAGS.num_workers > 1:
        if sweep.run_local_workers(forwarded_args(FLAGS, _FORWARDED), FLAGS.num_workers, workdir,
                                   total, FLAGS.threads, progress=FLAGS.progress):
            return 1
    else:
        counts = sweep.run_jobs(workdir, specs, objectives, context, FLAGS.shard_index,
                                FLAGS.num_shards, retry_errors=FLAGS.retry_errors,
                                progress=FLAGS.progress)
        print(f"shard {FLAGS.shard_index}/{FLAGS.num_shards}: {counts['ran']} runs done now, "
              f"{counts['skipped']} found finished, of {counts['shard_jobs']} in this shard")
    if not FLAGS.summarize:  # a worker or a shard: the command that summarizes reports harness errors
        return 0
    summarize(workdir, objectives, FLAGS.metric, FLAGS.tie_tolerance)
    return harness_error_exit(workdir, objectives)


def run_main():
    run_app(main, FLAGS)


if __name__ == "__main__":
    run_main()
