"""benchmarks/adam_state.py reads the second-moment slots of a training checkpoint's optimizers."""
import keras
import numpy as np
import tensorflow as tf


def test_slot_statistics_are_those_of_the_optimizers_velocities(tmp_path,
                                                                 benchmark_module):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(1)])
    optimizer = keras.optimizers.Adam(1e-3)
    for _ in range(3):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(model(tf.random.normal((8, 3))) ** 2)
        optimizer.apply(tape.gradient(loss, model.trainable_variables), model.trainable_variables)
    path = tf.train.Checkpoint(g_optimizer=optimizer, generator=model).save(str(tmp_path / "ckpt"))

    stats = benchmark_module("adam_state").slot_statistics(path)

    velocities = np.concatenate([v.numpy().ravel() for v in optimizer.variables
                                 if "velocity" in v.path and np.prod(v.shape) > 1])
    assert list(stats) == ["g_optimizer"]
    assert stats["g_optimizer"]["parameters"] == velocities.size == 3 * 4 + 4 + 4
    np.testing.assert_allclose(stats["g_optimizer"]["median_sqrt_v"], np.median(np.sqrt(velocities)))
    assert stats["g_optimizer"]["fraction_below"]["1e-05"] == np.mean(np.sqrt(velocities) < 1e-5)
