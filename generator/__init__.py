"""tfgen: a questionnaire in, a validated Terraform module for a Lambda interface endpoint out."""

__version__ = "0.2.0"
