"""Every shipped flagfile parses, names its sources and a registered loss, model and dataset, its
model is made for that dataset's images, and it trains one step on real data; the installed copies
are the repository's."""
import dataclasses
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

from tfgan_suite import data, flags as flagfiles, losses, models, run
from tfgan_suite.data import catalog
from tfgan_suite.training import experiment, step

FLAGFILES = sorted((Path(__file__).resolve().parents[1] / "flags").glob("*.cfg"))


@pytest.fixture
def parsed_flags():
    yield run.FLAGS
    run.FLAGS.unparse_flags()


def _real_images(shared_data, shape, count):
    """``count`` real images of ``shape`` in [-1, 1]: MNIST for 1 channel, CIFAR-10 (resized) for 3."""
    name = "mnist.npz" if shape[-1] == 1 else "cifar10.npz"
    with np.load(shared_data / name) as arrays:
        images = arrays["x_train"][:count].astype(np.float32) / 127.5 - 1.0
    if images.shape[1:3] != tuple(shape[:2]):
        images = tf.image.resize(images, shape[:2]).numpy()
    return images


@pytest.mark.parametrize("path", FLAGFILES, ids=[p.stem for p in FLAGFILES])
def test_flagfile_cites_its_sources_and_trains_one_step(path, parsed_flags, shared_data):
    text = path.read_text()
    assert text.startswith("#") and any(year in text for year in ("2014", "2016", "2017", "2018",
                                                                  "2019"))
    parsed_flags(["run", f"--flagfile={path}"])
    config = run.config_from_flags()
    losses.get(config.loss, **config.loss_options)  # a registered objective with valid options
    arch = models.specs(experiment.model_name(config), **config.model_options)
    assert config.dataset is None or config.dataset in data.names()
    assert config.steps % min(config.log_every, config.steps) == 0
    # the architecture is made for the dataset's images (the bundled MNIST subset when none is named)
    expected = catalog.CATALOG[config.dataset].shape if config.dataset else (28, 28, 1)
    assert tuple(arch.image_shape) == tuple(expected)
    # one generator update (n_critic critic updates) on a small batch of real images
    small = dataclasses.replace(config, batch_size=4, steps=1)
    gan, arch = experiment.build_gan(small, image_channels=arch.image_shape[-1])
    settings = experiment.game_settings(small)
    critic_updates = step.critic_count(settings.critic_schedule, settings.n_critic, 0)
    real = _real_images(shared_data, arch.image_shape, 4 * critic_updates)
    if settings.critic_schedule != "constant":  # [k, B, ...]: k critic batches (WGAN's schedule)
        real = real.reshape(critic_updates, 4, *arch.image_shape)
    before = [w.copy() for w in gan.generator.get_weights()]
    logs = gan.train_on_batch(real, return_dict=True)
    assert all(np.isfinite(float(v)) for v in logs.values()), logs
    assert any(not np.array_equal(a, b) for a, b in zip(before, gan.generator.get_weights()))


def test_installed_flagfiles_are_the_repository_files():
    assert len(FLAGFILES) >= 9
    for path in FLAGFILES:
        assert Path(flagfiles.path(path.stem)).read_text() == path.read_text(), path.name
