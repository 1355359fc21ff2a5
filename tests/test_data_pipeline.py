"""The batching pipeline: dtypes, ranges, seeded order, epochs, conversions, registry, zero-copy."""
import numpy as np
import pytest
import tensorflow as tf

from tfgan_suite import data
from tfgan_suite.data import pipeline, sources


@pytest.fixture(scope="module")
def images():
    """40 distinct uint8 8x8x3 images; image i is identified by its first pixel (= 5 * i)."""
    x = np.random.default_rng(0).integers(0, 256, (40, 8, 8, 3)).astype(np.uint8)
    x[:, 0, 0, 0] = np.arange(40) * 5
    return x


def ids(batches):
    return np.rint((np.concatenate([np.asarray(b) for b in batches])[:, 0, 0, 0] + 1) * 127.5 / 5).astype(int)


def test_float_conversion_is_exact_and_in_range(images):
    x = images.copy()
    x[0] = 0
    x[1] = 255
    batch = next(iter(pipeline.from_array(x, batch_size=40, shuffle=False))).numpy()
    assert batch.dtype == np.float32 and batch.shape == (40, 8, 8, 3)
    np.testing.assert_array_equal(batch, x.astype(np.float32) / 127.5 - 1.0)
    assert batch[0].max() == -1.0 and batch[1].min() == 1.0


def test_seeded_order_is_deterministic_and_depends_on_seed(images):
    first = ids(b for _, b in zip(range(5), pipeline.from_array(images, batch_size=8, seed=3)))
    again = ids(b for _, b in zip(range(5), pipeline.from_array(images, batch_size=8, seed=3)))
    other = ids(b for _, b in zip(range(5), pipeline.from_array(images, batch_size=8, seed=4)))
    np.testing.assert_array_equal(first, again)
    assert (first != other).any()
    tf.random.set_seed(123)  # the order must not depend on the global TF seed
    np.testing.assert_array_equal(
        first, ids(b for _, b in zip(range(5), pipeline.from_array(images, batch_size=8, seed=3))))


def test_each_epoch_is_a_fresh_permutation(images):
    order = ids(b for _, b in zip(range(10), pipeline.from_array(images, batch_size=8, seed=0)))
    epoch1, epoch2 = order[:40], order[40:80]
    assert sorted(epoch1) == list(range(40)) and sorted(epoch2) == list(range(40))
    assert (epoch1 != epoch2).any() and (epoch1 != np.arange(40)).any()


def test_remainder_dropped_or_kept(images):
    dropped = list(pipeline.from_array(images, batch_size=16, repeat=False))
    kept = list(pipeline.from_array(images, batch_size=16, repeat=False, drop_remainder=False))
    assert [b.shape[0] for b in dropped] == [16, 16] and [b.shape[0] for b in kept] == [16, 16, 8]
    assert sorted(ids(kept)) == list(range(40))
    assert pipeline.from_array(images, batch_size=16).element_spec.shape.as_list() == [16, 8, 8, 3]


def test_unshuffled_order_is_the_stored_order(images):
    np.testing.assert_array_equal(ids(pipeline.from_array(images, batch_size=10, shuffle=False,
                                                          repeat=False)), np.arange(40))


def test_channel_conversion_only_when_asked(images):
    rgb = next(iter(pipeline.from_array(images, batch_size=4, shuffle=False, channels=1))).numpy()
    expected = (images[:4].astype(np.float64) / 127.5 - 1) @ np.array([0.2989, 0.5870, 0.1140])
    np.testing.assert_allclose(rgb[..., 0], expected, atol=1e-3)
    gray = images[..., :1]
    tiled = next(iter(pipeline.from_array(gray, batch_size=4, shuffle=False, channels=3))).numpy()
    assert tiled.shape == (4, 8, 8, 3) and (tiled == tiled[..., :1]).all()
    kept = next(iter(pipeline.from_array(gray, batch_size=4, shuffle=False))).numpy()
    assert kept.shape == (4, 8, 8, 1)


def test_resize_keeps_constant_images_and_range():
    x = np.full((4, 28, 28, 1), 200, np.uint8)
    batch = next(iter(pipeline.from_array(x, batch_size=4, image_size=(32, 16)))).numpy()
    assert batch.shape == (4, 32, 16, 1)
    np.testing.assert_allclose(batch, 200 / 127.5 - 1, atol=1e-5)


def test_streamed_dataset_pipeline(images):
    stream = tf.data.Dataset.from_tensor_slices(images)
    a = ids(b for _, b in zip(range(4), pipeline.from_dataset(stream, batch_size=10, seed=1, cache=True)))
    b = ids(b for _, b in zip(range(4), pipeline.from_dataset(stream, batch_size=10, seed=1)))
    np.testing.assert_array_equal(a, b)
    assert sorted(a) == list(range(40))


def test_in_memory_array_is_wrapped_without_copy():
    x = sources.aligned_empty((3, 4, 4, 1))
    x[...] = 1
    tensor = pipeline.as_tensor(x)
    x[2, 3, 3, 0] = 77  # the tensor sees writes to the array: same memory
    assert int(tensor[2, 3, 3, 0]) == 77
    assert sources.aligned_empty((5, 7)).ctypes.data % 64 == 0


def test_a_module_can_register_a_dataset(monkeypatch):
    points = np.random.default_rng(1).normal(size=(64, 2)).astype(np.float32)

    def toy(num_examples=None, seed=0):
        return points[:num_examples]

    monkeypatch.setitem(data.DATASETS._factories, "toy_points", toy)  # pylint: disable=protected-access
    assert "toy_points" in data.names()
    batch = next(iter(data.load("toy_points", batch_size=64, shuffle=False))).numpy()
    np.testing.assert_array_equal(batch, points)  # float data passes through unscaled
    np.testing.assert_array_equal(data.load_array("toy_points", num_examples=5), points[:5])


def test_check_channels_accepts_matching_shapes():
    dataset = pipeline.from_array(np.zeros((8, 28, 28, 1), np.uint8), batch_size=4)
    assert data.check_channels(dataset, (28, 28, 1)) == (28, 28, 1)
    assert data.check_channels((32, 32, 3), (None, 32, 32, 3)) == (32, 32, 3)


def test_second_load_of_live_data_reuses_the_array(tmp_path, monkeypatch):
    np.savez(tmp_path / "x.npz", x_train=np.arange(16 * 4, dtype=np.uint8).reshape(16, 2, 2, 1))
    calls = []
    original = sources.load_npz
    monkeypatch.setattr(sources, "load_npz", lambda *a, **k: calls.append(a) or original(*a, **k))
    probe = data.load(tmp_path / "x.npz", batch_size=1)
    again = data.load(str(tmp_path / "x.npz"), batch_size=4, shuffle=False)  # probe alive: reused
    assert len(calls) == 1 and probe is not None
    np.testing.assert_allclose(next(iter(again)).numpy()[:, 0, 0, 0], np.arange(4) * 4 / 127.5 - 1, atol=1e-6)
    del probe, again
    import gc
    gc.collect()
    data.load(tmp_path / "x.npz", batch_size=4)
    assert len(calls) == 2  # nothing kept once no pipeline holds the array


def test_pipelines_run_without_the_autotune_model_thread(images):
    """Destroying an iterator with tf.data's autotuner on can block ``fit`` for up to a minute after
    its last step (benchmarks/fit_stall.py); every pipeline built here has the autotuner off."""
    streamed = tf.data.Dataset.from_tensor_slices(images)
    for dataset in (pipeline.from_array(images, batch_size=4),
                    pipeline.from_dataset(streamed, batch_size=4),
                    data.load(batch_size=4)):
        assert dataset.options().autotune.enabled is False
        assert next(iter(dataset)).shape[0] == 4
