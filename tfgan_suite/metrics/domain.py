"""Fast domain metrics for 28x28 grey images: small MNIST / Fashion-MNIST classifiers shipped with the package.

For CPU-sized experiments the Inception network is too slow (a few images/s on 2 cores). These
classifiers (about 0.14 M parameters, trained by ``tfgan_suite/metrics/train_domain_classifier.py`` on
the real data) embed an image into a 128-d feature space (global-average-pooled last conv block) and
give 10-way logits, so that

* :func:`domain_frechet_distance` = Fréchet distance between Gaussians fitted to the classifier
  features of real and generated images (same formula as FID), and
* :func:`domain_classifier_score` = ``exp(E[KL(p(y|x) || p(y))])`` on the classifier's logits

run on thousands of images in a second or two. Inputs: float arrays in [-1, 1] shaped (N, 28, 28, 1)
(uint8 arrays in [0, 255] are accepted too). Values are comparable only for the same dataset's
classifier and the same sample sizes; they are not FID.
"""
import json
from pathlib import Path

import numpy as np

from tfgan_suite.metrics import distances

DATASETS = ("mnist", "fashion_mnist")
_PACKAGE_DIR = Path(__file__).resolve().parent
FEATURE_DIM = 128
_CACHE = {}


def weights_path(dataset):
    """Path of the shipped weights of ``dataset``'s classifier."""
    _check_dataset(dataset)
    return _PACKAGE_DIR / f"domain_{dataset}.weights.h5"


def _check_dataset(dataset):
    if dataset not in DATASETS:
        raise ValueError(f"unknown domain classifier dataset {dataset!r}; valid choices: {', '.join(DATASETS)}")


def build_domain_classifier(name="domain_classifier"):
    """The small convnet: [-1,1] (28,28,1) -> (features [128], logits [10]).

    conv32-conv32-maxpool-conv64-conv64-maxpool-conv128-GAP (each conv 3x3 + batch norm + ReLU),
    dropout 0.3, Dense(10). Returns the training model (logits only) whose ``features`` layer output is
    the embedding.
    """
    import keras
    from keras import layers

    inputs = keras.Input((28, 28, 1), name="images")
    x = inputs
    for i, filters in enumerate((32, 32, "pool", 64, 64, "pool", 128)):
        if filters == "pool":
            x = layers.MaxPooling2D(2)(x)
            continue
        x = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"conv{i}")(x)
        x = layers.BatchNormalization(name=f"bn{i}")(x)
        x = layers.ReLU()(x)
    features = layers.GlobalAveragePooling2D(name="features")(x)
    x = layers.Dropout(0.3)(features)
    logits = layers.Dense(10, name="logits")(x)
    return keras.Model(inputs, logits, name=name)


class DomainClassifier:
    """A loaded domain classifier: ``features(images)``, ``logits(images)``, ``both(images)`` (numpy)."""

    def __init__(self, dataset="mnist", weights=None, batch_size=1000):
        import keras
        import tensorflow as tf

        _check_dataset(dataset)
        self.dataset = dataset
        path = Path(weights) if weights else weights_path(dataset)
        if not path.is_file():
            raise FileNotFoundError(f"domain classifier weights {path} not found; train them with "
                                    f"`python -m tfgan_suite.metrics.train_domain_classifier --dataset={dataset}`")
        model = build_domain_classifier()
        model.load_weights(str(path))
        self.model = keras.Model(model.input, [model.get_layer("features").output, model.output])
        self.batch_size = batch_size
        self._forward = tf.function(lambda x: self.model(x, training=False))

    @staticmethod
    def _prepare(images):
        images = np.asarray(images)
        if images.ndim == 3:
            images = images[..., None]
        if images.shape[1:] != (28, 28, 1):
            raise ValueError(f"domain classifiers take (N, 28, 28, 1) images, got shape {images.shape}")
        if images.dtype == np.uint8:
            from tfgan_suite.data.pixels import uint8_to_unit  # pylint: disable=import-outside-toplevel

            return uint8_to_unit(images)
        return images.astype(np.float32, copy=False)

    def both(self, images):
        """Returns ``(features [N, 128], logits [N, 10])`` as float32 arrays."""
        images = self._prepare(images)
        feats, logits = [], []
        for i in range(0, len(images), self.batch_size):
            chunk = images[i:i + self.batch_size]
            if len(chunk) < self.batch_size and len(images) > self.batch_size:  # keep one traced shape
                pad = np.zeros((self.batch_size - len(chunk),) + chunk.shape[1:], np.float32)
                f, l = self._forward(np.concatenate([chunk, pad]))
                f, l = np.asarray(f)[:len(chunk)], np.asarray(l)[:len(chunk)]
            else:
                f, l = self._forward(chunk)
            feats.append(np.asarray(f))
            logits.append(np.asarray(l))
        return np.concatenate(feats), np.concatenate(logits)

    def features(self, images):
        return self.both(images)[0]

    def logits(self, images):
        return self.both(images)[1]


def domain_classifier(dataset="mnist"):
    """The shipped classifier for ``dataset`` (cached per process)."""
    _check_dataset(dataset)
    if dataset not in _CACHE:
        _CACHE[dataset] = DomainClassifier(dataset)
    return _CACHE[dataset]


def domain_features(images, dataset="mnist"):
    """128-d domain-classifier features of (N, 28, 28, 1) images in [-1, 1]."""
    return domain_classifier(dataset).features(images)


def domain_frechet_distance(real, generated, dataset="mnist"):
    """Fréchet distance ``|m_r - m_g|^2 + Tr(C_r + C_g - 2 (C_r C_g)^(1/2))`` in the domain classifier's features.

    Args:
      real, generated: (N, 28, 28, 1) arrays in [-1, 1] (or uint8 in [0, 255]); N >= 2 each.
      dataset: "mnist" or "fashion_mnist" (which shipped classifier embeds the images).
    """
    clf = domain_classifier(dataset)
    return distances.frechet_classifier_distance_from_activations(clf.features(real), clf.features(generated))


def domain_classifier_score(images, dataset="mnist"):
    """Classifier score ``exp(E[KL(p(y|x) || p(y))])`` (1..10) of (N, 28, 28, 1) images in [-1, 1]."""
    return distances.classifier_score_from_logits(domain_classifier(dataset).logits(images))


def domain_classifier_info():
    """The training record shipped with the weights (test accuracy, epochs, parameters) per dataset."""
    path = _PACKAGE_DIR / "domain_classifiers.json"
    return json.loads(path.read_text()) if path.is_file() else {}
