"""SGAN: independent pairs, re-created messengers, one step updates every pair, device placement."""
import keras
import numpy as np
import pytest

import tfgan_suite
from tfgan_suite import models

NUM_PAIRS = 2
BATCH = 12


def make_pair():
    return models.get("toy_mlp", latent_dim=4, hidden=8, depth=1)


def build(seed=0, messenger_steps=1, loss="nsgan", sync_every=1, **compile_kwargs):
    keras.utils.set_random_seed(seed)
    model = tfgan_suite.SGAN(make_pair, num_pairs=NUM_PAIRS, seed=seed)
    model.compile(loss=loss, messenger_steps=messenger_steps, sync_every=sync_every,
                  **compile_kwargs)
    return model


def points(steps=1, n_critic=1):
    return np.random.default_rng(0).normal(size=(steps * BATCH * n_critic, 2)).astype("float32")


def weights(model):
    return [np.array(w) for w in model.get_weights()]


def fit(model, steps=1, n_critic=1):
    model.fit(points(steps, n_critic), batch_size=BATCH * n_critic, epochs=1, verbose=0,
              shuffle=False)


def all_networks(model):
    return ([model.generator, model.discriminator] + list(model.local_generators)
            + list(model.local_discriminators) + list(model.messengers))


def test_pairs_share_no_variables():
    model = build()
    networks = all_networks(model)
    assert len({id(n) for n in networks}) == 3 * NUM_PAIRS + 2
    owners = {}
    for index, network in enumerate(networks):
        for v in network.weights:
            assert id(v.value) not in owners, f"network {index} shares a variable with {owners}"
            owners[id(v.value)] = index
    optimizers = ([model.d_optimizer, model.g_optimizer] + model.local_d_optimizers
                  + model.local_g_optimizers + model.messenger_optimizers)
    assert len({id(o) for o in optimizers}) == 3 * NUM_PAIRS + 2
    slots = [id(v.value) for o in optimizers for v in o.variables]
    assert len(slots) == len(set(slots))
    # Different initializations: the pairs are independent draws, not copies.
    first = np.array(model.local_generators[0].weights[0])
    assert not np.allclose(first, np.array(model.local_generators[1].weights[0]))


def test_one_step_updates_every_local_pair_and_the_global_pair():
    model = build()
    before = {id(n): [np.array(w) for w in n.trainable_weights] for n in all_networks(model)}
    fit(model, steps=1)
    for name, network in [("G0", model.generator), ("D0", model.discriminator)] + [
            (f"G{i + 1}", g) for i, g in enumerate(model.local_generators)] + [
            (f"D{i + 1}", d) for i, d in enumerate(model.local_discriminators)]:
        changed = [not np.array_equal(a, np.array(b))
                   for a, b in zip(before[id(network)], network.trainable_weights)]
        assert all(changed), f"{name} was not updated in every weight: {changed}"
    assert int(model.g_optimizer.iterations) == 1 and int(model.d_optimizer.iterations) == 1
    assert [int(o.iterations) for o in model.local_g_optimizers] == [1] * NUM_PAIRS
    assert [int(o.iterations) for o in model.local_d_optimizers] == [1] * NUM_PAIRS


def test_messengers_are_recreated_from_their_local_discriminator_every_step():
    frozen = build(messenger_steps=0)
    fit(frozen, steps=2)
    for messenger, local in zip(frozen.messengers, frozen.local_discriminators):
        for a, b in zip(messenger.weights, local.weights):  # equal to D_i as updated this step
            np.testing.assert_array_equal(np.array(a), np.array(b))

    trained = build(messenger_steps=1)
    fit(trained, steps=2)
    for i, (messenger, local) in enumerate(zip(trained.messengers, trained.local_discriminators)):
        assert not np.array_equal(np.array(messenger.weights[0]), np.array(local.weights[0])), i
        # One update against G_0 after a fresh copy: the copy's optimizer counter restarts from D_i's.
        assert (int(trained.messenger_optimizers[i].iterations)
                == int(trained.local_d_optimizers[i].iterations) + 1)

    # With a synchronisation period the copies persist in between: re-created at steps 0, 2, ...
    periodic = build(messenger_steps=1, sync_every=2)
    iterations = []
    for _ in range(3):
        fit(periodic, steps=1)
        iterations.append(int(periodic.messenger_optimizers[0].iterations))
    # step 0: copy of D_1 after 1 update, +1 -> 2; step 1: kept, +1 -> 3; step 2: copy (3) + 1 -> 4
    assert iterations == [2, 3, 4]

    # Independent after creation: changing a messenger leaves D_i alone; re-creation copies again.
    local_before = [np.array(w) for w in trained.local_discriminators[0].weights]
    for w in trained.messengers[0].weights:
        w.assign(np.array(w) + 1.0)
    for a, b in zip(local_before, trained.local_discriminators[0].weights):
        np.testing.assert_array_equal(a, np.array(b))
    trained.recreate_messengers()
    for a, b in zip(trained.messengers[0].weights, trained.local_discriminators[0].weights):
        np.testing.assert_array_equal(np.array(a), np.array(b))
    for a, b in zip(trained.messenger_optimizers[0].variables,
                    trained.local_d_optimizers[0].variables):
        np.testing.assert_array_equal(np.array(a), np.array(b))


def test_global_pair_never_affects_the_local_pairs():
    """Same seed, different global training (messenger_steps 0 vs 2): identical local pairs."""
    runs = []
    for messenger_steps in (0, 2):
        model = build(seed=5, messenger_steps=messenger_steps)
        fit(model, steps=3)
        runs.append(model)
    for g_a, g_b in zip(runs[0].local_generators, runs[1].local_generators):
        for a, b in zip(g_a.weights, g_b.weights):
            np.testing.assert_array_equal(np.array(a), np.array(b))
    for d_a, d_b in zip(runs[0].local_discriminators, runs[1].local_discriminators):
        for a, b in zip(d_a.weights, d_b.weights):
            np.testing.assert_array_equal(np.array(a), np.array(b))
    assert not np.array_equal(np.array(runs[0].generator.weights[0]),
                              np.array(runs[1].generator.weights[0]))


def test_any_registered_loss_with_penalty_and_n_critic():
    def zero_penalty(discriminator, real, generated, seed):
        return 0.0 * keras.ops.mean(discriminator(real))

    model = build(loss="wgan", n_critic=2, penalty=zero_penalty)
    fit(model, steps=1, n_critic=2)
    assert [int(o.iterations) for o in model.local_d_optimizers] == [2] * NUM_PAIRS
    assert int(model.d_optimizer.iterations) == 2
    for d in model.local_discriminators + [model.discriminator]:  # WGAN clipping applies to all
        assert max(float(np.abs(np.array(w)).max()) for w in d.trainable_weights) <= 0.01 + 1e-7
    history = model.history.history
    assert {"d_loss", "g_loss", "local_d_loss", "messenger_d_loss", "penalty",
            "d_loss_2", "g_loss_1"} <= set(history)


def test_generate_and_errors():
    model = build()
    samples = model.generate_all(5, seed=1, clip=False)
    assert len(samples) == NUM_PAIRS + 1 and all(s.shape == (5, 2) for s in samples)
    assert not np.allclose(samples[0], samples[1])
    np.testing.assert_array_equal(model.generate(5, seed=1, pair=2, clip=False), samples[2])
    with pytest.raises(ValueError, match="pair must be in 0..2"):
        model.generate(2, pair=4)
    with pytest.raises(ValueError, match="at least num_pairs=2"):
        model.fit(points()[:1], batch_size=1, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="num_pairs must be a positive int"):
        tfgan_suite.SGAN(make_pair, num_pairs=0)
    g, d = make_pair()
    with pytest.raises(ValueError, match="must build new networks"):
        tfgan_suite.SGAN(lambda: (g, d), num_pairs=2)


def test_pairs_spread_over_two_logical_cpu_devices(mirrored_strategy):
    """Pair i lives and runs on device i % 2 (conftest makes two logical CPUs); same numbers as on
    one device."""
    with mirrored_strategy.scope():
        with pytest.raises(ValueError, match="outside strategy.scope()"):
            tfgan_suite.SGAN(make_pair, num_pairs=3)
    x = np.random.default_rng(0).normal(size=(24, 2)).astype("float32")
    results = []
    for kwargs in ({"strategy": mirrored_strategy}, {}):
        keras.utils.set_random_seed(0)
        model = tfgan_suite.SGAN(make_pair, num_pairs=3, seed=0, **kwargs)
        model.compile(loss="nsgan", sync_every=1)
        model.fit(x, batch_size=12, epochs=1, verbose=0, shuffle=False)
        results.append(model)
    spread = results[0]

    def device(v):
        return v.value.device.split("device:")[-1]

    for i in range(3):
        want = f"CPU:{i % 2}"
        for net in (spread.local_generators[i], spread.local_discriminators[i],
                    spread.messengers[i]):
            assert {device(v) for v in net.weights} == {want}, (i, net.name)
        assert {device(v) for v in spread.local_d_optimizers[i].variables} == {want}
    assert {device(v) for v in spread.generator.weights} == {"CPU:1"}  # global: 3 % 2
    for a, b in zip(spread.get_weights(), results[1].get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_weights_round_trip(tmp_path):
    source, target = build(seed=1), build(seed=2)
    path = str(tmp_path / "sgan.weights.h5")
    source.save_weights(path)
    target.load_weights(path)
    for a, b in zip(source.get_weights(), target.get_weights()):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(source.generate(3, pair=2, clip=False),
                                  target.generate(3, pair=2, clip=False))
