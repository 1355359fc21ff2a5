"""ADA: the warp and colour matrices against hand-made cases, p = 0 is the identity, p rises on a
discriminator that overfits a tiny set and falls on one that cannot tell real from generated, p is
logged and saved in checkpoints, and objectives without a real/fake threshold are refused."""
import keras
import numpy as np
import pytest
import tensorflow as tf

from tfgan_suite import augment
from tfgan_suite.augment import ada
from tfgan_suite.errors import UserInputError
from tfgan_suite.training.gan import GAN

RNG = np.random.default_rng(1)
IMAGES = RNG.uniform(-1, 1, (3, 6, 6, 3)).astype(np.float32)


def _translation(tx, ty):
    m = np.eye(3, dtype=np.float32)
    m[0, 2], m[1, 2] = tx, ty
    return m


def test_warp_by_integer_matrices_moves_pixels_exactly():
    flip = np.diag([-1.0, 1.0, 1.0]).astype(np.float32)
    matrices = tf.constant(np.stack([np.eye(3, dtype=np.float32), flip, _translation(2, 0)]))
    out = ada.warp(tf.constant(IMAGES), matrices).numpy()
    np.testing.assert_array_equal(out[0], IMAGES[0])
    np.testing.assert_array_equal(out[1], IMAGES[1][:, ::-1])
    # output column j reads column j + 2, reflected at the border without repeating the edge
    source = [2, 3, 4, 5, 4, 3]
    np.testing.assert_array_equal(out[2], IMAGES[2][:, source])


def test_warp_interpolates_bilinearly_between_pixels():
    half = tf.constant(_translation(0.5, 0.0)[None])
    out = ada.warp(tf.constant(IMAGES[:1]), half).numpy()
    np.testing.assert_allclose(out[0][:, :5], (IMAGES[0][:, :5] + IMAGES[0][:, 1:]) / 2, atol=1e-6)


def test_luma_flip_negates_a_grayscale_image_and_saturation_keeps_gray():
    luma = np.array([1, 1, 1, 0], np.float32) / np.sqrt(3)
    flip = (np.eye(4) - 2 * np.outer(luma, luma)).astype(np.float32)[None]
    gray = IMAGES[:1, ..., :1]
    np.testing.assert_allclose(ada.apply_color(tf.constant(gray), flip), -gray, atol=1e-6)
    rgb_gray = np.repeat(gray, 3, axis=-1)
    saturate = (np.outer(luma, luma) + (np.eye(4) - np.outer(luma, luma)) * 3.0)[None]
    np.testing.assert_allclose(ada.apply_color(tf.constant(rgb_gray), saturate.astype(np.float32)),
                               rgb_gray, atol=1e-5)


def test_p_zero_is_the_identity_and_p_one_changes_every_image():
    seed = tf.constant([5, 6], tf.int64)
    off = ada.AdaptiveAugment(initial_p=0.0)
    np.testing.assert_allclose(off(tf.constant(IMAGES), seed), IMAGES, atol=1e-6)
    on = ada.AdaptiveAugment(initial_p=1.0)
    changed = np.abs(on(tf.constant(IMAGES), seed).numpy() - IMAGES).reshape(3, -1).max(axis=1)
    assert (changed > 1e-3).all()


class FixedImages(keras.layers.Layer):
    """A 'generator' that ignores z and returns the training images: nothing to tell apart."""

    def __init__(self, images, **kwargs):
        super().__init__(**kwargs)
        self.images = tf.constant(images)
        self.scale = self.add_weight(shape=(), initializer="ones", name="scale")

    def call(self, z):
        return self.images[:tf.shape(z)[0]] * self.scale


def _run_ada(generator_layer, images, initial_p, steps=32, d_lr=1e-3):
    keras.utils.set_random_seed(0)
    generator = keras.Sequential([keras.Input((4,)), generator_layer])
    discriminator = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(),
                                      keras.layers.Dense(32, activation="relu"),
                                      keras.layers.Dense(1)])
    gan = GAN(generator, discriminator, latent_dim=4, seed=0)
    gan.compile(loss="nsgan", augment="ada:blit", g_optimizer=keras.optimizers.Adam(0.0),
                d_optimizer=keras.optimizers.Adam(d_lr),
                ada_options={"initial_p": initial_p, "speed_images": 2000, "interval": 4})
    data = tf.data.Dataset.from_tensors(images).repeat()
    history = gan.fit(data, steps_per_epoch=4, epochs=steps // 4, verbose=0).history if steps else {}
    return gan, history  # one history row per adjustment (every 4 steps)


def test_p_rises_on_a_discriminator_that_overfits_a_tiny_set():
    images = RNG.uniform(-1, 1, (16, 8, 8, 1)).astype(np.float32)
    noise = keras.layers.Dense(64, activation="tanh")  # frozen (lr 0): easy to tell apart
    gan, history = _run_ada(keras.Sequential([noise, keras.layers.Reshape((8, 8, 1))]), images,
                            initial_p=0.0, steps=48, d_lr=1e-2)
    p = np.array(history["augment_p"])
    rt = np.array(history["augment_rt"])
    # every 4 steps p moves by 4 x 16 images / 2000 = 0.032 toward r_t's side of 0.6; once D has
    # learnt the 16 images (r_t near 1) p rises at every adjustment
    expected, level = [], 0.0
    for value in rt:  # the rule, replayed on the logged r_t
        level = min(max(level + np.sign(value - 0.6) * 0.032, 0.0), 1.0)
        expected.append(level)
    np.testing.assert_allclose(p, expected, atol=1e-5)
    assert rt[-1] > 0.6 and p[-1] >= 4 * 0.032 - 1e-6
    assert float(gan.game.augment.p.numpy()) == pytest.approx(p[-1])


def test_p_falls_on_a_discriminator_that_cannot_tell_real_from_generated():
    images = RNG.uniform(-1, 1, (16, 8, 8, 1)).astype(np.float32)
    gan, history = _run_ada(FixedImages(images), images, initial_p=0.5)
    assert (np.array(history["augment_rt"]) < 0.6).all()
    np.testing.assert_allclose(history["augment_p"], 0.5 - 0.032 * np.arange(1, 9), atol=1e-5)


def test_p_is_saved_and_restored_with_the_checkpoint(tmp_path):
    images = RNG.uniform(-1, 1, (16, 8, 8, 1)).astype(np.float32)
    gan, _ = _run_ada(FixedImages(images), images, initial_p=0.5, steps=8)
    saved_p = float(gan.game.augment.p.numpy())
    assert saved_p != 0.5
    path = tf.train.Checkpoint(**gan.checkpoint_objects()).save(str(tmp_path / "ckpt"))
    keras.utils.set_random_seed(0)
    generator = keras.Sequential([keras.Input((4,)), FixedImages(images)])
    discriminator = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(),
                                      keras.layers.Dense(32, activation="relu"),
                                      keras.layers.Dense(1)])
    fresh = GAN(generator, discriminator, latent_dim=4, seed=0)
    fresh.compile(loss="nsgan", augment="ada:blit")
    assert float(fresh.game.augment.p.numpy()) == 0.0
    tf.train.Checkpoint(**fresh.checkpoint_objects()).restore(path).assert_existing_objects_matched()
    assert float(fresh.game.augment.p.numpy()) == saved_p


@pytest.mark.parametrize("loss", ["wgan", "wgan_gp", "mmd", "ebgan"])
def test_objectives_without_a_real_fake_threshold_are_refused(loss):
    with pytest.raises(UserInputError, match=f"loss '{loss}' has none; valid losses: gan, nsgan"):
        augment.build("ada", loss)
