"""One reproduction run: train one (objective, seed) of a suite with the training entry point, score it.

Training is :func:`tfgan_suite.training.experiment.train` on a :class:`TrainConfig` built from the
suite (the same function ``python -m tfgan_suite.run`` calls), in ``DIR/train/<objective>__seed<k>``;
a run killed part-way resumes from its last checkpoint. Scoring reads the exported generator
(``generator/``, the SavedModel every run writes), so a run trained before a kill is scored without
training again, and each scored checkpoint point is kept beside its snapshot, so it is not scored
twice. The record (a dict, written atomically by the caller) holds the metric values with
their protocol, the status (``ok``, ``diverged``, ``error``), wall and training time, the machine
load while it ran, and the commands reproducing it. The training time (and the load while training)
is kept in the run's ``train_time.json``, so a run scored again keeps them.
"""
import dataclasses
import json
import math
import os
import shlex
import time
import traceback

import numpy as np

EVAL_BATCH = 500
PRIMARY_METRIC = {"domain": "domain_fd", "stacked_modes": "modes", "inception": "fid",
                  "toy_modes": "modes"}


def primary_metric(protocol):
    """The metric a suite's table ranks by: ``fid_best`` under ``report="best_checkpoint"``."""
    if getattr(protocol, "report", "final") == "best_checkpoint":
        return "fid_best"
    return PRIMARY_METRIC[protocol.kind]


def measured_with(suite):
    """What a suite's scores depend on besides the generator: its metric protocol and its data
    source, as read back from JSON (tuples become lists), so equal settings compare equal. It keys
    the cached reference features and each kept checkpoint score."""
    return json.loads(json.dumps({"protocol": suite.protocol.describe(),
                                  "data": suite.data_source()}))


def kept_scores(kept_path, suite, measure):
    """The scores kept in ``kept_path`` when they were measured under ``suite``'s protocol and data
    (:func:`measured_with`); otherwise ``measure()`` (a dict of scores), kept there first. A point
    scored once is not scored again when a killed run resumes."""
    from tfgan_suite.bogonet import sweep

    identity = measured_with(suite)
    kept = sweep.read_json(kept_path) if os.path.exists(kept_path) else {}
    if kept.get("measured_with") != identity:
        kept = {"measured_with": identity, "scores": measure()}
        sweep.write_json_atomic(kept_path, kept)
    return kept["scores"]


def score_checkpoints(suite, config, scorer):
    """FID and KID of each generator snapshot of a run (``config.export_at``), in step order;
    a snapshot with non-finite samples gets ``None``.

    Each point's scores are kept beside its snapshot (``step_<k>.scores.json``, with the protocol
    and data they were measured with, :func:`kept_scores`), so a run killed while scoring resumes at
    the first point not yet scored: one point costs minutes of Inception on a CPU. Scores of another
    protocol are measured again."""
    from tfgan_suite.training.callbacks import snapshot_path

    def measure(path):
        images = load_generated(path, suite.protocol.num_generated, suite.protocol.sample_seed)
        return scorer.fid_kid(images)[0] if np.isfinite(images).all() else \
            {"fid": None, "kid": None}

    n_critic = suite.n_critic(config.loss)
    scored = []
    for step in sorted(config.export_at):
        path = snapshot_path(os.path.join(config.workdir, "generators"), step)
        entry = {"generator_step": step, "critic_updates": step * n_critic, "fid": None,
                 "kid": None}
        if os.path.isdir(path):
            entry.update(kept_scores(f"{path}.scores.json", suite, lambda path=path: measure(path)))
        scored.append(entry)
    return scored


def bind_workdir(workdir, suite, steps):
    """Binds ``workdir`` to (suite, steps, batch size, protocol) in ``suite.json``; refuses a workdir
    of another suite or budget, or one holding other files (nothing is overwritten)."""
    from tfgan_suite.bogonet import sweep
    from tfgan_suite.errors import UserInputError

    identity = {"suite": suite.name, "steps": steps, "batch_size": suite.batch_size,
                "protocol": suite.protocol.describe()}
    path = os.path.join(workdir, "suite.json")
    if os.path.exists(workdir) and not os.path.isdir(workdir):
        raise UserInputError(f"workdir {workdir!r} exists and is not a directory")
    if os.path.exists(path):
        stored = sweep.read_json(path)
        different = [f"{k}={stored.get(k)!r} (now {v!r})" for k, v in identity.items()
                     if stored.get(k) != v]
        if different:
            raise UserInputError(f"workdir {workdir!r} holds runs with other settings: "
                                 f"{'; '.join(different)}; use the same flags or a new --workdir")
    elif os.path.isdir(workdir) and os.listdir(workdir):
        raise UserInputError(f"workdir {workdir!r} holds files but no suite.json; it is not a "
                             f"reproduction workdir: choose a new --workdir")
    else:
        sweep.write_json_atomic(path, identity)


def published_records(suite, steps, docs_dir="docs"):
    """The records of ``suite`` published in ``docs_dir/results/<suite>.json`` (none if it does not
    exist); a table published with another budget or protocol is a UserInputError, as its runs are
    not this command's. Reads only."""
    from tfgan_suite.bogonet import sweep
    from tfgan_suite.errors import UserInputError

    path = os.path.join(docs_dir, "results", f"{suite.name}.json")
    if not os.path.exists(path):
        return []
    document = sweep.read_json(path)
    different = [f"steps={document.get('steps')!r} (now {steps})"] if document.get("steps") != steps else []
    if document.get("protocol") != suite.protocol.describe():
        different.append("another scoring protocol")
    if different:
        raise UserInputError(f"{path} holds runs with other settings: {'; '.join(different)}; use "
                             f"the published settings or drop --from_published")
    return document.get("records", [])


def restore_published(workdir, suite, records, docs_dir="docs"):
    """Writes ``records`` (from :func:`published_records`) into ``workdir/runs`` where the workdir
    has none, so a suite longer than one machine's life continues from what was committed: the
    finished runs are skipped, the rest run. The seed-0 grid of each restored objective comes back
    too (the table's picture). Nothing in the workdir is overwritten. Returns the number restored.
    """
    import shutil

    from tfgan_suite.bogonet import sweep

    restored = 0
    for record in records:
        seed, objective = record["seed"], record["objective"]
        target = sweep.run_path(workdir, f"seed{seed}", objective)
        if os.path.exists(target):
            continue
        os.makedirs(os.path.dirname(target), exist_ok=True)
        sweep.write_json_atomic(target, record)
        restored += 1
        grid = os.path.join(docs_dir, "results", "img", suite.name, f"{objective}.png")
        samples = sweep.samples_path(workdir, f"seed{seed}", objective)
        if seed == 0 and os.path.exists(grid) and not os.path.exists(samples):
            os.makedirs(os.path.dirname(samples), exist_ok=True)
            shutil.copyfile(grid, samples)
    return restored


def train_dir(workdir, objective, seed):
    return os.path.join(workdir, "train", f"{objective}__seed{seed}")


def train_config(suite, objective, seed, steps, workdir):
    """The :class:`TrainConfig` of one run of ``suite``; ``steps`` is the suite's budget (in its
    ``budget_unit``), the config's ``steps`` the run's generator updates."""
    from tfgan_suite.training.experiment import TrainConfig

    steps = suite.generator_steps(objective, steps)
    return TrainConfig(**suite.train_fields(objective), seed=seed, steps=steps,
                       workdir=train_dir(workdir, objective, seed), verbose=0,
                       sample_every=max(steps // 4, 1),
                       log_every=math.gcd(steps, suite.log_every),
                       export_at=suite.export_points(steps))


def _flag_value(value):
    if isinstance(value, dict):
        return ",".join(f"{k}={_flag_value(v)}" for k, v in value.items())
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(_flag_value(v) for v in value)
    return str(value)


_FLAG_NAMES = {"beta_1": "beta1", "beta_2": "beta2"}
_NOT_FLAGS = ("verbose",)
_ALWAYS = ("loss", "seed")


def train_command(config):
    """``python -m tfgan_suite.run ...`` with every field of ``config`` that differs from the default."""
    from tfgan_suite.training.experiment import TrainConfig

    default = TrainConfig()
    args = ["python", "-m", "tfgan_suite.run"]
    for field in dataclasses.fields(config):
        value = getattr(config, field.name)
        if field.name in _NOT_FLAGS or value in ({}, None) or (
                value == getattr(default, field.name) and field.name not in _ALWAYS):
            continue
        args.append(f"--{_FLAG_NAMES.get(field.name, field.name)}={_flag_value(value)}")
    return " ".join(shlex.quote(a) for a in args)


def reproduce_command(suite_name, workdir, objective, seed, steps, threads=0, jit_compile="auto"):
    """The ``python -m tfgan_suite.reproduce`` command that trains and scores only this run (give it
    a new ``--workdir`` to train it again: in ``workdir`` the finished run is skipped). ``threads``
    (TensorFlow's intra-op threads, 0: its default) is repeated because the order of a CPU kernel's
    floating-point sums depends on it: equal thread counts give equal numbers, others do not; so is
    an execution path that was asked for (``jit_compile`` other than ``"auto"``)."""
    return (f"python -m tfgan_suite.reproduce --suite={suite_name} --workdir={shlex.quote(workdir)} "
            f"--objectives={objective} --seeds={seed} --steps={steps}"
            + (f" --threads={threads}" if threads else "")
            + (f" --jit_compile={jit_compile}" if jit_compile != "auto" else ""))


RUNNER_THREADS = "runner: this process's TF_NUM_INTRAOP_THREADS (set by --threads; 0: TensorFlow's default)"


def tensorflow_threads():
    """The intra-op thread count this process was started with (``--threads``), 0 for TF's default."""
    value = os.environ.get("TF_NUM_INTRAOP_THREADS", "")
    return int(value) if value.isdigit() else 0


def latent_draw(n, latent_dim, seed):
    """The ``[n, latent_dim]`` N(0, I) draw every scored sample set of a suite comes from."""
    import tensorflow as tf

    from tfgan_suite.utils import randomness

    return tf.random.stateless_normal([int(n), int(latent_dim)], seed=[int(seed), 0],
                                      alg=randomness.ALG)


def load_generated(generator_path, n, seed, batch_size=EVAL_BATCH):
    """``n`` samples from an exported generator: the latent draw of ``GAN.generate(n, seed)``;
    images are clipped to [-1, 1], 2-D points (toy mixtures) are returned as they are."""
    import tensorflow as tf

    serve = tf.saved_model.load(generator_path).signatures["serving_default"]
    z = latent_draw(n, int(serve.structured_input_signature[1]["z"].shape[-1]), seed)
    chunks = [serve(z=z[i:i + batch_size])["images"].numpy() for i in range(0, int(n), batch_size)]
    samples = np.concatenate(chunks)
    return samples if samples.ndim == 2 else np.clip(samples, -1.0, 1.0)


INCEPTION_BATCH = 100  # images per Inception forward pass (benchmarks/fid_speed.py)


class Scorer:
    """Scores generated images under a suite's protocol; caches the reference statistics (in
    memory, and for Inception features in ``cache_dir`` when given: computed once per workdir,
    shared by its workers)."""

    def __init__(self, suite, cache_dir=None):
        self.suite = suite
        self.protocol = suite.protocol
        self.cache_dir = cache_dir
        self._reference = None

    def _reference_images(self):
        from tfgan_suite import data as data_lib

        return data_lib.load_array(self.suite.data_source(), split=self.protocol.reference_split,
                                   num_examples=self.protocol.num_reference or None)

    def _inception_features(self, images):
        from tfgan_suite import metrics

        return metrics.inception_features(images, progress=False, batch_size=INCEPTION_BATCH,
                                          resize=self.protocol.resize)

    def _inception_reference(self):
        """The reference features, read from / written to ``cache_dir`` (atomically)."""
        if self._reference is not None:
            return self._reference
        path = None
        if self.cache_dir:
            import hashlib

            identity = measured_with(self.suite)
            # the same text as before the helper, so the features cached in workdirs stay valid
            key = hashlib.sha256(json.dumps([identity["data"], identity["protocol"]],
                                            sort_keys=True).encode()).hexdigest()[:16]
            path = os.path.join(self.cache_dir, f"reference_features_{key}.npy")
            if os.path.exists(path):
                self._reference = np.load(path)
                return self._reference
        self._reference = self._inception_features(self._reference_images())
        if path:
            staging = f"{path}.tmp{os.getpid()}.npy"
            np.save(staging, self._reference)
            os.replace(staging, path)
        return self._reference

    def fid_kid(self, images):
        """``{"fid", "kid"}`` of ``images`` (Inception protocol): what each checkpoint is scored on."""
        from tfgan_suite import metrics

        reference, features = self._inception_reference(), self._inception_features(images)
        return {"fid": float(metrics.frechet_classifier_distance_from_activations(
                    reference, features)),
                "kid": float(metrics.kernel_classifier_distance_from_activations(
                    reference, features))}, features

    def score(self, images):
        """``{metric: value}`` of ``images`` (float in [-1, 1])."""
        kind = self.protocol.kind
        if kind == "domain":
            return self._domain(images)
        if kind == "stacked_modes":
            from tfgan_suite.metrics.modes import stacked_mnist_modes

            modes, kl = stacked_mnist_modes(images)
            return {"modes": float(modes), "kl": kl}
        if kind == "inception":
            return self._inception(images)
        if kind == "toy_modes":
            from tfgan_suite.metrics.modes import mode_coverage

            coverage = mode_coverage(images, *self.toy_modes())
            return {"modes": float(coverage.modes_covered),
                    "high_quality": coverage.high_quality_fraction, "kl": coverage.kl_to_uniform}
        raise ValueError(f"unknown protocol kind {kind!r}")

    def toy_modes(self):
        """``(means, std)`` of the suite's 2-D mixture."""
        from tfgan_suite.data import toy

        return toy.toy_modes(self.suite.dataset)

    def save_samples(self, samples, path):
        """A grid of the first 64 images, or a scatter plot of 2-D points over the mixture's means."""
        from tfgan_suite.utils.images import save_grid, save_scatter

        if self.protocol.kind == "toy_modes":
            return save_scatter(samples, path, modes=self.toy_modes()[0])
        return save_grid(samples[:64], path)

    def _domain(self, images):
        from tfgan_suite import metrics

        domain = "fashion_mnist" if "fashion" in self.suite.name else "mnist"
        classifier = metrics.domain_classifier(domain)
        if self._reference is None:
            self._reference = classifier.features(self._reference_images())
        features, logits = classifier.both(images)
        values = {"domain_fd": float(metrics.frechet_classifier_distance_from_activations(
                      self._reference, features)),
                  "domain_score": float(metrics.classifier_score_from_logits(logits))}
        values.update(_precision_recall(self._reference, features))
        return values

    def _inception(self, images):
        values, features = self.fid_kid(images)
        values.update(_precision_recall(self._reference, features))
        return values


def _precision_recall(reference, features):
    """Precision, recall, density and coverage (Kynkäänniemi et al. 2019; Naeem et al. 2020; k = 5)
    in the same features, when this install has them."""
    from tfgan_suite import metrics

    try:
        measure = metrics.precision_recall_density_coverage
    except AttributeError:
        return {}
    return {key: float(value) for key, value in measure(reference, features, nearest_k=5).items()}


def run_one(suite, objective, seed, steps, workdir, scorer, samples_path=None, jit_compile="auto"):
    """Trains and scores one run; returns its record (a JSON-ready dict, never raises).
    ``jit_compile``: ``"auto"`` (the machine's faster path), ``"true"`` (XLA) or ``"false"``."""
    import keras

    from tfgan_suite.bogonet import sweep
    from tfgan_suite.training import experiment
    from tfgan_suite.training.divergence import TrainingDiverged
    from tfgan_suite.utils.machine import load_average

    start, load_start = time.perf_counter(), load_average()
    # the execution path (XLA, steps per call) resolved for this machine: the record says which ran
    config = train_config(suite, objective, seed, steps, workdir)
    if jit_compile != "auto":
        config = dataclasses.replace(config, jit_compile=jit_compile == "true")
    config = experiment.with_execution(config)
    threads = tensorflow_threads()
    n_critic = suite.n_critic(objective)
    record = {"suite": suite.name, "objective": objective, "dataset": suite.dataset, "seed": seed,
              "steps": steps, "budget_unit": suite.budget_unit, "generator_steps": config.steps,
              "critic_updates": config.steps * n_critic, "jit_compile": config.jit_compile,
              "model": config.model, "model_options": config.model_options,
              "loss_options": config.loss_options, "settings": None,
              "protocol": suite.protocol.describe(),
              "metrics": {}, "status": None, "error": None, "train_time_s": None,
              "command": reproduce_command(suite.name, workdir, objective, seed, steps, threads,
                                           jit_compile),
              "train_command": train_command(config), "cpu_count": os.cpu_count(),
              "threads": threads, "threads_source": RUNNER_THREADS,
              "steps_per_execution": config.steps_per_execution}
    generator_path = os.path.join(config.workdir, "generator")
    try:
        record["settings"] = experiment.game_settings(config).as_dict()  # the paper's, resolved
        keras.backend.clear_session()
        # Keras drops XLA while op determinism is on: an XLA run is deterministic without it
        experiment.set_global_determinism(seed, deterministic_ops=not config.jit_compile)
        timing_path = os.path.join(config.workdir, "train_time.json")
        if not os.path.isdir(generator_path):  # else trained before a kill: only score it
            train_start, train_cpu_start = time.perf_counter(), time.process_time()
            result = experiment.train(config)
            sweep.write_json_atomic(timing_path, {
                "train_time_s": round(time.perf_counter() - train_start, 1),
                # CPU time, which a pause (SIGSTOP) or other work on the machine does not inflate
                "train_cpu_s": round(time.process_time() - train_cpu_start, 1),
                # a run killed part-way and resumed: the times above cover only the steps from here
                "resumed_from_step": int(result.get("resumed_from", 0)),
                "load_average": {"start": load_start, "end": load_average()},
                # the path the train step really ran (Keras may refuse XLA)
                "jit_compile": bool(getattr(result["gan"], "jit_compile", False))})
        if os.path.exists(timing_path):
            timing = sweep.read_json(timing_path)
            record["train_time_s"] = timing["train_time_s"]
            record["train_cpu_s"] = timing.get("train_cpu_s")
            # None: timed by a runner that did not record it (such a run may have been resumed)
            record["train_resumed_from_step"] = timing.get("resumed_from_step")
            record["train_load_average"] = timing.get("load_average")
            record["jit_compile"] = timing.get("jit_compile")
        if config.export_at:
            record["checkpoints"] = score_checkpoints(suite, config, scorer)
        images = load_generated(generator_path, suite.protocol.num_generated,
                                suite.protocol.sample_seed)
        if not np.isfinite(images).all():
            record["status"] = "diverged"
        else:
            record["metrics"] = scorer.score(images)
            if config.export_at:
                record["checkpoints"].append({"generator_step": config.steps,
                                              "critic_updates": config.steps * n_critic,
                                              "fid": record["metrics"]["fid"],
                                              "kid": record["metrics"]["kid"]})
                finite = [c["fid"] for c in record["checkpoints"]
                          if c["fid"] is not None and math.isfinite(c["fid"])]
                record["metrics"]["fid_best"] = min(finite)
            # a secondary metric may be undefined for a finished run (the KL of a generator with no
            # high-quality sample); only the primary one decides whether the run diverged
            primary = record["metrics"].get(primary_metric(suite.protocol))
            record["status"] = "ok" if primary is not None and math.isfinite(primary) \
                else "diverged"
            if samples_path:
                scorer.save_samples(images, samples_path)
    except TrainingDiverged as error:
        record["status"], record["error"] = "diverged", str(error)
        if config.export_at:  # the points scored before it diverged still count (their best)
            record["checkpoints"] = score_checkpoints(suite, config, scorer)
            finite = [c["fid"] for c in record["checkpoints"] if c["fid"] is not None]
            if finite:
                record["metrics"]["fid_best"] = min(finite)
    except Exception as error:  # pylint: disable=broad-except  (a failed run is a result)
        record["status"] = "error"
        record["error"] = traceback.format_exception_only(type(error), error)[-1].strip()[:1000]
    record["metrics"] = {k: (v if math.isfinite(v) else None) for k, v in record["metrics"].items()}
    record["score"] = record["metrics"].get(primary_metric(suite.protocol))
    record["wall_time_s"] = round(time.perf_counter() - start, 1)
    record["load_average"] = {"start": load_start, "end": load_average()}
    return record
