"""The Lucic et al. 2018 suites ("Are GANs Created Equal? A Large-Scale Study", NeurIPS 2018):
``lucic_mnist`` and ``lucic_fashion_mnist``, their network, settings, budget and FID protocol.

Every value below was read from google/compare_gan tag ``v1.0`` (files under ``compare_gan/src/``);
the flagfiles ``flags/lucic_<objective>.cfg`` carry the same presets with one citation per line
(tests/test_reproduce_lucic.py checks that they agree).

* Network: ``lucic_infogan`` (``models/lucic.py``; ``gans/abstract_gan.py``), z 64-d uniform in
  [-1, 1] (``gan_lib.py`` ``z_dim``; ``AbstractGAN.z_generator``), batch 64 (``gan_lib.py``).
* Budget: 20 "epochs" of 50,000 images at batch 64 = 15,625 discriminator updates
  (``generate_tasks_lib.py`` ``TuneParams``: ``training_steps = 20 * epoch // BATCH_SIZE``, epoch
  50000). Their step is one discriminator update; the generator moves at step 0 and whenever
  ``(step - 1) % disc_iters == 0`` (``AbstractGAN.run_single_train_step``). Ours: one train step is
  one generator update after ``n_critic`` critic updates, so each objective runs
  ``15,625 // n_critic`` train steps (15,625 with 1 critic update, 3,125 with 5): the same 15,625
  discriminator updates.
* Checkpoints: every ``5 * epoch // BATCH_SIZE = 3,906`` steps (``save_checkpoint_steps``), saved when
  ``step > 0 and step % 3906 == 0`` (0-based), i.e. after 3,907, 7,813, 11,719 and 15,625
  discriminator updates (``AbstractGAN.maybe_save_checkpoint``, plus the final save). Ours: the
  protocol's 4 points, generator steps ``floor(k * steps / 4)``, k = 1..4 (for 1 critic update:
  3,906, 7,812, 11,718, 15,625; for 5: 781, 1,562, 2,343, 3,125 = 3,905 ... 15,625 discriminator
  updates). Each is scored; the table reports the best, as their study did
  (``generate_tasks_lib.py`` ``BestFIDPerModel`` takes the lowest FID over all checkpoints).
* Settings: their "default" hyperparameters (``params.py``, ``*HyperParams``, ``UpdateDefaults``;
  ``GetDefaultParams`` calls them "the ones used in the paper"; the study always includes them as
  sample 0 of its search). Adam everywhere (``gans/*.py`` ``tf.train.AdamOptimizer(learning_rate,
  beta1=beta1)``: beta_2 is TF's default 0.999, one rate for both players); WGAN too
  (``gans/WGAN.py``: ``optimizer`` defaults to ``"adam"``), with a constant ``disc_iters`` (no 100
  critic updates at the start).
* Pixel range: their images and generator output are in [0, 1]; ours in [-1, 1]. The network maps
  them (``models/lucic.py``), so the discriminator computes their function of their pixels. A
  gradient penalty measured in our pixels is half theirs (``d/dx' = d/dx / 2`` for ``x = (x' + 1)/2``):
  WGAN-GP's and DRAGAN's ``lambda (||g|| - 1)^2`` with ``sqrt(sum g^2 + 1e-4)`` (``gans/WGAN_GP.py``,
  ``gans/DRAGAN.py``) is exactly ``4 lambda (||g'|| - 0.5)^2`` with ``sqrt(sum g'^2 + 2.5e-5)`` in
  ours: those are the options below.
* FID (``eval_gan_lib.py``, ``fid_score.py``): 10,000 generated images against the first 10,000
  test images (``num_test_examples``; the test split is MNIST's 10,000 test images); grey images
  tiled to 3 channels, times 255 (no rounding); TF-GAN's Inception pool_3 on a TF1 bilinear resize
  to 299 (``align_corners=False``, no half-pixel centres): ``resize="tf1"`` here; generated with the
  generator in inference mode (batch-norm moving averages, ``build_model(is_training=False)``).

What differs from their code (also in docs/results.md): the data order and the random streams
(ours are stateless and seeded); the training set (all 60,000 training images here; their
TFRecords are not available to us); the generator update reuses the critic's z in their code (except
WGAN-GP), ours draws a fresh z; the FID is ours on the same Inception weights (the 2015-12-05
network converted to Keras: float32 rounding differs from their TF1 graph).

Objectives outside their study (hinge, rep, rmb, mmd, ebgan) run on the same network, budget and
protocol with their own papers' settings (``training.settings.PAPER``), adapted as written below.
"""
STUDY_OBJECTIVES = ("gan", "nsgan", "lsgan", "wgan", "wgan_gp", "dragan")
# nsgan and wgan_gp first (the issue asks for 3 seeds of them), then the study, then ours
OBJECTIVES = ("nsgan", "wgan_gp", "gan", "lsgan", "wgan", "dragan", "hinge", "rep", "rmb", "mmd",
              "ebgan")
CRITIC_UPDATES = 20 * 50_000 // 64  # 15,625: generate_tasks_lib.py TuneParams

# Penalty options that make ours equal to theirs in our [-1, 1] pixels (module docstring).
_PENALTY_IN_OUR_PIXELS = {"weight": 4 * 10.0, "target": 0.5, "epsilon": 1e-4 / 4}

# params.py *HyperParams defaults; Adam's beta_2 = 0.999 (TF default, gans/*.py).
_ADAM = {"optimizer": "adam", "beta_2": 0.999, "critic_schedule": "constant",
         "update": "alternating"}
PRESETS = {
    # GANHyperParams (GAN and GAN_MINMAX): beta1 0.0, learning_rate 5e-5, disc_iters 1, D BN on.
    "gan": {**_ADAM, "lr_d": 5e-5, "lr_g": 5e-5, "beta_1": 0.0, "n_critic": 1},
    "nsgan": {**_ADAM, "lr_d": 5e-5, "lr_g": 5e-5, "beta_1": 0.0, "n_critic": 1},
    # LSGANHyperParams: beta1 0.5, learning_rate 2e-4, disc_iters 1, D BN on.
    "lsgan": {**_ADAM, "lr_d": 2e-4, "lr_g": 2e-4, "beta_1": 0.5, "n_critic": 1},
    # WGANHyperParams: beta1 0.5, learning_rate 5e-5, disc_iters 5, D BN on, weight_clipping 0.01.
    "wgan": {**_ADAM, "lr_d": 5e-5, "lr_g": 5e-5, "beta_1": 0.5, "n_critic": 5,
             "clip_value": 0.01},
    # WGANGPHyperParams: beta1 0.5, learning_rate 1e-4, disc_iters 5, D BN off, lambda 10.
    "wgan_gp": {**_ADAM, "lr_d": 1e-4, "lr_g": 1e-4, "beta_1": 0.5, "n_critic": 5,
                "penalty": "gradient_penalty", "penalty_options": dict(_PENALTY_IN_OUR_PIXELS)},
    # DRAGANHyperParams: beta1 0.5, learning_rate 1e-4, disc_iters 1, D BN on, lambda 10; the
    # penalty (gans/DRAGAN.py) around x + 0.5 std(x) U[0, 1) (get_perturbed_batch), interpolated
    # with alpha ~ U[0, 1], on the gradient of the probability sigmoid(D).
    "dragan": {**_ADAM, "lr_d": 1e-4, "lr_g": 1e-4, "beta_1": 0.5, "n_critic": 1,
               "penalty": "dragan",
               "penalty_options": {"weight": 40.0, "k": 0.5, "epsilon": 1e-4 / 4,
                                   "perturbation": "uniform_std", "scale": 0.5,
                                   "output": "sigmoid"}},
}
MODEL_OPTIONS = {
    # discriminator_batchnorm per params.py; LSGAN's loss reads sigmoid(D) (gans/LSGAN.py)
    "gan": {"batchnorm": True}, "nsgan": {"batchnorm": True},
    "lsgan": {"batchnorm": True, "sigmoid_output": True},
    "wgan": {"batchnorm": True}, "wgan_gp": {"batchnorm": False}, "dragan": {"batchnorm": True},
    # ours: SNGAN's critic is spectrally normalized without batch norm (Miyato et al. 2018); the
    # MMD family's spectral norm and gain come from their settings, their critics have no BN;
    # EBGAN's discriminator is an autoencoder (models/lucic.py).
    "hinge": {"batchnorm": False, "spectral_norm": True},
    "rep": {"batchnorm": False}, "rmb": {"batchnorm": False}, "mmd": {"batchnorm": False},
    "ebgan": {"autoencoder": True},
}

LUCIC_PROTOCOL = dict(kind="inception", num_generated=10_000, num_reference=10_000,
                      reference_split="test",
                      feature_network="FID Inception (2015-12-05), pool3", resize="tf1",
                      checkpoints=4, report="best_checkpoint")

BUDGET_NOTE = ("Lucic et al. 2018's protocol (compare_gan v1): batch 64, 15,625 discriminator "
               "updates (20 epochs of 50,000 images), each objective's generator updates = "
               "15,625 / its critic updates; FID on 10,000 generated vs the 10,000 test "
               "images with a TF1 bilinear resize; the best of 4 checkpoints (every 5 "
               "epochs), as their table.")

# The published column: Lucic et al. 2018's best-FID table, GAN rows, MNIST and Fashion-MNIST.
# Read from its quotation in Dai & Wipf 2019 ("Diagnosing and Enhancing VAE Models", ICLR 2019),
# Table 1, top section, which cites Lucic et al. for every GAN value; the paper's own text could not
# be reached from here, so the quotation is the checked source.
PUBLISHED_SOURCE = ("Lucic et al. 2018, best-FID table (GAN rows), as quoted in Dai & Wipf 2019 "
                    "(ICLR 2019) Table 1")
PUBLISHED_MEANING = (
    "their lowest FID after a large-scale hyperparameter search run separately for each data set "
    "(compare_gan v1 generate_tasks_lib.py: 100 settings sampled from the wide ranges, the best one "
    "re-trained with 50 seeds), each run at its best checkpoint; the quoting source adds that "
    "outlier runs (e.g. severe mode collapse) were left out. What the ± is taken over is not "
    "stated in the quoting source (presumably the 50 seeds of the best setting).")
PUBLISHED_BEST_FID = {  # objective -> (mean, ±)
    "mnist": {"gan": (9.8, 0.9), "nsgan": (6.8, 0.5), "lsgan": (7.8, 0.6), "wgan": (6.7, 0.4),
              "wgan_gp": (20.3, 5.0), "dragan": (7.6, 0.4)},
    "fashion_mnist": {"gan": (29.6, 1.6), "nsgan": (26.5, 1.6), "lsgan": (30.7, 2.2),
                      "wgan": (21.5, 1.6), "wgan_gp": (24.5, 2.1), "dragan": (27.7, 1.2)},
}
# The same quotation's "Best GAN" row: the lowest FID of any of their GANs trained with the
# settings the original authors suggested, approximate values read from Lucic et al.'s Figure 4.
PUBLISHED_SUGGESTED_BEST = {"mnist": "~10", "fashion_mnist": "~32"}


def anchors(dataset):
    """The published column of a suite on ``dataset`` as anchor records (one per objective) plus
    the suggested-settings row, each with its source and meaning."""
    rows = [{"objective": objective, "fid": mean, "std": spread, "source": PUBLISHED_SOURCE,
             "meaning": PUBLISHED_MEANING}
            for objective, (mean, spread) in PUBLISHED_BEST_FID[dataset].items()]
    rows.append({"objective": None, "fid_text": PUBLISHED_SUGGESTED_BEST[dataset],
                 "source": PUBLISHED_SOURCE + " ('Best GAN' row, read from Lucic et al. Figure 4)",
                 "meaning": "the lowest FID of any GAN of the study trained with the settings "
                            "suggested by its original authors (one value for all GANs)"})
    return tuple(rows)
