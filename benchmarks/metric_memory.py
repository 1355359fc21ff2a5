"""Peak memory of the streaming metric pipeline on 50,000 CIFAR-sized (32x32x3) images.

    python benchmarks/metric_memory.py [--num_images=50000] [--inception_images=200] [--threads=1] \
        [--output=docs/measurements/metric_memory.json]

Part 1 streams ``--num_images`` generated 32x32x3 images (an object with ``generate(n, seed)``, as a
GAN) through ``tfgan_suite.metrics.api.extract`` exactly as ``fid``/``kid`` do, keeping the 2048-d
features as KID needs, but with a stand-in feature network (a fixed random 3072 -> 2048 projection +
ReLU) so that 50k images take seconds instead of hours on a CPU. Part 2 runs the real Inception
network on ``--inception_images`` images in the same process (its weights and batch-50 activations
are a fixed cost, independent of the image count). Reports peak RSS after each part; ``--output``
keeps the figures as a JSON record with the command, the date, ``--threads`` (TensorFlow's intra- and
inter-op threads; set ``OMP_NUM_THREADS`` for numpy's) and the load average before and after.
"""
import argparse
import datetime
import os
import resource
import shlex
import sys
import time
from pathlib import Path

import numpy as np

from tfgan_suite.utils.cli import bounded_int
from tfgan_suite.utils.machine import load_average, write_record


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class CifarSizedGenerator:
    def generate(self, n, seed=0):
        return np.random.default_rng(seed).uniform(-1, 1, size=(n, 32, 32, 3)).astype(np.float32)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--num_images", type=int, default=50000)
    parser.add_argument("--inception_images", type=int, default=200)
    parser.add_argument("--weights", default=str(Path(os.environ.get("TFGAN_SUITE_SHARED_DATA") or
                                                      Path(__file__).resolve().parents[1].parent / "shared" / "data")
                                                 / "inception_2015-12-05_fid_torchscript.pt"))
    parser.add_argument("--threads", type=bounded_int(0), default=0,
                        help="TensorFlow threads (0: its default)")
    parser.add_argument("--output", help="write the figures as a JSON record here")
    args = parser.parse_args()
    if args.threads:  # read when TensorFlow starts; importing it here would raise the baseline
        os.environ["TF_NUM_INTRAOP_THREADS"] = os.environ["TF_NUM_INTEROP_THREADS"] = str(args.threads)
    from tfgan_suite.metrics import api

    record = {"command": "python " + " ".join(shlex.quote(a) for a in sys.argv),
              "date": datetime.date.today().isoformat(), "threads": args.threads or None,
              "omp_num_threads": os.environ.get("OMP_NUM_THREADS"),
              "load_average_before": load_average(), "baseline_peak_rss_mib": round(peak_rss_mib())}
    print(f"baseline (numpy + tfgan_suite.metrics imported): peak RSS {peak_rss_mib():.0f} MiB")
    projection = np.random.default_rng(0).normal(size=(32 * 32 * 3, 2048)).astype(np.float32) / 55.0

    def stand_in(batch):
        return np.maximum(batch.reshape(len(batch), -1) @ projection, 0.0), None

    t = time.time()
    out = api.extract(CifarSizedGenerator(), stand_in, args.num_images, batch_size=50, keep_features=True,
                      progress=False)
    record["stand_in"] = {"images": out["count"], "seconds": round(time.time() - t),
                          "kid_features_mib": round(out["features"].nbytes / 2**20),
                          "peak_rss_mib": round(peak_rss_mib())}
    print(f"streamed {out['count']} generated 32x32x3 images in {time.time() - t:.0f} s, kept "
          f"{out['features'].nbytes / 2**20:.0f} MiB of KID features: peak RSS {peak_rss_mib():.0f} MiB")
    del out
    if args.inception_images:
        net = api.feature_network("inception", args.weights)
        t = time.time()
        out = api.extract(CifarSizedGenerator(), net, args.inception_images, batch_size=50, keep_features=True,
                          progress=False)
        record["inception"] = {"images": out["count"], "images_per_s": round(out["count"] / (time.time() - t), 1),
                               "peak_rss_mib": round(peak_rss_mib())}
        print(f"real Inception network on {out['count']} images ({out['count'] / (time.time() - t):.1f} images/s): "
              f"peak RSS {peak_rss_mib():.0f} MiB")
    record["load_average_after"] = load_average()
    if args.output:
        write_record(args.output, record)


if __name__ == "__main__":
    main()
