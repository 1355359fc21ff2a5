"""How much Adam's epsilon can matter in a trained run: the distribution of sqrt(v) (the second-
moment slot that epsilon is added to) in each optimizer of a training checkpoint.

    python benchmarks/adam_state.py --checkpoint=WORKDIR/checkpoints/ckpt-N [--json=FILE]

Keras's Adam adds epsilon = 1e-7 to sqrt(v_hat); TF1's ``tf.train.AdamOptimizer`` (compare_gan v1)
and PyTorch add 1e-8. Both apply it the same way (``lr_t * m / (sqrt(v) + epsilon)`` with
``lr_t = lr sqrt(1 - beta_2^t) / (1 - beta_1^t)``), so the two differ only for parameters whose
sqrt(v) is near or below 1e-7; this prints the fraction of parameters below 1e-7, 1e-6 and 1e-5.
A second-moment slot is told from a first-moment one by being non-negative and larger than a scalar.
"""
import argparse
import os

import numpy as np

from tfgan_suite.utils.machine import write_record


def slot_statistics(checkpoint):
    """``{optimizer: {"parameters", "median_sqrt_v", "fraction_below": {threshold: fraction}}}``."""
    import tensorflow as tf  # pylint: disable=import-outside-toplevel

    reader = tf.train.load_checkpoint(checkpoint)
    names = [name for name, _ in tf.train.list_variables(checkpoint)]
    out = {}
    optimizers = sorted({n.split("/")[0] for n in names if n.split("/")[0].endswith("optimizer")})
    for optimizer in optimizers:
        slots = [reader.get_tensor(n) for n in names if n.startswith(f"{optimizer}/_variables/")]
        second = [s for s in slots if s.size > 1 and s.min() >= 0]
        if not second:
            continue
        root = np.sqrt(np.concatenate([s.ravel() for s in second]).astype(np.float64))
        out[optimizer] = {"parameters": int(root.size), "median_sqrt_v": float(np.median(root)),
                          "fraction_below": {f"{t:g}": float((root < t).mean())
                                             for t in (1e-7, 1e-6, 1e-5)}}
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--json", help="also write the figures to this JSON file")
    args = parser.parse_args()
    stats = slot_statistics(args.checkpoint)
    for optimizer, row in stats.items():
        below = ", ".join(f"< {t}: {f:.4%}" for t, f in row["fraction_below"].items())
        print(f"{optimizer}: {row['parameters']:,} parameters, median sqrt(v) "
              f"{row['median_sqrt_v']:.2e}; fraction with sqrt(v) {below}")
    if args.json:
        write_record(args.json, {"benchmark": "adam_state",
                                 "checkpoint": os.path.abspath(args.checkpoint),
                                 "command": "python benchmarks/adam_state.py --checkpoint="
                                            f"{args.checkpoint} --json={args.json}",
                                 "optimizers": stats}, sort_keys=True)


if __name__ == "__main__":
    main()
