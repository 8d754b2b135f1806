"""Stage 4, verify: parse the files back; check them against the plan and the provider schemas."""
