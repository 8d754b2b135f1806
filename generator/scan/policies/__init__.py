"""tfgen's checkov policy pack (CKV_TFGEN_*) for AWS Lambda interface VPC endpoints.

checkov loads these files itself (`--external-checks-dir`, which needs this `__init__.py`) in
its own environment; tfgen never imports them (checkov is not installed beside tfgen).
"""
