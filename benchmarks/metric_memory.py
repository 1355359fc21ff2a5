"""Peak memory of the streaming metric pipeline on 50,000 CIFAR-sized (32x32x3) images.

    python benchmarks/metric_memory.py [--num_images=50000] [--inception_images=200]

Part 1 streams ``--num_images`` generated 32x32x3 images (an object with ``generate(n, seed)``, as a
GAN) through ``tfgan_suite.metrics.api.extract`` exactly as ``fid``/``kid`` do, keeping the 2048-d
features as KID needs, but with a stand-in feature network (a fixed random 3072 -> 2048 projection +
ReLU) so that 50k images take seconds instead of hours on a CPU. Part 2 runs the real Inception
network on ``--inception_images`` images in the same process (its weights and batch-50 activations
are a fixed cost, independent of the image count). Reports peak RSS after each part.
"""
import argparse
import os
import resource
import time
from pathlib import Path

import numpy as np


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
    args = parser.parse_args()
    from tfgan_suite.metrics import api

    print(f"baseline (numpy + tfgan_suite.metrics imported): peak RSS {peak_rss_mib():.0f} MiB")
    projection = np.random.default_rng(0).normal(size=(32 * 32 * 3, 2048)).astype(np.float32) / 55.0

    def stand_in(batch):
        return np.maximum(batch.reshape(len(batch), -1) @ projection, 0.0), None

    t = time.time()
    out = api.extract(CifarSizedGenerator(), stand_in, args.num_images, batch_size=50, keep_features=True,
                      progress=False)
    print(f"streamed {out['count']} generated 32x32x3 images in {time.time() - t:.0f} s, kept "
          f"{out['features'].nbytes / 2**20:.0f} MiB of KID features: peak RSS {peak_rss_mib():.0f} MiB")
    del out
    if args.inception_images:
        net = api.feature_network("inception", args.weights)
        t = time.time()
        out = api.extract(CifarSizedGenerator(), net, args.inception_images, batch_size=50, keep_features=True,
                          progress=False)
        print(f"real Inception network on {out['count']} images ({out['count'] / (time.time() - t):.1f} images/s): "
              f"peak RSS {peak_rss_mib():.0f} MiB")


if __name__ == "__main__":
    main()
