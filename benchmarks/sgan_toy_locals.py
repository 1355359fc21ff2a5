"""Mode coverage of every generator of the toy suites' SGAN runs: the global G_0 and each local G_i.

    python benchmarks/sgan_toy_locals.py --workdir=runs/reproduce/ring8 [--json=docs/results/ring8.sgan_generators.json]

Restores each finished ``sgan`` run of a ``ring8``/``grid25`` reproduction workdir (a copy of its
training directory, so the run itself is untouched) and scores the same latent draw as the suite
(2,500 samples from the protocol's sample seed) for G_0 and every G_i with
``metrics.modes.mode_coverage``. Shows whether a collapsed G_0 comes from the ensemble or the global pair.
"""
import argparse
import glob
import os
import shutil
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from tfgan_suite.bogonet import sweep  # noqa: E402
from tfgan_suite.data import toy  # noqa: E402
from tfgan_suite.metrics.modes import mode_coverage  # noqa: E402
from tfgan_suite.reproduce import suites  # noqa: E402
from tfgan_suite.training import experiment  # noqa: E402


def score_generators(train_dir, suite):
    """``[{"generator": "G_0", "modes": ..., "high_quality": ..., "kl": ...}, ...]``."""
    with tempfile.TemporaryDirectory() as scratch:
        copy = os.path.join(scratch, "run")
        shutil.copytree(train_dir, copy)
        fields = sweep.read_json(os.path.join(copy, "config.json"))
        config = experiment.TrainConfig(**{**fields, "workdir": copy, "verbose": 0})
        run = experiment.Run(config).build()
        modes, std = toy.toy_modes(suite.dataset)
        rows = []
        draws = run.gan.generate_all(suite.protocol.num_generated, seed=suite.protocol.sample_seed,
                                     clip=False)
        for index, samples in enumerate(draws):
            coverage = mode_coverage(samples, modes, std)
            rows.append({"generator": f"G_{index}", "modes": coverage.modes_covered,
                         "high_quality": round(coverage.high_quality_fraction, 4),
                         "kl": round(coverage.kl_to_uniform, 4)})
        return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", required=True, help="a ring8 or grid25 reproduction workdir")
    parser.add_argument("--json", help="write the table here")
    args = parser.parse_args()
    suite = suites.get(sweep.read_json(os.path.join(args.workdir, "suite.json"))["suite"])
    results = []
    for train_dir in sorted(glob.glob(os.path.join(args.workdir, "train", "sgan__seed*"))):
        if not os.path.isdir(os.path.join(train_dir, "generator")):
            continue  # not finished
        seed = int(train_dir.rsplit("seed", 1)[1])
        rows = score_generators(train_dir, suite)
        results.append({"seed": seed, "generators": rows})
        print(f"{suite.name} seed {seed}: " + "  ".join(
            f"{r['generator']} {r['modes']} modes hq {r['high_quality']:.2f}" for r in rows),
            flush=True)
    if args.json:
        sweep.write_json_atomic(args.json, {
            "suite": suite.name, "num_samples": suite.protocol.num_generated,
            "command": f"python benchmarks/sgan_toy_locals.py --workdir=DIR --json={args.json}",
            "runs": results})


if __name__ == "__main__":
    main()
