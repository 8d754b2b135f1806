"""Stage 6, write: atomic writes, the module folder, its manifest and locks."""
