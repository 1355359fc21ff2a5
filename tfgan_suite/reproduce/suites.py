"""The reproduction suites as data: data set, architecture per objective, budget and scoring protocol.

Every objective of a suite trains with its paper settings (``training.settings.PAPER``: optimizer,
learning rates, critic updates and schedule, penalty, update order, and the network options its paper
needs: spectral norm and its gain, a critic without batch norm) on the suite's data, under the same
budget of generator updates; a suite only chooses the architecture family for its image size.

Architectures (one family per suite, so that the objectives are compared on the same networks):

* ``mnist``, ``fashion_mnist``, ``stacked_mnist``: ``dcgan28`` (28x28; 1 or 3 channels) for every
  objective, with spectral norm as in SNGAN for ``hinge`` and EBGAN's autoencoder discriminator
  (``ebgan``, with a ``dcgan28`` generator) for ``ebgan``; from the settings: the repulsive-loss
  authors' spectral norm (on the convolution, times C = 64^(1/8)) for ``mmd``/``rep``/``rmb`` and no
  critic batch norm for ``wgan_gp``/``dragan``.
* ``ring8``, ``grid25``: ``toy_mlp`` pairs; SGAN's global generator (N = 5 local pairs) against a
  single GAN, both with the non-saturating loss, scored by mode coverage.
* ``cifar10``: ``rep_cnn`` (the authors' CIFAR-10 network) for ``mmd``/``rep``/``rmb``, ``sngan_cnn``
  for ``hinge``, ``dcgan32`` for ``nsgan`` and ``wgan_gp`` (layer norm in the critic).
* ``limited_mnist``, ``limited_fashion_mnist``: the first 600 training images (1%), ``nsgan`` and
  ``hinge`` on the MNIST suites' networks, each with no technique and with one data-efficient
  technique per row (``LIMITED_DATA_TECHNIQUES``: DiffAugment, ADA, bCR, LeCam; docs/augment.md);
  rows are named ``<objective>_<technique>``.
"""
import dataclasses
import os
from typing import Mapping, Optional, Tuple

from tfgan_suite.data.stacked_mnist import shared_data_file
from tfgan_suite.errors import UserInputError
from tfgan_suite.reproduce import lucic

ALL_OBJECTIVES = ("gan", "nsgan", "lsgan", "wgan", "wgan_gp", "dragan", "hinge", "mmd", "rep", "rmb",
                  "ebgan")
# Rows that are a training method rather than an objective: their TrainConfig fields.
# SGAN (Chavdarova & Fleuret, 2018) with N = 5 local pairs, the mode-collapse comparison's ensemble.
ENSEMBLE_ROWS = {"sgan": {"loss": "nsgan", "ensemble": "sgan", "num_pairs": 5}}
# Paper settings an objective's default leaves out (training.settings explains why): the WGAN
# authors' critic schedule (martinarjovsky/WassersteinGAN main.py).
PAPER_OVERRIDES = {"wgan": {"critic_schedule": "wgan"}}


@dataclasses.dataclass(frozen=True)
class Protocol:
    """How a suite scores a generator.

    kind: ``"domain"`` (Fréchet distance and classifier score in the shipped MNIST / Fashion-MNIST
      classifier's features), ``"stacked_modes"`` (modes covered and KL on Stacked MNIST) or
      ``"inception"`` (Inception FID and KID), ``"toy_modes"`` (modes covered, high-quality
      fraction and KL on a 2-D Gaussian mixture, ``metrics.modes.mode_coverage``).
    """

    kind: str
    num_generated: int
    num_reference: int = 0
    reference_split: str = "test"
    feature_network: str = ""
    sample_seed: int = 12345  # the latent draw every run is scored on
    # Inception input resize convention (metrics.inception.RESIZES): "half_pixel" or "tf1"
    resize: str = "half_pixel"
    # points scored per run, equally spaced in the budget, the last one the end (1: the end only)
    checkpoints: int = 1
    # what the table shows: "final" (the end of training) or "best_checkpoint" (the lowest of the
    # scored points, as Lucic et al. 2018 report)
    report: str = "final"

    def describe(self):
        """The protocol as a dict; options at their defaults are left out, so the suites defined
        before they existed keep their workdirs' and records' protocol."""
        described = dataclasses.asdict(self)
        for name in ("resize", "checkpoints", "report"):
            if described[name] == Protocol.__dataclass_fields__[name].default:
                del described[name]
        return described


@dataclasses.dataclass(frozen=True)
class Suite:
    """One results table: which objectives train on what, for how long, scored how."""

    name: str
    dataset: str  # a tfgan_suite.data name
    offline_file: Optional[str]  # the shared offline copy used instead when it exists
    objectives: Tuple[str, ...]
    steps: int  # generator updates
    protocol: Protocol
    model: str = "dcgan28"
    model_options: Mapping[str, Mapping] = dataclasses.field(default_factory=dict)  # per objective
    models: Mapping[str, str] = dataclasses.field(default_factory=dict)  # per-objective model
    loss_options: Mapping[str, Mapping] = dataclasses.field(default_factory=dict)
    train_options: Mapping[str, object] = dataclasses.field(default_factory=dict)  # every objective
    seeds: Tuple[int, ...] = (0, 1, 2)
    batch_size: int = 64
    anchors: Tuple[Mapping, ...] = ()  # published results printed beside ours
    budget_note: str = ""
    # TrainConfig fields of one objective (its preset), applied last
    objective_fields: Mapping[str, Mapping] = dataclasses.field(default_factory=dict)
    # what ``steps`` counts: "generator_updates", or "critic_updates" (each objective then makes
    # steps // n_critic generator updates, so every objective gets the same discriminator updates)
    budget_unit: str = "generator_updates"
    log_every: int = 100  # generator steps per logged row; must divide each run's steps
    rows: Mapping[str, Mapping] = dataclasses.field(default_factory=dict)  # row -> TrainConfig fields
    # the row the report's collapse and "(see notes)" rules compare with (reproduce.report)
    baseline: str = "nsgan"

    def data_source(self):
        """The dataset argument of the runs: the offline file when present, else the name."""
        if self.offline_file:
            path = shared_data_file(self.offline_file)
            if path is not None:
                return str(path)
        return self.dataset

    def train_fields(self, objective):
        """TrainConfig fields (other than seed/steps/workdir) of ``objective`` in this suite."""
        valid = ALL_OBJECTIVES + tuple(ENSEMBLE_ROWS) + tuple(self.rows)
        if objective not in valid:
            raise UserInputError(f"unknown objective {objective!r}; valid choices: "
                                 f"{', '.join(valid)}")
        row = dict(self.rows.get(objective, {}))
        key = row.get("loss", objective)  # a technique row takes its objective's networks
        fields = {"loss": key, **ENSEMBLE_ROWS.get(objective, {}),
                  **PAPER_OVERRIDES.get(key, {}),
                  "dataset": self.data_source(), "batch_size": self.batch_size,
                  "model": self.models.get(key, self.model),
                  "model_options": dict(self.model_options.get(key, {})),
                  "loss_options": dict(self.loss_options.get(key, {})),
                  **self.train_options, **self.objective_fields.get(key, {}), **row}
        return fields

    def generator_steps(self, objective, steps):
        """Generator updates of one run of ``objective`` under a budget of ``steps`` (in
        ``budget_unit``)."""
        if self.budget_unit == "generator_updates":
            return steps
        return max(1, steps // self.n_critic(objective))

    def n_critic(self, objective):
        """Critic updates per generator update of ``objective`` in this suite (its settings)."""
        from tfgan_suite.training import settings as settings_lib

        fields = self.train_fields(objective)
        overrides = {k: fields[k] for k in ("n_critic", "model") if k in fields}
        return settings_lib.resolve(fields["loss"], **overrides).n_critic

    def export_points(self, generator_steps):
        """Generator steps before the end at which a run is also scored (``protocol.checkpoints``
        equally spaced points, the last being the end): ``floor(k * steps / checkpoints)``."""
        count = self.protocol.checkpoints
        return tuple(sorted({generator_steps * k // count for k in range(1, count)} - {0}))


# The objectives' own settings (training.settings.PAPER) already give the MMD family its conv
# spectral norm and gain C and the penalized critics no batch norm; a suite adds what belongs to the
# network family: SNGAN's hinge discriminator is spectrally normalized (sngan_cnn is by default,
# dcgan28 is not).
_MNIST_MODEL_OPTIONS = {"hinge": {"spectral_norm": True}}
_DOMAIN_PROTOCOL = dict(kind="domain", num_generated=10_000, num_reference=10_000,
                        reference_split="test")

SUITES = {
    "mnist": Suite(
        "mnist", "mnist", "mnist.npz", ALL_OBJECTIVES, 2000,
        Protocol(**_DOMAIN_PROTOCOL, feature_network="tfgan_suite MNIST domain classifier"),
        model_options=_MNIST_MODEL_OPTIONS, models={"ebgan": "ebgan"},
        budget_note="Batch 64. Far below the papers' budgets: the default, 2,000 updates (about 2 "
                    "epochs of MNIST), is where nsgan reaches a domain FD below 10."),
    "fashion_mnist": Suite(
        "fashion_mnist", "fashion_mnist", "fashion_mnist.npz", ALL_OBJECTIVES, 2000,
        Protocol(**_DOMAIN_PROTOCOL, feature_network="tfgan_suite Fashion-MNIST domain classifier"),
        model_options=_MNIST_MODEL_OPTIONS, models={"ebgan": "ebgan"},
        budget_note="Batch 64; the MNIST suite's budget."),
    "stacked_mnist": Suite(
        "stacked_mnist", "stacked_mnist", None,
        ("nsgan", "lsgan", "wgan_gp", "dragan", "hinge", "rep", "rmb", "sgan"), 2000,
        Protocol(kind="stacked_modes", num_generated=26_000,
                 feature_network="tfgan_suite MNIST domain classifier, per channel"),
        model_options=_MNIST_MODEL_OPTIONS,
        anchors=(
            # PacGAN (Lin et al., NeurIPS 2018), Table 2: Stacked MNIST in VEEGAN's experimental
            # setting (26,000 samples); checked against the table image in the authors' repository
            # (fjxmlzn/PacGAN, stacked_MNIST_experiments/results/Table2.png). DCGAN and VEEGAN are
            # the VEEGAN paper's figures; PacGAN's own DCGAN and PacDCGAN2 are means of 10 trials.
            {"method": "DCGAN", "modes": 99.0, "kl": 3.40, "source": "PacGAN Table 2 (from VEEGAN)"},
            {"method": "VEEGAN", "modes": 150.0, "kl": 2.95, "source": "PacGAN Table 2 (from VEEGAN)"},
            {"method": "DCGAN (PacGAN's)", "modes": 78.9, "kl": 4.50, "source": "PacGAN Table 2"},
            {"method": "PacDCGAN2", "modes": 1000.0, "kl": 0.06, "source": "PacGAN Table 2"},
        ),
        budget_note="Batch 64, dcgan28 networks with 3 channels; the published anchors come from "
                    "other networks and budgets (PacGAN Table 2: VEEGAN's setting)."),
    "cifar10": Suite(
        "cifar10", "cifar10", "cifar10.npz", ("nsgan", "wgan_gp", "hinge", "mmd", "rep", "rmb"), 500,
        Protocol(kind="inception", num_generated=2000, num_reference=2000, reference_split="test",
                 feature_network="FID Inception (2015-12-05), pool3"),
        model="dcgan32",
        models={"hinge": "sngan_cnn", "mmd": "rep_cnn", "rep": "rep_cnn", "rmb": "rep_cnn"},
        # layer norm: WGAN-GP's recommended replacement for batch norm in the critic (section 4)
        model_options={"wgan_gp": {"d_norm": "layer"}},
        budget_note="Batch 64. **500 generator updates: 200x fewer than the papers' 100,000** "
                    "(0.18-3.07 s of training per update on 2 CPU cores in the records, by objective and "
                    "load), so every FID here is far above the papers'; the notes compare rows with "
                    "the seed noise. CIFAR-10 from the shared JPEG-degraded copy; FID and KID on "
                    "2,000 samples (papers: 50,000): FID is biased upwards at this N, KID's "
                    "estimator is unbiased but noisier."),
}
# 2-D mixtures: SGAN against one GAN (Chavdarova & Fleuret 2018, section 4.1), 2,500 samples scored
# (the PacGAN / VEEGAN protocol). Adam(1e-3, 0.5) for both rows, as benchmarks/sgan_modes.py: with
# DCGAN's 2e-4 the single GAN covers 6 of grid25's modes with 9% high-quality samples after 10,000
# updates (still moving). The budget is where the single GAN's covered modes stop changing much:
# ring8 covers 3-6 modes from 2,500 to 20,000 updates; grid25 7-10 at 10k, 10-11 at 20k and
# 9-13 at 40k (two random streams: with and without XLA; benchmarks/toy_budget_probe.py, its
# record and the table in docs/results/grid25.notes.md).
for _toy, _steps in (("ring8", 10_000), ("grid25", 20_000)):
    SUITES[_toy] = Suite(
        _toy, _toy, None, ("nsgan", "sgan"), _steps,
        Protocol(kind="toy_modes", num_generated=2500,
                 feature_network="nearest mixture mean; high quality within 3 std"),
        model="toy_mlp", batch_size=128, train_options={"lr_d": 1e-3, "lr_g": 1e-3},
        budget_note="Batch 128, toy_mlp pairs, the non-saturating loss with Adam(1e-3, 0.5) for "
                    "both rows; sgan: N = 5 local pairs, the global generator G_0 scored.")


# Lucic et al. 2018 ("Are GANs Created Equal?"): their network, presets, budget in discriminator
# updates and FID protocol, all read from compare_gan v1 (reproduce/lucic.py cites each value).
# The execution path is the default rule's (training.execution): XLA did not pay on this network on
# the 2-core CPU (0.357 CPU-s per update with it, 0.339 without, 100 updates of lucic_nsgan.cfg each,
# load ~5), and its records say which path ran.
for _name, _dataset in (("lucic_mnist", "mnist"), ("lucic_fashion_mnist", "fashion_mnist")):
    SUITES[_name] = Suite(
        _name, _dataset, f"{_dataset}.npz", lucic.OBJECTIVES, lucic.CRITIC_UPDATES,
        Protocol(**lucic.LUCIC_PROTOCOL), model="lucic_infogan", models={"ebgan": "lucic_infogan"},
        model_options=lucic.MODEL_OPTIONS, objective_fields=lucic.PRESETS,
        budget_unit="critic_updates", log_every=125,
        seeds=(0,), budget_note=lucic.BUDGET_NOTE, anchors=lucic.anchors(_dataset))

# Limited data: one technique per row on top of each objective (docs/augment.md). DiffAugment with
# the authors' limited-data policy; ADA with the paper's target but p moving 5x faster than the
# paper's 500k images (these runs see 128k images in all, so at 500k p could not pass 0.26);
# bCR with the paper's weights; LeCam with the authors' weight and decay, its warm-up (1,000 updates
# in the authors' long runs) cut to 200 of the 2,000 updates.
LIMITED_DATA_TECHNIQUES = {
    "none": {},
    "diffaugment": {"augment": "translation,cutout"},
    "ada": {"augment": "ada", "ada_speed_images": 100_000},
    "bcr": {"penalty": "bcr"},
    "lecam": {"penalty": "lecam", "penalty_options": {"start": 200}},
}
LIMITED_DATA_OBJECTIVES = ("nsgan", "hinge")
LIMITED_DATA_EXAMPLES = 600  # 1% of the 60,000 training images
_LIMITED_ROWS = {f"{loss}_{name}": {"loss": loss, **fields}
                 for loss in LIMITED_DATA_OBJECTIVES
                 for name, fields in LIMITED_DATA_TECHNIQUES.items()}
for _name, _data in (("mnist", "MNIST"), ("fashion_mnist", "Fashion-MNIST")):
    SUITES[f"limited_{_name}"] = Suite(
        f"limited_{_name}", _name, f"{_name}.npz", tuple(_LIMITED_ROWS), 2000,
        Protocol(**_DOMAIN_PROTOCOL, feature_network=f"tfgan_suite {_data} domain classifier"),
        model_options=_MNIST_MODEL_OPTIONS, rows=_LIMITED_ROWS, baseline="nsgan_none",
        train_options={"num_examples": LIMITED_DATA_EXAMPLES},
        budget_note=f"Batch 64, the first {LIMITED_DATA_EXAMPLES} training images (1%) for "
                    f"2,000 updates (213 passes over them); scored against the 10,000 test "
                    f"images. ADA's p moves 5x faster than the paper's (100k images per unit).")


# A probe of bCR's failure on limited_mnist, everything else as that suite's rows
# (docs/results/limited_mnist_bcr.notes.md): bCR's translation padded by mirroring the border
# instead of with zeros (mid-grey on [-1, 1], which MNIST's black background never has); and nsgan
# on the spectrally normalized dcgan28 (no batch norm in the critic, CR-GAN's SNDCGAN setting)
# without and with bCR, since the nsgan rows' critic is batch-normalized and the hinge rows' is not.
_BCR_PROBE_ROWS = {
    "nsgan_bcr_reflect": {"loss": "nsgan", "penalty": "bcr", "penalty_options": {"padding": "reflect"}},
    **{f"nsgan_sn_{name}": {"loss": "nsgan", "model_options": {"spectral_norm": True},
                            **LIMITED_DATA_TECHNIQUES[name]} for name in ("none", "bcr")},
}
SUITES["limited_mnist_bcr"] = dataclasses.replace(
    SUITES["limited_mnist"], name="limited_mnist_bcr", objectives=tuple(_BCR_PROBE_ROWS),
    rows=_BCR_PROBE_ROWS, baseline="nsgan_sn_none",  # the probe's row without a technique
    budget_note=SUITES["limited_mnist"].budget_note + " bCR pads its translation by reflection.")

# A probe of lucic_mnist's nsgan gap (docs/results/lucic_mnist.notes.md): nsgan at a setting of their
# narrow range (params.py GetDefaultNarrowRange: beta1 0.5, learning rate in [1e-4, 1e-3]), 2e-4 for
# both players (DCGAN's, and their LSGAN default), everything else as lucic_mnist's nsgan, whose
# record (their code's default: 5e-5, beta1 0) is the comparison.
_LUCIC_SETTING_ROWS = {"nsgan_narrow": {"loss": "nsgan", "lr_d": 2e-4, "lr_g": 2e-4, "beta_1": 0.5}}
SUITES["lucic_mnist_settings"] = dataclasses.replace(
    SUITES["lucic_mnist"], name="lucic_mnist_settings", objectives=tuple(_LUCIC_SETTING_ROWS),
    rows=_LUCIC_SETTING_ROWS, baseline="nsgan_narrow", anchors=(),
    budget_note=lucic.BUDGET_NOTE + " nsgan at Adam(2e-4, beta1 0.5), a setting of their narrow "
                                    "range, against lucic_mnist's nsgan at their default.")


def get(name):
    if name not in SUITES:
        raise UserInputError(f"unknown suite {name!r}; valid choices: {', '.join(SUITES)}")
    return SUITES[name]


def names():
    return tuple(SUITES)


def default_workdir(name):
    return os.path.join("runs", "reproduce", name)
