"""Trains the shipped MNIST / Fashion-MNIST domain classifiers on the real data.

    python -m tfgan_suite.metrics.train_domain_classifier --dataset=mnist \
        --data=../shared/data/mnist.npz [--epochs=4] [--output=tfgan_suite/metrics/domain_mnist.weights.h5]

Images are scaled to [-1, 1] (the generators' range). Adam (lr 2e-3, cosine decay), batch 128,
seeded. Prints and records the test accuracy into ``domain_classifiers.json`` beside the weights.
Refuses, before training, to overwrite existing weights or that json's record of the same dataset
unless ``--overwrite`` (bad input: one line, exit status 2).
"""
import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

DEFAULT_EPOCHS = {"mnist": 4, "fashion_mnist": 8}


def train(dataset, data_path, output, epochs=None, batch_size=128, seed=0):
    """Trains, evaluates and saves one classifier; returns its record (accuracies, timings)."""
    import keras
    import tensorflow as tf

    from tfgan_suite.data.pixels import uint8_to_unit
    from tfgan_suite.metrics.domain import build_domain_classifier

    epochs = epochs or DEFAULT_EPOCHS[dataset]
    keras.utils.set_random_seed(seed)
    with np.load(data_path) as d:
        x_train, y_train, x_test, y_test = (d[k] for k in ("x_train", "y_train", "x_test", "y_test"))
    scale = lambda x: uint8_to_unit(x.reshape(-1, 28, 28, 1))
    x_train, x_test = scale(x_train), scale(x_test)
    train_ds = (tf.data.Dataset.from_tensor_slices((x_train, y_train))
                .shuffle(len(x_train), seed=seed).batch(batch_size).prefetch(2))
    model = build_domain_classifier()
    steps = epochs * int(np.ceil(len(x_train) / batch_size))
    model.compile(optimizer=keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(2e-3, steps)),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    start = time.time()
    model.fit(train_ds, epochs=epochs, verbose=2, shuffle=False)  # train_ds shuffles itself
    seconds = time.time() - start
    _, test_acc = model.evaluate(x_test, y_test, batch_size=1000, verbose=0)
    output = Path(output)
    save_weights_only(model, output)
    record = {"test_accuracy": round(float(test_acc), 4), "epochs": epochs, "batch_size": batch_size,
              "seed": seed, "train_seconds": round(seconds, 1), "parameters": int(model.count_params()),
              "weights_bytes": output.stat().st_size, "data": Path(data_path).name}
    info_path = output.parent / "domain_classifiers.json"
    info = json.loads(info_path.read_text()) if info_path.is_file() else {}
    info[dataset] = record
    info_path.write_text(json.dumps(info, indent=2, sort_keys=True) + "\n")
    return record


def save_weights_only(model, path):
    """Saves the layer weights without the optimizer state (a fresh, uncompiled copy of the model)."""
    from tfgan_suite.metrics.domain import build_domain_classifier

    clean = build_domain_classifier()
    clean.set_weights(model.get_weights())
    clean.save_weights(str(path))


def check_arguments(args):
    """The weights path to write; raises ``UserInputError`` (before anything is trained or written)."""
    from tfgan_suite.errors import UserInputError
    from tfgan_suite.metrics.domain import DATASETS, weights_path

    if args.dataset not in DATASETS:
        raise UserInputError(f"unknown --dataset {args.dataset!r}; valid choices: {', '.join(DATASETS)}")
    output = Path(args.output) if args.output else weights_path(args.dataset)
    info_path = output.parent / "domain_classifiers.json"
    if not args.overwrite:
        if output.exists():
            raise UserInputError(f"{output} exists; pass --overwrite to replace it")
        try:
            recorded = args.dataset in json.loads(info_path.read_text()) if info_path.is_file() else False
        except ValueError as e:
            raise UserInputError(f"{info_path} is not valid JSON ({e}); fix or remove it") from None
        if recorded:
            raise UserInputError(f"{info_path} already records a {args.dataset} classifier; pass "
                                 "--overwrite to replace that record, or choose an --output in another folder")
    if not Path(args.data).is_file():
        raise UserInputError(f"--data {args.data!r} is not a file")
    try:
        with np.load(args.data) as d:
            missing = [k for k in ("x_train", "y_train", "x_test", "y_test") if k not in d.files]
    except (OSError, ValueError) as e:
        raise UserInputError(f"--data {args.data!r} is not a readable .npz ({e})") from None
    if missing:
        raise UserInputError(f"--data {args.data!r} lacks {', '.join(missing)} (needs x_train, y_train, "
                             "x_test, y_test)")
    return output


def _parser():
    from tfgan_suite.metrics.domain import DATASETS
    from tfgan_suite.utils.cli import MAX_SEED, bounded_int

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", required=True, help=f"one of: {', '.join(DATASETS)}")
    parser.add_argument("--data", required=True, help="npz with x_train, y_train, x_test, y_test (uint8)")
    parser.add_argument("--epochs", type=bounded_int(1), default=None)
    parser.add_argument("--seed", type=bounded_int(0, MAX_SEED), default=0)
    parser.add_argument("--output", default=None, help="weights path (default: the shipped location)")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace existing weights and their record in domain_classifiers.json")
    return parser


def main(argv=None):
    from tfgan_suite.errors import UserInputError

    args = _parser().parse_args(argv)
    try:
        output = check_arguments(args)
    except UserInputError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
    record = train(args.dataset, args.data, output, epochs=args.epochs, seed=args.seed)
    print(json.dumps({args.dataset: record}, indent=2))


if __name__ == "__main__":
    main()
