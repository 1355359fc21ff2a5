"""Every shipped flagfile parses, names a registered loss, model and dataset, and its model is made
for that dataset's images; the installed copies are the repository's."""
from pathlib import Path

import pytest

from tfgan_suite import data, flags as flagfiles, losses, models, run
from tfgan_suite.data import catalog
from tfgan_suite.training import experiment

FLAGFILES = sorted((Path(__file__).resolve().parents[1] / "flags").glob("*.cfg"))


@pytest.fixture
def parsed_flags():
    yield run.FLAGS
    run.FLAGS.unparse_flags()


@pytest.mark.parametrize("path", FLAGFILES, ids=[p.stem for p in FLAGFILES])
def test_flagfile_names_registered_choices(path, parsed_flags):
    parsed_flags(["run", f"--flagfile={path}"])
    config = run.config_from_flags()
    losses.get(config.loss, **config.loss_options)  # a registered objective with valid options
    arch = models.specs(experiment.model_name(config), **config.model_options)
    assert config.dataset is None or config.dataset in data.names()
    assert config.steps % min(config.log_every, config.steps) == 0
    # the architecture is made for the dataset's images (the bundled MNIST subset when none is named)
    expected = catalog.CATALOG[config.dataset].shape if config.dataset else (28, 28, 1)
    assert tuple(arch.image_shape) == tuple(expected)


def test_installed_flagfiles_are_the_repository_files():
    assert len(FLAGFILES) >= 8
    for path in FLAGFILES:
        assert Path(flagfiles.path(path.stem)).read_text() == path.read_text(), path.name
