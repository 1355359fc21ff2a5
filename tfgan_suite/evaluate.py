"""Evaluates a generator against a dataset: prints a table of metrics and writes JSON.

    python -m tfgan_suite.evaluate --generator=runs/x/generator --dataset=cifar10 \
        --metrics=fid,kid,is,prdc,ms_ssim,swd --num_samples=10000 [--inception_weights=PATH] [--output=metrics.json]

Metrics: ``fid``, ``kid`` (+ ``kid_std``), ``is`` (+ ``is_std``), ``prdc`` (``precision``, ``recall``,
``density``, ``coverage``), ``ms_ssim`` (mean MS-SSIM of random generated pairs; ``ms_ssim_real`` for
the dataset too when given) and ``swd`` (``swd_<resolution>`` and ``swd_avg``, x1e3).

``--generator``: a SavedModel directory (``sample(n, seed)`` if exported, else ``serving_default``
fed with seeded z), or generated images as an ``.npz`` / image folder. ``--dataset``: a registered
dataset name (statistics cached), an ``.npz`` path (``x_<split>`` or ``images``), an image folder, or a
statistics ``.npz`` (``mu``, ``sigma``; FID only). ``--classifier=mnist|fashion_mnist`` uses the fast
shipped domain classifiers instead of Inception. Errors print one line and exit with status 2.

A SavedModel generator runs code from its graph (any TensorFlow op, file reads and writes included)
in this process: load only SavedModels from a source you trust.
"""
import json
import os
import sys
import time
from pathlib import Path

from absl import app, flags

from tfgan_suite.utils.cli import MAX_SEED, FlagDefiner, run_app

FLAGS = flags.FlagValues()  # this command's own flags (see utils.cli.FlagDefiner)
_define = FlagDefiner(FLAGS)
_define.DEFINE_string("generator", None, "SavedModel directory, or generated images (.npz / image folder). "
                    "A SavedModel runs code from its graph in this process: load only trusted ones.")
_define.DEFINE_string("dataset", None, "Real data: dataset name, .npz, image folder or statistics .npz.")
_define.DEFINE_string("split", "train", "Split of the real dataset.")
_define.DEFINE_list("metrics", ["fid"], "Comma-separated subset of fid,kid,is,prdc,ms_ssim,swd.")
_define.DEFINE_integer("num_samples", 10000, "Generated images (and real images at most).", lower_bound=2)
_define.DEFINE_integer("num_real", None, "Real images (default: --num_samples).", lower_bound=2)
_define.DEFINE_integer("batch_size", 50, "Images per generated/streamed batch (part of the sample's "
                       "definition; the feature network groups them into forward passes sized for "
                       "the device: metrics.inception.DEVICE_BATCH_SIZES).", lower_bound=1)
_define.DEFINE_integer("seed", 0, "Seed of the generated sample.", lower_bound=0, upper_bound=MAX_SEED)
_define.DEFINE_string("classifier", "inception", "inception, mnist or fashion_mnist.")
_define.DEFINE_string("inception_weights", None,
                    "FID Inception weights: TorchScript .pt, pytorch-fid .pth or converted .npz "
                    "(default: $TFGAN_SUITE_INCEPTION_WEIGHTS).")
_define.DEFINE_integer("kid_subsets", 100, "KID random subsets.", lower_bound=1)
_define.DEFINE_integer("kid_subset_size", 1000, "KID subset size.", lower_bound=2)
_define.DEFINE_integer("prdc_k", 5, "k of the precision/recall/density/coverage k-NN radii.",
                       lower_bound=1)
_define.DEFINE_integer("ms_ssim_pairs", 1000, "Random image pairs averaged by ms_ssim.",
                       lower_bound=1)
_define.DEFINE_integer("swd_samples", None, "Images per side for swd (default: --num_samples; "
                       "memory ~1.5 GB per 10,000 RGB images).", lower_bound=1)
_define.DEFINE_string("output", None, "JSON output path (default: print only).")
_define.DEFINE_bool("overwrite", False, "Replace an existing --output file.")
_define.DEFINE_bool("progress", True, "Show progress bars.")

METRIC_CHOICES = ("fid", "kid", "is", "prdc", "ms_ssim", "swd")
NEEDS_DATASET = ("fid", "kid", "prdc", "swd")


def evaluate(generator, dataset=None, metrics=("fid",), num_samples=10000, num_real=None, split="train",
             batch_size=50, seed=0, classifier="inception", inception_weights=None, kid_subsets=100,
             kid_subset_size=1000, progress=True, prdc_k=5, ms_ssim_pairs=1000, swd_samples=None):
    """Computes the requested metrics; returns a JSON-ready dict (values, settings, seconds)."""
    from tfgan_suite import metrics as metrics_lib  # pylint: disable=import-outside-toplevel
    from tfgan_suite.metrics import api  # pylint: disable=import-outside-toplevel
    from tfgan_suite.metrics import sources  # pylint: disable=import-outside-toplevel

    bad = [m for m in metrics if m not in METRIC_CHOICES]
    if bad or not metrics:
        raise ValueError(f"unknown metric(s) {', '.join(bad) or '(none)'}; valid choices: {', '.join(METRIC_CHOICES)}")
    if set(NEEDS_DATASET) & set(metrics) and not dataset:
        raise ValueError(f"--dataset is required for {'/'.join(m for m in metrics if m in NEEDS_DATASET)}")
    num_real = num_real or num_samples
    start = time.time()
    results = {}
    common = dict(batch_size=batch_size, seed=seed, classifier=classifier, inception_weights=inception_weights,
                  progress=progress)
    if "fid" in metrics:
        results["fid"] = api.fid(dataset, generator, num_samples=num_samples, num_real=num_real, split=split,
                                 **common)
    if "kid" in metrics:
        mean, std = api.kid(dataset, generator, num_samples=num_samples, num_real=num_real, split=split,
                            num_subsets=kid_subsets,
                            max_subset_size=kid_subset_size, return_std=True, **common)
        results["kid"], results["kid_std"] = mean, std
    if "is" in metrics:
        mean, std = api.inception_score(generator, num_samples=num_samples, return_std=True, **common)
        results["is"], results["is_std"] = mean, std
    if "prdc" in metrics:
        results.update(api.prdc(dataset, generator, num_samples=num_samples, num_real=num_real, split=split,
                                nearest_k=prdc_k, **common))
    if "ms_ssim" in metrics:
        results["ms_ssim"] = metrics_lib.ms_ssim_diversity(generator, num_pairs=ms_ssim_pairs, seed=seed,
                                                           num_samples=num_samples,
                                                           split=sources.GENERATED_SPLIT)
        if dataset:
            results["ms_ssim_real"] = metrics_lib.ms_ssim_diversity(dataset, num_pairs=ms_ssim_pairs, seed=seed,
                                                                    num_samples=num_real, split=split)
    if "swd" in metrics:
        swd = metrics_lib.sliced_wasserstein_distance(dataset, generator, num_samples=swd_samples or num_samples,
                                                      seed=seed, split=split)
        results.update({f"swd_{key}": value for key, value in swd.items()})
    return {"metrics": results, "generator": str(generator), "dataset": str(dataset), "split": split,
            "num_samples": num_samples, "num_real": num_real, "classifier": classifier, "seed": seed,
            "seconds": round(time.time() - start, 1)}


def format_table(report):
    """A two-column text table of the metric values."""
    rows = [(k, f"{v:.6g}") for k, v in report["metrics"].items()]
    width = max(len(k) for k, _ in rows + [("metric", "")])
    lines = [f"{'metric':<{width}}  value", f"{'-' * width}  {'-' * 12}"]
    lines += [f"{k:<{width}}  {v}" for k, v in rows]
    lines.append(f"({report['classifier']}, {report['num_samples']} generated vs {report['num_real']} real "
                 f"from {report['dataset']}:{report['split']}, {report['seconds']} s)")
    return "\n".join(lines)


def main(argv):
    if len(argv) > 1:
        _usage_error(f"unexpected arguments {' '.join(argv[1:])}")
    if not FLAGS.generator:
        _usage_error("--generator is required (SavedModel directory, .npz or image folder)")
    if FLAGS.output and Path(FLAGS.output).exists() and not FLAGS.overwrite:
        _usage_error(f"--output {FLAGS.output} exists; pass --overwrite to replace it")
    try:
        report = evaluate(FLAGS.generator, FLAGS.dataset, tuple(FLAGS.metrics), FLAGS.num_samples, FLAGS.num_real,
                          FLAGS.split, FLAGS.batch_size, FLAGS.seed, FLAGS.classifier, FLAGS.inception_weights,
                          FLAGS.kid_subsets, FLAGS.kid_subset_size, FLAGS.progress, FLAGS.prdc_k,
                          FLAGS.ms_ssim_pairs, FLAGS.swd_samples)
    except (ValueError, OSError) as e:  # SourceError, InceptionWeightsError, DatasetError are ValueErrors
        _usage_error(str(e).splitlines()[0] if str(e) else type(e).__name__)
    print(format_table(report))
    if FLAGS.output:
        path = Path(FLAGS.output)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + f".tmp{os.getpid()}")
        tmp.write_text(json.dumps(report, indent=2) + "\n")
        os.replace(tmp, path)
        print(f"wrote {path}")


def _usage_error(message):
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


def run_main():
    run_app(main, FLAGS)


if __name__ == "__main__":
    run_main()
