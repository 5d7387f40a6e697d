#!/usr/bin/env bash
# Regenerates every example deck in netlists/ (run from the repository root).
# tests/test_golden.py runs each line below and compares the bytes with the committed file.
set -euo pipefail
pymem netlist --rows 4 --cols 4 --model hp --r-row 1 --r-col 1 --sense ideal --seed 1 --batch 2 -o netlists/xbar_4x4_hp_ideal.cir
pymem netlist --rows 4 --cols 4 --model yakopcic --r-row 1 --r-col 1 --sense tia --seed 2 --batch 2 -o netlists/xbar_4x4_yakopcic_tia.cir
pymem netlist --rows 16 --cols 16 --model hp --r-row 2.5 --r-col 2.5 --r-driver 1 --sense ideal --seed 3 -o netlists/xbar_16x16_hp_ideal.cir
pymem netlist --rows 16 --cols 16 --model hp --r-row 2.5 --r-col 2.5 --r-driver 1 --sense tia --seed 4 -o netlists/xbar_16x16_hp_tia.cir
pymem netlist --rows 64 --cols 64 --model hp --r-row 1 --r-col 1 --sense ideal --seed 5 -o netlists/xbar_64x64_hp_ideal.cir
pymem netlist --rows 64 --cols 64 --model hp --r-row 1 --r-col 1 --sense tia --seed 6 -o netlists/xbar_64x64_hp_tia.cir
