"""BogoNet on Ray (``--engine=ray``): one Ray task per (architecture, objective) run.

The driver selects its shard's pending jobs exactly as the local engine does
(:func:`~tfgan_suite.bogonet.sweep.shard_jobs`, :func:`~tfgan_suite.bogonet.sweep.pending_jobs`),
submits one task per job and shows progress as tasks finish. A task runs
:func:`~tfgan_suite.bogonet.runner.run_one` in a Ray worker process and writes the run's record
itself, atomically, into ``<workdir>/runs`` (the workdir must be on a file system every node sees,
as for a SLURM array), so resume is unchanged: a job whose record exists is skipped, by the driver
and again by the task. A task whose worker process dies (killed, out of memory, node lost) is run
again by Ray up to ``max_retries`` times; an exception inside a run is a result (a ``"harness_error"``
record), not a retry. Each worker process keeps one :class:`~tfgan_suite.bogonet.runner.Context`
(real images and scorer) per sweep, so a worker running many tasks loads them once.

Ray is an optional dependency: ``pip install tfgan_suite[cluster]``.
"""
import os

from tfgan_suite.bogonet import sweep
from tfgan_suite.errors import UserInputError
from tfgan_suite.utils.cli import GPU_MEMORY_GROWTH

_CONTEXTS = {}  # per worker process: sweep settings (as JSON) -> Context


def import_ray():
    """The ``ray`` module, or one UserInputError saying how to install it."""
    try:
        import ray  # pylint: disable=import-outside-toplevel
    except ImportError:
        raise UserInputError("--engine=ray needs Ray: pip install 'tfgan_suite[cluster]' "
                             "(or pip install ray)") from None
    return ray


def shared_context(settings):
    """This worker process's Context for ``settings`` (built on first use, then kept)."""
    import json  # pylint: disable=import-outside-toplevel

    from tfgan_suite.bogonet.runner import Context  # pylint: disable=import-outside-toplevel

    key = json.dumps(settings.identity(), sort_keys=True)
    if key not in _CONTEXTS:
        _CONTEXTS.clear()  # one sweep's data and scorer at a time
        _CONTEXTS[key] = Context(settings)
    return _CONTEXTS[key]


def run_job(workdir, spec, objective, settings, retry_errors=False, runner=None,
            context_factory=None):
    """One run, inside a Ray worker: skips a finished job, else runs it and writes its record.

    Returns ``(arch_id, objective, status, score)``; status ``"skipped"`` for a finished job.
    """
    context_factory = context_factory or shared_context
    if runner is None:
        from tfgan_suite.bogonet.runner import run_one as runner  # pylint: disable=import-outside-toplevel
    arch_id = spec["arch_id"]
    if not sweep.pending_jobs(workdir, [(arch_id, objective)], retry_errors):
        return arch_id, objective, "skipped", None
    record = runner(spec, objective, context_factory(settings),
                    samples_path=sweep.samples_path(workdir, arch_id, objective))
    sweep.write_json_atomic(sweep.run_path(workdir, arch_id, objective), record)
    return arch_id, objective, record["status"], record["score"]


def run_jobs_on_ray(workdir, specs, objectives, settings, shard_index=0, num_shards=1,
                    retry_errors=False, address=None, cpus_per_run=1, max_retries=3, runner=None,
                    context_factory=None, progress=True, gpus_per_run=0):
    """Runs this shard's pending jobs as Ray tasks; see the module docstring.

    Args:
      address: a Ray cluster to join (``"auto"``, ``"ray://host:10001"``, ...); None starts a local
        Ray instance (unless this process is already connected to one, which is then used).
      cpus_per_run: CPUs Ray reserves per task; TensorFlow in the task uses that many threads.
      gpus_per_run: GPUs Ray reserves per task (``num_gpus``; Ray sets the task's
        ``CUDA_VISIBLE_DEVICES``); a fraction puts several tasks on one GPU, which works because
        every task grows its GPU memory as it needs it (``utils.cli.child_environment``). 0: none.
      max_retries: how often Ray runs a task again after its worker process died.
      runner: ``runner(spec, objective, context, samples_path=...) -> record``, sent to the workers
        (default :func:`tfgan_suite.bogonet.runner.run_one`).
      context_factory: ``context_factory(settings) -> Context`` in the worker (default: one
        :class:`~tfgan_suite.bogonet.runner.Context` per worker process and sweep).

    Returns:
      ``{"shard_jobs": n, "skipped": finished before, "ran": run now, "failed": [(arch_id,
      objective, reason)]}``; a failed job (its worker died more than ``max_retries`` times) has no
      record and runs again next time.
    """
    ray = import_ray()
    if not (isinstance(max_retries, int) and max_retries >= 0):
        raise UserInputError(f"--max_retries must be a non-negative int, got {max_retries!r}")
    if not cpus_per_run > 0:
        raise UserInputError(f"--ray_cpus_per_run must be positive, got {cpus_per_run!r}")
    if not gpus_per_run >= 0:
        raise UserInputError(f"--ray_gpus_per_run must be >= 0, got {gpus_per_run!r}")
    by_id = {spec["arch_id"]: spec for spec in specs}
    mine = sweep.shard_jobs(sweep.make_jobs(list(by_id), objectives), shard_index, num_shards)
    todo = sweep.pending_jobs(workdir, mine, retry_errors)
    counts = {"shard_jobs": len(mine), "skipped": len(mine) - len(todo), "ran": 0, "failed": []}
    if not todo:
        return counts
    started_here = not ray.is_initialized()
    if started_here:
        ray.init(address=address, include_dashboard=False, log_to_driver=False)
    threads = str(max(1, int(cpus_per_run)))
    remote = ray.remote(run_job).options(
        num_cpus=cpus_per_run, num_gpus=gpus_per_run, max_retries=max_retries,
        retry_exceptions=False,
        runtime_env={"env_vars": {"TF_NUM_INTRAOP_THREADS": threads,
                                  "TF_NUM_INTEROP_THREADS": threads,
                                  GPU_MEMORY_GROWTH: "true",
                                  "TF_CPP_MIN_LOG_LEVEL": os.environ.get("TF_CPP_MIN_LOG_LEVEL",
                                                                         "3")}})
    futures = {remote.remote(workdir, by_id[a], o, settings, retry_errors, runner,
                                     context_factory): (a, o)
               for a, o in todo}
    bar = None
    if progress:
        from tqdm import tqdm  # pylint: disable=import-outside-toplevel

        bar = tqdm(total=len(futures), desc=f"ray shard {shard_index}/{num_shards}", unit="run")
    pending = list(futures)
    try:
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            arch_id, objective = futures[done[0]]
            try:
                _, _, status, score = ray.get(done[0])
            except ray.exceptions.RayError as error:  # the worker died more than max_retries times
                counts["failed"].append((arch_id, objective, type(error).__name__))
                status, score = "failed", None
            else:
                counts["ran" if status != "skipped" else "skipped"] += 1
            if bar is not None:
                bar.set_postfix_str(f"{arch_id} {objective}: {status} "
                                    f"{score if score is not None else ''}")
                bar.update()
    except KeyboardInterrupt:
        for future in pending:
            ray.cancel(future, force=True)
        raise
    finally:
        if bar is not None:
            bar.close()
        if started_here:
            ray.shutdown()
    return counts
