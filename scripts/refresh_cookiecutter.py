"""Write templates/cookiecutter-lambda-endpoint/cookiecutter.json from tfgen's questionnaire
(each question's prompt, help and default) and the regions catalog (choices, AZ id prefixes,
partitions), so none of it is copied by hand. tests/unit/test_scaffold.py fails while the committed
file differs from what this writes.

    python scripts/refresh_cookiecutter.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET = REPO / "templates" / "cookiecutter-lambda-endpoint" / "cookiecutter.json"


def cookiecutter_json() -> str:
    sys.path.insert(0, str(REPO))
    from generator.scaffold.cookiecutter import cookiecutter_config

    return json.dumps(cookiecutter_config(), indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    text = cookiecutter_json()
    changed = not TARGET.is_file() or TARGET.read_text(encoding="utf-8") != text
    TARGET.write_text(text, encoding="utf-8")
    print(f"{'wrote' if changed else 'unchanged'} {TARGET.relative_to(REPO)}")


if __name__ == "__main__":
    main()
