"""cookiecutter post-generation hook: render, verify and scan the module with tfgen.

The folder ends up exactly as `tfgen render` writes it for the same answers (answers file
and manifest included). Findings stop cookiecutter, which removes the folder it made. The
Terraform templates are tfgen's own (templates/terraform, through the library): this
template holds no copy. Set _scan=false to skip checkov (verification still runs).
"""

import json
import sys
from pathlib import Path

CONTEXT = json.loads({{cookiecutter | tojson | tojson}})  # noqa: F821 (Jinja)

try:
    from generator.scaffold.cookiecutter import post_gen
except ImportError as error:
    sys.stderr.write(
        f"tfgen is not importable by {sys.executable}, the Python running cookiecutter "
        f"({error}): install cookiecutter and tfgen in one environment, "
        "e.g. pip install 'tfgen-lambda-endpoint[scaffold]'\n"
    )
    sys.exit(2)

sys.exit(post_gen(CONTEXT, Path.cwd()))
