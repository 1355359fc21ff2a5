"""Metrics of class-conditional generators: intra-class FID and conditional classification accuracy.

* :func:`intra_fid` (Miyato & Koyama 2018, sec. 5, "intra-FID"): the FID between the real images of
  class ``c`` and samples conditioned on ``c``, averaged over the classes,
  ``intra-FID = (1 / K) sum_c FID(real_c, G(z, c))``. Unlike FID of the pooled samples, it is large
  when a generator draws good images of the *wrong* class.
* :func:`conditional_accuracy`: how often a domain classifier (the shipped MNIST / Fashion-MNIST
  nets of :mod:`tfgan_suite.metrics.domain`) labels a sample conditioned on ``c`` as ``c``:
  ``acc = (1 / K) sum_c mean_i [argmax f(G(z_i, c)) = c]`` (balanced over classes).

A *conditional generator* is an object with ``generate(n, seed, labels=...)`` (``tfgan_suite.GAN``)
or a callable ``f(n, seed, labels)``, returning images in [-1, 1] (``labels``: int array of ``n``).
"""
import numpy as np

from tfgan_suite.metrics import api, sources


def class_sampler(generator, label):
    """A metrics source ``f(n, seed)`` drawing ``n`` samples of class ``label`` from ``generator``."""
    draw = generator.generate if hasattr(generator, "generate") else generator
    if not callable(draw):
        raise sources.SourceError(f"a conditional generator must have generate(n, seed, labels=...) "
                                  f"or be a callable f(n, seed, labels); got {type(generator).__name__}")

    def sample(n, seed=0):
        return draw(int(n), seed, labels=np.full(int(n), int(label), np.int32))

    return sample


def labelled_real(real, split="train"):
    """``(images, int labels)`` from a pair of arrays or a labelled dataset name / path."""
    if isinstance(real, (tuple, list)) and len(real) == 2:
        images, labels = real
    else:
        from tfgan_suite import data  # pylint: disable=import-outside-toplevel

        images, labels = data.raw(real, split, labels=True)
    images, labels = np.asarray(images), np.asarray(labels).astype(np.int64).reshape(-1)
    if len(images) != len(labels):
        raise sources.SourceError(f"{len(labels)} labels for {len(images)} real images")
    return images, labels


def intra_fid(real, generator, num_classes=None, num_samples=None, batch_size=50, seed=0,
              classifier="inception", inception_weights=None, split="train", progress=True,
              return_per_class=False):
    """Intra-class FID: the mean over classes of FID(real images of c, samples conditioned on c).

    Args:
      real: ``(images, labels)`` arrays, or a labelled dataset name or path (``tfgan_suite.data``).
      generator: a conditional generator (see the module docstring).
      num_classes: classes to average over (default: ``max(labels) + 1``); each needs >= 2 images.
      num_samples: samples per class (default: as many as the class has real images; the projection
        paper used 5,000 per class on ImageNet). FID is biased at small N: compare equal N only.
      classifier: "inception", or "mnist" / "fashion_mnist" for the fast domain Fréchet distance.
      return_per_class: also return the list of per-class FIDs.
    """
    images, labels = labelled_real(real, split)
    num_classes = int(num_classes or labels.max() + 1)
    per_class = []
    for label in range(num_classes):
        real_c = images[labels == label]
        if len(real_c) < 2:
            raise sources.SourceError(f"class {label} has {len(real_c)} real images; intra-FID needs "
                                      f"at least 2 per class")
        count = int(num_samples or len(real_c))
        per_class.append(api.fid(real_c, class_sampler(generator, label), num_samples=count,
                                 batch_size=batch_size, seed=seed + 1000 * label,
                                 classifier=classifier, inception_weights=inception_weights,
                                 progress=progress, cache_reference=False, num_real=len(real_c)))
    mean = float(np.mean(per_class))
    return (mean, per_class) if return_per_class else mean


def conditional_accuracy(generator, num_classes=10, samples_per_class=100, seed=0, dataset="mnist",
                         return_per_class=False):
    """The fraction of samples conditioned on ``c`` that ``dataset``'s domain classifier labels ``c``,
    averaged over the ``num_classes`` classes (``samples_per_class`` samples each)."""
    from tfgan_suite.metrics import domain  # pylint: disable=import-outside-toplevel

    classifier = domain.domain_classifier(dataset)
    per_class = []
    for label in range(int(num_classes)):
        samples = class_sampler(generator, label)(samples_per_class, seed + label)
        predicted = np.argmax(classifier.logits(np.asarray(samples, np.float32)), axis=1)
        per_class.append(float(np.mean(predicted == label)))
    mean = float(np.mean(per_class))
    return (mean, per_class) if return_per_class else mean
