# The two commands at the top of README.md: `make run` and `make test`.
.PHONY: run test install lint lock

run:  ## Install, load the synthetic demo, and serve Custos on http://127.0.0.1:8000
	scripts/bootstrap
	.venv/bin/custos demo
	.venv/bin/custos serve

test:  ## Install with test dependencies and run the whole suite
	scripts/test

install:
	scripts/bootstrap

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

lock:  ## Re-pin requirements/*.txt from requirements/*.in (needs uv on PATH)
	cd requirements && uv pip compile -q --python-version 3.11 --no-header --no-annotate runtime.in -o runtime.txt
	cd requirements && uv pip compile -q --python-version 3.11 --no-header --no-annotate test.in -o test.txt
