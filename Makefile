# The commands of the README. train and test install the package first.
PYTHON ?= python

.PHONY: train test test-slow
train:  ## install, then train the default non-saturating DCGAN on the bundled MNIST subset
	$(PYTHON) -m pip install -e . && $(PYTHON) -m tfgan_suite.run --workdir=runs/default-$$(date +%Y%m%d-%H%M%S)

test:   ## install with test extras, then run the fast suite and the reference-agreement checks
	$(PYTHON) -m pip install -e ".[test]" && $(PYTHON) -m pytest -q -m "not slow or reference"

test-slow:  ## the training runs marked slow, which CI leaves out (about 45 minutes on 2 shared cores)
	$(PYTHON) -m pytest -q -m slow
