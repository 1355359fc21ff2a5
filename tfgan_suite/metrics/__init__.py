"""Evaluation metrics: FID, KID, Inception Score, precision/recall/density/coverage, MS-SSIM, sliced
Wasserstein distance and fast domain (MNIST/Fashion-MNIST) metrics.

* Math on activations/logits (numpy, float64), TF-GAN names: :mod:`tfgan_suite.metrics.distances`.
* The FID Inception network (2015-12-05 graph) as a Keras model, its weight converter and loader:
  :mod:`tfgan_suite.metrics.inception`.
* Small domain classifiers shipped with the package: :mod:`tfgan_suite.metrics.domain`.
* Class-conditional generators (intra-class FID, conditional accuracy): :mod:`tfgan_suite.metrics.conditional`.
* k-NN precision / recall / density / coverage on features: :mod:`tfgan_suite.metrics.precision_recall`;
  MS-SSIM and its diversity score: :mod:`tfgan_suite.metrics.structural_similarity`; SWD on Laplacian
  pyramid patches: :mod:`tfgan_suite.metrics.sliced_wasserstein`.
* User-facing ``fid``/``kid``/``inception_score`` over arrays, datasets, files, folders or generators:
  :mod:`tfgan_suite.metrics.api`; the training callback: :mod:`tfgan_suite.metrics.callback`.

TensorFlow-dependent parts are imported lazily so the math stays importable without loading TF.
"""
import importlib

from tfgan_suite.metrics.distances import (  # noqa: F401
    activation_statistics,
    classifier_score_and_std_from_logits,
    classifier_score_from_logits,
    frechet_classifier_distance_from_activations,
    frechet_distance_from_statistics,
    kernel_classifier_distance_and_std_from_activations,
    kernel_classifier_distance_from_activations,
)

_LAZY = {
    # inception network
    "inception_model": "tfgan_suite.metrics.inception",
    "load_inception": "tfgan_suite.metrics.inception",
    "resolve_inception_weights": "tfgan_suite.metrics.inception",
    "convert_inception_weights": "tfgan_suite.metrics.inception",
    "InceptionWeightsError": "tfgan_suite.metrics.inception",
    # domain classifiers
    "domain_classifier": "tfgan_suite.metrics.domain",
    "domain_features": "tfgan_suite.metrics.domain",
    "domain_frechet_distance": "tfgan_suite.metrics.domain",
    "domain_classifier_score": "tfgan_suite.metrics.domain",
    # user-facing
    "fid": "tfgan_suite.metrics.api",
    "kid": "tfgan_suite.metrics.api",
    "inception_score": "tfgan_suite.metrics.api",
    "classifier_score": "tfgan_suite.metrics.api",
    "inception_features": "tfgan_suite.metrics.api",
    "prdc": "tfgan_suite.metrics.api",
    # pixel / feature-set metrics (numpy; TF only for MS-SSIM)
    "precision_recall_density_coverage": "tfgan_suite.metrics.precision_recall",
    "ms_ssim": "tfgan_suite.metrics.structural_similarity",
    "ms_ssim_diversity": "tfgan_suite.metrics.structural_similarity",
    "sliced_wasserstein_distance": "tfgan_suite.metrics.sliced_wasserstein",
    "reference_statistics": "tfgan_suite.metrics.api",
    "iterate_images": "tfgan_suite.metrics.sources",
    "MetricsCallback": "tfgan_suite.metrics.callback",
    "domain_classifier_info": "tfgan_suite.metrics.domain",
    # class-conditional generators
    "intra_fid": "tfgan_suite.metrics.conditional",
    "conditional_accuracy": "tfgan_suite.metrics.conditional",
}


def __getattr__(name):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'tfgan_suite.metrics' has no attribute {name!r}")


__all__ = sorted(set(_LAZY) | {
    "activation_statistics", "classifier_score_and_std_from_logits", "classifier_score_from_logits",
    "frechet_classifier_distance_from_activations", "frechet_distance_from_statistics",
    "kernel_classifier_distance_and_std_from_activations", "kernel_classifier_distance_from_activations",
})
