"""Learning-rate decay schedules (TTUR) against their closed forms."""
import keras
import numpy as np
import pytest

from tfgan_suite.training import schedules


def test_none_is_the_constant_rate():
    assert schedules.build(2e-4, None, 100) == 2e-4
    assert schedules.build(2e-4, "none", 100) == 2e-4


@pytest.mark.parametrize("spec,end", [("linear", 0.0), ("linear:0.25", 0.25)])
def test_linear_decay(spec, end):
    schedule = schedules.build(1e-3, spec, 200)
    for t in (0, 50, 200, 400):
        expected = 1e-3 + (end * 1e-3 - 1e-3) * min(t, 200) / 200
        assert float(schedule(t)) == pytest.approx(expected, rel=1e-5, abs=1e-12)


@pytest.mark.parametrize("spec,rate", [("exponential", 0.1), ("exponential:0.5", 0.5)])
def test_exponential_decay(spec, rate):
    schedule = schedules.build(1e-3, spec, 100)
    for t in (0, 30, 100):
        assert float(schedule(t)) == pytest.approx(1e-3 * rate ** (t / 100), rel=1e-5)


def test_schedule_drives_an_optimizer():
    optimizer = keras.optimizers.Adam(schedules.build(1e-2, "linear", 10))
    variable = keras.Variable(np.zeros(2, np.float32))
    for _ in range(4):
        optimizer.apply([np.ones(2, np.float32)], [variable])
    assert float(optimizer.learning_rate) == pytest.approx(1e-2 * 6 / 10, rel=1e-5)


@pytest.mark.parametrize("bad", ["cosine", "linear:2", "exponential:0", "linear:x"])
def test_bad_specs_are_rejected(bad):
    with pytest.raises(ValueError, match="lr_decay"):
        schedules.build(1e-3, bad, 10)
