"""Parameter sweeps: a TOML spec expanded to points, run in parallel (local pool or Dask), stored in Parquet.

:mod:`.runner` runs a spec, :mod:`.tasks` holds what one point computes, :mod:`.store` the result file.
"""
