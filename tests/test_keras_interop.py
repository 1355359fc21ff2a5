"""GAN.fit with Keras's own callbacks: BackupAndRestore, ModelCheckpoint, TensorBoard, EarlyStopping;
and no warnings from a plain fit on our tf.data pipeline."""
import glob
import os
import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf

from gan_testutil import all_weights, tiny_dataset, tiny_image_gan
from tfgan_suite import data


class StopAt(keras.callbacks.Callback):
    """Interrupts training (as a preemption would) once the generator step has reached ``step``
    (Keras calls it every ``steps_per_execution`` steps: ``GAN.fit`` runs several per call)."""

    def __init__(self, step):
        super().__init__()
        self.step = step

    def on_train_batch_end(self, batch, logs=None):
        if int(self.model.g_optimizer.iterations) >= self.step:
            raise KeyboardInterrupt


def test_backup_and_restore_resumes_to_the_uninterrupted_result(tmp_path):
    dataset = tiny_dataset(same_batch=True)  # a restarted iterator sees the same data
    straight = tiny_image_gan()
    straight.fit(dataset, epochs=4, steps_per_epoch=3, verbose=0, shuffle=False)

    backup = keras.callbacks.BackupAndRestore(str(tmp_path / "backup"))
    gan = tiny_image_gan()
    with pytest.raises(KeyboardInterrupt):  # killed in epoch 3, after 2 epochs were backed up
        gan.fit(dataset, epochs=4, steps_per_epoch=3, verbose=0, shuffle=False,
                callbacks=[backup, StopAt(8)])
    resumed = tiny_image_gan()  # a fresh process would build the model again
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. "Skipping variable loading for optimizer ..."
        warnings.simplefilter("ignore", DeprecationWarning)  # numpy 2 notices inside Keras
        history = resumed.fit(dataset, epochs=4, steps_per_epoch=3, verbose=0, shuffle=False,
                              callbacks=[backup])
    assert len(history.history["g_loss"]) == 2  # only epochs 3 and 4 ran again
    # the optimizers were restored too: the step counter (the key of every random draw) and Adam's
    # moments, so the result is the uninterrupted run's
    assert int(resumed.g_optimizer.iterations) == 12 and int(resumed.d_optimizer.iterations) == 12
    for a, b in zip(all_weights(resumed), all_weights(straight)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert not os.path.exists(tmp_path / "backup" / "latest.weights.h5")  # cleared at the end


def test_model_checkpoint_keeps_the_best_weights_by_a_gan_metric(tmp_path):
    gan = tiny_image_gan()
    path = str(tmp_path / "best.weights.h5")
    best = {}

    class Record(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if logs["d_loss"] < best.get("d_loss", np.inf):
                best.update(d_loss=logs["d_loss"], samples=self.model.generate(8, seed=3))

    history = gan.fit(tiny_dataset(), epochs=4, steps_per_epoch=2, verbose=0, shuffle=False,
                      callbacks=[Record(), keras.callbacks.ModelCheckpoint(
                          path, monitor="d_loss", mode="min", save_best_only=True,
                          save_weights_only=True)])
    assert min(history.history["d_loss"]) == best["d_loss"]
    restored = tiny_image_gan(seed=1)  # other initial weights
    restored.load_weights(path)
    np.testing.assert_array_equal(restored.generate(8, seed=3), best["samples"])


def test_tensorboard_scalars_are_the_fit_history(tmp_path):
    gan = tiny_image_gan()
    history = gan.fit(tiny_dataset(), epochs=3, steps_per_epoch=2, verbose=0, shuffle=False,
                      callbacks=[keras.callbacks.TensorBoard(str(tmp_path), write_graph=False)])
    logged = {}
    for path in glob.glob(str(tmp_path / "train" / "events.out.tfevents.*")):
        for event in tf.compat.v1.train.summary_iterator(path):
            for value in event.summary.value:
                logged.setdefault(value.tag, {})[event.step] = float(
                    tf.make_ndarray(value.tensor))
    for name in ("d_loss", "g_loss"):
        assert [logged[f"epoch_{name}"][epoch] for epoch in range(3)] == pytest.approx(
            history.history[name], rel=1e-6)
    # no learning rate of an optimizer the GAN does not use (Keras logs model.optimizer's)
    assert "epoch_learning_rate" not in logged


def test_early_stopping_on_d_loss_stops_the_run():
    gan = tiny_image_gan()
    # min_delta larger than any change: d_loss never "improves", so training stops once the
    # patience of 2 epochs is used up, after epoch 3 of 20
    stop = keras.callbacks.EarlyStopping(monitor="d_loss", mode="min", patience=2, min_delta=1e6)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. "Early stopping conditioned on metric ... not available"
        warnings.simplefilter("ignore", DeprecationWarning)  # numpy 2 notices inside Keras
        history = gan.fit(tiny_dataset(), epochs=20, steps_per_epoch=2, verbose=0, shuffle=False,
                          callbacks=[stop])
    assert len(history.history["d_loss"]) == 3 and stop.stopped_epoch == 2
    assert int(gan.g_optimizer.iterations) == 6


def test_fit_on_our_pipeline_warns_nothing(caplog):
    gan = tiny_image_gan()
    dataset = data.load(batch_size=8, image_size=8)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gan.fit(dataset, epochs=1, steps_per_epoch=2, verbose=0, shuffle=False)
    assert [str(w.message) for w in caught if not issubclass(w.category, DeprecationWarning)] == []
    assert [r.getMessage() for r in caplog.records if r.levelname in ("WARNING", "ERROR")] == []
    # what the warning looks like when shuffle is left at Keras's default
    with pytest.warns(UserWarning, match="`shuffle=True` was passed, but will be ignored"):
        gan.fit(dataset, epochs=1, steps_per_epoch=1, verbose=0)
