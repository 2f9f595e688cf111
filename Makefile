# Shortcuts for the README commands.
.PHONY: run test ci check-run

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

ci:
	bash .ci/run

check-run:
	bash scripts/run.sh --check
