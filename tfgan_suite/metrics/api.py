"""User-facing metrics: ``fid``, ``kid``, ``inception_score`` and ``classifier_score`` over any image source.

Every function streams its sources in batches (see :mod:`tfgan_suite.metrics.sources` for the
accepted kinds: arrays, ``tf.data`` datasets, ``.npz`` files, image folders, dataset names,
generators with a sample count) through a feature network with a progress bar:

* ``classifier="inception"`` (default): the FID Inception network, weights from ``inception_weights``
  / ``$TFGAN_SUITE_INCEPTION_WEIGHTS`` (see :func:`tfgan_suite.metrics.inception.resolve_inception_weights`);
* ``classifier="mnist"`` or ``"fashion_mnist"``: the shipped domain classifiers (fast; 28x28x1 only).

FID needs only running first and second moments (float64, merged batch by batch), so memory does not
grow with the number of images; KID keeps the features (2048 float32 per image). The real side of
``fid``/``kid`` may also be precomputed statistics (an ``.npz`` with ``mu`` and ``sigma`` or a
``(mu, sigma)`` tuple); :func:`reference_statistics` computes and caches them per dataset, split, count
and network.
"""
import os
from pathlib import Path

import numpy as np

from tfgan_suite.metrics import distances, sources
from tfgan_suite.metrics.inception import default_batch_size

CLASSIFIERS = ("inception", "mnist", "fashion_mnist")


class RunningMoments:
    """Streaming mean and covariance (float64) with Chan et al.'s pairwise update.

    ``update(batch)`` merges ``[b, d]`` rows; ``mean`` and ``covariance`` (``1/(n-1)``) at any time.
    """

    def __init__(self):
        self.n, self._mean, self._m2 = 0, None, None

    def update(self, batch):
        x = np.asarray(batch, np.float64)
        if x.ndim != 2 or len(x) == 0:
            return self
        b = len(x)
        mean_b = x.mean(axis=0)
        centered = x - mean_b
        m2_b = centered.T @ centered
        if self.n == 0:
            self.n, self._mean, self._m2 = b, mean_b, m2_b
            return self
        delta = mean_b - self._mean
        total = self.n + b
        self._m2 += m2_b + np.outer(delta, delta) * (self.n * b / total)
        self._mean += delta * (b / total)
        self.n = total
        return self

    @property
    def mean(self):
        return self._mean

    @property
    def covariance(self):
        if self.n < 2:
            raise ValueError(f"need at least 2 images for a covariance, got {self.n}")
        return self._m2 / (self.n - 1)


class FeatureNetwork:
    """images in [-1, 1] (NHWC) -> (features, logits or None), for one of :data:`CLASSIFIERS`."""

    def __init__(self, classifier="inception", inception_weights=None, need_logits=False,
                 resize="half_pixel", batch_size=50):
        if classifier not in CLASSIFIERS:
            raise ValueError(f"unknown classifier {classifier!r}; valid choices: {', '.join(CLASSIFIERS)}")
        self.name = classifier
        if classifier == "inception":
            from tfgan_suite.metrics.inception import InceptionExtractor

            self._impl = InceptionExtractor(inception_weights, with_logits=True if need_logits else None,
                                            resize=resize, batch_size=batch_size)
            self.weights_id = Path(self._impl.weights_path).stem
            self.batch_size = self._impl.batch_size
        else:
            from tfgan_suite.metrics.domain import domain_classifier

            self._impl = domain_classifier(classifier)
            self.weights_id = f"domain_{classifier}"
            self.batch_size = default_batch_size()

    def __call__(self, images_unit):
        if self.name == "inception":
            out = self._impl(sources.to_uint8_range(images_unit))
            return out if isinstance(out, tuple) else (out, None)
        return self._impl.both(images_unit)


_NETWORKS = {}


def feature_network(classifier="inception", inception_weights=None, need_logits=False, resize="half_pixel",
                    batch_size=50):
    """A cached :class:`FeatureNetwork` (building Inception takes seconds); ``resize``: the Inception
    input's resize convention (``metrics.inception.RESIZES``), ``batch_size``: images per forward pass."""
    key = (classifier, str(inception_weights or os.environ.get("TFGAN_SUITE_INCEPTION_WEIGHTS", "")), need_logits,
           resize, batch_size)
    if key not in _NETWORKS:
        _NETWORKS[key] = FeatureNetwork(classifier, inception_weights, need_logits, resize, batch_size)
    return _NETWORKS[key]


def _progress(total, desc, enabled):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit="img", disable=not enabled, leave=False)


def extract(source, network, num_samples=None, batch_size=50, seed=0, split="train", keep_features=False,
            keep_logits=False, progress=True, desc="features"):
    """Streams ``source`` through ``network``; returns ``{"moments", "features"?, "logits"?, "count"}``.

    ``batch_size`` is the streaming batch (a generated sample is drawn batch by batch, so it is part
    of the sample's definition); consecutive batches are grouped into forward passes of at least
    ``network.batch_size`` images (sized for the device, ``inception.DEVICE_BATCH_SIZES``), so a
    GPU runs large batches and copies features to the host once per pass, with the same images.
    """
    moments = RunningMoments()
    feats, logits = [], []
    total = sources.count_hint(source, num_samples, split)
    forward_batch = getattr(network, "batch_size", None) or batch_size

    def forward(images):
        f, l = network(images)
        moments.update(f)
        if keep_features:
            feats.append(np.asarray(f, np.float32))
        if keep_logits:
            if l is None:
                raise ValueError("this network has no logits")
            logits.append(np.asarray(l, np.float32))
        bar.update(len(images))

    with _progress(total, desc, progress) as bar:
        pending = []
        for batch in sources.iterate_images(source, num_samples, batch_size, seed, split):
            pending.append(batch)
            if sum(len(b) for b in pending) >= forward_batch:
                forward(pending[0] if len(pending) == 1 else np.concatenate(pending))
                pending = []
        if pending:
            forward(pending[0] if len(pending) == 1 else np.concatenate(pending))
    if moments.n == 0:
        raise sources.SourceError(f"the {desc} source yielded no images")
    out = {"moments": moments, "count": moments.n}
    if keep_features:
        out["features"] = np.concatenate(feats)
    if keep_logits:
        out["logits"] = np.concatenate(logits)
    return out


def inception_features(source, num_samples=None, batch_size=50, seed=0, inception_weights=None, progress=True,
                       resize="half_pixel"):
    """``[N, 2048]`` pool_3 features of any source; ``resize``: ``metrics.inception.RESIZES``."""
    net = feature_network("inception", inception_weights, resize=resize, batch_size=batch_size)
    return extract(source, net, num_samples, batch_size, seed, keep_features=True, progress=progress)["features"]


# ----------------------------------------------------------------------------- reference statistics
def _stats_from(real):
    """``(mu, sigma)`` when ``real`` is precomputed statistics, else None."""
    if isinstance(real, tuple) and len(real) == 2 and np.ndim(real[0]) == 1:
        return np.asarray(real[0], np.float64), np.asarray(real[1], np.float64)
    if isinstance(real, dict) and "mu" in real:
        return np.asarray(real["mu"], np.float64), np.asarray(real["sigma"], np.float64)
    if isinstance(real, (str, os.PathLike)) and str(real).endswith(".npz") and Path(real).is_file():
        with np.load(real) as f:
            if "mu" in f.files and "sigma" in f.files:
                return f["mu"].astype(np.float64), f["sigma"].astype(np.float64)
    return None


def _is_dataset_name(real):
    return isinstance(real, str) and not os.path.exists(real) and "/" not in real and not real.endswith(".npz")


def stats_cache_path(dataset, split, num_samples, weights_id):
    from tfgan_suite.metrics.inception import cache_dir

    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in str(dataset))
    count = "all" if num_samples is None else int(num_samples)
    return cache_dir() / "stats" / f"{safe}__{split}__{count}__{weights_id}.npz"


def reference_statistics(dataset, split="train", num_samples=None, classifier="inception", inception_weights=None,
                         batch_size=50, cache=True, progress=True):
    """``(mu, sigma)`` of a dataset's features, cached to ``<cache_dir>/stats/<dataset>__<split>__<count>__<net>.npz``.

    ``dataset`` is a registered dataset name or a path (.npz / image folder); the key uses its name.
    """
    net = feature_network(classifier, inception_weights)
    name = dataset if _is_dataset_name(dataset) else f"{Path(dataset).stem}-{_path_tag(dataset)}"
    path = stats_cache_path(name, split, num_samples, net.weights_id)
    if cache and path.is_file():
        with np.load(path) as f:
            return f["mu"], f["sigma"]
    result = extract(dataset, net, num_samples, batch_size, 0, split, progress=progress, desc=f"{name} ({split})")
    mu, sigma = result["moments"].mean, result["moments"].covariance
    if cache:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + f".tmp{os.getpid()}.npz")
        np.savez(tmp, mu=mu, sigma=sigma, count=result["count"], dataset=str(dataset), split=split)
        os.replace(tmp, path)
    return mu, sigma


def _path_tag(path):
    st = Path(path).stat()
    return f"{st.st_size:x}{int(st.st_mtime):x}"


# ----------------------------------------------------------------------------- metrics
def _real_moments(real, net, inception_weights, num_samples, batch_size, split, progress, cache_reference):
    stats = _stats_from(real)
    if stats is not None:
        return stats
    if _is_dataset_name(real):
        return reference_statistics(real, split, num_samples, net.name, inception_weights, batch_size,
                                    cache_reference, progress)
    moments = extract(real, net, num_samples, batch_size, 0, split, progress=progress, desc="real")["moments"]
    return moments.mean, moments.covariance


def fid(real, generated, num_samples=None, batch_size=50, seed=0, classifier="inception", inception_weights=None,
        split="train", progress=True, cache_reference=True, num_real=None):
    """Fréchet Inception Distance between two image sources (streamed; float64 moments).

    ``FID = |m_r - m_g|^2 + Tr(C_r + C_g - 2 (C_r C_g)^(1/2))`` on pool_3 features.

    Args:
      real: any image source, a dataset name (statistics cached), or precomputed ``(mu, sigma)`` /
        ``.npz`` with ``mu`` and ``sigma``.
      generated: any image source; generators need ``num_samples``.
      num_samples: images to use from each side (None: all of a finite source). 50,000 is the
        standard for published numbers; FID is biased at small N, compare only equal N.
      batch_size, seed: batching and the base seed of generated batches.
      classifier: "inception", or "mnist"/"fashion_mnist" for the fast domain Fréchet distance.
      inception_weights: path to the weights (see :mod:`tfgan_suite.metrics.inception`).
      split: split of a dataset name / ``x_<split>`` npz key for the real side.
      cache_reference: cache the statistics of a dataset name (see :func:`reference_statistics`).
      num_real: real images to use (default: ``num_samples``).
    """
    net = feature_network(classifier, inception_weights)
    mu_r, sigma_r = _real_moments(real, net, inception_weights, num_real or num_samples, batch_size, split,
                                  progress, cache_reference)
    gen = extract(generated, net, num_samples, batch_size, seed, sources.GENERATED_SPLIT, progress=progress, desc="generated")
    return distances.frechet_distance_from_statistics(mu_r, sigma_r, gen["moments"].mean, gen["moments"].covariance)


def kid(real, generated, num_samples=None, batch_size=50, seed=0, classifier="inception", inception_weights=None,
        split="train", num_subsets=100, max_subset_size=1000, progress=True, return_std=False, num_real=None):
    """Kernel Inception Distance (unbiased MMD^2, cubic polynomial kernel) between two sources.

    Uses the KID paper's protocol by default (``num_subsets`` random subsets of at most
    ``max_subset_size`` images, seeded); ``num_subsets=None`` gives TF-GAN's block estimator.
    Returns the mean, or ``(mean, std)`` with ``return_std``.
    """
    net = feature_network(classifier, inception_weights)
    real_f = extract(real, net, num_real or num_samples, batch_size, 0, split, keep_features=True, progress=progress,
                     desc="real")["features"]
    gen_f = extract(generated, net, num_samples, batch_size, seed, sources.GENERATED_SPLIT, keep_features=True, progress=progress,
                    desc="generated")["features"]
    value, std = distances.kernel_classifier_distance_and_std_from_activations(
        real_f, gen_f, num_subsets=num_subsets, max_subset_size=max_subset_size, seed=seed)
    return (value, std) if return_std else value


def classifier_score(images, classifier_fn, num_samples=None, batch_size=50, seed=0, split="train",
                     progress=True):
    """Classifier score ``exp(E[KL(p(y|x) || p(y))])`` with any classifier.

    ``classifier_fn`` maps a float32 NHWC batch in [-1, 1] to ``[b, classes]`` logits (a Keras model
    works); ``images`` is any image source.
    """
    logits = []
    with _progress(sources.count_hint(images, num_samples), "classifier", progress) as bar:
        for batch in sources.iterate_images(images, num_samples, batch_size, seed, split):
            logits.append(np.asarray(classifier_fn(batch), np.float64))
            bar.update(len(batch))
    return distances.classifier_score_from_logits(np.concatenate(logits))


def inception_score(images, num_samples=None, batch_size=50, seed=0, inception_weights=None, num_splits=10,
                    classifier="inception", progress=True, return_std=False):
    """Inception Score ``exp(E[KL(p(y|x) || p(y))])`` on the 1008-way logits, over ``num_splits`` splits.

    Needs Inception weights **with the logits layer**: the shared TorchScript FID archive has only
    pool_3, so convert pytorch-fid's ``pt_inception-2015-12-05-6726825d.pth`` (it includes ``fc``)
    and pass it as ``inception_weights``; otherwise an ``InceptionWeightsError`` says so. With
    ``classifier="mnist"``/``"fashion_mnist"`` it is the domain classifier score instead.
    Returns the mean over splits, or ``(mean, std)`` with ``return_std``.
    """
    net = feature_network(classifier, inception_weights, need_logits=True)
    logits = extract(images, net, num_samples, batch_size, seed, keep_logits=True, progress=progress,
                     desc="images")["logits"]
    mean, std = distances.classifier_score_and_std_from_logits(logits, min(num_splits, len(logits)))
    return (mean, std) if return_std else mean


def prdc(real, generated, num_samples=None, nearest_k=5, batch_size=50, seed=0, classifier="inception",
         inception_weights=None, split="train", progress=True, num_real=None, dtype="float32"):
    """Precision, recall, density and coverage (Kynkäänniemi et al. 2019; Naeem et al. 2020) of two sources.

    Both sides are embedded like :func:`kid` (``classifier="inception"``: pool_3 features; ``"mnist"`` /
    ``"fashion_mnist"``: the domain classifiers' 128-d features) and compared with
    :func:`tfgan_suite.metrics.precision_recall.precision_recall_density_coverage` (k-NN radii,
    ``nearest_k`` = 5 as in both papers). Naeem et al. use 10,000 real and 10,000 generated images.
    Returns ``{"precision", "recall", "density", "coverage"}``.
    """
    from tfgan_suite.metrics.precision_recall import precision_recall_density_coverage

    net = feature_network(classifier, inception_weights)
    real_f = extract(real, net, num_real or num_samples, batch_size, 0, split, keep_features=True, progress=progress,
                     desc="real")["features"]
    gen_f = extract(generated, net, num_samples, batch_size, seed, sources.GENERATED_SPLIT, keep_features=True, progress=progress,
                    desc="generated")["features"]
    return precision_recall_density_coverage(real_f, gen_f, nearest_k=nearest_k, dtype=dtype)
