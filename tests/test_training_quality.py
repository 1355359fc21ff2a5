"""CI proof that training works: a short run of each objective family improves its samples.

One run per family (standard: nsgan; Wasserstein with gradient penalty: wgan_gp; MMD: rep; EBGAN),
and the standard one again under float16 mixed precision, each through the command line's training
path (:class:`~tfgan_suite.training.experiment.Run`: paper settings of the objective, seeded data,
checkpoints) on the bundled MNIST subset, width 16, batch 32. Each must bring its samples closer to
MNIST by a stated factor of the **pooled-pixel Fréchet distance**: the Fréchet distance (FID's
formula) between Gaussians fitted to the 7x7 averages of 4x4 pixel blocks (49 numbers per image) of
500 samples and of 1000 real images.

Why that measure and not the domain Fréchet distance (metrics/domain.py): it falls from the first
updates on, while the domain distance first rises (blobs are farther from digits in the classifier's
features than the untrained generator's flat grey) and falls below its start only after about 600
updates. Measured (seed 0, width 16, batch 32; untrained 38.2):

=========  =======  ===========================  =================================
objective  updates  pooled-pixel FD after         domain FD at 0 / at the end
=========  =======  ===========================  =================================
nsgan      200      11.8 (seed 1: 9.7; XLA 11.9)  242 / 617; 800 updates: 17
wgan_gp    200      15.7 (seed 1: 10.4)           242 / 660
rep        300      16.0 (seed 1: 19.3; XLA 15.8) 242 / 509; 800 updates: 106
ebgan      100      9.9 (seed 1: 8.8)             242 / 512; 800 updates: 23
nsgan f16  200      11.8 (bfloat16: 11.8)
=========  =======  ===========================  =================================

With the DCGAN family's critic learning rate made useless (lr_d=2e-6 instead of 2e-4) nsgan's
distance rises to 44.8 after 200 updates (42.6 after 800): the factors below (each at least 1.5
times short of the measured ratio) fail. The slow tests (test_training_gan_slow.py,
test_run_objectives.py) train longer and check the domain distance.
"""
import numpy as np
import pytest

from tfgan_suite import data, metrics
from tfgan_suite.training.experiment import Run, TrainConfig

# objective -> (generator updates, required factor before/after, extra config)
RUNS = {
    "nsgan": (200, 2.0, {}),
    "wgan_gp": (200, 1.6, {}),
    "rep": (300, 1.5, {}),
    "ebgan": (100, 2.0, {}),
    "nsgan_float16": (200, 2.0, {"loss": "nsgan", "mixed_precision": "float16"}),
}


def pooled_pixels(images):
    """``[n, 49]``: the means of the 4x4 pixel blocks of ``[n, 28, 28, 1]`` images."""
    return np.asarray(images, np.float64).reshape(len(images), 7, 4, 7, 4).mean(axis=(2, 4)).reshape(len(images), -1)


def pooled_pixel_frechet_distance(real, generated):
    return metrics.frechet_classifier_distance_from_activations(pooled_pixels(real), pooled_pixels(generated))


@pytest.fixture(scope="module")
def mnist_real():
    return data.load_array(num_examples=1000).astype(np.float32) / 127.5 - 1.0


def test_pooled_pixel_distance_is_zero_for_the_same_set_and_grows_with_noise(mnist_real):
    noise = np.random.default_rng(0).normal(size=mnist_real.shape)
    distances = [pooled_pixel_frechet_distance(mnist_real, mnist_real + s * noise) for s in (0.0, 0.5, 1.0)]
    assert distances[0] == pytest.approx(0.0, abs=1e-6) and 0 < distances[1] < distances[2]


@pytest.mark.parametrize("name", sorted(RUNS))
def test_short_training_run_improves_the_samples(name, tmp_path, mnist_real):
    steps, factor, extra = RUNS[name]
    config = TrainConfig(**{"loss": name, **extra}, steps=steps, batch_size=32, seed=0,
                         model_options={"width": 16}, log_every=steps, checkpoint_every=steps,
                         sample_every=10 * steps, verbose=0, workdir=str(tmp_path / name))
    run = Run(config).build()
    before = pooled_pixel_frechet_distance(mnist_real, run.gan.generate(500, seed=1))
    run.fit()
    after = pooled_pixel_frechet_distance(mnist_real, run.gan.generate(500, seed=1))
    print(f"{name}: pooled-pixel Fréchet distance {before:.2f} -> {after:.2f} after {steps} updates")
    assert np.isfinite(after) and after * factor < before, (before, after, factor)
