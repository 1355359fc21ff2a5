"""Replica-invariant randomness.

Every random draw inside a train step is *stateless*, keyed by ``(seed, step, salt)``, and is made
for the **global** batch before each replica keeps its own slice. Consequences:

* the same seed gives the same run, whatever the number of replicas (a two-device
  ``MirroredStrategy`` sees exactly the noise the default strategy sees);
* XLA (``jit_compile``) draws another stream from the same seed (see ``ALG``);
* resuming from a checkpoint restores the random stream with the step counter, so no RNG state
  needs saving.
"""
import tensorflow as tf

# One counter-based algorithm everywhere ("auto_select" may pick another one per device). Note:
# under XLA a seed that is not a compile-time constant goes through XLA's own bits->float
# conversion, so an XLA train step draws different (equally distributed) noise than a plain one.
ALG = "philox"


def step_seed(seed, step, salt):
    """A stateless-op seed (shape [2], int64) from an integer seed, a step tensor and a salt."""
    step = tf.cast(step, tf.int64)
    return tf.stack([tf.cast(seed, tf.int64), step * 1009 + tf.cast(salt, tf.int64)])


def _replica_position():
    ctx = tf.distribute.get_replica_context()
    if ctx is None:  # cross-replica context: the whole batch is local
        return 0, 1
    return ctx.replica_id_in_sync_group, ctx.num_replicas_in_sync


def _draw_for_replica(draw, local_shape, seed):
    """Draws the global batch with ``draw(shape, seed)`` and returns this replica's slice."""
    replica_id, num_replicas = _replica_position()
    local_shape = tf.unstack(tf.convert_to_tensor(local_shape, tf.int32)) if not isinstance(
        local_shape, (list, tuple)) else list(local_shape)
    local_batch = local_shape[0]
    global_shape = [local_batch * num_replicas] + list(local_shape[1:])
    values = draw(tf.stack(global_shape), seed)
    start = local_batch * replica_id
    return values[start:start + local_batch]


def replica_normal(local_shape, seed, dtype=tf.float32):
    """N(0, 1) samples of ``local_shape``: this replica's slice of one global stateless draw."""
    return _draw_for_replica(
        lambda shape, s: tf.random.stateless_normal(shape, s, dtype=dtype, alg=ALG), local_shape,
        seed)


def replica_uniform(local_shape, seed, minval=0.0, maxval=1.0, dtype=tf.float32):
    """U[minval, maxval) samples of ``local_shape``, sliced from one global stateless draw."""
    return _draw_for_replica(
        lambda shape, s: tf.random.stateless_uniform(shape, s, minval, maxval, dtype=dtype,
                                                     alg=ALG),
        local_shape, seed)
