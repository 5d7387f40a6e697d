"""Training weights in the circuit: write-pulse updates, tiles, two-layer networks, inference."""
