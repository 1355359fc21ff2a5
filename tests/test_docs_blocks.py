"""Every ```python block of docs/*.md runs (as README.md's do, tests/test_readme.py): each doc's
blocks in order, in one fresh Python process, after a prelude that defines the names the doc's
prose leaves to the reader (a dataset, a trained GAN, image arrays, an exported generator), with
tiny counts and the shared data substituted in. A doc gaining a block without an entry here fails."""
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from gan_testutil import TORCHSCRIPT
from test_readme import BLOCK, padded

DOCS = Path(__file__).resolve().parents[1] / "docs"

TINY_GAN = """
import numpy as np, keras, tfgan_suite
keras.utils.set_random_seed(0)
generator, discriminator = tfgan_suite.models.get("dcgan28", width=8, latent_dim=128)
gan = tfgan_suite.GAN(generator, discriminator, latent_dim=128, seed=0)
gan.compile(loss="nsgan")
"""

# doc -> (prelude, [(what the doc says, what the test runs)]); every substitution must match
CASES = {
    "augment.md": ("", []),  # its blocks are already tiny (a few steps on the bundled subset)
    "keras.md": ("import tensorflow as tf\ndataset = tf.data.Dataset.range(4)\n", []),
    "metrics.md": (TINY_GAN + """
real_images_uint8 = np.load(SHARED + "/mnist.npz")["x_test"][:20]
np.savez("samples.npz", x_train=np.load(SHARED + "/mnist.npz")["x_train"][:20])
real_x = real_images_uint8.astype(np.float32) / 127.5 - 1
generated_x = gan.generate(20, seed=1)
""", [('metrics.fid("cifar10", gan, num_samples=10000, inception_weights="{w}")'.format(w=TORCHSCRIPT),
       'metrics.fid(SHARED + "/cifar10.npz", gan, num_samples=12, progress=False, '
       'inception_weights=SHARED + "/{w}")'.format(w=TORCHSCRIPT)),
      ("return_std=True)", 'return_std=True, num_subsets=2, max_subset_size=10, progress=False, '
                           'inception_weights=SHARED + "/{w}")'.format(w=TORCHSCRIPT))]),
    "scale.md": (TINY_GAN + """
from tfgan_suite import export
export.export_generator(generator, "runs/x/generator", 128)
""", []),
    "sgan.md": ("", [('models.get("dcgan28")', 'models.get("dcgan28", width=8)'),
                     ("steps_per_epoch=1000", "steps_per_epoch=2")]),
}


def doc_blocks(name):
    text = (DOCS / name).read_text(encoding="utf-8")
    return [(text[:m.start()].count("\n") + 2, m.group(1)) for m in BLOCK.finditer(text)]


def test_every_doc_with_python_blocks_has_a_case():
    assert {p.name for p in DOCS.glob("*.md") if doc_blocks(p.name)} == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_doc_blocks_run(name, tmp_path, shared_data):
    prelude, substitutions = CASES[name]
    blocks, used = [], set()
    for line, source in doc_blocks(name):
        for old, new in substitutions:
            if old in source:
                used.add(old)
                source = source.replace(old, new)
        blocks.append((line, source))
    assert used == {old for old, _ in substitutions}, "a substitution no longer matches the doc"
    script = f"SHARED = {str(shared_data)!r}\nnamespace = {{'SHARED': SHARED}}\n" + \
        f"exec({prelude!r}, namespace)\n" + "".join(
            f"exec(compile({padded(line, source)!r}, {'docs/' + name!r}, 'exec'), namespace)\n"
            for line, source in blocks)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", TFGAN_SUITE_CACHE=str(tmp_path / "cache"))
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, textwrap.shorten(result.stdout, 300) + result.stderr[-3000:]
