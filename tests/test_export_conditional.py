"""Export of a class-conditional generator: serving_default(z, labels) and sample(n, seed, labels)
in a process without tfgan_suite."""
import os
import subprocess
import sys
import textwrap

import numpy as np
import tensorflow as tf

from tfgan_suite import export, models
from tfgan_suite.layers.conditional import ConditionalBatchNormalization


def test_conditional_signatures_take_one_label_per_sample(tmp_path):
    generator, _ = models.get("dcgan28", width=8, latent_dim=16, num_classes=10)
    for layer in generator.layers:  # distinct classes: move the embeddings off (1, 0)
        if isinstance(layer, ConditionalBatchNormalization):
            layer.gammas.embeddings.assign(tf.random.stateless_normal((10, layer.gammas.output_dim), [1, 2]))
    path = export.export_generator(generator, str(tmp_path / "generator"), 16)
    z = np.random.default_rng(1).normal(size=(4, 16)).astype(np.float32)
    labels = tf.constant([0, 3, 3, 9], tf.int32)
    np.save(tmp_path / "z.npy", z)
    script = textwrap.dedent(f"""
        import sys, numpy as np, tensorflow as tf
        loaded = tf.saved_model.load({path!r})
        z = np.load({str(tmp_path / 'z.npy')!r})
        served = loaded.signatures["serving_default"](z=tf.constant(z), labels=tf.constant({labels.numpy().tolist()}))
        sampled = loaded.signatures["sample"](n=tf.constant(4), seed=tf.constant(7, tf.int64),
                                              labels=tf.constant({labels.numpy().tolist()}))
        np.save({str(tmp_path / 'served.npy')!r}, served["images"].numpy())
        np.save({str(tmp_path / 'sampled.npy')!r}, sampled["images"].numpy())
        assert not any(m.startswith("tfgan_suite") for m in sys.modules)
    """)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    expected = generator([tf.constant(z), labels], training=False).numpy()
    np.testing.assert_allclose(np.load(tmp_path / "served.npy"), expected, atol=1e-6)
    assert np.abs(expected[1] - generator([tf.constant(z[1:2]), tf.constant([5])]).numpy()[0]).max() > 1e-4
    z7 = tf.random.stateless_normal([4, 16], seed=[7, 0], alg="philox")  # sample's draw of seed 7
    np.testing.assert_allclose(np.load(tmp_path / "sampled.npy"),
                               generator([z7, labels], training=False).numpy(), atol=1e-5)
