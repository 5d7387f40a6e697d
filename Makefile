# Thin wrappers around ./dev.sh, for those who type make.
.PHONY: demo test setup
demo:
	./dev.sh demo
test:
	./dev.sh test
setup:
	./dev.sh setup
