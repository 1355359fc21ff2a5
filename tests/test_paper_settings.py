"""The objectives' paper settings reach the built models, and a wrong critic for a penalty is flagged."""
import keras
import pytest

from tfgan_suite import losses
from tfgan_suite.layers.spectral_norm import SpectralNormalization
from tfgan_suite.training import experiment, settings
from tfgan_suite.training.experiment import TrainConfig


@pytest.mark.parametrize("loss", ["mmd", "rep", "rmb"])
def test_mmd_family_uses_the_authors_sn_gain_and_simultaneous_updates(loss):
    paper = settings.paper(loss)
    assert paper.update == "simultaneous" and paper.n_critic == 1
    gan, _ = experiment.build_gan(TrainConfig(loss=loss), image_channels=1)
    wrapped = [l for l in gan.discriminator.layers if isinstance(l, SpectralNormalization)]
    assert len(wrapped) == 3  # dcgan28: two convolutions and the dense output, all normalized
    assert {(l.method, round(l.gain, 4)) for l in wrapped} == {("conv", round(64 ** 0.125, 4))}
    assert gan.discriminator.output_shape == (None, 16)


def test_wgan_hinge_ebgan_follow_their_published_settings():
    from tfgan_suite.reproduce import suites

    assert settings.paper("wgan").critic_schedule == "constant"  # presets select the authors' one
    assert suites.get("mnist").train_fields("wgan")["critic_schedule"] == "wgan"
    hinge = settings.paper("hinge")
    assert (hinge.lr_d, hinge.beta_1, hinge.beta_2, hinge.n_critic) == (2e-4, 0.0, 0.9, 5)
    assert (settings.paper("rmb").lr_d, settings.paper("rmb").lr_g) == (2e-4, 5e-4)
    # EBGAN: margin 10 on the L2-norm energy (MNIST)
    objective = losses.get("ebgan")
    energies = (keras.ops.convert_to_tensor([1.0, 2.0]), None)
    assert float(objective.discriminator_loss(energies, (keras.ops.convert_to_tensor(
        [4.0, 12.0]), None))) == pytest.approx(1.5 + (6.0 + 0.0) / 2)


@pytest.mark.parametrize("loss", ["wgan_gp", "dragan"])
def test_penalized_critics_have_no_batch_norm_and_a_batch_normed_one_warns(loss, capsys):
    gan, _ = experiment.build_gan(TrainConfig(loss=loss), image_channels=1)
    assert not any(isinstance(l, keras.layers.BatchNormalization) for l in gan.discriminator.layers)
    assert capsys.readouterr().err == ""
    experiment.build_gan(TrainConfig(loss=loss, model_options={"d_norm": "batch"}),
                         image_channels=1)
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("warning: penalty")
    assert "batch norm" in lines[0] and "section 4" in lines[0]
    experiment.build_gan(TrainConfig(loss="nsgan"), image_channels=1)  # no penalty: no warning
    assert capsys.readouterr().err == ""
