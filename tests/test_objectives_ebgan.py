"""EBGAN margin loss and pulling-away term against numpy."""
import numpy as np
import pytest

from tfgan_suite import losses
from tfgan_suite.losses import ebgan as ebgan_lib


def np_pt(s):
    s = s / np.linalg.norm(s, axis=1, keepdims=True)
    c2 = (s @ s.T) ** 2
    n = len(s)
    return (c2.sum() - np.trace(c2)) / (n * (n - 1))


def test_pulling_away_term_matches_numpy_and_its_extremes():
    rng = np.random.default_rng(1)
    s = rng.normal(size=(5, 7)).astype(np.float32)
    assert float(ebgan_lib.pulling_away_term(s)) == pytest.approx(np_pt(s), rel=1e-5)
    assert float(ebgan_lib.pulling_away_term(np.eye(4, dtype=np.float32))) == pytest.approx(
        0.0, abs=1e-7)  # orthogonal embeddings
    same = np.tile([[1.0, 2.0, -1.0]], (3, 1)).astype(np.float32)
    assert float(ebgan_lib.pulling_away_term(same)) == pytest.approx(1.0, rel=1e-5)


def test_margin_loss_and_generator_loss():
    objective = losses.get("ebgan", margin=1.0, pt_weight=0.1)
    real_energy = np.array([0.2, 0.4, 0.1], np.float32)
    fake_energy = np.array([0.5, 1.5, 0.9], np.float32)
    embedding = np.random.default_rng(2).normal(size=(3, 6)).astype(np.float32)
    d_loss = objective.discriminator_loss((real_energy, embedding), (fake_energy, embedding))
    metrics = objective.monitors((real_energy, embedding), (fake_energy, embedding))
    expected = real_energy.mean() + np.maximum(0.0, 1.0 - fake_energy).mean()
    assert float(d_loss) == pytest.approx(expected, rel=1e-6)
    assert float(metrics["energy_fake"]) == pytest.approx(fake_energy.mean(), rel=1e-6)
    assert float(metrics["energy_real"]) == pytest.approx(real_energy.mean(), rel=1e-6)
    g_loss = objective.generator_loss(None, [fake_energy, embedding])
    assert float(g_loss) == pytest.approx(fake_energy.mean() + 0.1 * np_pt(embedding), rel=1e-5)


def test_bad_margin_is_rejected():
    with pytest.raises(ValueError, match="margin"):
        losses.get("ebgan", margin=0.0)


def test_autoencoder_discriminator_returns_energy_and_embedding(tmp_path):
    import keras

    from tfgan_suite import models

    generator, discriminator = models.get("ebgan", width=8, embedding_dim=5)
    x = np.random.default_rng(3).uniform(-1, 1, size=(3, 28, 28, 1)).astype(np.float32)
    energy, embedding = discriminator(x, training=False)
    assert energy.shape == (3,) and embedding.shape == (3, 5)
    # energy = per-sample Euclidean norm of the decoder's reconstruction error (the paper's)
    encoder, decoder = (discriminator.get_layer("ebgan_discriminator_encoder"),
                        discriminator.get_layer("ebgan_discriminator_decoder"))
    reconstruction = np.asarray(decoder(encoder(x, training=False), training=False))
    np.testing.assert_allclose(energy, np.sqrt(((reconstruction - x) ** 2).sum(axis=(1, 2, 3))),
                               rtol=1e-5)
    path = tmp_path / "d.keras"
    discriminator.save(path)
    restored = keras.models.load_model(path)
    np.testing.assert_allclose(restored(x)[0], energy, rtol=1e-5)
    assert generator.output_shape == (None, 28, 28, 1)


def test_mean_square_energy_option_is_the_per_pixel_mean():
    from tfgan_suite import models

    _, l2 = models.get("ebgan", width=8, embedding_dim=5)
    _, mean_square = models.get("ebgan", width=8, embedding_dim=5, energy="mean_square")
    mean_square.set_weights(l2.get_weights())
    x = np.random.default_rng(4).uniform(-1, 1, size=(3, 28, 28, 1)).astype(np.float32)
    norm = np.asarray(l2(x, training=False)[0])
    np.testing.assert_allclose(np.asarray(mean_square(x, training=False)[0]), norm ** 2 / 784,
                               rtol=1e-4)
    with pytest.raises(ValueError, match="unknown energy 'sum'"):
        models.get("ebgan", energy="sum")
