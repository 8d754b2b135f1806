"""cookiecutter pre-generation hook: check the answers with tfgen's own model.

A bad answer stops cookiecutter with the field named; it removes the folder it made, so
nothing is left behind. Hooks run in the Python that runs cookiecutter: tfgen must be
installed there (pip install "tfgen-lambda-endpoint[scaffold]"). cookiecutter renders this
file with Jinja first: CONTEXT is its context as JSON text, quoted twice so no value can break
the code.
"""

import json
import sys

CONTEXT = json.loads({{cookiecutter | tojson | tojson}})  # noqa: F821 (Jinja)

try:
    from generator.scaffold.cookiecutter import pre_gen
except ImportError as error:
    sys.stderr.write(
        f"tfgen is not importable by {sys.executable}, the Python running cookiecutter "
        f"({error}): install cookiecutter and tfgen in one environment, "
        "e.g. pip install 'tfgen-lambda-endpoint[scaffold]'\n"
    )
    sys.exit(2)

sys.exit(pre_gen(CONTEXT))
