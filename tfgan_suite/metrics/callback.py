"""``MetricsCallback``: FID / KID / IS / PRDC / MS-SSIM / SWD on a fixed generated sample during training.

Every ``every_n_steps`` training steps (and at the end of any epoch that has no value yet) it draws
``num_samples`` images with ``model.generate(n, seed)`` (the same seeds each time, so the sample is
fixed up to the generator's weights), embeds them with the chosen network, compares them with the real
images (embedded once) and

* writes ``metrics/<name>`` scalars to TensorBoard when ``log_dir`` is given (step = training step),
* puts the latest values into the epoch ``logs`` so that ``keras.callbacks.CSVLogger`` and
  ``History`` record them (place this callback *before* the CSVLogger in the list),
* keeps ``history``: a list of ``{"step": s, name: value, ...}``.

Names are ``fid``, ``kid``, ``is``, ``precision``, ``recall``, ``density``, ``coverage`` (metric
``"prdc"``) with the Inception network and ``fid_mnist``, ``precision_mnist``, ... (or
``..._fashion_mnist``) with a domain classifier; the pixel metrics are ``ms_ssim`` (mean MS-SSIM of
``ms_ssim_pairs`` random generated pairs) and ``swd_<resolution>``, ``swd_avg`` (x1e3, as many real
images as generated).
"""
import keras
import numpy as np

from tfgan_suite.metrics import api, distances, sources
from tfgan_suite.metrics.precision_recall import precision_recall_density_coverage
from tfgan_suite.metrics.sliced_wasserstein import sliced_wasserstein_from_images
from tfgan_suite.metrics.structural_similarity import ms_ssim_diversity

METRICS = ("fid", "kid", "is", "prdc", "ms_ssim", "swd")
FEATURE_METRICS = ("fid", "kid", "is", "prdc")
PRDC_KEYS = ("precision", "recall", "density", "coverage")


class MetricsCallback(keras.callbacks.Callback):
    """Args:
      real: real images (any source accepted by ``tfgan_suite.metrics``: array, dataset, npz, folder,
        dataset name) or precomputed ``(mu, sigma)`` (FID only).
      every_n_steps: evaluation period in training steps (None: once per epoch).
      num_samples: generated (and at most real) images per evaluation.
      metrics: subset of ``("fid", "kid", "is", "prdc", "ms_ssim", "swd")``.
      classifier: "inception", "mnist" or "fashion_mnist" (the fast domain classifiers).
      seed: seed of the fixed generated sample.
      log_dir: TensorBoard directory (None: no summaries).
      inception_weights: weights path for the Inception network.
      batch_size, split: streaming batch size; split for a dataset name.
      kid_subsets, prdc_k, ms_ssim_pairs: KID subsets, k of the PRDC radii, MS-SSIM pairs.
    """

    def __init__(self, real, every_n_steps=1000, num_samples=1000, metrics=("fid",), classifier="inception",
                 seed=0, log_dir=None, inception_weights=None, batch_size=100, split="train", kid_subsets=10,
                 prdc_k=5, ms_ssim_pairs=200):
        super().__init__()
        metrics = tuple(metrics)
        bad = [m for m in metrics if m not in METRICS]
        if bad or not metrics:
            raise ValueError(f"unknown metric(s) {bad or metrics}; valid choices: {', '.join(METRICS)}")
        if every_n_steps is not None and int(every_n_steps) < 1:
            raise ValueError(f"every_n_steps must be a positive integer or None, got {every_n_steps!r}")
        self.real, self.every_n_steps, self.num_samples = real, every_n_steps, int(num_samples)
        self.metric_names, self.classifier, self.seed = metrics, classifier, seed
        self.log_dir, self.inception_weights = log_dir, inception_weights
        self.batch_size, self.split, self.kid_subsets = batch_size, split, kid_subsets
        self.prdc_k, self.ms_ssim_pairs = int(prdc_k), int(ms_ssim_pairs)
        suffix = "" if classifier == "inception" else f"_{classifier}"
        self.keys = {m: f"{m}{suffix}" for m in metrics + PRDC_KEYS}
        self._real_images = None
        self.history, self.latest = [], {}
        self._step, self._last_eval_step = 0, None
        self._real = None
        self._writer = None

    # ------------------------------------------------------------------ internals
    def _network(self):
        return api.feature_network(self.classifier, self.inception_weights, need_logits="is" in self.metric_names)

    def _prepare_real(self, net):
        if self._real is not None:
            return self._real
        needs_features = bool({"kid", "prdc"} & set(self.metric_names))
        stats = api._stats_from(self.real)  # pylint: disable=protected-access
        if stats is not None and not needs_features:
            self._real = {"mu": stats[0], "sigma": stats[1]}
            return self._real
        if stats is not None:
            raise ValueError("KID and PRDC need real images, not precomputed statistics")
        count = min(self.num_samples, len(self.real)) if isinstance(self.real, np.ndarray) else self.num_samples
        out = api.extract(self.real, net, count,
                          self.batch_size, 0, self.split, keep_features=needs_features, progress=False,
                          desc="real")
        self._real = {"mu": out["moments"].mean, "sigma": out["moments"].covariance,
                      "features": out.get("features")}
        return self._real

    def evaluate(self):
        """Computes the metrics now; returns ``{name: value}`` (also stored and logged)."""
        values = {}
        generated = self.model
        if {"ms_ssim", "swd"} & set(self.metric_names):  # pixel metrics: draw the sample once, reuse it
            generated = sources.collect_images(self.model, self.num_samples, self.batch_size, self.seed)
            values.update(self._pixel_metrics(generated))
        if set(FEATURE_METRICS) & set(self.metric_names):
            values.update(self._feature_metrics(generated))
        self.latest = values
        self._last_eval_step = self._step
        self.history.append({"step": self._step, **values})
        self._write_summaries(values)
        return values

    def _pixel_metrics(self, generated):
        values = {}
        if "ms_ssim" in self.metric_names:
            values["ms_ssim"] = ms_ssim_diversity(generated, num_pairs=self.ms_ssim_pairs, seed=self.seed)
        if "swd" in self.metric_names:
            if self._real_images is None:
                self._real_images = sources.collect_images(self.real, len(generated), self.batch_size, 0, self.split)
            swd = sliced_wasserstein_from_images(self._real_images, generated, seed=self.seed)
            values.update({f"swd_{key}": value for key, value in swd.items()})
        return values

    def _feature_metrics(self, generated):
        net = self._network()
        values = {}
        if {"fid", "kid", "prdc"} & set(self.metric_names):
            real = self._prepare_real(net)
        gen = api.extract(generated, net, self.num_samples, self.batch_size, self.seed,
                          keep_features=bool({"kid", "prdc"} & set(self.metric_names)),
                          keep_logits="is" in self.metric_names, progress=False, desc="generated")
        if "fid" in self.metric_names:
            values[self.keys["fid"]] = distances.frechet_distance_from_statistics(
                real["mu"], real["sigma"], gen["moments"].mean, gen["moments"].covariance)
        if "kid" in self.metric_names:
            values[self.keys["kid"]] = distances.kernel_classifier_distance_from_activations(
                real["features"], gen["features"], num_subsets=self.kid_subsets,
                max_subset_size=min(1000, self.num_samples), seed=self.seed)
        if "is" in self.metric_names:
            values[self.keys["is"]] = distances.classifier_score_from_logits(gen["logits"])
        if "prdc" in self.metric_names:
            prdc = precision_recall_density_coverage(real["features"], gen["features"], nearest_k=self.prdc_k)
            values.update({self.keys[key]: value for key, value in prdc.items()})
        return values

    def _write_summaries(self, values):
        if not self.log_dir:
            return
        import tensorflow as tf

        if self._writer is None:
            self._writer = tf.summary.create_file_writer(str(self.log_dir))
        with self._writer.as_default():
            for name, value in values.items():
                tf.summary.scalar(f"metrics/{name}", value, step=self._step)
        self._writer.flush()

    # ------------------------------------------------------------------ keras hooks
    def on_train_batch_end(self, batch, logs=None):
        self._step += 1
        if self.every_n_steps and self._step % int(self.every_n_steps) == 0:
            self.evaluate()

    def on_epoch_end(self, epoch, logs=None):
        if self.every_n_steps is None or not self.latest:
            if self._last_eval_step != self._step:
                self.evaluate()
        if logs is not None:
            logs.update(self.latest)

    def on_train_end(self, logs=None):
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def get_config(self):
        return {"every_n_steps": self.every_n_steps, "num_samples": self.num_samples,
                "metrics": list(self.metric_names), "classifier": self.classifier, "seed": self.seed,
                "log_dir": None if self.log_dir is None else str(self.log_dir), "batch_size": self.batch_size,
                "split": self.split, "kid_subsets": self.kid_subsets, "prdc_k": self.prdc_k,
                "ms_ssim_pairs": self.ms_ssim_pairs}
