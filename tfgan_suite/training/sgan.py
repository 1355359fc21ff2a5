"""SGAN: N independent local G/D pairs and a global pair trained against them, in one step.

Chavdarova & Fleuret, "SGAN: An Alternative Training of Generative Adversarial Networks", CVPR 2018.
The rules of the paper: *the local networks are trained only against their own, fixed local opponent;
the global generator and discriminator are trained using the local discriminators and generators;
the global pair never affects the local ones.* One :meth:`SGAN.train_step` is one iteration::

    1. local pairs, i = 1..N (independent, no shared variable; one standard GAN step each):
         for c in 1..n_critic:  theta_Di <- opt_Di(grad d_loss(Di(x_c), Di(Gi(z_ic))) + penalties)
         theta_Gi <- opt_Gi(grad g_loss(Di(x_n), Di(Gi(z_i))))
    2. global discriminator D_0, against samples of every local generator:
         for c in 1..n_critic:  fake_c = concat_i Gi(z_ic)[:B_i]           (sum_i B_i = B)
                                theta_D0 <- opt_D0(grad d_loss(D0(x_c), D0(fake_c)) + penalties)
    3. messengers: every sync_every steps re-created from the (just updated) local discriminators,
         Di_msg <- copy(Di) (weights, batch-norm statistics and optimizer state); then, every step,
         messenger_steps times:  theta_Di_msg <- opt(grad d_loss(Di_msg(x_i), Di_msg(G0(z)_i)))
    4. global generator G_0, against the messengers, on the batch G0(z) of the last messenger update:
         theta_G0 <- opt_G0(grad mean_i g_loss(Di_msg(x_i), Di_msg(G0(z)_i)))

where ``x_i`` / ``G0(z)_i`` is the i-th of N slices (sizes ``B_i``, differing by at most one) of a batch
of B. Source note: the rules quoted above are the paper's (abstract and introduction); the exact text
of its Algorithm 1 was not at hand when this was written, so the schedule below follows those rules
and the issue's summary, and every choice that goes beyond them is written down here:

* **Messengers are trained, then used.** ``D_i`` never sees ``G_0``: a messenger starts as an exact
  copy of ``D_i`` (the paper's "messenger discriminator") and, like any discriminator paired with a
  generator, is updated against ``G_0`` before ``G_0`` is updated against it. ``messenger_steps=0``
  gives the variant where ``G_0`` is trained against frozen copies of the local discriminators.
  Messengers are re-created every *outer* iteration of ``sync_every`` steps (default 100): each
  outer iteration starts from fresh copies of the local discriminators, which then keep training
  against ``G_0`` (``messenger_steps`` updates per step) while ``G_0`` trains against them. A
  degraded ``D_i`` thus influences ``G_0`` for one outer iteration only, and nothing flows back from
  the global pair into a local one. ``sync_every=1`` (a fresh copy every step, the literal reading
  of the issue's summary) is supported but a messenger then never sees ``G_0`` for more than
  ``messenger_steps`` updates, so nothing penalizes ``G_0`` for collapsing onto a point that every
  local discriminator accepts; measured on MNIST (``benchmarks/sgan_mnist.py``, N=3, 600 steps,
  domain Fréchet distance at step 600): ``sync_every=1`` G_0 125.8 (collapsed to one image) vs
  median G_i 17.3; ``sync_every=100`` G_0 16.3 vs 17.3.
* **Samples for ``D_0``** are the ones the local discriminators were just trained on (step 1), so
  ``D_0`` costs no extra generator pass and never runs a local generator itself (a local generator's
  batch-norm statistics would otherwise be updated by the global pair).
* **One global update per iteration, on a batch of B split over the N opponents.** Each opponent sees
  ``B/N`` samples, so the global pair costs about one GAN step (plus ``messenger_steps``
  discriminator updates on ``B`` samples in total), and an SGAN step does the work of ``N + 1`` GAN
  steps plus that messenger update. ``G_0``'s loss is the mean over messengers of each one's loss.
* **Data**: all pairs read the same real batch of ``n_critic * B`` images (as ``GAN.train_step``);
  the pairs differ by initialization and by their latent draws, which are stateless and keyed by
  ``(seed, pair, step)``.

One compiled step, no Python loop at run time: the loops over pairs are unrolled while Keras traces
``train_step`` into a single ``tf.function``; the N local pairs are independent sub-graphs that the
TensorFlow executor runs concurrently (inter-op parallelism). We unroll rather than stack weights and
vectorize because the pairs are arbitrary Keras models (batch norm, spectral norm, any objective and
penalty) whose per-layer state does not stack.

Devices: pass ``strategy=`` (e.g. a ``MirroredStrategy`` over several GPUs) or ``devices=``: the
networks and optimizer state of local pair ``i`` (and its messenger) live on ``devices[i % n]`` and
its sub-graph runs there; the global pair lives on ``devices[N % n]``. The pairs are thus spread
over the devices (model parallelism) instead of every pair being replicated on every device, so
SGAN is built *outside* ``strategy.scope()`` and Keras runs its step as a single program.
"""
import contextlib

import keras
import tensorflow as tf

from tfgan_suite import augment as augment_lib
from tfgan_suite import losses as losses_lib
from tfgan_suite.training import execution, precision, step
from tfgan_suite.training.gan import game_settings, new_step_counter
from tfgan_suite.training.settings import DEFAULT, is_default
from tfgan_suite.utils import randomness


def _device(name):
    return tf.device(name) if name else contextlib.nullcontext()


def _clone_optimizer(template):
    return template.__class__.from_config(template.get_config())


def slice_sizes(batch, num_slices):
    """Sizes of ``num_slices`` near-equal slices of ``batch`` rows: ``batch // n (+1 for the first
    batch % n)``; works on a dynamic batch size and always sums to ``batch``."""
    batch = tf.convert_to_tensor(batch, tf.int32)
    base, extra = batch // num_slices, batch % num_slices
    return base + tf.cast(tf.range(num_slices) < extra, tf.int32)


class _MeanVector(keras.metrics.Metric):
    """Running means of a vector of logs: one update for every SGAN log (instead of 2N + 5 scalar
    ``Mean`` trackers, whose small ops would cost more than a local pair's arithmetic on toy data)."""

    def __init__(self, size, name="mean_vector", **kwargs):
        super().__init__(name=name, **kwargs)
        self.size = int(size)
        self.total = self.add_variable(shape=(self.size,), initializer="zeros", name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", name="count")

    def update_state(self, values):
        self.total.assign_add(values)
        self.count.assign_add(1.0)

    def result(self):
        return self.total / keras.ops.maximum(self.count, 1.0)

    def reset_state(self):
        self.total.assign(keras.ops.zeros((self.size,)))
        self.count.assign(0.0)


@keras.saving.register_keras_serializable(package="tfgan_suite")
class SGAN(keras.Model):
    """An ensemble of ``num_pairs`` independent GANs and a global pair trained against them.

    Args:
      make_pair: ``make_pair() -> (generator, discriminator)``, called ``num_pairs + 2`` times
        (local pairs, the global pair, and one discriminator for each messenger); every call must build
        new networks, e.g. ``lambda: tfgan_suite.models.get("dcgan28")``.
      num_pairs: N, the number of local pairs.
      latent_dim: size of ``z ~ N(0, I)``; default: the generator's input width.
      seed: seed of every random draw made by ``train_step``.
      strategy: a ``tf.distribute`` strategy whose devices receive the pairs (``i % n``); build the
        model outside its scope.
      devices: explicit device names instead of ``strategy``.

    Attributes: ``generator``/``discriminator`` are the global pair (G_0, D_0); ``local_generators``,
    ``local_discriminators`` and ``messengers`` are lists of N networks; ``generators`` is
    ``[G_0, G_1, ..., G_N]``.
    """

    def __init__(self, make_pair, num_pairs=5, latent_dim=None, seed=0, strategy=None,
                 devices=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(num_pairs, int) or num_pairs < 1:
            raise ValueError(f"num_pairs must be a positive int, got {num_pairs!r}")
        if tf.distribute.has_strategy() and tf.distribute.get_strategy().num_replicas_in_sync > 1:
            raise ValueError("SGAN spreads its pairs over devices instead of replicating them: build "
                             "it outside strategy.scope() and pass SGAN(..., strategy=strategy)")
        if strategy is not None and devices is not None:
            raise ValueError("give SGAN either strategy= or devices=, not both")
        if strategy is not None:
            devices = list(strategy.extended.worker_devices)
        self.devices = list(devices) if devices else [None]
        self.num_pairs = num_pairs
        self.seed = int(seed)

        local_g, local_d, messengers = [], [], []
        seen = set()

        def fresh(model, what):
            if id(model) in seen:
                raise ValueError(f"make_pair() returned the same {what} twice; it must build new "
                                 f"networks on every call")
            seen.add(id(model))
            return model

        for i in range(num_pairs):
            with _device(self.pair_device(i)):
                g, d = make_pair()
                local_g.append(fresh(g, "generator"))
                local_d.append(fresh(d, "discriminator"))
                messenger = fresh(make_pair()[1], "discriminator")
                messenger.set_weights(d.get_weights())
                messengers.append(messenger)
        with _device(self.global_device):
            g0, d0 = make_pair()
        self.generator = fresh(g0, "generator")
        self.discriminator = fresh(d0, "discriminator")
        self.local_generators = local_g
        self.local_discriminators = local_d
        self.messengers = messengers
        self.latent_dim = int(latent_dim or g0.input_shape[-1])
        with _device(self.global_device):
            self.step_counter = new_step_counter()  # as GAN.step_counter: keys every draw
        self.built = True  # every network is built by make_pair(): weights can be saved at once

    # ------------------------------------------------------------------ placement
    def pair_device(self, i):
        """The device of local pair ``i`` (0-based) and its messenger."""
        return self.devices[i % len(self.devices)]

    @property
    def global_device(self):
        return self.devices[self.num_pairs % len(self.devices)]

    @property
    def generators(self):
        """``[G_0, G_1, ..., G_N]``: the global generator first."""
        return [self.generator, *self.local_generators]

    @property
    def sampling_generator(self):
        """The generator used for samples, evaluation and export: the global one."""
        return self.generator

    def checkpoint_objects(self):
        """Every network and optimizer of the ensemble, by name (``training.checkpointing``)."""
        return {"generator": self.generator, "discriminator": self.discriminator,
                "d_optimizer": self.d_optimizer, "g_optimizer": self.g_optimizer,
                "local_generators": list(self.local_generators),
                "local_discriminators": list(self.local_discriminators),
                "messengers": list(self.messengers),
                "local_d_optimizers": list(self.local_d_optimizers),
                "local_g_optimizers": list(self.local_g_optimizers),
                "messenger_optimizers": list(self.messenger_optimizers),
                "step_counter": self.step_counter}

    def pair_seed(self, i):
        """Seed of local pair ``i`` (0-based); the global pair uses ``pair_seed(-1)``."""
        return self.seed * 1000 + i + 1

    # ------------------------------------------------------------------ configuration
    def compile(self, d_optimizer=DEFAULT, g_optimizer=DEFAULT, loss="nsgan", penalty=DEFAULT,
                n_critic=DEFAULT, clip_value=DEFAULT, loss_options=None, penalty_options=None,
                messenger_steps=1, sync_every=100, critic_schedule=DEFAULT, update=DEFAULT,
                ema_decay=DEFAULT, historical_averaging=DEFAULT, augment=None, ada_options=None,
                **kwargs):
        """Configures the game, as :meth:`GAN.compile`: every network gets its own optimizer.

        Args:
          d_optimizer, g_optimizer: Keras optimizers used as templates: each discriminator (local,
            global, messenger) and each generator gets a fresh copy of the same configuration
            (a ``LossScaleOptimizer`` stays one: float16 loss scaling applies to every network).
            Under the ``mixed_float16`` policy the templates are wrapped as ``keras.Model.compile``
            wraps its optimizer (unless ``auto_scale_loss=False``), once.
          loss, penalty, penalty_options, loss_options, n_critic, clip_value: as ``GAN.compile``;
            ``DEFAULT`` takes the objective's paper value (``training.settings``).
          messenger_steps: updates of each re-created messenger against ``G_0`` before ``G_0`` is
            updated against it (0: ``G_0`` faces exact copies of the local discriminators).
          sync_every: re-create the messengers from the local discriminators every ``sync_every``
            steps (the paper's outer iteration); in between they keep training against ``G_0``.
            1: fresh copies every step (``G_0`` tends to collapse, see the module docstring).
          critic_schedule, update, ema_decay, historical_averaging: accepted so the same settings
            can be passed to GAN and SGAN; SGAN supports only the constant schedule, alternating
            updates, no EMA and no historical averaging (anything else: one ``ValueError`` line).
          augment: DiffAugment policies for every discriminator of the ensemble (as
            ``GAN.compile``). ADA and penalties with state or a generator term (``lecam``,
            ``zcr``) are refused: their state would be shared by discriminators that overfit
            differently (one line).
          **kwargs: passed to ``keras.Model.compile``; ``jit_compile`` (default ``"auto"``,
            ``training.execution``) compiles the step with XLA when the ensemble lives on one
            device.
        """
        jit = kwargs.get("jit_compile", execution.AUTO)
        if jit is True and len(self.devices) > 1:
            raise ValueError(f"jit_compile needs SGAN on one device; its pairs are spread over "
                             f"{len(self.devices)} devices (drop jit_compile or pass one device)")
        # "auto": XLA where it is faster (training.execution); never over several devices
        kwargs["jit_compile"], _ = execution.resolve_jit_compile(
            jit, "default" if len(self.devices) <= 1 else f"{len(self.devices)}-device")
        kwargs.setdefault("optimizer", None)  # every network has its own (as GAN.compile)
        super().compile(**kwargs)
        self.objective = losses_lib.get(loss, **(loss_options or {}))
        settings, penalties = game_settings(
            self.objective, penalty, penalty_options, n_critic=n_critic, clip_value=clip_value,
            critic_schedule=critic_schedule, update=update, ema_decay=ema_decay,
            historical_averaging=historical_averaging)
        unsupported = [f"{name}={value!r}" for name, value, plain in (
            ("critic_schedule", settings.critic_schedule, "constant"),
            ("update", settings.update, "alternating"), ("ema_decay", settings.ema_decay, None),
            ("historical_averaging", settings.historical_averaging, 0.0)) if value != plain]
        if unsupported:
            raise ValueError(f"SGAN does not support {', '.join(unsupported)}; valid: "
                             f"critic_schedule='constant', update='alternating', ema_decay=None, "
                             f"historical_averaging=0")
        if not isinstance(messenger_steps, int) or messenger_steps < 0:
            raise ValueError(f"messenger_steps must be a non-negative int, got {messenger_steps!r}")
        if not isinstance(sync_every, int) or sync_every < 1:
            raise ValueError(f"sync_every must be a positive int, got {sync_every!r}")
        if sync_every > 1 and not messenger_steps:
            raise ValueError("sync_every > 1 needs messenger_steps >= 1 (frozen messengers would "
                             "just be stale copies)")
        augmentation = augment_lib.build(augment, self.objective.name, ada_options)
        stateful = [getattr(p, "__name__", repr(p)) for p in penalties
                    if getattr(p, "variables", None) or hasattr(p, "generator_term")]
        if getattr(augmentation, "adaptive", False) or stateful:
            raise ValueError(f"SGAN does not support {'augment=ada' if not stateful else stateful}:"
                             f" one state would serve discriminators that overfit differently; "
                             f"valid: DiffAugment policies, penalties gradient_penalty, dragan, bcr")
        self.settings = settings
        self.game = step.Game(self.objective, penalties, settings.n_critic,
                              clip_value=settings.clip_value, augment=augmentation)
        self.penalties = list(penalties)
        self.n_critic = settings.n_critic
        self.clip_value = settings.clip_value
        self.messenger_steps = messenger_steps
        self.sync_every = sync_every
        default_d, default_g = settings.optimizers()
        auto_scale_loss = kwargs.get("auto_scale_loss", True)
        d_template, g_template = (
            precision.loss_scaled(default if is_default(given) else given, self.dtype_policy,
                                  auto_scale_loss)
            for default, given in ((default_d, d_optimizer), (default_g, g_optimizer)))

        def built(template, model, device):
            with _device(device):
                optimizer = _clone_optimizer(template)
                optimizer.build(model.trainable_variables)
            return optimizer

        self.d_optimizer = built(d_template, self.discriminator, self.global_device)
        self.g_optimizer = built(g_template, self.generator, self.global_device)
        self.local_d_optimizers = [built(d_template, d, self.pair_device(i))
                                   for i, d in enumerate(self.local_discriminators)]
        self.local_g_optimizers = [built(g_template, g, self.pair_device(i))
                                   for i, g in enumerate(self.local_generators)]
        self.messenger_optimizers = [built(d_template, m, self.pair_device(i))
                                     for i, m in enumerate(self.messengers)]
        for local, messenger in zip(self.local_d_optimizers, self.messenger_optimizers):
            if len(local.variables) != len(messenger.variables):
                raise ValueError("a messenger's optimizer state does not match its discriminator's")

        names = ["d_loss", "g_loss", "local_d_loss", "local_g_loss"]
        if self.messenger_steps:
            names.append("messenger_d_loss")
        if self.penalties:
            names.append("penalty")
        names += list(self.objective.monitor_names)
        for i in range(self.num_pairs):
            names += [f"d_loss_{i + 1}", f"g_loss_{i + 1}"]
        self._log_names = names
        self._log_tracker = _MeanVector(len(names), name="sgan_logs")

    @property
    def metrics(self):
        return [self._log_tracker] if hasattr(self, "_log_tracker") else []

    def call(self, z, training=False):
        return self.generator(z, training=training)

    # ------------------------------------------------------------------ the step
    def recreate_messengers(self):
        """Resets every messenger to an exact copy of its local discriminator (weights, batch-norm
        statistics, spectral-norm vectors) and of that discriminator's optimizer state."""
        for i in range(self.num_pairs):
            with _device(self.pair_device(i)):
                for target, source in zip(self.messengers[i].weights,
                                          self.local_discriminators[i].weights):
                    target.assign(source)
                for target, source in zip(self.messenger_optimizers[i].variables,
                                          self.local_d_optimizers[i].variables):
                    target.assign(source)

    def _recreate_messengers_op(self):
        self.recreate_messengers()
        return tf.constant(True)

    def _messenger_updates(self, step_count, real_slices, g0_slices, sizes, batch):
        """3. Messengers: every ``sync_every`` steps fresh copies of the local discriminators; then
        ``messenger_steps`` updates against G_0 (the last one on G_0's batch of this step)."""
        global_seed = self.pair_seed(-1)
        if self.sync_every == 1:
            self.recreate_messengers()
        else:
            tf.cond(tf.equal(step_count % self.sync_every, 0),
                    lambda: self._recreate_messengers_op(), lambda: tf.constant(False))
        losses = []
        for k in range(self.messenger_steps):
            fake_slices = g0_slices
            if k < self.messenger_steps - 1:
                with _device(self.global_device):
                    z = randomness.replica_normal(
                        [batch, self.latent_dim],
                        randomness.step_seed(global_seed, step_count, step.SALT_MESSENGER + k))
                    fake_slices = tf.split(self.generator(z, training=True), sizes,
                                           num=self.num_pairs)
            for i in range(self.num_pairs):
                with _device(self.pair_device(i)):
                    loss, _, _ = step.discriminator_update(
                        self.game, self.messengers[i], self.messenger_optimizers[i],
                        real_slices[i], fake_slices[i], randomness.step_seed(
                            self.pair_seed(i), step_count, step.SALT_MESSENGER_PENALTY + k))
                losses.append(loss)
        return losses

    def _local_pair(self, i):
        return step.Pair(self.local_generators[i], self.local_discriminators[i],
                         self.local_d_optimizers[i], self.local_g_optimizers[i])

    def train_step(self, data):
        real, _ = step.unpack(data)
        batch = real.shape[0] // self.n_critic if real.shape[0] is not None else None
        if batch is not None and batch < self.num_pairs:
            raise ValueError(f"SGAN needs a batch of at least num_pairs={self.num_pairs} images "
                             f"per critic update, got {batch}")
        step_count = self.step_counter.value
        global_seed = self.pair_seed(-1)
        logs = {}

        # 1. the local pairs: N independent sub-graphs, each on its own device (the GAN step).
        local_fakes = []
        for i in range(self.num_pairs):
            with _device(self.pair_device(i)):
                pair_logs, fakes = step.pair_step(self.game, self._local_pair(i), real,
                                                  self.pair_seed(i), step_count, self.latent_dim)
            logs[f"d_loss_{i + 1}"], logs[f"g_loss_{i + 1}"] = (pair_logs["d_loss"],
                                                                pair_logs["g_loss"])
            local_fakes.append(fakes)
        logs["local_d_loss"] = tf.add_n([logs[f"d_loss_{i + 1}"] for i in range(self.num_pairs)]
                                        ) / self.num_pairs
        logs["local_g_loss"] = tf.add_n([logs[f"g_loss_{i + 1}"] for i in range(self.num_pairs)]
                                        ) / self.num_pairs

        real_batches = step.split_real_batches(real, self.n_critic)
        batch = tf.shape(real_batches[0])[0]
        sizes = slice_sizes(batch, self.num_pairs)
        with _device(self.global_device):
            # 2. D_0 against a batch mixing samples of every local generator.
            for c, real_batch in enumerate(real_batches):
                fake = tf.concat([local_fakes[i][c][:sizes[i]] for i in range(self.num_pairs)],
                                 axis=0)
                d0_loss, penalty, monitors = step.discriminator_update(
                    self.game, self.discriminator, self.d_optimizer, real_batch, fake,
                    randomness.step_seed(global_seed, step_count, step.SALT_GLOBAL_PENALTY + 10 * c))
            logs.update(monitors)
            logs["d_loss"] = d0_loss
            if self.penalties:
                logs["penalty"] = penalty
            real_slices = tf.split(real_batches[-1], sizes, num=self.num_pairs)
            z = randomness.replica_normal(
                [batch, self.latent_dim],
                randomness.step_seed(global_seed, step_count, step.SALT_GENERATOR))

        # 3.-4. G_0's batch is drawn once: the last messenger update and G_0's update share it
        # (no second generator pass); earlier messenger updates, if any, draw their own.
        messenger_losses = []

        def train_messengers(g0_batch):
            g0_slices = tf.split(g0_batch, sizes, num=self.num_pairs)
            messenger_losses.extend(self._messenger_updates(step_count, real_slices, g0_slices,
                                                            sizes, batch))

        def against_messengers(g0_batch):
            # 4. G_0 against the messengers, each judging its slice of the batch.
            g0_slices = tf.split(g0_batch, sizes, num=self.num_pairs)
            per_messenger = []
            for i in range(self.num_pairs):
                with _device(self.pair_device(i)):
                    per_messenger.append(step.generator_loss(
                        self.game, self.messengers[i], real_slices[i], g0_slices[i],
                        seed=randomness.step_seed(self.pair_seed(i), step_count,
                                                  step.SALT_GENERATOR)))
            return tf.add_n(per_messenger) / self.num_pairs

        with _device(self.global_device):
            logs["g_loss"] = step.generator_update(self.game, self.generator, self.g_optimizer, z,
                                                   against_messengers,
                                                   before_judging=train_messengers)
        if messenger_losses:
            logs["messenger_d_loss"] = tf.add_n(messenger_losses) / len(messenger_losses)
        self._log_tracker.update_state(tf.stack([tf.cast(logs[name], tf.float32)
                                             for name in self._log_names]))
        self.step_counter.assign_add(1)
        return self._results()

    def _results(self):
        return dict(zip(self._log_names, tf.unstack(self._log_tracker.result())))

    def test_step(self, data):  # no validation game: report the running training means
        return self._results()

    # ------------------------------------------------------------------ sampling
    def generate(self, n, seed=0, pair=0, batch_size=256, clip=True):
        """``n`` samples of generator ``pair`` (0: G_0, i: G_i) as float32 numpy, from ``seed``.

        The same ``seed`` gives every generator the same latent vectors (as ``GAN.generate``).
        ``clip`` clips to [-1, 1] (images); pass ``False`` for unbounded data such as toy points.
        """
        if not 0 <= pair <= self.num_pairs:
            raise ValueError(f"pair must be in 0..{self.num_pairs} (0: the global generator), "
                             f"got {pair}")
        return step.generate_images(self.generators[pair], n, self.latent_dim, seed, batch_size,
                                    clip)

    def generate_all(self, n, seed=0, **kwargs):
        """``[samples of G_0, of G_1, ..., of G_N]``, all from the same latent vectors."""
        return [self.generate(n, seed=seed, pair=p, **kwargs) for p in range(self.num_pairs + 1)]

    # ------------------------------------------------------------------ serialization
    def get_config(self):
        serialize = keras.saving.serialize_keras_object
        return {"num_pairs": self.num_pairs, "latent_dim": self.latent_dim, "seed": self.seed,
                "name": self.name, "networks": {
                    "local_generators": [serialize(g) for g in self.local_generators],
                    "local_discriminators": [serialize(d) for d in self.local_discriminators],
                    "messengers": [serialize(m) for m in self.messengers],
                    "generator": serialize(self.generator),
                    "discriminator": serialize(self.discriminator)}}

    @classmethod
    def from_config(cls, config):
        """Rebuilds the ensemble from its serialized networks (weights load afterwards), feeding
        them to ``__init__`` in the order it calls ``make_pair``."""
        config = dict(config)
        networks = config.pop("networks")
        load = keras.saving.deserialize_keras_object
        calls = []
        for i in range(config["num_pairs"]):
            calls.append((load(networks["local_generators"][i]),
                          load(networks["local_discriminators"][i])))
            calls.append((None, load(networks["messengers"][i])))
        calls.append((load(networks["generator"]), load(networks["discriminator"])))
        order = iter(calls)
        return cls(lambda: next(order), **config)

    def get_compile_config(self):
        """Not saved: optimizers and the game are configured again with ``compile``."""
        return None
