"""`tfgen init` and the cookiecutter template's hooks."""
