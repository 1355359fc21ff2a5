"""The sweep on disk: job list, sharding, resume and atomic result files.

Layout of a sweep's workdir::

    sweep.json                      the Settings the workdir is bound to (a mismatch is refused)
    specs/<arch_id>.json            the sampled architecture specs
    runs/<arch_id>__<objective>.json   one record per finished run (see runner.run_one)
    samples/<arch_id>__<objective>.png 64 generated samples per run
    summary.json, summary.md, scores.png, win_matrix.png     (written by summarize)
    logs/shard_<i>.log              output of worker processes (--num_workers)

**Jobs** are the (architecture, objective) pairs in architecture-major order (all objectives of
arch0000, then arch0001, ...), so a partial sweep holds complete architectures. Job (architecture
``a``, objective ``o``) -- ``a`` and ``o`` being positions in the sweep's lists -- belongs to shard
``(a + o) mod num_shards``: the diagonal assignment gives every shard a share of every objective (with
``k mod num_shards``, 4 objectives on 2 shards would put all of one costly objective, e.g. ``wgan_gp``
with its 5 critic updates, on one shard). Any number of processes or machines can run disjoint shards
of the same sweep into one (shared) workdir.

**Resume**: a job whose record file exists is skipped. Records are written to a temporary file in the
same directory and renamed into place (``os.replace`` is atomic), so a killed process leaves either
the whole record or none; a run in progress when the process dies is simply run again.
"""
import dataclasses
import json
import os
import subprocess
import sys
import tempfile
import time

from tfgan_suite.bogonet.summary import is_harness_error
from tfgan_suite.errors import UserInputError
from tfgan_suite.utils.cli import child_environment


def write_json_atomic(path, value):
    """Writes ``value`` as JSON to ``path`` via a temporary file and an atomic rename."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(value, f, indent=2, sort_keys=True, allow_nan=False)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def read_json(path):
    with open(path) as f:
        return json.load(f)


def run_path(workdir, arch_id, objective):
    return os.path.join(workdir, "runs", f"{arch_id}__{objective}.json")


def samples_path(workdir, arch_id, objective):
    return os.path.join(workdir, "samples", f"{arch_id}__{objective}.png")


def make_jobs(arch_ids, objectives):
    """``[(arch_id, objective), ...]`` in architecture-major order."""
    return [(a, o) for a in arch_ids for o in objectives]


def shard_jobs(jobs, shard_index=0, num_shards=1):
    """The jobs of shard ``shard_index``: ``(a, o)`` with ``(a + o) mod num_shards == shard_index``,
    ``a`` and ``o`` being the positions of the job's architecture and objective in first-appearance
    order in ``jobs``. The order of ``jobs`` is kept."""
    if not (isinstance(num_shards, int) and num_shards >= 1):
        raise UserInputError(f"--num_shards must be a positive int, got {num_shards!r}")
    if not (isinstance(shard_index, int) and 0 <= shard_index < num_shards):
        raise UserInputError(f"--shard_index must be in [0, {num_shards - 1}], got {shard_index!r}")
    arch_pos, objective_pos = {}, {}
    for arch, objective in jobs:
        arch_pos.setdefault(arch, len(arch_pos))
        objective_pos.setdefault(objective, len(objective_pos))
    return [(a, o) for a, o in jobs if (arch_pos[a] + objective_pos[o]) % num_shards == shard_index]


def load_records(workdir):
    """All run records under ``workdir/runs`` (sorted by file name)."""
    directory = os.path.join(workdir, "runs")
    if not os.path.isdir(directory):
        return []
    return [read_json(os.path.join(directory, name)) for name in sorted(os.listdir(directory))
            if name.endswith(".json") and not name.startswith(".tmp-")]


def prepare_workdir(workdir, settings, specs):
    """Binds ``workdir`` to ``settings`` and stores ``specs``; refuses a workdir of another sweep.

    Idempotent (several shards may call it at once: every write is atomic and identical).
    """
    if os.path.exists(workdir) and not os.path.isdir(workdir):
        raise UserInputError(f"workdir {workdir!r} exists and is not a directory")
    if os.path.isdir(workdir) and os.listdir(workdir) and not os.path.exists(
            os.path.join(workdir, "sweep.json")):
        raise UserInputError(f"workdir {workdir!r} holds files but no sweep.json; it is not a "
                             f"BogoNet sweep: choose a new --workdir")
    identity = settings.identity()
    settings_file = os.path.join(workdir, "sweep.json")
    if os.path.exists(settings_file):
        stored = read_json(settings_file)
        defaults = dataclasses.asdict(type(settings)()) if dataclasses.is_dataclass(settings) else {}
        different = [f"{k}={stored.get(k, defaults.get(k))!r} (now {v!r})" for k, v in identity.items()
                     if stored.get(k, defaults.get(k)) != v]
        if different:
            raise UserInputError(f"workdir {workdir!r} holds a sweep with other settings: "
                                 f"{', '.join(different)}; use a new --workdir")
    else:
        write_json_atomic(settings_file, identity)
    for spec in specs:
        path = os.path.join(workdir, "specs", f"{spec['arch_id']}.json")
        if os.path.exists(path):
            if read_json(path).get("digest") != spec["digest"]:
                raise UserInputError(f"{path} differs from the spec sampled now (another sampler "
                                     f"version or seed); use a new --workdir")
        else:
            write_json_atomic(path, spec)


def objectives_path(workdir):
    return os.path.join(workdir, "objectives.json")


def note_objectives(workdir, objectives):
    """Appends to ``workdir/objectives.json`` the objectives it does not list yet, in the order given:
    the order the sweep's commands asked for, which its report keeps (not part of the sweep's
    identity: a later command may add objectives to the same sweep)."""
    known = objective_order(workdir)
    added = [name for name in objectives if name not in known]
    if added or not os.path.exists(objectives_path(workdir)):
        write_json_atomic(objectives_path(workdir), known + added)


def objective_order(workdir):
    """The objectives in the order the sweep's commands asked for them (``[]`` for a sweep made
    before ``objectives.json`` existed)."""
    path = objectives_path(workdir)
    return list(read_json(path)) if os.path.exists(path) else []


def pending_jobs(workdir, jobs, retry_errors=False):
    """The jobs without a record (and, with ``retry_errors``, those whose record is a harness error)."""
    out = []
    for arch_id, objective in jobs:
        path = run_path(workdir, arch_id, objective)
        if not os.path.exists(path):
            out.append((arch_id, objective))
        elif retry_errors and is_harness_error(read_json(path)):
            out.append((arch_id, objective))
    return out


def run_jobs(workdir, specs, objectives, context, shard_index=0, num_shards=1, runner=None,
             retry_errors=False, progress=True):
    """Runs this shard's pending jobs, writing each record atomically as soon as it is done.

    Args:
      runner: ``runner(spec, objective, context, samples_path=...) -> record``; default
        :func:`tfgan_suite.bogonet.runner.run_one`.

    Returns:
      ``{"shard_jobs": n, "skipped": finished before, "ran": run now}``.
    """
    if runner is None:
        from tfgan_suite.bogonet.runner import run_one as runner
    by_id = {spec["arch_id"]: spec for spec in specs}
    mine = shard_jobs(make_jobs(list(by_id), objectives), shard_index, num_shards)
    todo = pending_jobs(workdir, mine, retry_errors)
    bar = None
    if progress and todo:
        from tqdm import tqdm
        bar = tqdm(total=len(todo), desc=f"shard {shard_index}/{num_shards}", unit="run")
    for arch_id, objective in todo:
        path = run_path(workdir, arch_id, objective)
        if os.path.exists(path) and not (retry_errors and is_harness_error(read_json(path))):
            if bar is not None:  # finished meanwhile by another process on the same workdir
                bar.update()
            continue
        record = runner(by_id[arch_id], objective, context,
                        samples_path=samples_path(workdir, arch_id, objective))
        write_json_atomic(path, record)
        if bar is not None:
            bar.set_postfix_str(f"{arch_id} {objective}: {record['status']} "
                                f"{record['score'] if record['score'] is not None else ''}")
            bar.update()
    if bar is not None:
        bar.close()
    return {"shard_jobs": len(mine), "skipped": len(mine) - len(todo), "ran": len(todo)}


def launch_workers(args, num_workers, workdir, total_jobs, threads_per_worker=None,
                   module="tfgan_suite.bogonet", progress=True):
    """Runs ``python -m MODULE ARGS --shard_index=i --num_shards=W`` for each worker ``i`` as
    subprocesses on this machine, shows overall progress (a bar unless ``progress`` is false), and
    returns their exit codes.

    ``module`` is a command line with BogoNet's shard flags and run layout (``runs/*.json``), e.g.
    ``tfgan_suite.reproduce``. Each worker's output goes to ``workdir/logs/shard_<i>.log``.
    """
    os.makedirs(os.path.join(workdir, "logs"), exist_ok=True)
    env = child_environment()  # the workers share the machine's GPUs: memory growth
    if threads_per_worker:
        args = [*args, f"--threads={threads_per_worker}"]
    processes = []
    for index in range(num_workers):
        log = open(os.path.join(workdir, "logs", f"shard_{index}.log"), "a")
        command = [sys.executable, "-m", module, *args, f"--shard_index={index}",
                   f"--num_shards={num_workers}", "--num_workers=1", "--nosummarize",
                   "--noprogress"]
        processes.append((subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env),
                          log))
    from tqdm import tqdm

    done = lambda: len([n for n in os.listdir(os.path.join(workdir, "runs"))  # noqa: E731
                        if n.endswith(".json") and not n.startswith(".tmp-")]) if os.path.isdir(
        os.path.join(workdir, "runs")) else 0
    with tqdm(total=total_jobs, initial=min(done(), total_jobs), desc=f"{num_workers} workers",
              unit="run", disable=not progress) as bar:
        try:
            while any(p.poll() is None for p, _ in processes):
                time.sleep(2.0)
                bar.update(min(done(), total_jobs) - bar.n)
            bar.update(min(done(), total_jobs) - bar.n)
        except KeyboardInterrupt:
            for p, _ in processes:
                p.terminate()
            raise
    for _, log in processes:
        log.close()
    return [p.returncode for p, _ in processes]


def run_local_workers(args, num_workers, workdir, total_jobs, threads=0,
                      module="tfgan_suite.bogonet", progress=True):
    """:func:`launch_workers` with the machine's cores split between the workers (``threads``: each
    worker's TensorFlow threads, 0 for cores // workers); returns 0, or 1 after one line on stderr
    naming the exit codes and the logs."""
    threads = threads or max(1, (os.cpu_count() or 1) // num_workers)
    codes = launch_workers(args, num_workers, workdir, total_jobs, threads_per_worker=threads,
                           module=module, progress=progress)
    if any(codes):
        print(f"error: worker exit codes {codes}; see {os.path.join(workdir, 'logs')}",
              file=sys.stderr)
        return 1
    return 0
