"""The training step, written once: the discriminator update and the generator update.

``GAN.train_step`` runs :func:`pair_step` on its one pair; ``SGAN`` runs it on every local pair and
uses :func:`discriminator_update` / :func:`generator_update` for its global pair and messengers. So
loss scaling, XLA, clipping, historical averaging and EMA behave the same everywhere.

**Updates** (``game.update``):

* ``alternating`` (default)::

      for i in 1..k:   L_D = d_loss(D(x_i), D(G(z_i))) + sum(penalties) [+ historical avg]
                       theta_D <- opt_D(grad L_D);  clip theta_D to [-c, c] if clip_value
      L_G = g_loss(D(x_k), D(G(z))) [+ historical avg];  theta_G <- opt_G(grad L_G);  EMA update

* ``simultaneous``: one forward pass ``D(x), D(G(z))`` gives both losses; both gradients are taken
  from that same pass (one persistent tape) and both applied. ``k`` must be 1 (``Settings`` refuses
  ``n_critic > 1`` with ``simultaneous``).

**Critic schedule** (``game.critic_schedule``), ``k`` critic updates per generator update:

* ``constant``: ``k = n_critic``. A train step receives ``n_critic * B`` real images and splits them
  into ``n_critic`` distinct batches (the loop is unrolled when Keras traces the step).
* ``wgan`` (Arjovsky et al.'s code, martinarjovsky/WassersteinGAN ``main.py``): ``k = 100`` while the
  generator has made fewer than 25 updates and at every 500th generator update, ``k = n_critic``
  otherwise. ``k`` varies, so the data pipeline does the feeding: :func:`scheduled_batches` groups
  batches of ``B`` into elements of shape ``[k, B, ...]`` (``k`` from the same rule and the same
  generator-step count), and the step runs a ``tf.while_loop`` over the ``k`` critic batches
  (``B`` stays static, so XLA compiles it). The step checks that the element holds exactly ``k``
  batches. Not available under a multi-replica strategy (batches of varying size cannot be split
  evenly ahead of time) nor in SGAN.

**Loss scaling**: each replica divides its local mean loss by the number of replicas, so summed
gradients equal those of the global-batch mean, then ``optimizer.scale_loss`` (identity unless the
optimizer is a ``LossScaleOptimizer``, as under ``mixed_float16``) scales it before differentiation;
``optimizer.apply`` unscales and skips non-finite steps.

**Labels**: every function takes ``labels`` (``None`` when unconditional). A conditional network is
one whose Keras model takes two inputs; it is called as ``G((z, labels))`` and ``D((images,
labels))``; data elements are then ``(images, labels)``. An AC-GAN discriminator's class logits add
``auxiliary_weight`` / ``auxiliary_weight_g`` times the cross-entropies of ``losses.auxiliary``.

**Randomness**: draws are stateless, keyed by ``(seed, step, salt)`` (``utils.randomness``); the
salts below keep the draws of one step independent. ``step`` is the model's own ``step_counter``
(train steps done), not ``optimizer.iterations``, which a ``LossScaleOptimizer`` does not advance
when it skips a non-finite step: the historical averages count their samples from it too.

**Augmentation** (``game.augment``, :mod:`tfgan_suite.augment`: DiffAugment, ADA): every image the
discriminator judges is augmented first, real and generated, in both players' updates (and in
penalties, which receive the augmented images), so the generator learns through ``D(T(G(z)))``.
Each discriminator pass keys its draws by its own step seed folded with ``augment.SALT_REAL`` /
``SALT_FAKE``. After each discriminator update the augmentation sees ``D(T(x))`` (``observe``: ADA's
``r_t``); :func:`end_of_step` lets it adjust after each train step (ADA's ``p``).
"""
import dataclasses
from typing import Any, Optional

import tensorflow as tf

from tfgan_suite import augment as augment_lib
from tfgan_suite.losses.auxiliary import adversarial, class_cross_entropy
from tfgan_suite.penalties.gradient import inner_loss_scale
from tfgan_suite.utils import randomness

# Salts of the stateless draws of one step (critic update i draws z with salt i).
SALT_GENERATOR = 101  # the generator update's z
SALT_PENALTY = 202  # penalty of critic update i: 202 + 10 i (constant schedule)
SALT_SCHEDULED_PENALTY = 700  # penalty of critic update i under the wgan schedule: 700 + i
SALT_MESSENGER = 300  # SGAN messenger update k (not the last): z with salt 300 + k
SALT_MESSENGER_PENALTY = 400  # SGAN messenger update k: penalty 400 + k
SALT_GLOBAL_PENALTY = 600  # SGAN D_0's critic update c: penalty 600 + 10 c

WGAN_WARMUP_STEPS = 25  # the WGAN authors' schedule: 100 critic updates below this generator step
WGAN_EVERY = 500  # ... and at every 500th generator step
WGAN_MANY_CRITIC = 100


@dataclasses.dataclass(frozen=True)
class Game:
    """What every update of a model shares (built by ``compile``)."""

    objective: Any
    penalties: tuple = ()
    n_critic: int = 1
    critic_schedule: str = "constant"
    update: str = "alternating"
    clip_value: Optional[float] = None
    historical_averaging: float = 0.0
    ema_decay: Optional[float] = None
    auxiliary_weight: float = 1.0  # AC-GAN class cross-entropy weights (critic, generator)
    auxiliary_weight_g: float = 1.0
    augment: Any = None  # tfgan_suite.augment: applied to every image D judges (None: off)


@dataclasses.dataclass
class Pair:
    """One generator/discriminator pair and its optimizers (plus optional averaged state)."""

    generator: Any
    discriminator: Any
    d_optimizer: Any
    g_optimizer: Any
    d_history: Optional[list] = None  # historical averages of D's weights
    g_history: Optional[list] = None
    ema_generator: Any = None


# ---------------------------------------------------------------------- small pieces
def num_replicas():
    """Replicas of the current strategy: each divides its local mean loss by it."""
    return tf.distribute.get_strategy().num_replicas_in_sync


def is_conditional(model):
    """True for a network that takes ``(inputs, labels)``."""
    inputs = getattr(model, "inputs", None)
    return isinstance(inputs, (list, tuple)) and len(inputs) > 1


def unpack(data):
    """``(images, labels or None)`` from a train-step element: images, ``(images,)`` or
    ``(images, labels[, ...])``."""
    if isinstance(data, (tuple, list)):
        return data[0], (data[1] if len(data) > 1 else None)
    return data, None


def conditioned(model, labels):
    """``model`` as a function of its images/latents only (labels bound when conditional)."""
    if labels is None:
        return model
    return lambda x, training=False: model((x, labels), training=training)



def _float32(outputs):
    """Discriminator outputs in float32 (mixed precision computes them in 16 bits): losses,
    penalties and their gradients stay in float32."""
    return tf.nest.map_structure(lambda t: tf.cast(t, tf.float32), outputs)


def clip_weights(model, clip_value):
    """WGAN weight clipping: every trainable weight to ``[-clip_value, clip_value]`` (no-op if unset)."""
    if clip_value:
        for v in model.trainable_variables:
            v.assign(tf.clip_by_value(v, -clip_value, clip_value))


def split_real_batches(real, n_critic):
    """Splits ``n_critic * B`` real images (or labels) into ``n_critic`` distinct batches of ``B``."""
    batch = real.shape[0]
    if batch is not None and batch % n_critic:
        raise ValueError(f"a train step needs n_critic * batch_size real images; got a batch of "
                         f"{batch}, not divisible by n_critic={n_critic}")
    return tf.split(real, n_critic)


def historical_penalty(weight, model, history):
    if not weight or history is None:
        return 0.0
    return weight * tf.add_n([tf.reduce_sum(tf.square(v - avg))
                              for v, avg in zip(model.trainable_variables, history)])


def update_history(model, history, count):
    """``avg <- avg + (theta - avg) / count``: the running mean of ``theta`` over ``count`` updates
    (``count`` counts every update, also one a ``LossScaleOptimizer`` skipped)."""
    if history is None:
        return
    count = tf.cast(count, tf.float32)
    for v, avg in zip(model.trainable_variables, history):
        avg.assign(avg + (v - avg) / count)


def update_ema(ema_generator, generator, decay):
    """``ema <- decay * ema + (1 - decay) * theta`` for trainable weights; other state copied."""
    for ema_v, v in zip(ema_generator.trainable_variables, generator.trainable_variables):
        ema_v.assign(decay * ema_v + (1.0 - decay) * v)
    for ema_v, v in zip(ema_generator.non_trainable_variables, generator.non_trainable_variables):
        ema_v.assign(v)


def augmented(game, images, seed, salt):
    """``images`` as the discriminator sees them: through ``game.augment`` (keyed by ``seed`` folded
    with ``salt``) when augmentation is on."""
    if game.augment is None:
        return images
    if seed is None:
        raise ValueError("augmentation needs the seed of the discriminator pass")
    return game.augment(images, augment_lib.pass_seed(seed, salt))


def generator_terms(game, generator, z, fake, seed):
    """The penalties' terms of the generator's loss (zCR's diversity term), 0 when none."""
    terms = [p.generator_term for p in game.penalties if hasattr(p, "generator_term")]
    if not terms:
        return 0.0
    if seed is None:
        raise ValueError("a penalty with a generator term needs the seed of the generator update")
    return tf.add_n([tf.cast(term(generator, z, fake, tf.random.experimental.stateless_fold_in(
        seed, index + 1)), tf.float32) for index, term in enumerate(terms)])


def end_of_step(game, completed_steps):
    """After a train step: the augmentation's adjustment (ADA's ``p``); returns its logs."""
    if game.augment is None:
        return {}
    game.augment.end_step(completed_steps)
    return game.augment.logs()


def _apply(optimizer, loss, tape, variables):
    grads = tape.gradient(loss, variables)
    optimizer.apply(grads, variables)


# ---------------------------------------------------------------------- the two players' losses
def discriminator_losses(game, discriminator, real, fake, seed, labels=None, source=None,
                         optimizer=None):
    """``(loss, penalty, real_outputs, fake_outputs)`` of ``discriminator``; call inside a tape.

    ``loss = objective.discriminator_loss(D(real), D(fake))`` and
    ``penalty = sum_k penalties[k](D, real, fake, seed + [0, k + 1])``, ``real`` and ``fake``
    augmented when ``game.augment`` is on. ``source = (generator, z)`` made ``fake`` (for penalties
    that perturb the latents, zCR). The penalties' inner gradients are scaled by ``optimizer``'s
    loss scale when it is a ``LossScaleOptimizer`` (``penalties.gradient.inner_loss_scale``).
    """
    conditional_judge = conditioned(discriminator, labels)

    def judge(x, training=False):
        return adversarial(conditional_judge(x, training=training))

    real = augmented(game, real, seed, augment_lib.SALT_REAL)
    fake = augmented(game, fake, seed, augment_lib.SALT_FAKE)
    extras = {"outputs": None, "source": None}
    if source is not None:
        generator, z = source
        extras["source"] = (lambda latents: augmented(game, generator(latents, training=True),
                                                      seed, augment_lib.SALT_FAKE), z)
    real_all = _float32(conditional_judge(real, training=True))
    real_out = adversarial(real_all)
    fake_out = _float32(judge(fake, training=True))
    loss = game.objective.discriminator_loss(real_out, fake_out) + (
        game.auxiliary_weight * class_cross_entropy(real_all, labels))
    penalty = tf.constant(0.0)
    extras["outputs"] = (real_out, fake_out)
    with inner_loss_scale(getattr(optimizer, "dynamic_scale", None)):
        for index, penalty_fn in enumerate(game.penalties):
            wanted = {name: extras[name] for name in getattr(penalty_fn, "extras", ())}
            if "source" in wanted and wanted["source"] is None:
                raise ValueError(f"penalty {penalty_fn.__name__!r} needs the generator and "
                                 f"latents of the fakes, which this update does not have")
            penalty += tf.cast(penalty_fn(judge, real, fake, seed + [0, index + 1], **wanted),
                               tf.float32)
    return loss, penalty, real_out, fake_out


def generator_loss(game, discriminator, real, fake, labels=None, real_outputs=None, seed=None):
    """``objective.generator_loss(D(real) or None, D(fake))``; call inside a tape. ``D(real)`` is
    only computed when the objective reads it (MMD), unless ``real_outputs`` are given. With
    ``game.augment`` the images are augmented first, keyed by ``seed``."""
    judge = conditioned(discriminator, labels)
    fake = augmented(game, fake, seed, augment_lib.SALT_FAKE)
    if real_outputs is None and game.objective.generator_uses_real:
        real = augmented(game, real, seed, augment_lib.SALT_REAL)
        real_outputs = adversarial(_float32(judge(real, training=True)))
    fake_all = _float32(judge(fake, training=True))
    return game.objective.generator_loss(real_outputs, adversarial(fake_all)) + (
        game.auxiliary_weight_g * class_cross_entropy(fake_all, labels))


# ---------------------------------------------------------------------- the two updates
def discriminator_update(game, discriminator, optimizer, real, fake, seed, labels=None,
                         history=None, history_count=None, source=None):
    """One critic update on ``real`` vs ``fake`` (fakes are constants here); clips, averages
    (``history_count``: critic updates including this one, see :func:`critic_batches_before`).

    Returns ``(loss, penalty, monitors)``; ``monitors`` is ``objective.monitors`` of this pass.
    ``source``: ``(generator, z)`` that made ``fake`` (see :func:`discriminator_losses`).
    """
    fake = tf.stop_gradient(fake)
    with tf.GradientTape() as tape:
        loss, penalty, real_out, fake_out = discriminator_losses(game, discriminator, real, fake,
                                                                 seed, labels, source,
                                                                 optimizer)
        total = loss + penalty + historical_penalty(game.historical_averaging, discriminator,
                                                     history)
        scaled = optimizer.scale_loss(total / num_replicas())
    _apply(optimizer, scaled, tape, discriminator.trainable_variables)
    clip_weights(discriminator, game.clip_value)
    update_history(discriminator, history, history_count)
    if game.augment is not None:
        game.augment.observe(real_out)
    return loss, penalty, game.objective.monitors(real_out, fake_out)


def generator_update(game, generator, optimizer, z, judge, labels=None, history=None,
                     ema_generator=None, before_judging=None, history_count=None, seed=None):
    """One generator update: ``theta_G <- opt_G(grad judge(G(z)))``; averages and EMA.

    Args:
      judge: ``judge(fake) -> scalar loss`` (e.g. :func:`generator_loss` against one discriminator,
        or SGAN's mean over messengers).
      before_judging: optional ``fn(fake)`` run on the (constant) fakes before ``judge``, outside
        the gradient (SGAN trains its messengers on G_0's batch there: one generator pass).
      history_count: generator updates including this one (the historical average's count).
      seed: the update's step seed, for the penalties' generator terms (:func:`generator_terms`).
    Returns the loss.
    """
    with tf.GradientTape() as tape:
        fake = conditioned(generator, labels)(z, training=True)
        if before_judging is not None:
            with tape.stop_recording():
                before_judging(tf.stop_gradient(fake))
        loss = judge(fake)
        total = loss + historical_penalty(game.historical_averaging, generator, history)
        total += generator_terms(game, conditioned(generator, labels), z, fake, seed)
        scaled = optimizer.scale_loss(total / num_replicas())
    _apply(optimizer, scaled, tape, generator.trainable_variables)
    update_history(generator, history, history_count)
    if ema_generator is not None:
        update_ema(ema_generator, generator, game.ema_decay)
    return loss


def simultaneous_update(game, pair, real, z, seed, labels=None, history_count=None):
    """Both players from ONE forward pass ``D(x), D(G(z))``: gradients of ``L_D`` (w.r.t. D) and of
    ``L_G`` (w.r.t. G) from that pass, both applied. Returns ``(d_loss, g_loss, penalty,
    monitors)``."""
    generator, discriminator = pair.generator, pair.discriminator
    with tf.GradientTape(persistent=True) as tape:
        fake = conditioned(generator, labels)(z, training=True)
        d_loss, penalty, real_out, fake_out = discriminator_losses(
            game, discriminator, real, fake, seed, labels, (conditioned(generator, labels), z),
            pair.d_optimizer)
        g_loss = game.objective.generator_loss(
            real_out if game.objective.generator_uses_real else None, fake_out)
        if labels is not None and len(getattr(discriminator, "outputs", None) or ()) == 2:
            # AC-GAN: the class logits of the fakes (the pass above kept the adversarial part)
            seen = augmented(game, fake, seed, augment_lib.SALT_FAKE)  # the draws of the pass above
            g_loss += game.auxiliary_weight_g * class_cross_entropy(
                _float32(conditioned(discriminator, labels)(seen, training=True)), labels)
        d_total = d_loss + penalty + historical_penalty(game.historical_averaging, discriminator,
                                                         pair.d_history)
        g_total = g_loss + historical_penalty(game.historical_averaging, generator,
                                               pair.g_history)
        g_total += generator_terms(game, conditioned(generator, labels), z, fake, seed)
        d_scaled = pair.d_optimizer.scale_loss(d_total / num_replicas())
        g_scaled = pair.g_optimizer.scale_loss(g_total / num_replicas())
    d_grads = tape.gradient(d_scaled, discriminator.trainable_variables)
    g_grads = tape.gradient(g_scaled, generator.trainable_variables)
    del tape
    pair.d_optimizer.apply(d_grads, discriminator.trainable_variables)
    pair.g_optimizer.apply(g_grads, generator.trainable_variables)
    clip_weights(discriminator, game.clip_value)
    update_history(discriminator, pair.d_history, history_count)
    update_history(generator, pair.g_history, history_count)
    if pair.ema_generator is not None:
        update_ema(pair.ema_generator, generator, game.ema_decay)
    if game.augment is not None:
        game.augment.observe(real_out)
    return d_loss, g_loss, penalty, game.objective.monitors(real_out, fake_out)


# ---------------------------------------------------------------------- critic schedule
def critic_count(schedule, n_critic, generator_step):
    """Critic updates before generator update number ``generator_step`` (0-based): a Python int
    for an int step, an int32 tensor for a tensor step."""
    if schedule == "constant":
        return n_critic
    if isinstance(generator_step, int):
        warm = generator_step < WGAN_WARMUP_STEPS or generator_step % WGAN_EVERY == 0
        return WGAN_MANY_CRITIC if warm else n_critic
    step = tf.cast(generator_step, tf.int64)
    warm = tf.logical_or(step < WGAN_WARMUP_STEPS, tf.equal(step % WGAN_EVERY, 0))
    return tf.where(warm, WGAN_MANY_CRITIC, n_critic)


def critic_batches_before(schedule, n_critic, generator_step):
    """Critic batches consumed by generator updates ``0 .. generator_step - 1`` (to resume, and the
    critic's update count): a Python int for an int step, an int64 tensor for a tensor step.

    Closed form of ``sum(critic_count(g) for g < step)``: under ``wgan`` the warm steps before
    ``step`` are ``min(step, 25)`` plus the multiples of 500 in ``[25, step)``.
    """
    if not tf.is_tensor(generator_step):
        generator_step = int(generator_step)
    if schedule == "constant":
        return n_critic * generator_step
    if isinstance(generator_step, int):
        warm = min(generator_step, WGAN_WARMUP_STEPS) + max(0, (generator_step - 1) // WGAN_EVERY)
    else:
        generator_step = tf.cast(generator_step, tf.int64)
        warm = (tf.minimum(generator_step, WGAN_WARMUP_STEPS)
                + tf.maximum(tf.constant(0, tf.int64), (generator_step - 1) // WGAN_EVERY))
    return warm * WGAN_MANY_CRITIC + (generator_step - warm) * n_critic


def scheduled_batches(dataset, n_critic, start_step=0, schedule="wgan"):
    """Groups a dataset of batches of ``B`` into one element per generator update, of shape
    ``[k, B, ...]`` with ``k = critic_count(schedule, n_critic, g)`` for ``g = start_step, ...``.
    ``dataset`` must yield fixed-size batches (images, or ``(images, labels)``); to resume, pass
    ``dataset.skip(critic_batches_before(...))``."""
    start = tf.constant(int(start_step), tf.int64)

    def assign_step(state, element):
        step, used = state
        used += 1
        done = used >= tf.cast(critic_count(schedule, n_critic, step), tf.int64)
        state = (tf.where(done, step + 1, step), tf.where(done, tf.constant(0, tf.int64), used))
        return state, (step, element)

    keyed = dataset.scan((start, tf.constant(0, tf.int64)), assign_step)
    return keyed.group_by_window(
        key_func=lambda step, element: step,
        reduce_func=lambda step, window: window.map(lambda s, element: element).batch(
            WGAN_MANY_CRITIC),
        window_size_func=lambda step: tf.cast(critic_count(schedule, n_critic, step), tf.int64))


def _scheduled_critic_updates(game, pair, real, labels, seed, step, latent_dim):
    """The wgan schedule: ``real`` is ``[k, B, ...]``; a while loop makes the ``k`` updates."""
    count = tf.cast(critic_count(game.critic_schedule, game.n_critic, step), tf.int32)
    check = tf.debugging.assert_equal(
        tf.shape(real)[0], count,
        message="the element does not hold the schedule's number of critic batches: feed "
                "training.step.scheduled_batches(...) started at the generator step")
    with tf.control_dependencies([check]):
        count = tf.identity(count)
    batch = tf.shape(real)[1]
    monitors = {name: tf.constant(0.0) for name in game.objective.monitor_names}
    updates_before = critic_batches_before(game.critic_schedule, game.n_critic, step)

    def body(i, _loss, _penalty, _monitors):
        z = randomness.replica_normal([batch, latent_dim], randomness.step_seed(seed, step, i))
        batch_labels = None if labels is None else labels[i]
        make_fake = conditioned(pair.generator, batch_labels)
        fake = make_fake(z, training=True)
        loss, penalty, monitors = discriminator_update(
            game, pair.discriminator, pair.d_optimizer, real[i], fake,
            randomness.step_seed(seed, step, SALT_SCHEDULED_PENALTY + i), batch_labels,
            pair.d_history, updates_before + tf.cast(i, tf.int64) + 1, (make_fake, z))
        return i + 1, tf.cast(loss, tf.float32), penalty, {
            k: tf.cast(v, tf.float32) for k, v in monitors.items()}

    _, loss, penalty, monitors = tf.while_loop(
        lambda i, *_: i < count, body, (tf.constant(0), tf.constant(0.0), tf.constant(0.0),
                                        monitors))
    last_labels = None if labels is None else labels[count - 1]
    return loss, penalty, monitors, real[count - 1], last_labels, [], batch


def _critic_updates(game, pair, real, labels, seed, step, latent_dim):
    """``k`` critic updates; returns ``(d_loss, penalty, monitors, last real batch, its labels,
    the fakes of every update, B)``."""
    if game.critic_schedule != "constant":
        return _scheduled_critic_updates(game, pair, real, labels, seed, step, latent_dim)
    real_batches = split_real_batches(real, game.n_critic)
    label_batches = (split_real_batches(labels, game.n_critic) if labels is not None
                     else [None] * game.n_critic)
    batch = tf.shape(real_batches[0])[0]
    fakes = []
    for i, (real_batch, batch_labels) in enumerate(zip(real_batches, label_batches)):
        z = randomness.replica_normal([batch, latent_dim], randomness.step_seed(seed, step, i))
        make_fake = conditioned(pair.generator, batch_labels)
        fake = make_fake(z, training=True)
        fakes.append(fake)
        loss, penalty, monitors = discriminator_update(
            game, pair.discriminator, pair.d_optimizer, real_batch, fake,
            randomness.step_seed(seed, step, SALT_PENALTY + 10 * i), batch_labels, pair.d_history,
            tf.cast(step, tf.int64) * game.n_critic + i + 1, (make_fake, z))
    return loss, penalty, monitors, real_batches[-1], label_batches[-1], fakes, batch


def pair_step(game, pair, real, seed, step, latent_dim, labels=None):
    """One generator update of ``pair`` and the critic updates before it (module docstring).

    Returns ``(logs, fakes)``: ``logs`` has ``d_loss``, ``g_loss``, ``penalty`` and the objective's
    monitors; ``fakes`` are the generated batches the critic updates saw (constant schedule).
    """
    if game.update == "simultaneous":
        batch = tf.shape(real)[0]
        z = randomness.replica_normal([batch, latent_dim], randomness.step_seed(seed, step, 0))
        d_loss, g_loss, penalty, monitors = simultaneous_update(
            game, pair, real, z, randomness.step_seed(seed, step, SALT_PENALTY), labels,
            tf.cast(step, tf.int64) + 1)
        return dict(d_loss=d_loss, g_loss=g_loss, penalty=penalty, **monitors), []
    d_loss, penalty, monitors, last_real, last_labels, fakes, batch = _critic_updates(
        game, pair, real, labels, seed, step, latent_dim)
    g_seed = randomness.step_seed(seed, step, SALT_GENERATOR)
    z = randomness.replica_normal([batch, latent_dim], g_seed)
    g_loss = generator_update(
        game, pair.generator, pair.g_optimizer, z,
        lambda fake: generator_loss(game, pair.discriminator, last_real, fake, last_labels,
                                    seed=g_seed),
        last_labels, pair.g_history, pair.ema_generator, history_count=tf.cast(step, tf.int64) + 1,
        seed=g_seed)
    return dict(d_loss=d_loss, g_loss=g_loss, penalty=penalty, **monitors), fakes


# ---------------------------------------------------------------------- sampling
def generate_images(generator, n, latent_dim, seed=0, batch_size=256, clip=True, labels=None):
    """``n`` samples of ``generator`` as float32 numpy, from ``z ~ N(0, I)`` drawn statelessly from
    ``seed`` (the same ``seed`` gives every generator the same latent vectors); ``clip`` clips to
    [-1, 1] (images; pass ``False`` for unbounded data such as toy points)."""
    import numpy as np  # pylint: disable=import-outside-toplevel

    z = tf.random.stateless_normal([int(n), latent_dim], seed=[int(seed), 0], alg=randomness.ALG)
    if labels is not None:
        labels = tf.reshape(tf.convert_to_tensor(labels, tf.int32), [-1])
        if labels.shape[0] != int(n):
            raise ValueError(f"generate needs one label per sample: {labels.shape[0]} labels for "
                             f"n={n}")
    elif is_conditional(generator):
        raise ValueError("a class-conditional generator needs labels (one int per sample)")
    chunks = []
    for start in range(0, int(n), batch_size):
        part_labels = None if labels is None else labels[start:start + batch_size]
        chunks.append(np.asarray(conditioned(generator, part_labels)(
            z[start:start + batch_size], training=False), np.float32))
    samples = np.concatenate(chunks)
    return np.clip(samples, -1.0, 1.0) if clip else samples
