"""One BogoNet run: build a sampled architecture, train it with one objective, score and flag it.

Every (architecture, objective) run of a sweep uses the same :class:`Settings`: the same data (same
dataset, same shuffling seed), the same seed (so an architecture starts from the same generator
weights under every objective), the same number of generator updates (``steps``; an objective with
``n_critic`` > 1 makes that many critic updates per generator update, each on a distinct real batch)
and the objective's own paper optimizer settings and default penalty. The run happens in this process
through :class:`tfgan_suite.GAN` directly; the Keras session is cleared first.

Outcome (:func:`classify`), in this order:

* ``"harness_error"``: building, training or scoring raised. That is a failure of this harness (our
  code, a missing file, the machine), not of the objective: the record keeps the message and the full
  traceback (:func:`harness_error`), the summary lists it and leaves it out of the comparison, and the
  sweep exits non-zero;
* ``"diverged"``: a logged loss became NaN/Inf (training stops at that step), a generated sample is
  not finite, or the score is not finite;
* ``"collapsed"``: the generated samples' diversity is below ``collapse_threshold`` times the real
  data's, where diversity is the mean pairwise Euclidean distance (:func:`mean_pairwise_distance`)
  between the first ``diversity_samples`` images in [-1, 1];
* ``"ok"`` otherwise.
"""
import dataclasses
import math
import os
import time
import traceback
from typing import Optional

import numpy as np

from tfgan_suite.errors import UserInputError
from tfgan_suite.utils.registry import Registry

SCORERS = Registry("metric")


@dataclasses.dataclass
class Settings:
    """What every run of a sweep shares (changing any of these needs a new workdir)."""

    dataset: Optional[str] = None  # a tfgan_suite.data name or path; None = bundled MNIST subset
    data_dir: Optional[str] = None
    steps: int = 300  # generator updates per run
    batch_size: int = 64
    seed: int = 0  # weight init, latent draws, data order
    arch_seed: int = 0  # the architecture sampler's seed
    width_multiplier: float = 1.0  # the sampler's width scale
    metric: str = "domain_fd"
    domain: Optional[str] = None  # domain classifier (mnist / fashion_mnist); None: from the dataset's name
    reference_split: Optional[str] = None  # real images scored against; None: test if it exists, else train
    num_eval_samples: int = 1000  # generated (and real test) images scored
    diversity_samples: int = 500
    collapse_threshold: float = 0.1
    # limited data (docs/augment.md): every run on the first N training images, and/or augmented
    num_examples: Optional[int] = None
    augment: Optional[str] = None  # DiffAugment policies or "ada" (GAN.compile(augment=...))

    def identity(self):
        """The settings a workdir is bound to, as a dict (the limited-data options only when set,
        so sweeps started before they existed still resume)."""
        return {key: value for key, value in dataclasses.asdict(self).items()
                if value is not None or key not in LIMITED_DATA_FIELDS}


LIMITED_DATA_FIELDS = ("num_examples", "augment")


# ----------------------------------------------------------------------------------- pure helpers
def mean_pairwise_distance(images, max_images=None):
    """``2 / (n (n - 1)) * sum_{i<j} ||x_i - x_j||_2`` over the first ``max_images`` flattened images.

    Computed in float64 from the Gram matrix: ``||x_i - x_j||^2 = |x_i|^2 + |x_j|^2 - 2 x_i . x_j``.
    """
    x = np.asarray(images, dtype=np.float64)
    if max_images is not None:
        x = x[:int(max_images)]
    n = len(x)
    if n < 2:
        raise ValueError(f"mean_pairwise_distance needs at least 2 images, got {n}")
    x = x.reshape(n, -1)
    squares = np.einsum("ij,ij->i", x, x)
    d2 = squares[:, None] + squares[None, :] - 2.0 * (x @ x.T)
    upper = np.triu_indices(n, k=1)
    return float(np.mean(np.sqrt(np.maximum(d2[upper], 0.0))))


def classify(error=None, diverged=False, score=None, diversity_ratio=None, collapse_threshold=0.1):
    """The run's status: ``"harness_error"``, ``"diverged"``, ``"collapsed"`` or ``"ok"`` (module docstring)."""
    if error:
        return "harness_error"
    if diverged or score is None or not math.isfinite(score):
        return "diverged"
    if diversity_ratio is None or not math.isfinite(diversity_ratio):
        return "diverged"
    if diversity_ratio < collapse_threshold:
        return "collapsed"
    return "ok"


def harness_error(error):
    """The record fields of a run that raised: its one-line message and its full traceback."""
    lines = traceback.format_exception_only(type(error), error)
    return {"error": lines[-1].strip()[:1000],
            "traceback": "".join(traceback.format_exception(type(error), error, error.__traceback__))}


# ----------------------------------------------------------------------------------- scorers
# registered data set name -> the shipped domain classifier trained on that data
DOMAIN_OF_DATASET = {"mnist": "mnist", "mnist_bundled": "mnist", "fashion_mnist": "fashion_mnist"}


def domain_name(settings):
    """The domain classifier: ``settings.domain``, else the one of the registered data set named by
    ``settings.dataset``; a file or folder never picks one (``kmnist.npz`` is not MNIST)."""
    choices = sorted(set(DOMAIN_OF_DATASET.values()))
    if settings.domain:
        if settings.domain not in choices:
            raise UserInputError(f"unknown --domain_classifier {settings.domain!r}; valid choices: "
                                 f"{', '.join(choices)}")
        return settings.domain
    dataset = settings.dataset or "mnist_bundled"
    if dataset in DOMAIN_OF_DATASET:
        return DOMAIN_OF_DATASET[dataset]
    raise UserInputError(f"--metric=domain_fd cannot tell which domain classifier fits --dataset="
                         f"{dataset}; pass --domain_classifier={'|'.join(choices)} (or use --metric=fid)")


@SCORERS.register("domain_fd")
def domain_fd_scorer(real, settings):
    """Fréchet distance in the shipped MNIST/Fashion-MNIST classifier's features (lower is better)."""
    from tfgan_suite import metrics

    classifier = metrics.domain_classifier(domain_name(settings))
    frechet = metrics.frechet_classifier_distance_from_activations
    real_features = classifier.features(real)
    return lambda generated: float(frechet(real_features, classifier.features(generated)))


@SCORERS.register("fid")
def fid_scorer(real, settings):
    """Inception FID against the real reference images (slow on CPU; lower is better)."""
    from tfgan_suite import metrics

    features = metrics.inception_features
    frechet = metrics.frechet_classifier_distance_from_activations
    real_features = features(real, progress=False)
    return lambda generated: float(frechet(real_features, features(generated, progress=False)))


def metric_names():
    return SCORERS.names()


# ----------------------------------------------------------------------------------- context
class Context:
    """What a process computes once and reuses for all its runs: real images, scorer, diversity."""

    def __init__(self, settings, scorer=None):
        from tfgan_suite.data import pixels

        self.settings = settings
        self.reference_split, real, self.reference_note = _reference_images(settings)
        self.real = pixels.to_unit_range(real, f"dataset {settings.dataset or 'bundled MNIST'}")
        self.image_shape = tuple(int(d) for d in self.real.shape[1:])
        self.real_diversity = mean_pairwise_distance(self.real, settings.diversity_samples)
        self.scorer = scorer or SCORERS.build(settings.metric, real=self.real, settings=settings)

    def dataset(self, batch_size):
        from tfgan_suite import data as data_lib

        return data_lib.load(self.settings.dataset, split="train", batch_size=batch_size,
                             seed=self.settings.seed, data_dir=self.settings.data_dir,
                             image_size=self.image_shape[:2],
                             num_examples=self.settings.num_examples)


def _reference_images(settings):
    """``(split, images, note)``: ``settings.reference_split``, else the test split when the data set
    has one, else the training split with a note saying so (the command prints it; every record names
    the split)."""
    from tfgan_suite import data as data_lib

    def load(split):
        return data_lib.load_array(settings.dataset, split=split, data_dir=settings.data_dir,
                                   num_examples=settings.num_eval_samples)

    if settings.reference_split:
        return settings.reference_split, load(settings.reference_split), None
    try:
        return "test", load("test"), None
    except data_lib.DatasetError as no_test:
        return "train", load("train"), (f"BogoNet: scoring against the training split, since {no_test} "
                                        "(--reference_split=train says so explicitly)")


def _finite_or_none(value):
    return value if value is not None and math.isfinite(value) else None


def run_one(spec, objective, context, samples_path=None):
    """Trains ``spec`` with ``objective`` under ``context.settings``; returns the run record (a dict).

    Keys: ``arch_id``, ``objective``, ``status``, ``score`` (``None`` unless finite), ``metric``,
    ``diverged``, ``diverged_at_step``, ``collapsed``, ``diversity``, ``real_diversity``,
    ``diversity_ratio``, ``wall_time_s``, ``train_time_s``, ``steps``, ``n_critic``,
    ``final_logs``, ``error`` (and ``traceback``), ``spec_digest``, ``settings``, ``reference_split``.
    """
    import keras

    from tfgan_suite import losses
    from tfgan_suite.bogonet import sampler
    from tfgan_suite.training import divergence
    from tfgan_suite.training import settings as settings_lib
    from tfgan_suite.training.gan import GAN

    settings = context.settings
    start = time.perf_counter()
    record = {"arch_id": spec["arch_id"], "objective": objective, "metric": settings.metric,
              "spec_digest": spec["digest"], "steps": settings.steps, "settings": settings.identity(),
              "error": None, "diverged": False, "diverged_at_step": None, "collapsed": False,
              "score": None, "diversity": None, "real_diversity": context.real_diversity,
              "diversity_ratio": None, "final_logs": {}, "train_time_s": None, "n_critic": None,
              "reference_split": getattr(context, "reference_split", None)}
    score = ratio = None
    diverged = False
    try:
        keras.backend.clear_session()
        keras.utils.set_random_seed(settings.seed)
        obj = losses.get(objective)
        generator, discriminator = sampler.build(spec, obj.discriminator_output_dim)
        gan = GAN(generator, discriminator, spec["latent_dim"], seed=settings.seed)
        # the objective's paper settings: optimizers, n_critic, default penalty (wgan_gp, dragan)
        paper = settings_lib.resolve(obj)
        n_critic = paper.n_critic
        gan.compile(loss=obj, augment=settings.augment, **paper.compile_kwargs())
        record["n_critic"] = n_critic
        monitor = divergence.DivergenceGuard()
        train_start = time.perf_counter()
        gan.fit(context.dataset(settings.batch_size * n_critic), epochs=1,
                steps_per_epoch=settings.steps, verbose=0, callbacks=[monitor], shuffle=False)
        record["train_time_s"] = time.perf_counter() - train_start
        # the execution path (training.execution); the guard sees the logs once per execution,
        # so diverged_at_step is the end of the execution holding the first non-finite step
        record["jit_compile"] = bool(gan.jit_compile)
        record["steps_per_execution"] = int(gan.steps_per_execution)
        record["final_logs"] = {k: _finite_or_none(v) for k, v in monitor.last_logs.items()}
        diverged = monitor.diverged_at is not None
        record["diverged_at_step"] = monitor.diverged_at
        if not diverged:
            samples = gan.generate(settings.num_eval_samples, seed=settings.seed)
            if not np.isfinite(samples).all():
                diverged = True
            else:
                diversity = mean_pairwise_distance(samples, settings.diversity_samples)
                ratio = diversity / context.real_diversity
                record["diversity"] = diversity
                score = context.scorer(samples)
                if samples_path:
                    from tfgan_suite.utils.images import save_grid

                    os.makedirs(os.path.dirname(samples_path), exist_ok=True)
                    save_grid(samples[:64], samples_path)
    except Exception as error:  # pylint: disable=broad-except  (recorded as a harness error)
        record.update(harness_error(error))
    record["wall_time_s"] = time.perf_counter() - start
    record["diverged"] = bool(diverged)
    record["score"] = _finite_or_none(score)
    record["diversity_ratio"] = _finite_or_none(ratio)
    record["status"] = classify(record["error"], diverged, score, ratio,
                                settings.collapse_threshold)
    record["collapsed"] = record["status"] == "collapsed"
    return record
