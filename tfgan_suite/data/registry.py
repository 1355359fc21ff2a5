"""The dataset registry: dataset names -> loader functions.

A loader returns the *raw* examples of one split, before batching:

- a ``numpy.ndarray``: held in memory (uint8 NHWC images, or float32 arrays such as 2-D toy points);
- or an unbatched ``tf.data.Dataset`` of such elements, for data too large to hold in memory.

It may accept any of the keyword arguments ``split``, ``data_dir``, ``num_examples``, ``seed``,
``download``; :func:`call_loader` passes only those its signature names. A labelled dataset's loader
also accepts ``labels``: with ``labels=True`` it returns ``(images, int32 labels)`` arrays (or a
stream of pairs). uint8 images are scaled to
float32 [-1, 1] by the pipeline; float arrays are passed through unchanged.

Another module adds a dataset with::

    from tfgan_suite.data.registry import DATASETS

    @DATASETS.register("ring8")
    def ring8(num_examples=None, seed=0):
        return points  # float32 (N, 2)

and one import line in ``tfgan_suite/data/__init__.py``.
"""
import inspect

from tfgan_suite.data.errors import DatasetError
from tfgan_suite.utils.registry import Registry

LOADER_ARGUMENTS = ("split", "data_dir", "num_examples", "seed", "download", "labels")


class DatasetRegistry(Registry):
    """A :class:`Registry` whose unknown-name error is a :class:`DatasetError`."""

    def lookup(self, name):
        if name not in self:
            raise DatasetError(f"unknown dataset {name!r}; valid choices: {', '.join(self.names())}, "
                               "or a path to an .npz file, an image folder or a prepared tfds directory")
        return super().lookup(name)


DATASETS = DatasetRegistry("dataset")


def call_loader(name, **kwargs):
    """Calls the loader registered as ``name`` with the arguments of ``LOADER_ARGUMENTS`` it accepts."""
    loader = DATASETS.lookup(name)
    parameters = inspect.signature(loader).parameters
    if kwargs.get("labels") and "labels" not in parameters:
        raise DatasetError(f"dataset {name!r} has no labels; labelled sources: the tfds datasets "
                           "with a 'label' feature, .npz files with y_<split>, and folders with one "
                           "sub-folder per class")
    if not kwargs.get("labels"):
        kwargs.pop("labels", None)
    if any(p.kind is p.VAR_KEYWORD for p in parameters.values()):
        return loader(**kwargs)
    return loader(**{k: v for k, v in kwargs.items() if k in parameters})
