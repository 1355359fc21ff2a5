"""More BogoNet scores (``--metric=``), each a number where lower is better, registered in
:data:`tfgan_suite.bogonet.runner.SCORERS` beside ``domain_fd`` and ``fid``:

* ``swd``: sliced Wasserstein distance x1e3, average over resolutions (Karras et al. 2018), real test
  images against as many generated ones;
* ``coverage`` / ``domain_coverage``: ``1 - coverage`` (Naeem et al. 2020, k = 5) in Inception /
  domain-classifier (MNIST, Fashion-MNIST) features; coverage rewards samples near many distinct real
  images, so it falls with both poor fidelity and mode dropping;
* ``ms_ssim_gap``: ``|MS-SSIM diversity(generated) - MS-SSIM diversity(real)|`` over 200 random pairs
  each (Odena et al. 2017): too similar (collapse) and too noisy samples both score high.
"""
from tfgan_suite.bogonet.runner import SCORERS, domain_name

MS_SSIM_PAIRS = 200


@SCORERS.register("swd")
def swd_scorer(real, settings):
    """Sliced Wasserstein distance x1e3 (``avg`` over the pyramid levels); seeded by ``settings.seed``."""
    from tfgan_suite.metrics.sliced_wasserstein import sliced_wasserstein_from_images

    return lambda generated: sliced_wasserstein_from_images(real, generated[:len(real)], seed=settings.seed)["avg"]


def _one_minus_coverage(real_features, features_fn):
    from tfgan_suite.metrics.precision_recall import precision_recall_density_coverage

    return lambda generated: 1.0 - precision_recall_density_coverage(real_features, features_fn(generated))["coverage"]


@SCORERS.register("domain_coverage")
def domain_coverage_scorer(real, settings):
    """``1 - coverage`` in the shipped MNIST/Fashion-MNIST classifier's 128-d features."""
    from tfgan_suite.metrics.domain import domain_classifier

    classifier = domain_classifier(domain_name(settings))
    return _one_minus_coverage(classifier.features(real), classifier.features)


@SCORERS.register("coverage")
def coverage_scorer(real, settings):
    """``1 - coverage`` in Inception pool_3 features (slow on CPU)."""
    from tfgan_suite.metrics.api import inception_features

    features = lambda images: inception_features(images, progress=False)  # noqa: E731
    return _one_minus_coverage(features(real), features)


@SCORERS.register("ms_ssim_gap")
def ms_ssim_gap_scorer(real, settings):
    """Distance between the generated and the real sets' MS-SSIM diversity."""
    from tfgan_suite.metrics.structural_similarity import ms_ssim_diversity

    real_diversity = ms_ssim_diversity(real, num_pairs=MS_SSIM_PAIRS, seed=settings.seed)
    return lambda generated: abs(ms_ssim_diversity(generated, num_pairs=MS_SSIM_PAIRS, seed=settings.seed)
                                 - real_diversity)
