"""The GAN as a ``keras.Model``: ``compile`` picks the objective, ``train_step`` plays the game.

One ``train_step`` is one generator update. It receives ``n_critic * B`` real images, splits them into
``n_critic`` distinct batches of ``B``, makes one discriminator update on each, then one generator
update on ``B`` fresh latent vectors::

    for i in 1..n_critic:   L_D = d_loss(D(x_i), D(G(z_i))) + sum(penalties) [+ historical avg]
                            theta_D <- opt_D(grad L_D);  clip theta_D to [-c, c] if clip_value
    L_G = g_loss(D(x_n), D(G(z))) [+ historical avg];    theta_G <- opt_G(grad L_G);  EMA update

Under a ``tf.distribute`` strategy each replica computes its local mean loss and divides by the
number of replicas, so the summed gradients equal those of the global-batch mean; latent vectors
and penalty noise are stateless draws for the global batch (see ``utils.randomness``), so a run is
the same under any number of replicas. The step counter is ``g_optimizer.iterations``: restoring the
optimizer restores the random stream.
"""
import keras
import numpy as np
import tensorflow as tf

from tfgan_suite import losses as losses_lib
from tfgan_suite import penalties as penalties_lib
from tfgan_suite.training import distribute
from tfgan_suite.utils import randomness

_SALT_GENERATOR = 101  # salts keep the critic, generator and penalty draws of a step independent
_SALT_PENALTY = 202


def _as_list(value):
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _split_loss(value):
    """A loss returns a scalar or (scalar, {name: scalar}); always return the pair."""
    if isinstance(value, (tuple, list)):
        return value[0], dict(value[1])
    return value, {}


def _float32(outputs):
    """Discriminator outputs in float32 (mixed precision computes them in 16 bits): losses,
    penalties and their gradients stay in float32."""
    return tf.nest.map_structure(lambda t: tf.cast(t, tf.float32), outputs)


# ---------------------------------------------------------------------- step building blocks
# Shared by ``GAN`` and ``SGAN`` (``training/sgan.py``): pure functions of the networks they are given.
def num_replicas():
    """Replicas of the current strategy: each divides its local mean loss by it."""
    return tf.distribute.get_strategy().num_replicas_in_sync


def discriminator_objective(objective, discriminator, penalties, real, fake, seed):
    """``(loss, penalty, extra)`` of ``discriminator`` on ``real`` vs ``fake``; call inside a tape.

    ``loss = objective.discriminator_loss(D(real), D(fake))`` and
    ``penalty = sum_k penalties[k](D, real, fake, seed + [0, k + 1])``.
    """
    real_out = _float32(discriminator(real, training=True))
    fake_out = _float32(discriminator(fake, training=True))
    loss, extra = _split_loss(objective.discriminator_loss(real_out, fake_out))
    penalty = tf.constant(0.0)
    for index, penalty_fn in enumerate(penalties):
        penalty += tf.cast(penalty_fn(discriminator, real, fake, seed + [0, index + 1]), tf.float32)
    return loss, penalty, extra


def generator_objective(objective, discriminator, real, fake):
    """``(loss, extra)``: ``objective.generator_loss(D(real) or None, D(fake))``; call in a tape."""
    real_out = (_float32(discriminator(real, training=True))
                if objective.generator_uses_real else None)
    fake_out = _float32(discriminator(fake, training=True))
    return _split_loss(objective.generator_loss(real_out, fake_out))


def clip_weights(model, clip_value):
    """WGAN weight clipping: every trainable weight to ``[-clip_value, clip_value]`` (no-op if unset)."""
    if clip_value:
        for v in model.trainable_variables:
            v.assign(tf.clip_by_value(v, -clip_value, clip_value))


def split_real_batches(real, n_critic):
    """Splits ``n_critic * B`` real images into ``n_critic`` distinct batches of ``B``."""
    batch = real.shape[0]
    if batch is not None and batch % n_critic:
        raise ValueError(f"a train step needs n_critic * batch_size real images; got a batch of "
                         f"{batch}, not divisible by n_critic={n_critic}")
    return tf.split(real, n_critic)


def build_penalties(objective, penalty, options=None):
    """The penalty callables ``compile`` asked for: ``"auto"`` takes ``objective.defaults["penalty"]``
    (with its ``penalty_options``); names are built with ``options``; callables pass through."""
    defaults = objective.defaults
    if isinstance(penalty, str) and penalty == "auto":
        penalty = defaults.get("penalty")
    built = []
    for p in _as_list(penalty):
        if callable(p):
            built.append(p)
            continue
        kwargs = dict(defaults.get("penalty_options") or {}) if (
            p == defaults.get("penalty")) else {}
        kwargs.update(options or {})
        built.append(penalties_lib.get(p, **kwargs))
    return built


def default_optimizers(objective):
    """The optimizers the objective's paper used (TTUR: the two learning rates may differ)."""
    d = dict(objective.defaults)
    name = d.get("optimizer", "adam")

    def make(lr):
        if name == "rmsprop":
            return keras.optimizers.RMSprop(lr)
        return keras.optimizers.Adam(lr, beta_1=d.get("beta_1", 0.5), beta_2=d.get("beta_2", 0.999))

    return make(d.get("lr_d", 2e-4)), make(d.get("lr_g", 2e-4))


class GAN(keras.Model):
    """A generator and a discriminator trained against each other.

    Args:
      generator: ``keras.Model`` mapping ``(batch, latent_dim)`` to images in [-1, 1].
      discriminator: ``keras.Model`` mapping images to whatever the objective expects.
      latent_dim: size of the latent vector ``z ~ N(0, I)``.
      seed: seed of every random draw made by ``train_step``.
    """

    def __init__(self, generator, discriminator, latent_dim, seed=0, **kwargs):
        super().__init__(**kwargs)
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = int(latent_dim)
        self.seed = int(seed)
        self.ema_generator = None
        # The sub-models arrive built; without this Keras would "build" the GAN by calling it on
        # a real batch, which is not what ``call`` (z -> images) takes.
        self.built = True

    # ------------------------------------------------------------------ configuration
    def compile(self, d_optimizer=None, g_optimizer=None, loss="nsgan", penalty="auto", n_critic=1,
                clip_value="auto", ema_decay=None, historical_averaging=0.0, loss_options=None,
                penalty_options=None, **kwargs):
        """Configures the game.

        Args:
          d_optimizer, g_optimizer: Keras optimizers; separate learning rates give TTUR and learning
            rate schedules give decay. ``None`` takes the objective's paper defaults.
          loss: a registered objective name (``tfgan_suite.losses.names()``) or an ``Objective``.
          penalty: ``None``, a registered penalty name, a penalty callable, or a list of them;
            ``"auto"`` takes the objective's ``defaults["penalty"]`` (``gradient_penalty`` for
            ``wgan_gp``, ``dragan`` for ``dragan``, none otherwise).
          n_critic: discriminator updates per generator update, each on a distinct real batch.
          clip_value: clip every discriminator weight to [-c, c] after each of its updates (WGAN);
            ``"auto"`` takes the objective's default (0.01 for ``wgan``, none otherwise).
          ema_decay: keep an exponential moving average of the generator for sampling/evaluation.
          historical_averaging: weight of ``||theta - mean(past theta)||^2`` added to both players.
          loss_options: keyword arguments for ``tfgan_suite.losses.get``.
          penalty_options: keyword arguments for every penalty given by name (e.g.
            ``{"weight": 5.0}``); they update the objective's ``defaults["penalty_options"]`` when
            the name is the objective's default penalty.
          **kwargs: passed to ``keras.Model.compile`` (e.g. ``jit_compile``, ``steps_per_execution``).
        """
        kwargs.setdefault("jit_compile", False)
        super().compile(**kwargs)
        self.objective = losses_lib.get(loss, **(loss_options or {}))
        default_d, default_g = default_optimizers(self.objective)
        self.d_optimizer = d_optimizer or default_d
        self.g_optimizer = g_optimizer or default_g
        self.penalties = self._build_penalties(penalty, penalty_options)
        if not isinstance(n_critic, int) or n_critic < 1:
            raise ValueError(f"n_critic must be a positive int, got {n_critic!r}")
        self.n_critic = n_critic
        self.clip_value = self.objective.defaults.get("clip_value") if clip_value == "auto" else (
            clip_value)
        self.ema_decay = ema_decay
        self.historical_averaging = float(historical_averaging)

        self._trackers = {name: keras.metrics.Mean(name=name) for name in (
            "d_loss", "g_loss", *(("penalty",) if self.penalties else ()),
            *self.objective.metric_names)}
        self._build_state()

    def _build_penalties(self, penalty, options):
        return build_penalties(self.objective, penalty, options)

    def _build_state(self):
        """Creates every variable the step needs up front (required under tf.distribute)."""
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self.g_optimizer.build(self.generator.trainable_variables)
        if self.ema_decay:
            self.ema_generator = keras.models.clone_model(self.generator)
            self.ema_generator.set_weights(self.generator.get_weights())
        self._d_history = self._g_history = None
        if self.historical_averaging:
            def averages(model):
                # a copy: keras.Variable(v.value) would alias v (same tf.Variable) and the
                # penalty would always be 0
                return [keras.Variable(tf.identity(v.value), trainable=False, name=f"avg_{i}")
                        for i, v in enumerate(model.trainable_variables)]
            self._d_history = averages(self.discriminator)
            self._g_history = averages(self.generator)

    @property
    def metrics(self):
        return list(getattr(self, "_trackers", {}).values())

    @property
    def sampling_generator(self):
        """The generator used for samples and evaluation: the EMA copy when enabled."""
        return self.ema_generator if self.ema_generator is not None else self.generator

    def call(self, z, training=False):
        return self.generator(z, training=training)

    # ------------------------------------------------------------------ the step
    def _historical_penalty(self, model, history):
        if not self.historical_averaging:
            return 0.0
        return self.historical_averaging * tf.add_n([
            tf.reduce_sum(tf.square(v - avg)) for v, avg in zip(model.trainable_variables, history)])

    def _update_history(self, model, history, count):
        if history is None:
            return
        count = tf.cast(count, tf.float32)
        for v, avg in zip(model.trainable_variables, history):
            avg.assign(avg + (v - avg) / count)

    def _discriminator_step(self, real, z, seed):
        fake = self.generator(z, training=True)
        with tf.GradientTape() as tape:
            loss, penalty, extra = discriminator_objective(
                self.objective, self.discriminator, self.penalties, real, fake, seed)
            total = loss + penalty + self._historical_penalty(self.discriminator, self._d_history)
            # loss scaling: identity unless d_optimizer is a LossScaleOptimizer (float16)
            scaled = self.d_optimizer.scale_loss(total / num_replicas())
        grads = tape.gradient(scaled, self.discriminator.trainable_variables)
        self.d_optimizer.apply(grads, self.discriminator.trainable_variables)
        clip_weights(self.discriminator, self.clip_value)
        self._update_history(self.discriminator, self._d_history, self.d_optimizer.iterations)
        return loss, penalty, extra

    def _generator_step(self, real, z):
        with tf.GradientTape() as tape:
            loss, extra = generator_objective(self.objective, self.discriminator, real,
                                              self.generator(z, training=True))
            total = loss + self._historical_penalty(self.generator, self._g_history)
            scaled = self.g_optimizer.scale_loss(total / num_replicas())
        grads = tape.gradient(scaled, self.generator.trainable_variables)
        self.g_optimizer.apply(grads, self.generator.trainable_variables)
        self._update_history(self.generator, self._g_history, self.g_optimizer.iterations)
        if self.ema_generator is not None:
            decay = self.ema_decay
            for ema_v, v in zip(self.ema_generator.trainable_variables,
                                self.generator.trainable_variables):
                ema_v.assign(decay * ema_v + (1.0 - decay) * v)
            for ema_v, v in zip(self.ema_generator.non_trainable_variables,
                                self.generator.non_trainable_variables):
                ema_v.assign(v)
        return loss, extra

    def train_step(self, data):
        real = data[0] if isinstance(data, (tuple, list)) else data
        real_batches = split_real_batches(real, self.n_critic)
        local_batch = tf.shape(real_batches[0])[0]
        step = self.g_optimizer.iterations
        logs = {}
        for i, real_batch in enumerate(real_batches):
            z = randomness.replica_normal([local_batch, self.latent_dim],
                                          randomness.step_seed(self.seed, step, i))
            d_loss, penalty, extra = self._discriminator_step(
                real_batch, z, randomness.step_seed(self.seed, step, _SALT_PENALTY + 10 * i))
            logs.update(extra)
        z = randomness.replica_normal([local_batch, self.latent_dim],
                                      randomness.step_seed(self.seed, step, _SALT_GENERATOR))
        g_loss, extra = self._generator_step(real_batches[-1], z)
        logs.update(extra)
        logs.update(d_loss=d_loss, g_loss=g_loss)
        if self.penalties:
            logs["penalty"] = penalty
        for name, value in logs.items():
            self._trackers[name].update_state(value)
        return distribute.step_logs(
            {name: tracker.result() for name, tracker in self._trackers.items()})

    # ------------------------------------------------------------------ sampling
    def generate(self, n, seed=0, use_ema=True, batch_size=256):
        """Returns ``n`` images in [-1, 1] as a float32 numpy array, reproducible from ``seed``."""
        generator = self.sampling_generator if use_ema else self.generator
        z = tf.random.stateless_normal([int(n), self.latent_dim], seed=[int(seed), 0],
                                       alg=randomness.ALG)
        chunks = [generator(z[i:i + batch_size], training=False) for i in range(0, int(n), batch_size)]
        return np.clip(np.concatenate([np.asarray(c, np.float32) for c in chunks]), -1.0, 1.0)

    # ------------------------------------------------------------------ serialization
    def get_config(self):
        return {"generator": keras.saving.serialize_keras_object(self.generator),
                "discriminator": keras.saving.serialize_keras_object(self.discriminator),
                "latent_dim": self.latent_dim, "seed": self.seed, "name": self.name}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["generator"] = keras.saving.deserialize_keras_object(config["generator"])
        config["discriminator"] = keras.saving.deserialize_keras_object(config["discriminator"])
        return cls(**config)
