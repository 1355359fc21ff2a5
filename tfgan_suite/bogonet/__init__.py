"""BogoNet (Kodali et al., 2017, "On Convergence and Stability of GANs", DRAGAN): judge GAN objectives
over many random architectures instead of one tuned network.

* :mod:`~tfgan_suite.bogonet.sampler`: the seeded architecture distribution (specs as JSON-able dicts).
* :mod:`~tfgan_suite.bogonet.runner`: one (architecture, objective) run, in process, scored and flagged.
* :mod:`~tfgan_suite.bogonet.scorers`: more ``--metric`` choices (swd, coverage, ms_ssim_gap).
* :mod:`~tfgan_suite.bogonet.summary`: pure aggregation (means, failure rates, the win matrix).
* :mod:`~tfgan_suite.bogonet.sweep`: the job list, sharding, resume, atomic result files.
* :mod:`~tfgan_suite.bogonet.plots`: score distributions and the win-matrix heatmap (PNG).
* ``python -m tfgan_suite.bogonet``: the command line (``__main__.py``).
"""
from tfgan_suite.bogonet import scorers  # noqa: E402,F401  (registers swd, coverage, ms_ssim_gap)
