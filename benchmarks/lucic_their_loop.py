"""Our NS GAN step on the Lucic et al. network against compare_gan v1's own training loop, written
here in TF1 graph style (``tf.compat.v1``) from the semantics of their code: is a gap to their
numbers in our code or in the run?

    python benchmarks/lucic_their_loop.py [--sections=equivalence,escape] [--steps=20]
        [--seeds=0,1,2] [--max_steps=7000] [--lr=5e-5] [--beta1=0.0] [--threads=1]
        [--our_runs=DIR,...] [--output=FILE.json]

Their loop (google/compare_gan tag v1.0): ``gans/abstract_gan.py`` (network, ``z_generator``,
``run_single_train_step``: one D update, then one G update on the same z), ``gans/GAN.py`` (sigmoid
cross-entropy losses, ``tf.train.AdamOptimizer(learning_rate, beta1=beta1)`` per player),
``gans/ops.py`` (``lrelu = tf.maximum(x, 0.2 x)``, weights N(0, 0.02) / truncated for conv, batch
norm with decay 0.999, epsilon 1e-3, moving averages updated in place), images in [0, 1].

``equivalence``: both loops start from the SAME weights (drawn by our model) and see the same real
batches and the same z (N(0, I) for ours, ``erf(z / sqrt 2)`` = U[-1, 1] for theirs, as our
``normal_to_uniform`` layer does); our G update reuses the D update's z as theirs does. Prints
and stores both loops' losses at each of ``--steps`` updates, once with Keras's Adam epsilon (1e-7)
and once with TF1's (1e-8), and the step-0 gradients of every variable.

``escape``: their loop alone from its own random start (``--seeds``), at ``--lr``/``--beta1``
(their NS GAN default: 5e-5, 0.0), until the discriminator "escapes": mean d_loss over each 125
updates below 0.05 (the discriminator wins) and later above 0.3 (the generator caught up), or
``--max_steps``. ``--our_runs``: training directories of our runs whose ``losses.csv`` (a row per
125 updates, the mean of the window) are measured by the same rule. An ``escape`` of ``None`` is
told apart by ``min_window_d_loss``: below 0.05 the run collapsed and had not escaped, above it the
discriminator never won.
"""
import argparse
import csv
import dataclasses
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from tfgan_suite.utils.machine import load_average, write_record

BATCH, Z_DIM = 64, 64
SAMPLE_BATCH = 500  # images per forward pass of the inference-mode generator
COLLAPSED, ESCAPED, WINDOW = 0.05, 0.3, 125
# their variable names, in the order of our generator's then discriminator's ``weights``
_LAYERS = ("generator/g_fc1", "generator/g_bn1", "generator/g_fc2", "generator/g_bn2",
           "generator/g_dc3", "generator/g_bn3", "generator/g_dc4", "discriminator/d_conv1",
           "discriminator/d_conv2", "discriminator/d_bn2", "discriminator/d_fc3",
           "discriminator/d_bn3", "discriminator/d_fc4")


def their_names():
    names = []
    for layer in _LAYERS:
        short = layer.split("/")[-1]
        if "_bn" in short:
            names += [f"{layer}/{v}" for v in ("gamma", "beta", "moving_mean", "moving_variance")]
        elif "_fc" in short:
            names += [f"{layer}/Matrix", f"{layer}/bias"]
        else:
            names += [f"{layer}/w", f"{layer}/biases"]
    return names


# the data beside a clone (CI's layout); $TFGAN_SUITE_SHARED_DATA where it is not there
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def _mnist_train():
    from tfgan_suite.data.stacked_mnist import mnist_images

    images = mnist_images("train", data_dir=SHARED_DATA, download=False)
    return images.astype(np.float32) / 255.0  # their pixels, [0, 1]


def escape_step(windows):
    """First window end (discriminator updates) whose mean d_loss is above ``ESCAPED`` after one
    below ``COLLAPSED``; ``None`` if the run never collapsed or never escaped."""
    collapsed = False
    for step, mean in windows:
        collapsed = collapsed or mean < COLLAPSED
        if collapsed and mean > ESCAPED:
            return step
    return None


def csv_windows(run_dir):
    with open(os.path.join(run_dir, "losses.csv")) as f:
        return [(int(row["step"]), float(row["d_loss"])) for row in csv.DictReader(f)]


# ---------------------------------------------------------------------- their loop (TF1 graph)
def their_graph(lr, beta1, epsilon=1e-8):
    """Builds their NS GAN training graph; call with eager execution disabled."""
    import tensorflow as tf

    tf1 = tf.compat.v1

    def batch_norm(x, scope, training=True):
        with tf1.variable_scope(scope, reuse=tf1.AUTO_REUSE):
            n = x.shape[-1]
            gamma = tf1.get_variable("gamma", [n], initializer=tf1.ones_initializer())
            beta = tf1.get_variable("beta", [n], initializer=tf1.zeros_initializer())
            mean_avg = tf1.get_variable("moving_mean", [n], initializer=tf1.zeros_initializer(),
                                        trainable=False)
            var_avg = tf1.get_variable("moving_variance", [n], initializer=tf1.ones_initializer(),
                                       trainable=False)
            if not training:  # their fake_images (is_training=False): the moving averages
                return tf.nn.batch_normalization(x, mean_avg, var_avg, beta, gamma, 1e-3)
            mean, var = tf.nn.moments(x, list(range(len(x.shape) - 1)))
            updates = [tf1.assign_sub(mean_avg, (mean_avg - mean) * (1 - 0.999)),
                       tf1.assign_sub(var_avg, (var_avg - var) * (1 - 0.999))]
            with tf.control_dependencies(updates):  # updates_collections=None: in place
                return tf.nn.batch_normalization(x, mean, var, beta, gamma, 1e-3)

    def weights(scope, shape, bias_size, names=("w", "biases"), truncated=False):
        with tf1.variable_scope(scope, reuse=tf1.AUTO_REUSE):
            init = (tf1.truncated_normal_initializer if truncated
                    else tf1.random_normal_initializer)(stddev=0.02)
            return (tf1.get_variable(names[0], shape, initializer=init),
                    tf1.get_variable(names[1], [bias_size], initializer=tf1.zeros_initializer()))

    def linear(x, units, scope):
        w, b = weights(scope, [x.shape[1], units], units, ("Matrix", "bias"))
        return tf.matmul(x, w) + b

    def conv(x, filters, scope):
        w, b = weights(scope, [4, 4, x.shape[-1], filters], filters, truncated=True)
        return tf.nn.conv2d(x, w, [1, 2, 2, 1], "SAME") + b

    def deconv(x, shape, scope):  # kernel [k, k, out, in], as tf.nn.conv2d_transpose takes it
        w, b = weights(scope, [4, 4, shape[-1], x.shape[-1]], shape[-1])
        return tf.nn.conv2d_transpose(x, w, shape, [1, 2, 2, 1]) + b

    def lrelu(x):
        return tf.maximum(x, 0.2 * x)

    def discriminator(x):
        with tf1.variable_scope("discriminator", reuse=tf1.AUTO_REUSE):
            h = lrelu(conv(x, 64, "d_conv1"))
            h = lrelu(batch_norm(conv(h, 128, "d_conv2"), "d_bn2"))
            h = linear(tf.reshape(h, [BATCH, -1]), 1024, "d_fc3")
            h = lrelu(batch_norm(h, "d_bn3"))
            return linear(h, 1, "d_fc4")

    def generator(z, training=True, batch=BATCH):
        with tf1.variable_scope("generator", reuse=tf1.AUTO_REUSE):
            h = lrelu(batch_norm(linear(z, 1024, "g_fc1"), "g_bn1", training))
            h = lrelu(batch_norm(linear(h, 7 * 7 * 128, "g_fc2"), "g_bn2", training))
            h = tf.reshape(h, [batch, 7, 7, 128])
            h = lrelu(batch_norm(deconv(h, [batch, 14, 14, 64], "g_dc3"), "g_bn3", training))
            return tf.nn.sigmoid(deconv(h, [batch, 28, 28, 1], "g_dc4"))

    images = tf1.placeholder(tf.float32, [BATCH, 28, 28, 1])
    normal = tf1.placeholder(tf.float32, [BATCH, Z_DIM])
    z = tf.math.erf(normal / np.sqrt(2.0))  # U[-1, 1], their z_generator's prior
    real_logits = discriminator(images)
    fake_logits = discriminator(generator(z))
    xent = tf.nn.sigmoid_cross_entropy_with_logits
    d_loss = (tf.reduce_mean(xent(logits=real_logits, labels=tf.ones_like(real_logits))) +
              tf.reduce_mean(xent(logits=fake_logits, labels=tf.zeros_like(fake_logits))))
    g_loss = tf.reduce_mean(xent(logits=fake_logits, labels=tf.ones_like(fake_logits)))
    trainable = tf1.trainable_variables()
    d_vars = [v for v in trainable if "d_" in v.name]
    g_vars = [v for v in trainable if "g_" in v.name]
    adam = tf1.train.AdamOptimizer
    graph = {"images": images, "normal": normal, "d_loss": d_loss, "g_loss": g_loss,
             "d_step": adam(lr, beta1=beta1, epsilon=epsilon).minimize(d_loss, var_list=d_vars),
             "g_step": adam(lr, beta1=beta1, epsilon=epsilon).minimize(g_loss, var_list=g_vars),
             "variables": {v.name[:-2]: v for v in tf1.global_variables()}}
    names = [n for n in their_names() if "moving" not in n]
    graph["g_gradients"] = tf.gradients(g_loss, [graph["variables"][n] for n in names
                                                 if n.startswith("generator")])
    graph["d_gradients"] = tf.gradients(d_loss, [graph["variables"][n] for n in names
                                                 if n.startswith("discriminator")])
    # built last, so the training ops above (and their random seeds) are those of the loop alone
    graph["sample_normal"] = tf1.placeholder(tf.float32, [SAMPLE_BATCH, Z_DIM])
    graph["samples"] = generator(tf.math.erf(graph["sample_normal"] / np.sqrt(2.0)),
                                 training=False, batch=SAMPLE_BATCH)
    return graph


class TheirFeed:
    """Their data order and latent draws for one seed: shuffled epochs of the training images and a
    fresh N(0, I) batch per update, from one ``np.random.RandomState``. ``state()`` and
    ``TheirFeed(seed, n, state)`` continue the same stream after a restart."""

    def __init__(self, seed, num_images, state=None):
        self.rng = np.random.RandomState(seed)
        self.num_images = num_images
        if state is None:
            self.order, self.position = self.rng.permutation(num_images), 0
        else:
            self.rng.set_state(state["rng"])
            self.order, self.position = np.asarray(state["order"]), state["position"]

    def next(self):
        """``(image indices, normal z)`` of the next update."""
        if self.position + BATCH > self.num_images:
            self.order, self.position = self.rng.permutation(self.num_images), 0
        indices = self.order[self.position:self.position + BATCH]
        self.position += BATCH
        return indices, self.rng.normal(size=(BATCH, Z_DIM)).astype(np.float32)

    def state(self):
        return {"rng": self.rng.get_state(), "order": self.order, "position": self.position}


def run_theirs(args):
    """The subprocess side: their loop on the exchange directory's task."""
    import tensorflow as tf

    tf1 = tf.compat.v1
    tf1.disable_eager_execution()
    tf1.set_random_seed(args.seed)
    exchange = Path(args.exchange)
    task = json.loads((exchange / "task.json").read_text())
    graph = their_graph(task["lr"], task["beta1"], task.get("epsilon", 1e-8))
    config = tf1.ConfigProto(intra_op_parallelism_threads=args.threads,
                             inter_op_parallelism_threads=1)
    with tf1.Session(config=config) as sess:
        sess.run(tf1.global_variables_initializer())
        if task["kind"] == "equivalence":
            start = np.load(exchange / "init.npz")
            for name, index in zip(their_names(), range(len(start.files))):
                graph["variables"][name].load(start[f"arr_{index}"], sess)
            data = np.load(exchange / "data.npz")
            feed = {graph["images"]: data["images"][:BATCH], graph["normal"]: data["normal"][0]}
            gradients = sess.run(graph["g_gradients"] + graph["d_gradients"], feed)
            np.savez(exchange / "their_gradients.npz", *gradients)
            losses = []
            for k in range(len(data["normal"])):
                feed = {graph["images"]: data["images"][BATCH * k:BATCH * (k + 1)],
                        graph["normal"]: data["normal"][k]}
                _, d_loss = sess.run([graph["d_step"], graph["d_loss"]], feed)
                _, g_loss = sess.run([graph["g_step"], graph["g_loss"]],
                                     {graph["normal"]: data["normal"][k]})
                losses.append([float(d_loss), float(g_loss)])
            (exchange / "their_losses.json").write_text(json.dumps(losses))
            return
        # escape: their own start, their shuffled epochs, fresh z each update
        images = _mnist_train()
        feed_stream, window, windows, start_time = TheirFeed(args.seed, len(images)), [], [], \
            time.time()
        for update in range(1, task["max_steps"] + 1):
            indices, normal = feed_stream.next()
            feed = {graph["images"]: images[indices], graph["normal"]: normal}
            _, d_loss = sess.run([graph["d_step"], graph["d_loss"]], feed)
            sess.run(graph["g_step"], {graph["normal"]: feed[graph["normal"]]})
            window.append(float(d_loss))
            if update % WINDOW == 0:
                windows.append((update, float(np.mean(window))))
                window = []
                if escape_step(windows) is not None:
                    break
        (exchange / "their_windows.json").write_text(json.dumps(
            {"windows": windows, "seconds": round(time.time() - start_time, 1)}))


def _their_subprocess(exchange, args, seed=0):
    command = [sys.executable, __file__, "--engine=theirs", f"--exchange={exchange}",
               f"--threads={args.threads}", f"--seed={seed}"]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


# ---------------------------------------------------------------------- ours
def _our_gan(lr, beta1, epsilon):
    import keras

    from tfgan_suite.reproduce import runner, suites
    from tfgan_suite.training import experiment

    config = runner.train_config(suites.get("lucic_mnist"), "nsgan", 0, 20, tempfile.mkdtemp())
    config = dataclasses.replace(config, lr_d=lr, lr_g=lr, beta_1=beta1)
    keras.utils.set_random_seed(0)
    gan, _ = experiment.build_gan(config, image_channels=1)
    gan.d_optimizer.epsilon = gan.g_optimizer.epsilon = epsilon
    return gan


# (label, our Adam epsilon, D's first biases moved off 0 in the shared start)
ROWS = (("keras_epsilon", 1e-7, False), ("tf1_epsilon", 1e-8, False),
        ("tf1_epsilon_untied", 1e-8, True))


def _their_losses(start, images, normal, args, gradients=False):
    """Their loop's ``[[d_loss, g_loss], ...]`` from the weights ``start`` (our order) on the
    given batches and z; with ``gradients`` also their step-0 gradients (their trainable order)."""
    exchange = Path(tempfile.mkdtemp(prefix="lucic_loop_"))
    np.savez(exchange / "init.npz", *start)
    np.savez(exchange / "data.npz", images=images, normal=normal)
    (exchange / "task.json").write_text(json.dumps(
        {"kind": "equivalence", "lr": args.lr, "beta1": args.beta1}))
    _their_subprocess(exchange, args)
    losses = json.loads((exchange / "their_losses.json").read_text())
    if not gradients:
        return losses
    with np.load(exchange / "their_gradients.npz") as arrays:
        return losses, [arrays[f"arr_{i}"] for i in range(len(arrays.files))]


def _our_step0_gradients(gan, images, normal):
    """Gradients of our G loss (D at its start) and of our D loss, at the first batch and z."""
    import tensorflow as tf

    from tfgan_suite.training import step

    generator, discriminator, game = gan.generator, gan.discriminator, gan.game
    real = tf.constant(images[:BATCH] * 2 - 1)
    with tf.GradientTape() as tape:
        loss = step.generator_loss(game, discriminator, real, generator(normal[0], training=True))
    gradients = tape.gradient(loss, generator.trainable_variables)
    fake = tf.stop_gradient(generator(normal[0], training=True))
    with tf.GradientTape() as tape:
        loss = step.discriminator_losses(game, discriminator, real, fake,
                                         tf.constant([0, 0], tf.int64))[0]
    return [g.numpy() for g in gradients + tape.gradient(loss, discriminator.trainable_variables)]


def _our_losses(gan, images, normal):
    """Our step functions on the given batches and z, the G update on the D update's z."""
    import tensorflow as tf

    from tfgan_suite.training import step

    generator, discriminator, game = gan.generator, gan.discriminator, gan.game
    losses = []
    for k in range(len(normal)):
        real = tf.constant(images[BATCH * k:BATCH * (k + 1)] * 2 - 1)
        z = tf.constant(normal[k])
        d_loss, _, _ = step.discriminator_update(game, discriminator, gan.d_optimizer, real,
                                                 generator(z, training=True),
                                                 tf.constant([0, k], tf.int64))
        g_loss = step.generator_update(
            game, generator, gan.g_optimizer, z,
            lambda fake, real=real: step.generator_loss(game, discriminator, real, fake))
        losses.append([float(d_loss), float(g_loss)])
    return losses


def _largest_differences(a, b):
    return {name: max(abs(x[i] - y[i]) for x, y in zip(a, b))
            for i, name in enumerate(("d_loss", "g_loss"))}


def equivalence_section(args):
    images = _mnist_train()[:BATCH * args.steps]
    normal = np.random.RandomState(1).normal(size=(args.steps, BATCH, Z_DIM)).astype(np.float32)
    out = {"steps": args.steps, "lr": args.lr, "beta1": args.beta1, "load_start": load_average(),
           "rows": {}}
    for label, epsilon, untie in ROWS:
        gan = _our_gan(args.lr, args.beta1, epsilon)
        if untie:
            # D's first biases start at 0, so on the zeros of MNIST's background its
            # pre-activations are exactly 0 at the first update, where Keras's leaky ReLU has
            # slope 0.2 and their tf.maximum(x, 0.2 x) slope 1: a small start moves them off 0
            first_bias = next(w for w in gan.discriminator.weights if w.path.endswith("bias"))
            first_bias.assign(np.random.RandomState(2).normal(
                scale=1e-3, size=first_bias.shape).astype(np.float32))
        start = [w.numpy() for w in gan.generator.weights + gan.discriminator.weights]
        theirs, their_gradients = _their_losses(start, images, normal, args, gradients=True)
        ours_gradients = _our_step0_gradients(gan, images, normal)
        ours = _our_losses(gan, images, normal)
        row = {"ours": ours, "theirs": theirs,
               "max_abs_difference": _largest_differences(ours, theirs),
               "step0_gradients": {
                   name: {"max_abs": float(np.abs(theirs_g).max()),
                          "max_abs_difference": float(np.abs(ours_g - theirs_g).max())}
                   for name, ours_g, theirs_g in zip(
                       [n for n in their_names() if "moving" not in n], ours_gradients,
                       their_gradients)}}
        if untie:
            # the noise floor: their loop against itself from a start one float32 step away
            nudged = [np.nextafter(w, np.float32(np.inf)) for w in start]
            row["theirs_nudged_one_ulp"] = _their_losses(nudged, images, normal, args)
            row["theirs_vs_nudged_max_abs_difference"] = _largest_differences(
                theirs, row["theirs_nudged_one_ulp"])
        out["rows"][label] = row
        print(f"{label} (epsilon {epsilon:g}): step 0 d_loss ours {ours[0][0]:.7f} theirs "
              f"{theirs[0][0]:.7f}; g_loss ours {ours[0][1]:.7f} theirs {theirs[0][1]:.7f}; "
              f"largest difference over {args.steps} updates: d_loss "
              f"{row['max_abs_difference']['d_loss']:.2e}, g_loss "
              f"{row['max_abs_difference']['g_loss']:.2e}", flush=True)
        if untie:
            floor = row["theirs_vs_nudged_max_abs_difference"]
            print(f"  their loop against itself from a start 1 ulp away: d_loss "
                  f"{floor['d_loss']:.2e}, g_loss {floor['g_loss']:.2e}", flush=True)
    out["load_end"] = load_average()
    return out


def escape_section(args):
    out = {"lr": args.lr, "beta1": args.beta1, "max_steps": args.max_steps,
           "rule": f"mean d_loss over {WINDOW} updates below {COLLAPSED}, later above {ESCAPED}",
           "theirs": {}, "ours": {}, "load_start": load_average()}
    for seed in args.seeds:
        exchange = Path(tempfile.mkdtemp(prefix="lucic_escape_"))
        (exchange / "task.json").write_text(json.dumps(
            {"kind": "escape", "lr": args.lr, "beta1": args.beta1,
             "max_steps": args.max_steps}))
        _their_subprocess(exchange, args, seed)
        result = json.loads((exchange / "their_windows.json").read_text())
        out["theirs"][str(seed)] = {"escape": escape_step(result["windows"]),
                                    "min_window_d_loss": min(m for _, m in result["windows"]),
                                    "seconds": result["seconds"]}
        print(f"their loop seed {seed}: escape at {out['theirs'][str(seed)]['escape']} "
              f"(load {load_average()})", flush=True)
    for run_dir in args.our_runs:
        windows = csv_windows(run_dir)
        out["ours"][run_dir] = {"escape": escape_step(windows),
                                "min_window_d_loss": min(m for _, m in windows),
                                "updates_logged": windows[-1][0]}
        print(f"our run {run_dir}: escape at {out['ours'][run_dir]['escape']}", flush=True)
    out["load_end"] = load_average()
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", default="equivalence,escape")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--max_steps", type=int, default=7000)
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--beta1", type=float, default=0.0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--our_runs", default="")
    parser.add_argument("--output", default=None)
    parser.add_argument("--engine", default="ours", choices=("ours", "theirs"))
    parser.add_argument("--exchange", default=None)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.engine == "theirs":
        return run_theirs(args)
    args.seeds = [int(s) for s in args.seeds.split(",") if s]
    args.our_runs = [d for d in args.our_runs.split(",") if d]
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    sections = {"equivalence": equivalence_section, "escape": escape_section}
    result = {"benchmark": "lucic_their_loop", "command": "python " + " ".join(
        [os.path.relpath(__file__, Path(__file__).resolve().parents[1])] + sys.argv[1:]),
        "threads": args.threads}
    for name in args.sections.split(","):
        result[name] = sections[name](args)
    if args.output:
        write_record(args.output, result, sort_keys=True)


if __name__ == "__main__":
    main()
