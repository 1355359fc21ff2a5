"""Reproduction suites: every objective trained with its paper settings on one data set under one
budget, scored, and tabulated (``python -m tfgan_suite.reproduce``; docs/results.md).

* :mod:`tfgan_suite.reproduce.suites`: the suites as data (data set, architectures, budget, protocol);
* :mod:`tfgan_suite.reproduce.runner`: one run (training entry point + scoring) -> a record;
* :mod:`tfgan_suite.reproduce.report`: records -> results.json / results.md, and the published docs.

Resume, sharding and atomic record files are BogoNet's (:mod:`tfgan_suite.bogonet.sweep`).
"""
