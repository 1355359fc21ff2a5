"""Small helpers shared across the pipeline (registries, image grids, replica-aware randomness)."""
