"""The shipped MNIST / Fashion-MNIST domain classifiers and their Fréchet distance / classifier score."""
import numpy as np
import pytest

from tfgan_suite import metrics
from tfgan_suite.metrics import domain


@pytest.fixture(scope="module")
def data(shared_data):
    out = {}
    for name in domain.DATASETS:
        with np.load(shared_data / f"{name}.npz") as d:
            out[name] = (d["x_test"][:2000], d["y_test"][:2000], d["x_train"][:1000])
    return out


@pytest.mark.parametrize("dataset,min_accuracy", [("mnist", 0.99), ("fashion_mnist", 0.90)])
def test_shipped_classifier_is_small_and_accurate(data, dataset, min_accuracy):
    path = domain.weights_path(dataset)
    assert path.is_file() and path.stat().st_size < 2_000_000
    x, y, _ = data[dataset]
    logits = metrics.domain_classifier(dataset).logits(x.astype(np.float32) / 127.5 - 1.0)
    accuracy = float(np.mean(np.argmax(logits, 1) == y))
    assert accuracy >= min_accuracy
    assert domain.domain_classifier_info()[dataset]["test_accuracy"] >= min_accuracy


def test_domain_frechet_distance_separates_real_from_wrong_and_noise(data):
    test, _, train = data["mnist"]
    test, train = test[:500], train[:500]
    as_unit = lambda a: a.astype(np.float32) / 127.5 - 1.0
    real_vs_real = metrics.domain_frechet_distance(as_unit(test), as_unit(train))
    real_vs_fashion = metrics.domain_frechet_distance(as_unit(test), as_unit(data["fashion_mnist"][2][:500]))
    noise = np.random.default_rng(0).uniform(-1, 1, size=(500, 28, 28, 1)).astype(np.float32)
    real_vs_noise = metrics.domain_frechet_distance(as_unit(test), noise)
    assert real_vs_real < 0.05 * real_vs_fashion and real_vs_real < 0.05 * real_vs_noise
    # uint8 input gives the same number, and it is the activation-level formula on the 128-d features
    feats = metrics.domain_features(test), metrics.domain_features(train)
    assert metrics.frechet_classifier_distance_from_activations(*feats) == pytest.approx(real_vs_real, rel=1e-4)


def test_domain_classifier_score_is_high_for_real_digits_and_low_for_one_class(data):
    test, labels, _ = data["mnist"]
    real = metrics.domain_classifier_score(test)
    ones = metrics.domain_classifier_score(test[labels == 1])
    assert real > 9.0 and ones < 1.5
    logits = metrics.domain_classifier("mnist").logits(test)
    assert real == pytest.approx(metrics.classifier_score_from_logits(logits), rel=1e-9)


def test_bad_inputs_name_the_valid_choices():
    with pytest.raises(ValueError, match="valid choices: mnist, fashion_mnist"):
        metrics.domain_classifier("cifar")
    with pytest.raises(ValueError, match=r"\(N, 28, 28, 1\)"):
        metrics.domain_features(np.zeros((2, 32, 32, 3), np.float32))
