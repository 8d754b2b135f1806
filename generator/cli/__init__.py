"""The `tfgen` command: one module per command, one error handler."""
