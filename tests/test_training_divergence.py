"""training.divergence: the NaN/Inf guard shared by the command-line run and BogoNet."""
import keras
import numpy as np

from tfgan_suite.training import divergence


def test_all_finite_and_the_first_bad_value():
    assert divergence.all_finite({"d_loss": 1.0, "g_loss": np.float32(-2.0), "note": "text"})
    assert not divergence.all_finite({"d_loss": 1.0, "g_loss": float("nan")})
    assert divergence.first_non_finite({"d_loss": 1.0, "g_loss": np.float32(np.inf)}) == "g_loss"


class _NaNAtCall(keras.Model):
    """A model whose train step logs ``loss = NaN`` on its ``bad_call``-th call (1-based)."""

    def __init__(self, bad_call):
        super().__init__()
        self.bad_call = bad_call
        self.calls = keras.Variable(0, dtype="int32", trainable=False)

    def train_step(self, data):
        self.calls.assign_add(1)
        return {"loss": keras.ops.where(self.calls == self.bad_call, float("nan"), 1.0)}


def test_guard_stops_at_the_first_bad_step_counting_earlier_epochs():
    model = _NaNAtCall(bad_call=4)
    model.compile()
    guard = divergence.DivergenceGuard()
    data = np.zeros((100, 1), np.float32)
    # resumed at epoch 2 of 3-step epochs: the 4th call is step 2 * 3 + 4 = 10
    model.fit(data, batch_size=1, initial_epoch=2, epochs=6, steps_per_epoch=3, verbose=0,
              callbacks=[guard])
    assert (guard.diverged_at, guard.bad_metric) == (10, "loss")
    assert int(model.calls.numpy()) == 4  # stopped there
    assert np.isnan(guard.last_logs["loss"])
    guard.reset()
    assert guard.diverged_at is None and guard.bad_metric is None
