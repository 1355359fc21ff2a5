"""``tf.distribute`` strategies by name, and the data layout that keeps a run replica-invariant.

``make_strategy(name)`` (``--strategy=NAME``) returns:

* ``default``: no distribution (``tf.distribute.get_strategy()``);
* ``mirrored``: ``MirroredStrategy`` over every GPU, or every logical CPU when there is no GPU
  (tests split the CPU into two logical devices);
* ``multi_worker``: ``MultiWorkerMirroredStrategy``; the cluster comes from the ``TF_CONFIG``
  environment variable (``{"cluster": {"worker": ["host:port", ...]}, "task": {"type": "worker",
  "index": i}}``), every worker runs the same command;
* ``tpu``: ``TPUStrategy`` on the TPU named by ``tpu`` (``""``: the local one / ``TPU_NAME``).

Strategies are cached per process and arguments: two ``MirroredStrategy`` objects over the same
devices in one process would hand out clashing collective-op keys.

:func:`distribute_batches` hands every replica its slice of each *global* batch so that a step
under any strategy equals the single-device step (see its docstring); trainers (``GAN``, ``SGAN``)
only need their losses divided by ``num_replicas_in_sync`` and stateless randomness from
:mod:`tfgan_suite.utils.randomness`.
"""
import json
import os

import tensorflow as tf

from tfgan_suite.errors import UserInputError
from tfgan_suite.utils.registry import Registry

STRATEGIES = Registry("strategy")
_CACHE = {}


def names():
    return STRATEGIES.names()


def make_strategy(name="default", **options):
    """The ``tf.distribute.Strategy`` registered under ``name`` (cached per process and options)."""
    STRATEGIES.lookup(name)  # unknown name: one line listing the valid ones
    if name == "mirrored":
        options["devices"] = tuple(_mirrored_devices(options.get("devices")))
    key = (name, tuple(sorted((k, tuple(v) if isinstance(v, list) else v)
                              for k, v in options.items())))
    if key not in _CACHE:
        _CACHE[key] = STRATEGIES.build(name, **options)
    return _CACHE[key]


@STRATEGIES.register("default")
def _default():
    return tf.distribute.get_strategy()


def _mirrored_devices(devices=None):
    if devices is None:
        gpus = tf.config.list_logical_devices("GPU")
        devices = [d.name for d in (gpus or tf.config.list_logical_devices("CPU"))]
    return [tf.DeviceSpec.from_string(d).to_string() for d in devices]


@STRATEGIES.register("mirrored")
def _mirrored(devices=None):
    return tf.distribute.MirroredStrategy(_mirrored_devices(devices))


@STRATEGIES.register("multi_worker")
def _multi_worker():
    raw = os.environ.get("TF_CONFIG")
    if not raw:
        raise UserInputError("--strategy=multi_worker needs the TF_CONFIG environment variable "
                             "(cluster workers and this task's index); valid without it: default, "
                             "mirrored")
    try:
        spec = json.loads(raw)
        spec["cluster"]["worker"], spec["task"]["index"]  # pylint: disable=pointless-statement
    except (ValueError, KeyError, TypeError) as error:
        raise UserInputError(f"TF_CONFIG is not a valid cluster description ({error!r}); expected "
                             '{"cluster": {"worker": [...]}, "task": {"type": "worker", '
                             '"index": i}}') from None
    options = tf.distribute.experimental.CommunicationOptions(
        implementation=tf.distribute.experimental.CommunicationImplementation.AUTO)
    return tf.distribute.MultiWorkerMirroredStrategy(communication_options=options)


@STRATEGIES.register("tpu")
def _tpu(tpu=""):
    try:
        resolver = tf.distribute.cluster_resolver.TPUClusterResolver(tpu=tpu)
        tf.config.experimental_connect_to_cluster(resolver)
        tf.tpu.experimental.initialize_tpu_system(resolver)
    except (ValueError, RuntimeError, tf.errors.OpError) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise UserInputError(f"--strategy=tpu: no TPU found ({reason}); valid here: default, "
                             "mirrored") from None
    return tf.distribute.TPUStrategy(resolver)


def is_chief(strategy):
    """True for the worker that writes the run's files (always true outside multi-worker)."""
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None or not getattr(resolver, "task_type", None):
        return True
    if resolver.task_type == "chief":
        return True
    has_chief = "chief" in resolver.cluster_spec().as_dict()
    return resolver.task_type == "worker" and resolver.task_id == 0 and not has_chief


def interleave_for_replicas(batch, num_replicas, n_critic):
    """Reorders a global batch so contiguous replica slices hold each critic batch's share.

    A global batch is ``n_critic`` critic batches of ``B`` images. Replica ``r`` must receive, for
    every critic batch ``i``, images ``[i*B + r*B/R, i*B + (r+1)*B/R)`` (its slice of that batch, like
    its slice of the latent vectors). This returns the batch reshaped ``[n, R, B/R] -> [R, n, B/R]``
    and flattened, so that replica ``r`` takes rows ``[r*n*B/R, (r+1)*n*B/R)``.
    """
    if num_replicas == 1 or n_critic == 1:
        return batch
    shape = tf.shape(batch)
    per = shape[0] // (n_critic * num_replicas)
    grid = tf.reshape(batch, tf.concat([[n_critic, num_replicas, per], shape[1:]], 0))
    perm = [1, 0, 2] + list(range(3, batch.shape.rank + 2))
    return tf.reshape(tf.transpose(grid, perm), shape)


def distribute_batches(strategy, dataset, n_critic=1):
    """Distributes a dataset of *global* batches so a step equals the single-device step.

    Every input pipeline (one per worker) reads the same deterministic global batches and keeps
    its replicas' rows; replica ``r`` gets its ``1/R`` share of each of the ``n_critic`` critic
    batches (:func:`interleave_for_replicas`). Returns ``dataset`` itself for the default strategy.
    """
    num_replicas = strategy.num_replicas_in_sync
    if num_replicas == 1 and not isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
        return dataset
    specs = tf.nest.flatten(dataset.element_spec)  # images, or (images, labels)
    global_batch = specs[0].shape[0]
    if global_batch is None or global_batch % (num_replicas * n_critic):
        raise UserInputError(f"a global batch of {global_batch} images cannot be split evenly over "
                             f"{num_replicas} replicas x n_critic={n_critic}; choose --batch_size "
                             f"divisible by {num_replicas}")
    per_replica = global_batch // num_replicas

    def dataset_fn(context):
        local_replicas = num_replicas // context.num_input_pipelines
        first = context.input_pipeline_id * local_replicas

        def split_one(batch):
            batch = interleave_for_replicas(batch, num_replicas, n_critic)
            mine = batch[first * per_replica:(first + local_replicas) * per_replica]
            return tf.reshape(mine, [local_replicas, per_replica, *batch.shape[1:]])

        def split(*element):  # labels follow their images
            parts = tuple(split_one(t) for t in element)
            return parts if len(parts) > 1 else parts[0]

        # each element is one replica's batch; the strategy hands them to local replicas in order
        return dataset.map(split).unbatch().prefetch(tf.data.AUTOTUNE)

    options = tf.distribute.InputOptions(experimental_fetch_to_device=True)
    return strategy.distribute_datasets_from_function(dataset_fn, options)


def step_logs(logs):
    """Prepares a train step's ``{name: scalar}`` logs for Keras's cross-replica reduction.

    Keras reduces logs under ``MultiWorkerMirroredStrategy`` with ``strategy.reduce(MEAN, v,
    axis=0)``, which rejects scalars; there each value becomes shape ``[1]`` (reduced to a scalar
    mean). Elsewhere the logs are returned unchanged.
    """
    if isinstance(tf.distribute.get_strategy(), tf.distribute.MultiWorkerMirroredStrategy):
        return {name: tf.reshape(value, [1]) for name, value in logs.items()}
    return logs
