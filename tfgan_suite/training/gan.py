"""The GAN as a ``keras.Model``: ``compile`` picks the objective and settings, ``train_step`` plays.

One ``train_step`` is one generator update and the critic updates before it; the update itself is
written once in :mod:`tfgan_suite.training.step` (shared with ``SGAN``), which documents the
alternating and simultaneous updates, the constant and WGAN critic schedules, loss scaling and labels.

Under a ``tf.distribute`` strategy each replica computes its local mean loss and divides by the
number of replicas, so the summed gradients equal those of the global-batch mean; latent vectors
and penalty noise are stateless draws for the global batch (see ``utils.randomness``), so a run is
the same under any number of replicas. The step counter is :attr:`GAN.step_counter`, a variable of
the model that every ``train_step`` advances (``g_optimizer.iterations`` does not advance when a
float16 ``LossScaleOptimizer`` skips a non-finite step); it is checkpointed, so restoring a run
restores the random stream.

Under the ``mixed_float16`` dtype policy ``compile`` wraps both optimizers in a
``LossScaleOptimizer`` as ``keras.Model.compile`` does (``training.precision.loss_scaled``).
"""
import keras
import tensorflow as tf

from tfgan_suite import augment as augment_lib
from tfgan_suite import losses as losses_lib
from tfgan_suite import penalties as penalties_lib
from tfgan_suite.training import distribute, execution, precision, step
from tfgan_suite.training.settings import DEFAULT, is_default, resolve


def game_settings(objective, penalty, penalty_options, **overrides):
    """``(Settings, penalty callables)`` for ``compile``: the objective's paper settings with the
    given overrides (``DEFAULT`` keeps the paper's value). ``penalty`` may also be a callable or a
    list of names/callables, which replace the paper's penalty."""
    listed = callable(penalty) or isinstance(penalty, (list, tuple))
    settings = resolve(objective, penalty=None if listed else penalty,
                       penalty_options=penalty_options or {}, **overrides)
    names = list(penalty) if isinstance(penalty, (list, tuple)) else [penalty] if listed else (
        [settings.penalty] if settings.penalty else [])
    options = dict(settings.penalty_options) if not listed else dict(penalty_options or {})
    built = tuple(p if callable(p) else penalties_lib.get(p, **options) for p in names)
    return settings, built


def new_step_counter():
    """The train steps done, as a non-trainable int64 variable of the model (saved with its weights
    and checkpoints). It keys every random draw of a step, the logged step and the historical
    averages' counts, and advances on every step, also on one that a ``LossScaleOptimizer``
    skips for non-finite gradients (its ``iterations`` stays then, so the next step would
    repeat the skipped step's noise). Every replica computes the same value."""
    return keras.Variable(0, dtype="int64", trainable=False, name="step_counter",
                          aggregation="only_first_replica")


def training_state(game):
    """The non-trainable variables of the game's augmentation (ADA's ``p``) and penalties (LeCam's
    anchors): saved with every checkpoint so a resumed run continues exactly."""
    holders = [game.augment, *game.penalties]
    return [v for holder in holders for v in getattr(holder, "variables", ()) or ()]


@keras.saving.register_keras_serializable(package="tfgan_suite")
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
        self.step_counter = new_step_counter()
        # The sub-models arrive built; without this Keras would "build" the GAN by calling it on
        # a real batch, which is not what ``call`` (z -> images) takes.
        self.built = True

    # ------------------------------------------------------------------ configuration
    def compile(self, d_optimizer=DEFAULT, g_optimizer=DEFAULT, loss="nsgan", penalty=DEFAULT,
                n_critic=DEFAULT, critic_schedule=DEFAULT, update=DEFAULT, clip_value=DEFAULT,
                ema_decay=DEFAULT, historical_averaging=DEFAULT, loss_options=None,
                penalty_options=None, auxiliary_weight=1.0, auxiliary_weight_g=1.0, augment=None,
                ada_options=None, **kwargs):
        """Configures the game. Every argument left at ``DEFAULT`` (``"default"``) takes the
        objective's paper value (:mod:`tfgan_suite.training.settings`); ``None`` means none.

        Args:
          d_optimizer, g_optimizer: Keras optimizers; separate learning rates give TTUR and learning
            rate schedules give decay.
          loss: a registered objective name (``tfgan_suite.losses.names()``) or an ``Objective``.
          penalty: a registered penalty name, ``None`` (no penalty), a penalty callable, or a list
            of them (the paper's: ``gradient_penalty`` for ``wgan_gp``, ``dragan`` for ``dragan``).
          n_critic: discriminator updates per generator update, each on a distinct real batch.
          critic_schedule: ``"constant"`` or ``"wgan"`` (see ``training.step``).
          update: ``"alternating"`` or ``"simultaneous"`` (one forward pass, ``n_critic=1``).
          clip_value: clip every discriminator weight to [-c, c] after each of its updates (WGAN).
          ema_decay: keep an exponential moving average of the generator for sampling/evaluation.
          historical_averaging: weight of ``||theta - mean(past theta)||^2`` added to both players.
          loss_options: keyword arguments for ``tfgan_suite.losses.get``.
          penalty_options: keyword arguments of the penalty (e.g. ``{"weight": 5.0}``); they update
            the paper's options when the penalty is the paper's.
          auxiliary_weight, auxiliary_weight_g: with an AC-GAN discriminator (a class-logit head),
            the weights of the class cross-entropy on real images (critic) and on generated
            images (generator) (Odena et al. 2017 weigh both 1; the WGAN-GP code 1 and 0.1).
          augment: augmentation of every image the discriminator sees (``tfgan_suite.augment``):
            ``None`` (off), DiffAugment policies (``"translation,cutout"``), ``"ada"`` or an
            augmentation object; ``ada_options``: ADA's keyword arguments (``target``, ...).
          **kwargs: passed to ``keras.Model.compile``. Two defaults differ from Keras's
            (``training.execution``): ``jit_compile="auto"`` (XLA where it is faster: with a
            GPU/TPU, not on a CPU-only machine, where it pays only for small MLPs over long runs,
            whose length ``compile`` does not know) and ``steps_per_execution="auto"`` (each ``fit``
            runs the largest divisor of its ``steps_per_epoch`` up to 10 steps per call, so
            per-batch callbacks see every 10th step; the weights are the same as with 1; pass
            ``steps_per_execution=1`` for a callback that must see every step);
            ``auto_scale_loss``: under the ``mixed_float16`` policy both optimizers are wrapped in a
            ``LossScaleOptimizer`` unless they are one already or this is False, as Keras does.
        """
        # "auto": XLA where it is faster (training.execution), a concrete value Keras keeps; the
        # run's length is not known here, so a small MLP stays on the plain path too
        replicas = step.num_replicas()
        kind, parameters = execution.network_kind(self.generator, self.discriminator)
        kwargs["jit_compile"], _ = execution.resolve_jit_compile(
            kwargs.get("jit_compile", execution.AUTO),
            "default" if replicas == 1 else f"{replicas}-replica", kind, parameters)
        # "auto": chosen by each fit call from its steps_per_epoch (see fit)
        self.steps_per_execution_setting = kwargs.get("steps_per_execution", execution.AUTO)
        if self.steps_per_execution_setting == execution.AUTO:
            kwargs["steps_per_execution"] = 1
        # no Keras-level optimizer: the players have their own, and Keras's default (an unused
        # RMSprop) would be saved, rebuilt by BackupAndRestore and logged as the learning rate
        kwargs.setdefault("optimizer", None)
        super().compile(**kwargs)
        self.objective = losses_lib.get(loss, **(loss_options or {}))
        settings, penalties = game_settings(
            self.objective, penalty, penalty_options, n_critic=n_critic,
            critic_schedule=critic_schedule, update=update, clip_value=clip_value,
            ema_decay=ema_decay, historical_averaging=historical_averaging)
        if settings.critic_schedule != "constant" and step.num_replicas() > 1:
            raise ValueError(f"critic_schedule={settings.critic_schedule!r} feeds batches of "
                             f"varying size, which a {step.num_replicas()}-replica strategy cannot "
                             f"split ahead of time; use critic_schedule='constant' or one replica")
        default_d, default_g = settings.optimizers()
        auto_scale_loss = kwargs.get("auto_scale_loss", True)
        self.d_optimizer, self.g_optimizer = (
            precision.loss_scaled(default if is_default(given) else given, self.dtype_policy,
                                  auto_scale_loss)
            for default, given in ((default_d, d_optimizer), (default_g, g_optimizer)))
        self.settings = settings
        self.game = step.Game(self.objective, penalties, settings.n_critic,
                              settings.critic_schedule, settings.update, settings.clip_value,
                              settings.historical_averaging, settings.ema_decay,
                              float(auxiliary_weight), float(auxiliary_weight_g),
                              augment_lib.build(augment, self.objective.name, ada_options))
        self.penalties = list(penalties)
        self._trackers = {name: keras.metrics.Mean(name=name) for name in (
            "d_loss", "g_loss", *(("penalty",) if penalties else ()),
            *self.objective.monitor_names)}
        self._build_state()

    @property
    def n_critic(self):
        """Critic updates per generator update (outside the wgan schedule's long phases)."""
        return self.game.n_critic

    @property
    def clip_value(self):
        return self.game.clip_value

    def _build_state(self):
        """Creates every variable the step needs up front (required under tf.distribute)."""
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self.g_optimizer.build(self.generator.trainable_variables)
        if self.game.ema_decay is not None:
            self._make_ema_generator()
            self.ema_generator.set_weights(self.generator.get_weights())
        # the generator step at which a logged value first became non-finite (0: none yet), so
        # the divergence guard names the exact step although it sees the logs once per execution
        # (tf.Variables: training state of one fit, not in the model's weights or checkpoints)
        self.first_non_finite_step, self.first_non_finite_index = (
            tf.Variable(0, dtype=tf.int64, trainable=False, name=name,
                        aggregation=tf.VariableAggregation.ONLY_FIRST_REPLICA)
            for name in ("first_non_finite_step", "first_non_finite_index"))
        self.d_history = self.g_history = None
        if self.game.historical_averaging:
            def averages(model):
                # a copy: keras.Variable(v.value) would alias v (same tf.Variable) and the
                # penalty would always be 0
                return [keras.Variable(tf.identity(v.value), trainable=False, name=f"avg_{i}")
                        for i, v in enumerate(model.trainable_variables)]
            self.d_history = averages(self.discriminator)
            self.g_history = averages(self.generator)

    def _make_ema_generator(self):
        if self.ema_generator is None:
            self.ema_generator = keras.models.clone_model(self.generator)

    def checkpoint_objects(self):
        """The trackable state of a run, by name (what ``training.checkpointing`` saves)."""
        objects = {"generator": self.generator, "discriminator": self.discriminator,
                   "d_optimizer": self.d_optimizer, "g_optimizer": self.g_optimizer,
                   "step_counter": self.step_counter}
        if self.ema_generator is not None:
            objects["ema_generator"] = self.ema_generator
        if self.d_history:
            objects["d_history"] = list(self.d_history)
            objects["g_history"] = list(self.g_history)
        state = training_state(self.game)
        if state:
            objects["training_state"] = state
        return objects

    @property
    def metrics(self):
        return list(getattr(self, "_trackers", {}).values())

    @property
    def sampling_generator(self):
        """The generator used for samples and evaluation: the EMA copy when enabled."""
        return self.ema_generator if self.ema_generator is not None else self.generator

    def call(self, z, training=False):
        return self.generator(z, training=training)

    def fit(self, *args, **kwargs):
        """``keras.Model.fit``; with ``steps_per_execution="auto"`` (``compile``'s default) this
        call runs the largest divisor of ``steps_per_epoch`` and of its callbacks' step intervals
        (``every_n_steps``, as ``SampleGrid`` has) up to 10 steps per execution."""
        if getattr(self, "steps_per_execution_setting", None) == execution.AUTO:
            intervals = [getattr(callback, "every_n_steps", None)
                         for callback in kwargs.get("callbacks") or ()]
            count = execution.resolve_steps_per_execution(
                execution.AUTO, [kwargs.get("steps_per_epoch"), *intervals])
            if count != self.steps_per_execution:
                self.steps_per_execution = count
                self.train_function = None  # Keras traces its loop for one count
        return super().fit(*args, **kwargs)

    # ------------------------------------------------------------------ the step
    def train_step(self, data):
        real, labels = step.unpack(data)
        if not step.is_conditional(self.generator):
            labels = None
        pair = step.Pair(self.generator, self.discriminator, self.d_optimizer, self.g_optimizer,
                         self.d_history, self.g_history, self.ema_generator)
        logs, _ = step.pair_step(self.game, pair, real, self.seed, self.step_counter.value,
                                 self.latent_dim, labels)
        self.step_counter.assign_add(1)
        if not self.penalties:
            logs.pop("penalty")
        self._note_first_non_finite(logs)
        for name, value in logs.items():
            self._trackers[name].update_state(value)
        state_logs = step.end_of_step(self.game, self.g_optimizer.iterations)  # ADA's p, now
        return distribute.step_logs(
            {**{name: tracker.result() for name, tracker in self._trackers.items()}, **state_logs})

    def _note_first_non_finite(self, logs):
        """Keeps the step and the log name of the first non-finite value (see ``first_non_finite``)."""
        self._log_names = list(logs)
        bad = tf.stack([tf.logical_not(tf.reduce_all(tf.math.is_finite(tf.cast(v, tf.float32))))
                        for v in logs.values()])
        keep = tf.logical_or(tf.logical_not(tf.reduce_any(bad)), self.first_non_finite_step > 0)
        self.first_non_finite_index.assign(tf.where(
            keep, self.first_non_finite_index, tf.argmax(tf.cast(bad, tf.int64), output_type=tf.int64)))
        self.first_non_finite_step.assign(tf.where(
            keep, self.first_non_finite_step, self.step_counter.value))

    def first_non_finite(self):
        """``(step, log name)`` of the first non-finite logged value since the last reset, else
        ``None``: exact although Keras hands callbacks the logs once per execution."""
        step = int(self.first_non_finite_step.numpy())
        if not step:
            return None
        return step, self._log_names[int(self.first_non_finite_index.numpy())]

    def reset_first_non_finite(self):
        self.first_non_finite_step.assign(0)
        self.first_non_finite_index.assign(0)

    # ------------------------------------------------------------------ sampling
    def generate(self, n, seed=0, use_ema=True, batch_size=256, labels=None, clip=True):
        """Returns ``n`` samples as a float32 numpy array, reproducible from ``seed``: images
        clipped to [-1, 1], or with ``clip=False`` the generator's raw output (toy 2-D points)."""
        generator = self.sampling_generator if use_ema else self.generator
        return step.generate_images(generator, n, self.latent_dim, seed, batch_size, clip=clip,
                                    labels=labels)

    # ------------------------------------------------------------------ serialization
    def get_config(self):
        return {"generator": keras.saving.serialize_keras_object(self.generator),
                "discriminator": keras.saving.serialize_keras_object(self.discriminator),
                "latent_dim": self.latent_dim, "seed": self.seed, "name": self.name,
                "ema": self.ema_generator is not None}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        ema = config.pop("ema", False)
        config["generator"] = keras.saving.deserialize_keras_object(config["generator"])
        config["discriminator"] = keras.saving.deserialize_keras_object(config["discriminator"])
        gan = cls(**config)
        if ema:  # the EMA weights are saved with the model: give them a place to load into
            gan._make_ema_generator()  # pylint: disable=protected-access
        return gan

    def get_compile_config(self):
        """Not saved: optimizers and the game are configured again with ``compile``."""
        return None
