"""A real training run measurably improves the MNIST domain Fréchet distance."""
import pytest

from tfgan_suite import data, metrics
from tfgan_suite.data import pixels
from tfgan_suite.training.experiment import TrainConfig, build_gan


@pytest.mark.slow
def test_default_objective_improves_domain_frechet_distance(shared_data):
    real = pixels.to_unit_range(data.load_array(shared_data / "mnist.npz", split="test")[:1000])
    gan, _ = build_gan(TrainConfig(seed=0), image_channels=1)
    before = metrics.domain_frechet_distance(real, gan.generate(1000, seed=1), dataset="mnist")
    gan.fit(data.load(batch_size=64, seed=0), epochs=1, steps_per_epoch=800, verbose=0,
            shuffle=False)
    after = metrics.domain_frechet_distance(real, gan.generate(1000, seed=1), dataset="mnist")
    assert after < 0.2 * before, (before, after)
