"""Intra-class FID and conditional accuracy against their definitions, with real MNIST images as
stand-in generators (a right-class one and a wrong-class one)."""
import numpy as np
import pytest

from tfgan_suite import metrics
from tfgan_suite.metrics import distances, domain


@pytest.fixture(scope="module")
def mnist3000(mnist):
    """The first 3000 train images and labels, then test images and labels."""
    return tuple(mnist[key][:3000] for key in ("x_train", "y_train", "x_test", "y_test"))


class RealImagesAsGenerator:
    """Draws real test images of class ``labels + shift`` (shift 0: a perfect conditional model)."""

    def __init__(self, images, labels, shift=0):
        self.images, self.labels, self.shift = images, labels, shift

    def generate(self, n, seed=0, labels=None):
        want = (int(labels[0]) + self.shift) % 10
        pool = self.images[self.labels == want]
        pick = np.random.default_rng(seed).choice(len(pool), n, replace=False)
        return pool[pick].astype(np.float32) / 127.5 - 1.0


def test_intra_fid_is_the_mean_of_per_class_frechet_distances(mnist3000):
    x, y, xt, yt = mnist3000
    right = RealImagesAsGenerator(xt, yt)
    value, per_class = metrics.intra_fid((x, y), right, num_classes=4, num_samples=100,
                                         classifier="mnist", progress=False, return_per_class=True)
    assert value == pytest.approx(np.mean(per_class))
    clf = domain.domain_classifier("mnist")
    c = 3
    expected = distances.frechet_classifier_distance_from_activations(
        clf.features(x[y == c]), clf.features(right.generate(100, 0 + 1000 * c, labels=[c] * 100)))
    # the metric draws its class-c samples in batches with its own seeds: same class, other draws
    assert per_class[c] == pytest.approx(expected, rel=0.35)
    wrong = metrics.intra_fid((x, y), RealImagesAsGenerator(xt, yt, shift=1), num_classes=4,
                              num_samples=100, classifier="mnist", progress=False)
    assert wrong > 5 * value  # right images of the wrong class: far worse, though pooled FID is alike


def test_conditional_accuracy_tells_right_from_wrong_classes(mnist3000):
    _, _, xt, yt = mnist3000
    right, per_class = metrics.conditional_accuracy(RealImagesAsGenerator(xt, yt), samples_per_class=50,
                                                    return_per_class=True)
    assert right >= 0.97 and len(per_class) == 10
    assert metrics.conditional_accuracy(RealImagesAsGenerator(xt, yt, shift=1),
                                        samples_per_class=50) <= 0.05


def test_callable_generators_and_bad_inputs(mnist3000):
    x, y, xt, yt = mnist3000
    source = RealImagesAsGenerator(xt, yt)
    acc = metrics.conditional_accuracy(lambda n, seed, labels: source.generate(n, seed, labels),
                                       num_classes=2, samples_per_class=20)
    assert acc >= 0.95
    with pytest.raises(ValueError, match="class 1 has 0 real images"):
        metrics.intra_fid((x[y == 0], y[y == 0]), source, num_classes=2, classifier="mnist",
                          progress=False)
