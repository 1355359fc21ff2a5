"""User-facing fid/kid/inception_score/classifier_score: sources, streaming moments, caching."""
import numpy as np
import pytest

from gan_testutil import TORCHSCRIPT
from tfgan_suite import metrics
from tfgan_suite.metrics import api, sources


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TFGAN_SUITE_CACHE", str(tmp_path / "cache"))


def test_running_moments_match_numpy_mean_and_cov():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(257, 6)) * 3 + 5
    moments = api.RunningMoments()
    for i in range(0, 257, 40):
        moments.update(x[i:i + 40].astype(np.float32))
    np.testing.assert_allclose(moments.mean, x.astype(np.float32).mean(0), rtol=1e-6)
    np.testing.assert_allclose(moments.covariance, np.cov(x.astype(np.float32).astype(np.float64), rowvar=False),
                               rtol=1e-9, atol=1e-12)


def test_sources_arrays_npz_folder_dataset_and_generators(tmp_path):
    import tensorflow as tf
    from PIL import Image

    rng = np.random.default_rng(1)
    images = rng.integers(0, 256, size=(7, 8, 8, 3), dtype=np.uint8)
    expected = images.astype(np.float32) / 127.5 - 1.0

    def collect(src, **kw):
        return np.concatenate(list(sources.iterate_images(src, batch_size=3, **kw)))

    np.testing.assert_allclose(collect(images), expected, atol=1e-6)
    np.testing.assert_allclose(collect(images, num_samples=5), expected[:5], atol=1e-6)
    np.savez(tmp_path / "gen.npz", images=images)
    np.testing.assert_allclose(collect(str(tmp_path / "gen.npz")), expected, atol=1e-6)
    folder = tmp_path / "pngs"
    folder.mkdir()
    for i, im in enumerate(images):
        Image.fromarray(im).save(folder / f"{i:03d}.png")
    np.testing.assert_allclose(collect(str(folder)), expected, atol=1e-6)
    labels = np.arange(7)
    ds = tf.data.Dataset.from_tensor_slices((images, labels))  # unbatched, with labels
    np.testing.assert_allclose(collect(ds), expected, atol=1e-6)
    np.testing.assert_allclose(collect(ds.batch(2), num_samples=6), expected[:6], atol=1e-6)

    class Gen:
        def generate(self, n, seed=0):
            return np.tanh(np.random.default_rng(seed).normal(size=(n, 4, 4, 1))).astype(np.float32)

    a, b = collect(Gen(), num_samples=7, seed=3), collect(Gen(), num_samples=7, seed=3)
    assert a.shape == (7, 4, 4, 1) and np.array_equal(a, b)
    assert not np.array_equal(a, collect(Gen(), num_samples=7, seed=4))
    with pytest.raises(sources.SourceError, match="num_samples"):
        collect(Gen())
    # float [0, 255] images follow the data stage's pixel rule (x / 127.5 - 1, as uint8)
    np.testing.assert_allclose(collect(images.astype(np.float32)), collect(images), atol=1e-6)
    with pytest.raises(sources.SourceError, match="unsupported image source"):
        collect(object())


def test_saved_model_generator_serving_signature(tmp_path):
    import tensorflow as tf

    class Generator(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec([None, 5], tf.float32)])
        def serve(self, z):
            return {"images": tf.tanh(tf.reshape(tf.tile(z, [1, 16]), [-1, 4, 4, 5])[..., :1])}

    g = Generator()
    tf.saved_model.save(g, str(tmp_path / "gen"), signatures={"serving_default": g.serve})
    out = np.concatenate(list(sources.iterate_images(str(tmp_path / "gen"), num_samples=5, batch_size=2, seed=1)))
    z = tf.random.stateless_normal((2, 5), seed=[sources.batch_seed(1, 0), 0])
    assert out.shape == (5, 4, 4, 1)
    np.testing.assert_allclose(out[:2], np.asarray(g.serve(z)["images"]), atol=1e-6)



def test_exported_generator_is_sampled_through_its_sample_function(tmp_path):
    """tfgan_suite.export's SavedModel: ``sample(n, seed)`` returns ``{"images": ...}``; the source
    yields exactly those images, batch by batch with the batch seeds."""
    import keras
    import tensorflow as tf

    from tfgan_suite import export

    generator = keras.Sequential([keras.Input((3,)), keras.layers.Dense(16, activation="tanh"),
                                  keras.layers.Reshape((4, 4, 1))])
    export.export_generator(generator, str(tmp_path / "gen"), latent_dim=3)
    out = np.concatenate(list(sources.iterate_images(str(tmp_path / "gen"), num_samples=5,
                                                     batch_size=2, seed=1)))
    module = tf.saved_model.load(str(tmp_path / "gen"))
    first = module.sample(tf.constant(2), tf.constant(sources.batch_seed(1, 0), tf.int64))["images"]
    assert out.shape == (5, 4, 4, 1)
    np.testing.assert_allclose(out[:2], np.asarray(first), atol=1e-6)

def test_domain_fid_and_kid_over_sources_match_activation_math(mnist, tmp_path):
    test, train = mnist["x_test"][:600], mnist["x_train"][:600]
    clf = metrics.domain_classifier("mnist")
    fa, fb = clf.features(test[:300]), clf.features(train[:300])
    expected = metrics.frechet_classifier_distance_from_activations(fa, fb)
    np.savez(tmp_path / "train.npz", x_train=train[:300])
    got = metrics.fid(test[:300], str(tmp_path / "train.npz"), classifier="mnist", progress=False)
    assert got == pytest.approx(expected, rel=1e-6)
    assert metrics.domain_frechet_distance(test[:300], train[:300]) == pytest.approx(expected, rel=1e-6)
    kid = metrics.kid(test[:300], train[:300], classifier="mnist", num_subsets=3, max_subset_size=100, progress=False)
    assert kid == pytest.approx(metrics.kernel_classifier_distance_from_activations(
        fa, fb, num_subsets=3, max_subset_size=100, seed=0), rel=1e-6)


def test_reference_statistics_are_cached_by_dataset_split_count(mnist, tmp_path):
    test = mnist["x_test"][:600]
    path = tmp_path / "digits.npz"
    np.savez(path, x_test=test[:200])
    mu, sigma = metrics.reference_statistics(str(path), split="test", num_samples=200, classifier="mnist",
                                             progress=False)
    cached = list((tmp_path / "cache" / "stats").glob("digits-*__test__200__domain_mnist.npz"))
    assert len(cached) == 1
    with np.load(cached[0]) as f:
        np.testing.assert_array_equal(f["mu"], mu)
    feats = metrics.domain_features(test[:200])
    np.testing.assert_allclose(mu, feats.astype(np.float64).mean(0), rtol=1e-5, atol=1e-6)
    # statistics can stand in for the real images
    fid_stats = metrics.fid((mu, sigma), test[:200], classifier="mnist", progress=False)
    assert fid_stats == pytest.approx(0.0, abs=1e-6)


def test_classifier_score_with_any_classifier():
    rng = np.random.default_rng(2)
    images = rng.uniform(-1, 1, size=(30, 4, 4, 3)).astype(np.float32)
    w = rng.normal(size=(48, 5))
    fn = lambda batch: batch.reshape(len(batch), -1) @ w
    expected = metrics.classifier_score_from_logits(images.reshape(30, -1) @ w)
    assert metrics.classifier_score(images, fn, batch_size=7, progress=False) == pytest.approx(expected, rel=1e-9)


def test_inception_fid_streams_the_real_network(mnist, shared_data):
    pt = shared_data / TORCHSCRIPT
    cifar = np.load(shared_data / "cifar10.npz")["x_test"][:12]
    digits = mnist["x_test"][:12]
    value = metrics.fid(cifar, digits, inception_weights=str(pt), batch_size=6, progress=False)
    ex = api.feature_network("inception", str(pt))._impl  # the network fid() used, cached
    features = [np.concatenate([ex(x[:6]), ex(x[6:])]) for x in (cifar, digits)]  # same batch shape
    expected = metrics.frechet_classifier_distance_from_activations(*features)
    assert value == pytest.approx(expected, rel=1e-5) and value > 100
    with pytest.raises(metrics.InceptionWeightsError, match="logits"):
        metrics.inception_score(cifar[:2], inception_weights=str(pt), progress=False)


class _RecordingNetwork:
    """A feature network of known features (each image's pixel sum and mean) that records the batch
    size of every forward pass."""

    def __init__(self, batch_size):
        self.batch_size, self.calls = batch_size, []

    def __call__(self, images):
        self.calls.append(len(images))
        flat = images.reshape(len(images), -1).astype(np.float64)
        return np.stack([flat.sum(1), flat.mean(1)], axis=1).astype(np.float32), None


def test_extract_groups_streamed_batches_into_device_sized_forward_passes():
    images = np.random.default_rng(0).integers(0, 256, (53, 4, 4, 1), dtype=np.uint8)
    network = _RecordingNetwork(batch_size=20)
    grouped = api.extract(images, network, batch_size=5, keep_features=True, progress=False)
    assert network.calls == [20, 20, 13]  # 11 streamed batches of <= 5 images, 3 forward passes
    one_by_one = _RecordingNetwork(batch_size=1)
    reference = api.extract(images, one_by_one, batch_size=5, keep_features=True, progress=False)
    assert one_by_one.calls == [5] * 10 + [3]
    np.testing.assert_array_equal(grouped["features"], reference["features"])  # the same images
    np.testing.assert_allclose(grouped["moments"].mean, reference["moments"].mean, rtol=1e-12)


def test_inception_batch_is_sized_for_the_device():
    from tfgan_suite.metrics import inception  # pylint: disable=import-outside-toplevel

    assert inception.default_batch_size("CPU") == 50  # what the CPU figures in docs/ used
    assert inception.default_batch_size("GPU") == inception.DEVICE_BATCH_SIZES["GPU"] == 200
    import tensorflow as tf  # pylint: disable=import-outside-toplevel

    expected = 200 if tf.config.list_logical_devices("GPU") else 50
    assert inception.default_batch_size() == expected
