"""Published energy figures, one source of truth, each with its citation.

Horowitz: M. Horowitz, "Computing's energy problem (and what we can do about
it)", IEEE ISSCC 2014, pp. 10-14 (45 nm, 0.9 V).

ISAAC: A. Shafiee et al., "ISAAC: A convolutional neural network accelerator
with in-situ analog arithmetic in crossbars", ISCA 2016, pp. 14-26,
doi:10.1109/ISCA.2016.12, Table I (32 nm): per in-situ multiply-accumulate
unit (IMA), 8 ADCs (8 bits, 1.2 GS/s, from Kull et al., ISSCC 2013) draw
16 mW, 8 x 128 one-bit DACs 4 mW, 8 crossbars of 128 x 128 cells 2.4 mW;
a crossbar read takes 100 ns.

The ADC figure of merit is Walden's, FoM_W = P / (2**ENOB * f_s), taken at
the ISAAC ADC's value (ENOB taken as its 8 bits), so one conversion at b bits
costs FoM_W * 2**b.
"""

from __future__ import annotations

# Horowitz, ISSCC 2014 (45 nm)
INT8_ADD_J = 0.03e-12
"""8-bit integer add (J)."""
INT8_MULT_J = 0.2e-12
"""8-bit integer multiply (J)."""
FP32_ADD_J = 0.9e-12
"""32-bit floating-point add (J)."""
FP32_MULT_J = 3.7e-12
"""32-bit floating-point multiply (J)."""
SRAM_32KB_64BIT_J = 20e-12
"""Reading 64 bits from a 32 KB SRAM (J)."""
DRAM_64BIT_J = 1.3e-9
"""Reading 64 bits from DRAM, the lower end of Horowitz's 1.3-2.6 nJ (J)."""

# ISAAC, ISCA 2016, Table I (32 nm), per IMA
ISAAC_ADC_POWER_W = 16e-3
"""Power of the 8 ADCs of one IMA (W)."""
ISAAC_ADCS = 8
ISAAC_ADC_BITS = 8
ISAAC_ADC_RATE_HZ = 1.2e9
"""Sample rate of each ADC (samples/s)."""
ISAAC_DAC_POWER_W = 4e-3
"""Power of the 8 x 128 one-bit DACs of one IMA (W)."""
ISAAC_DACS = 8 * 128
ISAAC_ARRAY_POWER_W = 2.4e-3
"""Power of the 8 crossbars (128 x 128) of one IMA (W)."""
ISAAC_READ_S = 100e-9
"""Time of one crossbar read (s)."""

# derived, not new data
ISAAC_ADC_CONVERSION_J = ISAAC_ADC_POWER_W / (ISAAC_ADCS * ISAAC_ADC_RATE_HZ)
"""Energy of one ISAAC ADC conversion (J): 16 mW / (8 x 1.2 GS/s) = 1.67 pJ."""
WALDEN_FOM_J = ISAAC_ADC_CONVERSION_J / 2**ISAAC_ADC_BITS
"""Walden figure of merit of the ISAAC ADC (J per conversion step): 6.5 fJ."""
ISAAC_DAC_POWER_EACH_W = ISAAC_DAC_POWER_W / ISAAC_DACS
"""Power of one ISAAC one-bit DAC (row driver) (W): 3.9 uW."""
ISAAC_ADC_SHARE = ISAAC_ADC_POWER_W / (ISAAC_ADC_POWER_W + ISAAC_DAC_POWER_W + ISAAC_ARRAY_POWER_W)
"""ADC share of ISAAC's ADC + DAC + crossbar power: 16 / 22.4 = 0.714."""

# pymem's assumption (no published figure adopted): change it with Periphery(tia_power_w=...)
TIA_POWER_W = 100e-6
"""Power of one column's transimpedance amplifier (W): an assumption, not a citation."""
