"""The pipeline run end to end: one module, a batch, validate, drift."""
