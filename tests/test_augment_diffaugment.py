"""DiffAugment: the ops against an independent numpy re-implementation of the authors' TF ops
(mit-han-lab/data-efficient-gans, DiffAugment_tf.py: pad by one pixel, clip the shifted index into the
padding; cutout by scattering ones at clipped coordinates), the random draws' ranges, stateless keying,
and the wiring: every discriminator call of both updates sees augmented images and the generator's
gradient flows through them."""
import numpy as np
import pytest
import tensorflow as tf

from tfgan_suite import augment
from tfgan_suite.augment import diffaugment
from tfgan_suite.errors import UserInputError
from tfgan_suite.training import step
from gan_testutil import tiny_dense_gan

RNG = np.random.default_rng(0)
IMAGES = RNG.uniform(-1, 1, (5, 9, 7, 2)).astype(np.float32)  # odd, non-square sides


def authors_translation(x, tx, ty):
    """The authors' semantics: pad one zero row/col each side, gather index clip(i + t + 1, 0, H + 1)."""
    b, h, w, _ = x.shape
    padded = np.pad(x, [(0, 0), (1, 1), (0, 0), (0, 0)])
    rows = np.clip(np.arange(h)[None, :] + tx[:, None] + 1, 0, h + 1)
    x = np.stack([padded[i, rows[i]] for i in range(b)])
    padded = np.pad(x, [(0, 0), (0, 0), (1, 1), (0, 0)])
    cols = np.clip(np.arange(w)[None, :] + ty[:, None] + 1, 0, w + 1)
    return np.stack([padded[i][:, cols[i]] for i in range(b)])


def authors_cutout(x, offset_x, offset_y, ratio=0.5):
    b, h, w, _ = x.shape
    size = (int(h * ratio + 0.5), int(w * ratio + 0.5))
    mask = np.ones((b, h, w), np.float32)
    for i in range(b):
        for gx in range(size[0]):
            for gy in range(size[1]):
                r = min(max(gx + offset_x[i] - size[0] // 2, 0), h - 1)
                c = min(max(gy + offset_y[i] - size[1] // 2, 0), w - 1)
                mask[i, r, c] = 0.0  # scatter of ones, then 1 - ones
    return x * mask[..., None]


def test_translation_equals_the_authors_op_on_fixed_draws():
    tx = np.array([-1, 0, 1, -3, 3])  # shifts up to and beyond the 1/8 range, both signs
    ty = np.array([1, -1, 0, 2, -7])
    ours = diffaugment.translate(tf.constant(IMAGES), tf.constant(tx), tf.constant(ty)).numpy()
    np.testing.assert_array_equal(ours, authors_translation(IMAGES, tx, ty))
    assert np.abs(ours - IMAGES).max() > 0


def test_reflect_translation_equals_numpy_reflect_padding():
    """``padding="reflect"`` (bCR's option) against ``np.pad(mode="reflect")`` then a crop."""
    tx = np.array([-1, 0, 1, -3, 3])
    ty = np.array([1, -1, 0, 2, -6])  # |shift| < side, both signs
    ours = diffaugment.translate(tf.constant(IMAGES), tf.constant(tx), tf.constant(ty),
                                 padding="reflect").numpy()
    m = 6
    for i in range(len(IMAGES)):
        padded = np.pad(IMAGES[i], [(m, m), (m, m), (0, 0)], mode="reflect")
        expected = padded[m + tx[i]:m + tx[i] + 9, m + ty[i]:m + ty[i] + 7]
        np.testing.assert_array_equal(ours[i], expected)
    zeros = diffaugment.translate(tf.constant(IMAGES), tf.constant(tx), tf.constant(ty)).numpy()
    assert (ours != zeros).any()  # the border differs from zero padding


def test_unknown_padding_is_one_line_naming_the_choices():
    with pytest.raises(UserInputError, match=r"'edge'; valid choices: zeros, reflect"):
        diffaugment.check_padding("edge")


def test_cutout_equals_the_authors_op_on_fixed_draws():
    size_r, size_c = int(9 * 0.5 + 0.5), int(7 * 0.5 + 0.5)  # 5, 4
    offset_x = np.array([0, 4, 9, 2, 8])  # the full range [0, H + 1 - size % 2): corners included
    offset_y = np.array([0, 3, 7, 6, 1])
    ours = diffaugment.cutout(tf.constant(IMAGES), tf.constant(offset_x), tf.constant(offset_y),
                              size_r, size_c).numpy()
    np.testing.assert_array_equal(ours, authors_cutout(IMAGES, offset_x, offset_y))


def test_random_versions_draw_the_authors_ranges_and_apply_those_draws():
    images = tf.ones([400, 28, 28, 1])
    seed = tf.constant([3, 4], tf.int64)
    shifted = diffaugment.random_translation(images, seed).numpy()
    # a shift by t leaves |t| zero rows: at 28x28, t in {-4..4} (int(28/8 + 0.5) = 4)
    zero_rows = (shifted[..., 0].sum(axis=2) == 0).sum(axis=1)
    assert set(zero_rows) == set(range(5))
    cut = diffaugment.random_cutout(images, seed).numpy()[..., 0]
    holes = (cut == 0).sum(axis=(1, 2))
    assert holes.max() == 14 * 14 and holes.min() >= 7 * 7  # a 14x14 square, clipped at borders
    # the same seed gives the same images (stateless), another seed others
    np.testing.assert_array_equal(shifted, diffaugment.random_translation(images, seed).numpy())
    other = diffaugment.random_translation(images, tf.constant([3, 5], tf.int64)).numpy()
    assert np.abs(other - shifted).max() > 0


def test_color_ops_follow_their_formulas():
    x = tf.constant(IMAGES)
    u = tf.constant(RNG.uniform(0, 1, (5, 1, 1, 1)).astype(np.float32))
    np.testing.assert_allclose(diffaugment.brightness(x, u), IMAGES + (u.numpy() - 0.5), atol=1e-6)
    channel_mean = IMAGES.mean(axis=3, keepdims=True)
    np.testing.assert_allclose(diffaugment.saturation(x, u),
                               (IMAGES - channel_mean) * 2 * u.numpy() + channel_mean, atol=1e-6)
    image_mean = IMAGES.mean(axis=(1, 2, 3), keepdims=True)
    np.testing.assert_allclose(diffaugment.contrast(x, u),
                               (IMAGES - image_mean) * (u.numpy() + 0.5) + image_mean, atol=1e-6)


def test_policy_names_are_checked():
    assert augment.build("translation, cutout").policies == ("translation", "cutout")
    assert augment.build("none") is None and augment.build(None) is None
    with pytest.raises(UserInputError, match="unknown augment 'flip'.*translation"):
        augment.build("flip")


def _tiny_gan(augmentation, update="alternating"):
    return tiny_dense_gan(augment=augmentation, update=update)


def test_generator_gradient_flows_through_the_augmentation():
    gan = _tiny_gan("translation,cutout")
    z = tf.random.normal([8, 4])
    seed = tf.constant([1, 2], tf.int64)
    with tf.GradientTape() as tape:
        fake = gan.generator(z, training=True)
        loss = step.generator_loss(gan.game, gan.discriminator, None, fake, seed=seed)
    grads = tape.gradient(loss, gan.generator.trainable_variables)
    assert all(g is not None and np.isfinite(g.numpy()).all() for g in grads)
    assert max(float(tf.reduce_max(tf.abs(g))) for g in grads) > 0
    # and the loss is the one of the augmented images: D(T(G(z))) differs from D(G(z))
    plain = gan.game.objective.generator_loss(None, gan.discriminator(fake))
    seen = gan.discriminator(gan.game.augment(fake, augment.pass_seed(seed, augment.SALT_FAKE)))
    np.testing.assert_allclose(loss, gan.game.objective.generator_loss(None, seen), rtol=1e-6)
    assert abs(float(plain) - float(loss)) > 1e-6


class Blank:
    """An augmentation that maps every image to zeros (times the images, so a gradient exists and
    is 0): a discriminator call that does not go through it would see the data."""

    variables = ()

    def __call__(self, images, seed):
        del seed
        return images * 0.0

    def observe(self, real_outputs):
        pass

    def end_step(self, completed_steps):
        pass

    def logs(self):
        return {}


@pytest.mark.parametrize("update", ["alternating", "simultaneous"])
def test_every_discriminator_call_of_both_updates_sees_augmented_images(update):
    gan = _tiny_gan(Blank(), update)
    generator_before = [v.numpy().copy() for v in gan.generator.trainable_variables]
    d_out_before = float(gan.discriminator(tf.zeros([1, 8, 8, 1]))[0, 0])
    data = tf.data.Dataset.from_tensors(RNG.uniform(-1, 1, (8, 8, 8, 1)).astype(np.float32))
    logs = gan.fit(data.repeat(), steps_per_epoch=1, epochs=1, verbose=0).history
    # D judged only blank images: both halves of its loss are at D(0)
    expected = np.log1p(np.exp(-d_out_before)) + np.log1p(np.exp(d_out_before))
    np.testing.assert_allclose(logs["d_loss"][0], expected, rtol=1e-5)
    # G's loss did not depend on G: a zero gradient, so Adam left its weights where they were
    for before, after in zip(generator_before, gan.generator.trainable_variables):
        np.testing.assert_array_equal(before, after.numpy())


def test_an_xla_step_with_augmentation_matches_its_eager_twin():
    images = RNG.uniform(-1, 1, (16, 8, 8, 1)).astype(np.float32)
    data = tf.data.Dataset.from_tensors(images).repeat()
    losses = []
    for jit in (False, True):
        gan = _tiny_gan("color,translation,cutout")
        gan.compile(loss="nsgan", augment="color,translation,cutout", jit_compile=jit)
        history = gan.fit(data, steps_per_epoch=2, epochs=1, verbose=0).history
        losses.append((history["d_loss"][0], history["g_loss"][0]))
    assert np.isfinite(losses[1]).all()
    # XLA draws another stream from the same seeds (utils.randomness): close, not identical
    np.testing.assert_allclose(losses[0], losses[1], rtol=0.2)
