"""Names shared by the tests/test_metrics_*.py files (the data itself comes from the ``shared_data``
fixture of conftest.py)."""

TORCHSCRIPT = "inception_2015-12-05_fid_torchscript.pt"
