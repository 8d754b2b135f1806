"""The shared module (modules/lambda-endpoint): rendered once, the same bytes every time,
committed as rendered, verified, documented in terraform-docs' format."""

from __future__ import annotations

import json
import re

import pytest

from generator import __version__
from generator.core.hcl import parse_hcl
from generator.core.layout import MANIFEST_FILE
from generator.render.shared import DOCS_BEGIN, DOCS_END, render_shared_module
from generator.run.shared import shared_module_files, shared_module_version
from generator.verify.shared import verify_shared_module
from tests.conftest import REPO

SHARED = REPO / "modules" / "lambda-endpoint"


def test_committed_shared_module_is_what_tfgen_renders():
    files = shared_module_files()
    on_disk = {
        path.relative_to(SHARED).as_posix(): path.read_text(encoding="utf-8")
        for path in SHARED.rglob("*")
        if path.is_file()
    }
    assert on_disk == files


def test_render_is_deterministic_and_needs_no_answers():
    assert render_shared_module() == render_shared_module()
    assert {"main.tf", "variables.tf", "modules/peer/main.tf", "LICENSE", "README.md"} <= set(
        render_shared_module()
    )


def test_manifest_records_the_tfgen_version_that_rendered_it():
    manifest = json.loads(shared_module_files()[MANIFEST_FILE])
    assert manifest["tfgen_version"] == __version__
    assert manifest["kind"] == "shared-module"
    assert shared_module_version(SHARED) == __version__


def test_shared_module_verifies():
    assert verify_shared_module(render_shared_module()) == []


def test_verify_finds_an_unread_input():
    files = render_shared_module()
    files["main.tf"] = files["main.tf"].replace("var.security_group_description", '"fixed"')
    assert [f.message for f in verify_shared_module(files)] == [
        "variable security_group_description is declared but never read"
    ]


def test_verify_finds_a_baked_account_id():
    files = render_shared_module()
    files["peering.tf"] = files["peering.tf"].replace(
        "peer_owner_id = each.value.account_id", 'peer_owner_id = "111122223333"'
    )
    messages = [f.message for f in verify_shared_module(files)]
    assert len(messages) == 1 and "'111122223333'" in messages[0]


def test_verify_finds_a_missing_guard():
    files = render_shared_module()
    files["main.tf"] = (
        files["main.tf"]
        .replace('== "use1-az3"', '== "none"')
        .replace("limited_capacity_subnet_ids", "capacity_subnet_ids")
    )
    assert any("use1-az3" in f.message for f in verify_shared_module(files))


def test_no_peer_name_or_provider_alias_in_the_shared_code():
    for name, text in render_shared_module().items():
        if name.endswith(".tf") and not name.startswith(("examples/", "tests/")):
            assert "configuration_aliases" not in text, name
            assert not re.search(r"provider\s*=\s*aws\.", text), name


@pytest.mark.parametrize("folder", ["", "modules/peer/"])
def test_readme_has_a_terraform_docs_section_with_every_input_and_output(folder):
    files = render_shared_module()
    readme = files[f"{folder}README.md"]
    assert readme.count(DOCS_BEGIN) == 1 and readme.count(DOCS_END) == 1
    section = readme[readme.index(DOCS_BEGIN) : readme.index(DOCS_END)]
    for heading in ("Requirements", "Providers", "Resources", "Inputs", "Outputs"):
        assert f"## {heading}\n" in section
    for kind in ("variable", "output"):
        names = [
            label
            for file, text in files.items()
            if file.startswith(folder) and "/" not in file[len(folder) :] and file.endswith(".tf")
            for block in parse_hcl(text).get(kind, [])
            for label in block
        ]
        assert names
        anchor = "input" if kind == "variable" else "output"
        for label in names:
            assert f'<a name="{anchor}_{label}"></a>' in section, label
        found = re.findall(rf'<a name="{anchor}_([\w-]+)"></a>', section)
        assert found == sorted(names)  # terraform-docs sorts by name


def test_tfgen_check_holds_the_shared_module_to_its_render(tmp_path):
    from generator.run.drift import check_module, fix_module
    from generator.run.shared import write_shared_module

    folder = tmp_path / "lambda-endpoint"
    assert write_shared_module(folder) == "created"
    assert write_shared_module(folder) == "unchanged"
    assert not check_module(folder).drift
    (folder / "main.tf").write_text("# edited\n", encoding="utf-8")
    (folder / "extra.tf").write_text("# mine\n", encoding="utf-8")
    report = check_module(folder)
    assert sorted((d.path, d.kind) for d in report.drift) == [
        ("extra.tf", "extra"),
        ("main.tf", "edited"),
    ]
    fix_module(folder, report)
    assert report.fixed and not check_module(folder).drift
