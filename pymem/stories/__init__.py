"""The seed's stories told end to end: one memristor trained by pulses until ``x*w = z`` (:mod:`.multiplier`),
and one multi-bit weight sliced over several devices (:mod:`.bitslice`)."""
