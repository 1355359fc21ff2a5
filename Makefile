# The two commands of the README. Each installs the package first.
PYTHON ?= python

.PHONY: train test
train:  ## install, then train the default non-saturating DCGAN on the bundled MNIST subset
	$(PYTHON) -m pip install -e . && $(PYTHON) -m tfgan_suite.run --workdir=runs/default-$$(date +%Y%m%d-%H%M%S)

test:   ## install with test extras, then run the fast test suite
	$(PYTHON) -m pip install -e ".[test]" && $(PYTHON) -m pytest -q
