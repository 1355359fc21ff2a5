"""bCR, zCR and LeCam against hand computations (numpy), their wiring into the step (zCR's generator
term, LeCam's anchors in checkpoints) and one XLA step with each."""
import numpy as np
import pytest
import tensorflow as tf

from tfgan_suite import penalties
from tfgan_suite.errors import UserInputError
from tfgan_suite.penalties import consistency
from gan_testutil import tiny_dense_gan
from tfgan_suite.utils import randomness

RNG = np.random.default_rng(2)
REAL = RNG.uniform(-1, 1, (6, 8, 8, 1)).astype(np.float32)
FAKE = RNG.uniform(-1, 1, (6, 8, 8, 1)).astype(np.float32)
W = RNG.normal(size=(64,)).astype(np.float32)
SEED = tf.constant([7, 8], tf.int64)


def linear_d(x, training=False):
    del training
    return tf.reshape(x, [tf.shape(x)[0], -1]) @ tf.constant(W[:, None])


def np_d(x):
    return x.reshape(len(x), -1) @ W[:, None]


def test_consistency_transform_is_a_flip_then_the_translation():
    out = consistency.consistency_transform(tf.constant(REAL), SEED).numpy()
    flip_seed, shift_seed = tf.unstack(tf.random.experimental.stateless_split(SEED, 2))
    flipped = randomness.replica_uniform([6], flip_seed).numpy() < 0.5
    assert 0 < flipped.sum() < 6  # both cases occur with this seed
    for i in range(6):
        source = REAL[i, :, ::-1] if flipped[i] else REAL[i]
        # the translation of the flipped image: some integer shift with zero padding
        candidates = [np.roll(np.roll(source, -r, 0), -c, 1) for r in range(-1, 2) for c in range(-1, 2)]
        moved = out[i]
        assert any(np.array_equal(moved[2:-2, 2:-2], cand[2:-2, 2:-2]) for cand in candidates)


def test_bcr_is_the_weighted_squared_consistency_gap():
    penalty = penalties.get("bcr", weight_real=10.0, weight_fake=2.0)
    outputs = (linear_d(REAL), linear_d(FAKE))
    value = float(penalty(linear_d, tf.constant(REAL), tf.constant(FAKE), SEED, outputs=outputs))
    real_seed, fake_seed = tf.unstack(tf.random.experimental.stateless_split(SEED, 2))
    t_real = consistency.consistency_transform(tf.constant(REAL), real_seed).numpy()
    t_fake = consistency.consistency_transform(tf.constant(FAKE), fake_seed).numpy()
    expected = (10.0 * np.mean((np_d(REAL) - np_d(t_real)) ** 2)
                + 2.0 * np.mean((np_d(FAKE) - np_d(t_fake)) ** 2))
    assert value == pytest.approx(expected, rel=1e-5)
    assert expected > 0


def test_bcr_reflect_padding_mirrors_the_border_instead_of_zeros():
    penalty = penalties.get("bcr", weight_real=1.0, weight_fake=0.0, padding="reflect")
    outputs = (linear_d(REAL), linear_d(FAKE))
    value = float(penalty(linear_d, tf.constant(REAL), tf.constant(FAKE), SEED, outputs=outputs))
    real_seed, _ = tf.unstack(tf.random.experimental.stateless_split(SEED, 2))
    flip_seed, shift_seed = tf.unstack(tf.random.experimental.stateless_split(real_seed, 2))
    flipped = randomness.replica_uniform([6], flip_seed).numpy() < 0.5
    rows_seed, cols_seed = tf.unstack(tf.random.experimental.stateless_split(shift_seed, 2))
    shift_r, shift_c = (randomness.replica_uniform([6], s, minval=-1, maxval=2, dtype=tf.int32).numpy()
                        for s in (rows_seed, cols_seed))
    expected_images = []
    for i in range(6):
        source = REAL[i, :, ::-1] if flipped[i] else REAL[i]
        padded = np.pad(source, [(1, 1), (1, 1), (0, 0)], mode="reflect")
        expected_images.append(padded[1 + shift_r[i]:9 + shift_r[i], 1 + shift_c[i]:9 + shift_c[i]])
    assert (shift_r != 0).any() and (shift_c != 0).any()
    expected = np.mean((np_d(REAL) - np_d(np.stack(expected_images))) ** 2)
    assert value == pytest.approx(expected, rel=1e-5)
    with pytest.raises(UserInputError, match="'edge'"):
        penalties.get("bcr", padding="edge")


def test_zcr_discriminator_and_generator_terms():
    penalty = penalties.get("zcr", weight_dis=5.0, weight_gen=0.5, sigma=0.03)
    a = RNG.normal(size=(4, 64)).astype(np.float32)
    z = tf.constant(RNG.normal(size=(6, 4)).astype(np.float32))

    def generator(latents, training=False):
        del training
        return tf.reshape(latents @ tf.constant(a), [-1, 8, 8, 1])

    fake = generator(z)
    value = float(penalty(linear_d, None, fake, SEED, outputs=(None, linear_d(fake)),
                          source=(generator, z)))
    dz = 0.03 * randomness.replica_normal([6, 4], SEED).numpy()
    g, g_pert = z.numpy() @ a, (z.numpy() + dz) @ a
    expected = 5.0 * np.mean((g @ W - g_pert @ W) ** 2)
    assert value == pytest.approx(expected, rel=1e-4)
    term = float(penalty.generator_term(generator, z, fake, SEED))
    assert term == pytest.approx(-0.5 * np.mean((g - g_pert) ** 2), rel=1e-4)


def test_lecam_anchors_and_value_by_hand():
    penalty = penalties.get("lecam", weight=0.3, decay=0.9, start=2)
    batches = [(RNG.normal(1.0, 1.0, 8), RNG.normal(-1.0, 1.0, 8)) for _ in range(4)]
    anchor_real = anchor_fake = None
    for k, (real, fake) in enumerate(batches):
        value = float(penalty(None, None, None, SEED, outputs=(tf.constant(real, tf.float32),
                                                              tf.constant(fake, tf.float32))))
        rate = 0.0 if k < 2 else 0.9  # warm-up: the anchor is the last batch mean
        anchor_real = real.mean() if anchor_real is None else rate * anchor_real + (1 - rate) * real.mean()
        anchor_fake = fake.mean() if anchor_fake is None else rate * anchor_fake + (1 - rate) * fake.mean()
        expected = 0.0 if k < 2 else 0.3 * (np.mean(np.maximum(real - anchor_fake, 0) ** 2)
                                            + np.mean(np.maximum(anchor_real - fake, 0) ** 2))
        assert value == pytest.approx(expected, rel=1e-5, abs=1e-7), k
    anchors = [float(v.numpy()) for v in penalty.variables[:2]]
    np.testing.assert_allclose(anchors, [anchor_real, anchor_fake], rtol=1e-5)
    assert int(penalty.variables[2].numpy()) == 4


def test_lecam_two_sided_is_equation_3():
    penalty = penalties.get("lecam", weight=1.0, start=0, one_sided=False)
    real, fake = np.array([0.5, 2.0, -1.0]), np.array([-0.5, 1.0, 0.0])
    value = float(penalty(None, None, None, SEED, outputs=(tf.constant(real, tf.float32),
                                                          tf.constant(fake, tf.float32))))
    # first update: the anchors are the batch means
    expected = np.mean((real - fake.mean()) ** 2) + np.mean((fake - real.mean()) ** 2)
    assert value == pytest.approx(expected, rel=1e-6)


def _tiny_gan(penalty, jit=False, augment=None, **options):
    return tiny_dense_gan(penalty=penalty, penalty_options=options, jit_compile=jit,
                          augment=augment)


def test_zcr_generator_term_reaches_the_generator_update():
    """The generator's gradient includes -weight_gen ||G(z) - G(z')||^2: with weight_gen the only
    difference, the generator moves differently."""
    data = tf.data.Dataset.from_tensors(REAL).repeat()
    moved = []
    for weight_gen in (0.0, 50.0):
        gan = _tiny_gan("zcr", weight_gen=weight_gen)
        gan.fit(data, steps_per_epoch=1, epochs=1, verbose=0)
        moved.append(np.concatenate([v.numpy().ravel() for v in gan.generator.trainable_variables]))
    assert np.abs(moved[0] - moved[1]).max() > 1e-6


def test_one_xla_step_with_augmentation_and_every_new_penalty():
    data = tf.data.Dataset.from_tensors(REAL).repeat()
    gan = _tiny_gan(["bcr", "zcr", "lecam"], jit=True, augment="translation,cutout")
    history = gan.fit(data, steps_per_epoch=2, epochs=1, verbose=0).history
    assert np.isfinite(history["d_loss"][0]) and history["penalty"][0] > 0
    lecam_updates = gan.checkpoint_objects()["training_state"][2]
    assert int(lecam_updates.numpy()) == 2  # two discriminator updates counted, saved with the run
