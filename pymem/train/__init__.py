"""Training weights in the circuit, and parameter sweeps over it."""
