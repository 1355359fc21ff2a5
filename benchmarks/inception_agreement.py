"""Per-image agreement of our Keras Inception features with the TorchScript reference network.

    python benchmarks/inception_agreement.py [--num_images=250] [--threads=1] \
        [--output=docs/measurements/inception_agreement.json]

Feeds the first ``--num_images`` CIFAR-10 test images and the first ``--num_images`` MNIST test
images (grey, repeated to RGB) of ``shared/data`` (env ``TFGAN_SUITE_SHARED_DATA``) through both
networks: ours (``InceptionExtractor``) and the reference (``torch.jit.load`` of the archive, torch
bilinear resize to 299 with ``align_corners=False``, ``(x - 128) / 128``), exactly as
``tests/test_metrics_inception.py`` does for its 6 asserted images. Prints, per data set and over
both, the largest and the median per-image relative difference ``|ours - ref| / |ref|`` (L2 norms over
the 2048 features); ``--output`` keeps them as a JSON record with the command, the date, the thread
count and the machine's load before and after. The tests assert < 1e-5 (``FEATURE_RTOL``).
"""
import argparse
import datetime
import os
import shlex
import sys
from pathlib import Path

import numpy as np

from tfgan_suite.utils.cli import bounded_int


def _shared_data():
    return Path(os.environ.get("TFGAN_SUITE_SHARED_DATA")
                or Path(__file__).resolve().parents[1].parent / "shared" / "data")


def relative_differences(ours, reference):
    """Per-image ``|ours - reference| / |reference|``, L2 norms over the feature axis."""
    return np.linalg.norm(ours - reference, axis=1) / np.linalg.norm(reference, axis=1)


def summary(rel):
    """The figures the docs quote of one set of per-image differences (plain floats: a record)."""
    return {"images": int(len(rel)), "max": float(rel.max()), "median": float(np.median(rel))}


def reference_features(images_uint8, weights, batch_size=50):
    """The TorchScript network's pool_3 features, preprocessed as the reference test does."""
    import torch  # pylint: disable=import-outside-toplevel

    net = torch.jit.load(str(weights)).eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(images_uint8), batch_size):
            x = torch.from_numpy(np.ascontiguousarray(images_uint8[i:i + batch_size])).permute(0, 3, 1, 2).float()
            if x.shape[1] == 1:
                x = x.repeat(1, 3, 1, 1)
            x = torch.nn.functional.interpolate(x, size=(299, 299), mode="bilinear", align_corners=False)
            out.append(net((x - 128.0) / 128.0).numpy())
    return np.concatenate(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--num_images", type=bounded_int(1, 10000), default=250,
                        help="images per data set (CIFAR-10 test, MNIST test)")
    parser.add_argument("--weights", default=str(_shared_data() / "inception_2015-12-05_fid_torchscript.pt"))
    parser.add_argument("--threads", type=bounded_int(0), default=0,
                        help="TensorFlow and torch threads (0: their defaults)")
    parser.add_argument("--output", help="write the figures as a JSON record here")
    args = parser.parse_args()

    import tensorflow as tf  # pylint: disable=import-outside-toplevel
    import torch  # pylint: disable=import-outside-toplevel

    if args.threads:
        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.threads)
        torch.set_num_threads(args.threads)
    from tfgan_suite.metrics.inception import InceptionExtractor  # pylint: disable=import-outside-toplevel
    from tfgan_suite.utils.machine import load_average, write_record  # pylint: disable=import-outside-toplevel

    load_before = load_average()
    extractor = InceptionExtractor(args.weights, batch_size=50)
    sets, all_rel = {}, []
    for name in ("cifar10", "mnist"):
        with np.load(_shared_data() / f"{name}.npz") as archive:
            images = archive["x_test"][:args.num_images]
        rel = relative_differences(extractor(images), reference_features(images, args.weights))
        sets[name] = summary(rel)
        all_rel.append(rel)
        print(f"{name}: {len(rel)} test images, per-image relative difference max {rel.max():.2e}, "
              f"median {np.median(rel):.2e}", flush=True)
    both = summary(np.concatenate(all_rel))
    print(f"both: {both['images']} images, max {both['max']:.2e}, median {both['median']:.2e} "
          f"(asserted in tests/test_metrics_inception.py: < 1e-5)")
    record = {"command": "python " + " ".join(shlex.quote(a) for a in sys.argv),
              "date": datetime.date.today().isoformat(),
              "threads": args.threads or None, "torch": torch.__version__, "tensorflow": tf.__version__,
              "load_average_before": load_before, "load_average_after": load_average(),
              "sets": sets, "both": both}
    if args.output:
        write_record(args.output, record)


if __name__ == "__main__":
    main()
