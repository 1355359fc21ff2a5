"""Trainers: the single-pair ``GAN`` model, its callbacks and the experiment runner."""
from tfgan_suite.training import callbacks
from tfgan_suite.training.gan import GAN
