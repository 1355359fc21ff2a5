"""Typed paper settings: what each objective's paper trained with, plus the user's overrides.

One frozen :class:`Settings` per objective (``PAPER``) replaces a loose dict of defaults. One function,
:func:`resolve`, applies the user's overrides; the result builds the optimizers
(:meth:`Settings.optimizers`) and the ``GAN.compile`` / ``SGAN.compile`` arguments
(:meth:`Settings.compile_kwargs`). The command line, notebooks (``GAN.compile``'s own defaults), SGAN
and BogoNet all go through it::

    settings = resolve("wgan_gp", lr_d=2e-4)          # the paper's values, one changed
    gan.compile(loss="wgan_gp", **settings.compile_kwargs(total_steps=10000))

**"The objective's default" has one spelling: ``DEFAULT`` (the string ``"default"``).** An override
equal to ``DEFAULT`` keeps the paper's value; ``None`` means *none* where a setting can be absent
(``penalty=None``: no penalty, ``clip_value=None``: no clipping, ``ema_decay=None``: no EMA).

Validation happens in ``Settings.__post_init__``: a bad value raises ``UserInputError`` (a
``ValueError``) in one line naming the value and the valid range; the command line exits with
status 2.
"""
import dataclasses
import types
from typing import Mapping, Optional

import keras

from tfgan_suite.errors import UserInputError

DEFAULT = "default"  # "use the objective's paper value" (the only spelling)

OPTIMIZERS = ("adam", "rmsprop")
UPDATES = ("alternating", "simultaneous")
CRITIC_SCHEDULES = ("constant", "wgan")


def _frozen(mapping):
    return types.MappingProxyType(dict(mapping or {}))


@dataclasses.dataclass(frozen=True)
class Settings:
    """Training settings of one objective (the paper's, or the paper's with user overrides).

    Attributes:
      optimizer: ``adam`` or ``rmsprop`` (both players).
      lr_d, lr_g: learning rates of the discriminator and the generator (TTUR when they differ).
      beta_1, beta_2: Adam's moment decays (ignored by RMSProp).
      n_critic: discriminator updates per generator update (each on its own real batch).
      critic_schedule: ``constant`` (``n_critic`` every step) or ``wgan`` (the WGAN authors' code:
        100 critic updates while the generator has made fewer than 25 updates and at every 500th
        generator update, ``n_critic`` otherwise; see ``training.step.critic_updates``).
      update: ``alternating`` (D then G, G against the updated D) or ``simultaneous`` (both players'
        gradients from one forward pass; needs ``n_critic == 1``).
      penalty: a registered penalty name or ``None``; ``penalty_options`` its keyword arguments.
      clip_value: clip every critic weight to ``[-c, c]`` after its update (WGAN), ``None``: off.
      ema_decay: generator exponential moving average for sampling/export, ``None``: off.
      historical_averaging: weight of ``||theta - mean(past theta)||^2`` (0: off).
      model: architecture name the objective needs (``None``: the caller's default, ``dcgan28``).
      model_options: architecture options the objective needs (e.g. MMD's spectral norm).
    """

    optimizer: str = "adam"
    lr_d: float = 2e-4
    lr_g: float = 2e-4
    beta_1: float = 0.5
    beta_2: float = 0.999
    n_critic: int = 1
    critic_schedule: str = "constant"
    update: str = "alternating"
    penalty: Optional[str] = None
    penalty_options: Mapping = dataclasses.field(default_factory=dict)
    clip_value: Optional[float] = None
    ema_decay: Optional[float] = None
    historical_averaging: float = 0.0
    model: Optional[str] = None
    model_options: Mapping = dataclasses.field(default_factory=dict)

    def __post_init__(self):
        object.__setattr__(self, "penalty_options", _frozen(self.penalty_options))
        object.__setattr__(self, "model_options", _frozen(self.model_options))
        _check_choice("optimizer", self.optimizer, OPTIMIZERS)
        _check_choice("update", self.update, UPDATES)
        _check_choice("critic_schedule", self.critic_schedule, CRITIC_SCHEDULES)
        for name in ("lr_d", "lr_g"):
            _check_number(name, getattr(self, name), "> 0", lambda v: v > 0)
        for name in ("beta_1", "beta_2"):
            _check_number(name, getattr(self, name), "in [0, 1)", lambda v: 0 <= v < 1)
        if isinstance(self.n_critic, bool) or not isinstance(self.n_critic, int) or \
                self.n_critic < 1:
            raise UserInputError(f"n_critic must be an int >= 1, got {self.n_critic!r}")
        if self.clip_value is not None:
            _check_number("clip_value", self.clip_value, "> 0 (or None: no clipping)",
                          lambda v: v > 0)
        if self.ema_decay is not None:
            _check_number("ema_decay", self.ema_decay, "in [0, 1) (or None: no EMA)",
                          lambda v: 0 <= v < 1)
        _check_number("historical_averaging", self.historical_averaging, ">= 0",
                      lambda v: v >= 0)
        if self.penalty is not None and not isinstance(self.penalty, str):
            raise UserInputError(f"penalty must be a registered name or None, got "
                                 f"{self.penalty!r}")
        if self.update == "simultaneous" and (self.n_critic != 1
                                              or self.critic_schedule != "constant"):
            raise UserInputError(f"update='simultaneous' computes both players' gradients from one "
                                 f"forward pass, so it needs n_critic=1 and critic_schedule="
                                 f"'constant', got n_critic={self.n_critic}, critic_schedule="
                                 f"{self.critic_schedule!r}")

    # ------------------------------------------------------------------ what the trainers take
    def optimizers(self, total_steps=None, lr_decay=None):
        """``(d_optimizer, g_optimizer)``; ``lr_decay`` (``training.schedules``) decays each rate
        over ``total_steps`` generator updates (the critic's over ``n_critic`` times as many)."""
        from tfgan_suite.training import schedules  # pylint: disable=import-outside-toplevel

        def make(lr, steps):
            lr = schedules.build(lr, lr_decay, steps) if lr_decay else lr
            if self.optimizer == "rmsprop":
                return keras.optimizers.RMSprop(lr)
            return keras.optimizers.Adam(lr, beta_1=self.beta_1, beta_2=self.beta_2)

        if schedules.parse(lr_decay)[0] != "none" and not total_steps:
            raise UserInputError(f"lr_decay={lr_decay!r} needs total_steps (the run's generator "
                                 f"updates), got {total_steps!r}")
        steps = total_steps or 1
        return make(self.lr_d, steps * self.n_critic), make(self.lr_g, steps)

    def compile_kwargs(self, total_steps=None, lr_decay=None, mixed_precision=None):
        """Every game argument of ``GAN.compile`` (and ``SGAN.compile``), no ``DEFAULT`` left:
        optimizers (wrapped for float16 loss scaling), penalty, n_critic, schedule, update, clip."""
        from tfgan_suite.training import precision  # pylint: disable=import-outside-toplevel

        d_optimizer, g_optimizer = (precision.wrap_optimizer(o, mixed_precision)
                                    for o in self.optimizers(total_steps, lr_decay))
        return dict(d_optimizer=d_optimizer, g_optimizer=g_optimizer, penalty=self.penalty,
                    penalty_options=dict(self.penalty_options), n_critic=self.n_critic,
                    critic_schedule=self.critic_schedule, update=self.update,
                    clip_value=self.clip_value, ema_decay=self.ema_decay,
                    historical_averaging=self.historical_averaging)

    def as_dict(self):
        # not dataclasses.asdict: it deep-copies the read-only option mappings, which cannot be
        # copied (a mappingproxy is not picklable)
        return {f.name: (dict(v) if isinstance(v, Mapping) else v)
                for f in dataclasses.fields(self) for v in (getattr(self, f.name),)}


def is_default(value):
    """True for the ``DEFAULT`` sentinel ("use the objective's paper value")."""
    return isinstance(value, str) and value == DEFAULT


def _check_choice(name, value, choices):
    if value not in choices:
        raise UserInputError(f"unknown {name} {value!r}; valid choices: {', '.join(choices)}")


def _check_number(name, value, rule, ok):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not ok(value):
        raise UserInputError(f"{name} must be {rule}, got {value!r}")


# ---------------------------------------------------------------------- the papers' settings
_DCGAN = Settings(
    optimizer="adam",  # Radford et al. 2016 (DCGAN), section 4: Adam,
    lr_d=2e-4, lr_g=2e-4,  # learning rate 0.0002,
    beta_1=0.5, beta_2=0.999,  # beta_1 = 0.5 ("0.9 oscillated"), Adam's default beta_2
    n_critic=1)  # one D update per G update (Goodfellow et al. 2014 used k = 1 in experiments)

# The repulsive-loss authors' spectral norm (w_nm='s' on every D layer, their default power
# iteration on the convolution operator) times their constant act_k = 64^(1/8).
_REP_SN = {"spectral_norm": "conv", "sn_gain": 64 ** (1 / 8)}

PAPER = {
    # Goodfellow et al. 2014 (gan) and its non-saturating generator loss (nsgan), trained as DCGAN.
    "gan": _DCGAN,
    "nsgan": _DCGAN,
    # Mao et al. 2017 (LSGAN), section 4: Adam, learning rate 0.0002, beta_1 = 0.5.
    "lsgan": _DCGAN,
    # Arjovsky et al. 2017 (WGAN), Algorithm 1: RMSProp, alpha = 0.00005, c = 0.01, n_critic = 5.
    # The authors' code (martinarjovsky/WassersteinGAN main.py: Diters = 100 if gen_iterations < 25
    # or gen_iterations % 500 == 0) runs 100 critic updates for the first 25 generator updates and
    # at every 500th: critic_schedule="wgan", which the WGAN presets (flags/wgan_mnist_mlp.cfg, the
    # reproduction suites) select. It is not the default here: it needs the data fed by
    # training.step.scheduled_batches, which GAN.fit callers feeding n_critic * B images, BogoNet,
    # SGAN and multi-replica strategies do not do.
    "wgan": Settings(optimizer="rmsprop", lr_d=5e-5, lr_g=5e-5, n_critic=5, clip_value=0.01),
    # Gulrajani et al. 2017 (WGAN-GP), Algorithm 1: lambda = 10, n_critic = 5, Adam(alpha = 1e-4,
    # beta_1 = 0, beta_2 = 0.9). Section 4: "no critic batch normalization" (the penalty is per
    # sample): d_norm="none" for the architectures that have a batch-normed critic (dcgan*).
    "wgan_gp": Settings(lr_d=1e-4, lr_g=1e-4, beta_1=0.0, beta_2=0.9, n_critic=5,
                        penalty="gradient_penalty", penalty_options={"weight": 10.0},
                        model_options={"d_norm": "none"}),
    # Kodali et al. 2017 (DRAGAN), authors' code (kodalinaveen3/DRAGAN): lambda = 10, k = 1, C = 0.5
    # around the real data, Adam(1e-4, beta_1 = 0.5, beta_2 = 0.9). Its penalty is per sample too:
    # no critic batch norm (as WGAN-GP, section 4).
    "dragan": Settings(lr_d=1e-4, lr_g=1e-4, beta_1=0.5, beta_2=0.9, penalty="dragan",
                       penalty_options={"weight": 10.0, "k": 1.0, "perturbation": "symmetric_std",
                                        "scale": 0.5}, model_options={"d_norm": "none"}),
    # Miyato et al. 2018 (SNGAN) hinge setting as released in pfnet-research/sngan_projection
    # configs/sn_cifar10_unconditional.yml: Adam(alpha = 2e-4, beta_1 = 0, beta_2 = 0.9),
    # n_dis = 5 (that config also decays the rate linearly to 0: flags/hinge_sngan_cifar10.cfg).
    "hinge": Settings(beta_1=0.0, beta_2=0.9, n_critic=5),
    # Zhao et al. 2017 (EBGAN), appendix C: Adam with beta_1 = 0.5 and a searched learning rate;
    # 5e-4 (both players) is the value used here (docs/objectives.md); the autoencoder discriminator.
    # The margin (10 on MNIST) is the loss's option (losses/ebgan.py).
    "ebgan": Settings(lr_d=5e-4, lr_g=5e-4, model="ebgan"),
    # Li et al. 2017 (MMD-GAN) as the repulsive-loss paper's baseline, run with the repulsive-loss
    # authors' code (richardwth/MMD-GAN): Adam(1e-4, beta_1 = 0.5), both players' gradients from one
    # forward pass (DeepLearning/my_sngan.py applies both in one session run), and their spectral
    # norm: power iteration on the convolution on every D layer, times C = 64^(1/8) (my_test_cifar.py
    # and my_test_stl.py, act_k; 64^0.1 in my_test_celebA.py / my_test_lsun.py, which rep_cnn at
    # image_size 64 uses when given sn_gain=64**0.1).
    "mmd": Settings(lr_d=1e-4, lr_g=1e-4, update="simultaneous", model_options=_REP_SN),
    # Wang et al. 2019 (repulsive MMD-GAN), richardwth/MMD-GAN my_test_stl.py / my_test_lsun.py:
    # Adam(beta_1 = 0.5, beta_2 = 0.999, GeneralTools/graph_func.py opt_config), lr_list = [5e-4,
    # 2e-4] ([D, G]), simultaneous updates and conv spectral norm times C, as for mmd.
    "rep": Settings(lr_d=5e-4, lr_g=2e-4, update="simultaneous", model_options=_REP_SN),
    # The bounded-kernel variant, my_test_cifar.py (loss_type 'rmb'): lr_list = [2e-4, 5e-4].
    "rmb": Settings(lr_d=2e-4, lr_g=5e-4, update="simultaneous", model_options=_REP_SN),
}


def register(objective_name, settings):
    """Declares the paper settings of a user-registered objective (unregistered: DCGAN's)."""
    if not isinstance(settings, Settings):
        raise TypeError(f"settings must be a Settings, got {type(settings).__name__}")
    PAPER[objective_name] = settings


def paper(objective):
    """The paper settings of ``objective`` (a name or an ``Objective``; DCGAN's when unknown)."""
    name = getattr(objective, "name", objective)
    return PAPER.get(name, _DCGAN)


FIELDS = tuple(f.name for f in dataclasses.fields(Settings))


def resolve(objective, **overrides):
    """The paper settings of ``objective`` with every override that is not ``DEFAULT`` applied.

    ``penalty_options`` given by the user update the paper's options when the penalty stays the
    paper's, and replace them when the user names another penalty. Unknown keys raise one line.
    """
    unknown = sorted(set(overrides) - set(FIELDS))
    if unknown:
        raise UserInputError(f"unknown setting(s) {unknown}; valid settings: {', '.join(FIELDS)}")
    base = paper(objective)
    changes = {k: v for k, v in overrides.items() if not is_default(v)}
    if "penalty_options" in changes:
        keep = changes.get("penalty", base.penalty) == base.penalty
        changes["penalty_options"] = {**(base.penalty_options if keep else {}),
                                      **(changes["penalty_options"] or {})}
    elif "penalty" in changes and changes["penalty"] != base.penalty:
        changes["penalty_options"] = {}
    if "model_options" in changes:
        changes["model_options"] = {**base.model_options, **(changes["model_options"] or {})}
    return dataclasses.replace(base, **changes)
