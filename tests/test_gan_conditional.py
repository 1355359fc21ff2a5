"""Class-conditional GANs in the trainer: (images, labels) batches under a strategy, labelled
generation, the AC-GAN term, per-class sample grids, resume, export and the CLI flag."""
import os
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from gan_testutil import one_fit_step
import tfgan_suite
from tfgan_suite import models, run
from tfgan_suite.training import callbacks, experiment
from tfgan_suite.training.experiment import TrainConfig
from tfgan_suite.utils import randomness


def labelled_batch(shared_data, n=8):
    with np.load(shared_data / "mnist.npz") as archive:
        images = archive["x_train"][:n].astype(np.float32) / 127.5 - 1
        labels = archive["y_train"][:n].astype(np.int32)
    return images, labels


def _one_step(strategy, weights, batch):
    # one critic update per batch (hinge's paper value is 5)
    return one_fit_step(strategy, weights, batch, loss="hinge", n_critic=1, num_classes=10)


def test_conditional_step_under_mirrored_strategy_equals_default(shared_data, mirrored_strategy):
    images, labels = labelled_batch(shared_data)
    generator, discriminator = models.get("dcgan28", width=8, latent_dim=16, num_classes=10)
    weights = (generator.get_weights(), discriminator.get_weights())
    logs_default, after_default = _one_step(tf.distribute.get_strategy(), weights, (images, labels))
    logs_mirrored, after_mirrored = _one_step(mirrored_strategy, weights, (images, labels))
    for key in ("d_loss", "g_loss"):
        np.testing.assert_allclose(logs_mirrored[key], logs_default[key], atol=1e-5)
    for a, b in zip(after_default, after_mirrored):
        np.testing.assert_allclose(a, b, atol=1e-5)
    # the labels take part: other labels, other update
    _, after_other = _one_step(tf.distribute.get_strategy(), weights, (images, (labels + 1) % 10))
    assert max(np.abs(a - b).max() for a, b in zip(after_default, after_other)) > 1e-5


def test_generate_with_labels_uses_the_seeded_latents():
    generator, discriminator = models.get("dcgan28", width=8, latent_dim=16, num_classes=10)
    gan = tfgan_suite.GAN(generator, discriminator, latent_dim=16)
    labels = np.array([0, 0, 4, 4, 9], np.int32)
    z = tf.random.stateless_normal([5, 16], seed=[3, 0], alg=randomness.ALG)
    expected = generator([z, tf.constant(labels)], training=False).numpy()
    np.testing.assert_allclose(gan.generate(5, seed=3, labels=labels), np.clip(expected, -1, 1),
                               atol=1e-6)


def test_auxiliary_classifier_adds_the_real_label_cross_entropy(shared_data):
    """d_loss(with AC-GAN weight w) - d_loss(w = 0) = w * CE(D's class logits on real, labels)."""
    images, labels = labelled_batch(shared_data)
    generator, discriminator = models.get("dcgan28", width=8, latent_dim=16, num_classes=10,
                                          auxiliary_classifier=True, projection=False)
    weights = (generator.get_weights(), discriminator.get_weights())
    _, logits = discriminator([tf.constant(images), tf.constant(labels)], training=True)
    cross_entropy = float(tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels, logits)))
    logs = {}
    for weight in (0.0, 2.0):
        with tf.distribute.get_strategy().scope():
            g, d = models.get("dcgan28", width=8, latent_dim=16, num_classes=10,
                              auxiliary_classifier=True, projection=False)
            g.set_weights(weights[0])
            d.set_weights(weights[1])
            gan = tfgan_suite.GAN(g, d, latent_dim=16, seed=7)
            gan.compile(loss="nsgan", auxiliary_weight=weight, auxiliary_weight_g=weight)
        logs[weight] = gan.train_on_batch(images, labels, return_dict=True)
    assert logs[2.0]["d_loss"] - logs[0.0]["d_loss"] == pytest.approx(2.0 * cross_entropy, rel=1e-4)
    assert logs[2.0]["g_loss"] > logs[0.0]["g_loss"]  # plus a (positive) cross-entropy on fakes


def test_sample_grid_has_one_row_per_class(tmp_path):
    generator, discriminator = models.get("dcgan28", width=8, latent_dim=16, num_classes=10)
    gan = tfgan_suite.GAN(generator, discriminator, latent_dim=16)
    gan.compile(loss="nsgan")
    grid = callbacks.SampleGrid(str(tmp_path), num_samples=40, num_classes=10)
    grid.set_model(gan)
    path = grid.write(str(tmp_path / "grid.png"))
    width, height = Image.open(path).size
    assert (height // 28 // 2, width // 28 // 2) == (10, 4)  # 10 rows (classes) of 4, upscaled x2


# ----------------------------------------------------------------------------- runs and the CLI
TINY = dict(model_options={"width": 8, "latent_dim": 16}, batch_size=8, log_every=5,
            checkpoint_every=5, sample_every=1000, verbose=0, seed=3, num_classes=10, loss="hinge",
            n_critic=1)


def test_conditional_run_resumes_bit_exact_and_exports_labels(tmp_path):
    straight = experiment.train(TrainConfig(workdir=str(tmp_path / "a"), steps=10, **TINY))
    workdir = str(tmp_path / "b")
    experiment.train(TrainConfig(workdir=workdir, steps=5, **TINY))
    resumed = experiment.train(TrainConfig(workdir=workdir, steps=10, **TINY))
    for a, b in zip(straight["gan"].generator.get_weights() + straight["gan"].discriminator.get_weights(),
                    resumed["gan"].generator.get_weights() + resumed["gan"].discriminator.get_weights()):
        np.testing.assert_array_equal(a, b)
    loaded = tf.saved_model.load(resumed["generator_path"])
    images = loaded.signatures["sample"](n=tf.constant(3), seed=tf.constant(1, tf.int64),
                                         labels=tf.constant([0, 5, 9]))["images"]
    np.testing.assert_allclose(images.numpy(), resumed["gan"].generate(3, 1, labels=[0, 5, 9]),
                               atol=1e-5)


def test_cli_num_classes_flag_and_unlabelled_data(tmp_path):
    flags = run.FLAGS
    flags.unparse_flags()
    flags(["run", "--num_classes=10", f"--workdir={tmp_path / 'w'}"])
    try:
        assert run.config_from_flags().num_classes == 10
    finally:
        flags.unparse_flags()
    np.savez(tmp_path / "unlabelled.npz", x_train=np.zeros((16, 28, 28, 1), np.uint8))
    result = subprocess.run([sys.executable, "-m", "tfgan_suite.run", "--num_classes=10",
                             f"--dataset={tmp_path / 'unlabelled.npz'}", f"--workdir={tmp_path / 'w'}"],
                            capture_output=True, text=True, timeout=600,
                            env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 2 and len(lines) == 1 and "has no labels" in lines[0], result.stderr
    assert not (tmp_path / "w").exists()


def test_ema_copy_of_a_conditional_resnet_generator(shared_data):
    images, labels = labelled_batch(shared_data, n=4)
    images = np.repeat(np.pad(images, ((0, 0), (2, 2), (2, 2), (0, 0)), constant_values=-1), 3, -1)
    generator, discriminator = models.get("sngan_resnet", num_classes=10)
    gan = tfgan_suite.GAN(generator, discriminator, latent_dim=128)
    gan.compile(loss="hinge", n_critic=1, ema_decay=0.5, run_eagerly=True)
    gan.train_on_batch(images, labels)
    samples = gan.generate(2, seed=0, labels=[1, 2])
    assert samples.shape == (2, 32, 32, 3)
    assert not np.allclose(samples, gan.generate(2, seed=0, labels=[1, 2], use_ema=False))


def test_distributed_labels_follow_their_images(mirrored_strategy):
    from tfgan_suite.training import distribute

    ids = np.arange(8, dtype=np.float32)
    dataset = tf.data.Dataset.from_tensors((ids[:, None] * np.ones((8, 2), np.float32),
                                            ids.astype(np.int32))).repeat(1)
    element = next(iter(distribute.distribute_batches(mirrored_strategy, dataset, n_critic=2)))
    images, labels = element
    shards = zip(mirrored_strategy.experimental_local_results(images),
                 mirrored_strategy.experimental_local_results(labels))
    seen = []
    for shard_images, shard_labels in shards:
        np.testing.assert_array_equal(shard_images.numpy()[:, 0], shard_labels.numpy())
        seen += shard_labels.numpy().tolist()
    assert sorted(seen) == list(range(8))
