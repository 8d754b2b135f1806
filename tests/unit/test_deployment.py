"""Deployment roots (the deployment layout): thin roots that call the shared module, rendered
from the answers, verified against them, written without touching the user's files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.answers.load import parse_answers
from generator.core.errors import AnswersError
from generator.core.hcl import parse_hcl
from generator.plan.deployment import plan_deployment
from generator.render.deployment import render_deployment
from generator.render.shared import render_shared_module
from generator.verify.deployment import verify_deployment
from tests.support.cli import tfgen
from tests.support.golden_cases import case_answers, case_names

CASES = ["built-in example", *case_names()]
ROLE = "arn:aws:iam::222233334444:role/lambda-peering"


def deployment(case: str, **changes):
    data = case_answers(case)
    data.update(changes)
    plan = plan_deployment(parse_answers(data))
    return plan, render_deployment(plan)


@pytest.mark.parametrize("case", CASES)
def test_every_case_renders_a_root_that_verifies(case: str):
    plan, files = deployment(case)
    assert verify_deployment(plan, files, render_shared_module()) == []
    assert render_deployment(plan) == files  # same answers, same bytes


@pytest.mark.parametrize("case", CASES)
def test_the_root_holds_no_module_code(case: str):
    _plan, files = deployment(case)
    for name, text in files.items():
        if name.endswith(".tf"):
            parsed = parse_hcl(text)
            assert not parsed.get("resource") and not parsed.get("data"), name


def test_peers_in_other_accounts_and_regions_get_a_call_with_their_provider():
    _plan, files = deployment("peering-three-mixed")
    calls = {name for block in parse_hcl(files["main.tf"])["module"] for name in block}
    assert calls == {"lambda_endpoint", "peer_batch_eu_central", "peer_partner"}
    assert "REPLACE" not in files["providers.tf"]


def _cross(provider: dict | None):
    data = case_answers("peering-cross-account-region")
    if provider is not None:
        data["peering"][0]["provider"] = provider
    return data


def test_the_peer_role_comes_from_the_answers():
    plan = plan_deployment(parse_answers(_cross({"role_arn": ROLE, "external_id": "ext-1"})))
    text = render_deployment(plan)["providers.tf"]
    assert f'role_arn    = "{ROLE}"' in text and 'external_id = "ext-1"' in text
    assert not [w for w in plan.warnings if w.path.endswith(".provider")]


def test_a_peer_in_another_account_without_a_role_is_warned_about():
    plan = plan_deployment(parse_answers(_cross(None)))
    assert [w.path for w in plan.warnings if w.path.endswith(".provider")] == [
        "peering[0].provider"
    ]


@pytest.mark.parametrize(
    ("provider", "path"),
    [
        ({"role_arn": "arn:aws:iam::999999999999:role/x"}, "peering[0].provider.role_arn"),
        ({"role_arn": ROLE, "profile": "ops"}, "peering[0].provider.profile"),
        ({"external_id": "ext-1"}, "peering[0].provider.external_id"),
        ({"role_arn": "arn:aws:iam::222233334444:user/x"}, "peering[0].provider.role_arn"),
        ({"profile": "has space"}, "peering[0].provider.profile"),
    ],
)
def test_bad_provider_settings_are_refused_by_field(provider: dict, path: str):
    with pytest.raises(AnswersError) as raised:
        parse_answers(_cross(provider))
    assert path in str(raised.value)


def test_a_git_source_pins_the_shared_module_and_its_submodule():
    source = "git::https://github.com/acme/infra.git//modules/lambda-endpoint"
    _plan, files = deployment(
        "peering-cross-account-region",
        deployment={"module_source": source, "module_ref": "v0.3.0"},
    )
    assert f'source = "{source}?ref=v0.3.0"' in files["main.tf"]
    assert f'source = "{source}/modules/peer?ref=v0.3.0"' in files["main.tf"]


def test_a_git_source_needs_its_ref():
    data = case_answers("built-in example")
    data["deployment"] = {"module_source": "git::https://example.com/x.git//m"}
    with pytest.raises(AnswersError, match=r"deployment\.module_ref"):
        parse_answers(data)


def test_records_without_the_new_answers_stay_byte_stable():
    answers = parse_answers(case_answers("peering-three-mixed"))
    normalized = answers.normalized()
    assert "provider" not in normalized and "deployment" not in normalized
    assert all("provider" not in peer for peer in normalized["peering"])


def _replace(files: dict[str, str], name: str, old: str, new: str) -> dict[str, str]:
    assert old in files[name]
    return {**files, name: files[name].replace(old, new, 1)}


@pytest.mark.parametrize(
    ("name", "old", "new", "expected"),
    [
        ("main.tf", '"172.16.0.0/16"', '"172.17.0.0/16"', "argument peers"),
        ("main.tf", "accept        = false", "accept        = true", "accept"),
        ("main.tf", 'region        = "us-west-2"', 'region        = "us-west-1"', "region"),
        ("providers.tf", 'region = "us-west-2"', 'region = "us-east-1"', "region is not"),
        ("providers.tf", '["222233334444"]', '["222233334445"]', "allowed_account_ids"),
        ("main.tf", "aws = aws.peer_data_science", "aws = aws", "providers"),
        ("main.tf", '"lambda:GetFunction",', '"lambda:*",', "endpoint_policy"),
    ],
)
def test_verify_finds_a_root_that_disagrees_with_the_answers(name, old, new, expected):
    plan, files = deployment("peering-cross-account-region")
    findings = verify_deployment(plan, _replace(files, name, old, new), render_shared_module())
    assert any(expected in finding.message for finding in findings), findings


def test_verify_finds_a_missing_peer_call():
    plan, files = deployment("peering-cross-account-region")
    main = files["main.tf"]
    cut = main[: main.index("# Peer data-science's side")]
    findings = verify_deployment(plan, {**files, "main.tf": cut}, render_shared_module())
    assert any("peer_data_science (peer data-science) is missing" in f.message for f in findings)


# ---- through the CLI: the root's own files are the user's ------------------------------


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    import yaml

    (tmp_path / "answers").mkdir()
    data = _cross({"role_arn": ROLE})
    (tmp_path / "answers" / "cross.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    return tmp_path


def render(repo: Path, *extra: str):
    return tfgen(
        "render", "answers/cross.yaml", "--layout", "deployment", "--no-scan", *extra, cwd=repo
    )


USER_FILES = {
    "backend.tf": 'terraform {\n  backend "s3" {}\n}\n',
    "prod.tfvars": "# mine\n",
    "tests/smoke.tftest.hcl": "# mine\n",
    ".tflint.hcl": "# mine\n",
    "extra.tf": "# my own resources\n",
}


def test_render_writes_the_root_and_the_shared_module_and_keeps_user_files(repo: Path):
    root = repo / "deployments" / "lambda-cross-peer"
    for name, text in USER_FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    first = render(repo)
    assert first.returncode == 0, first.stderr
    assert (repo / "modules" / "lambda-endpoint" / "modules" / "peer" / "main.tf").is_file()
    manifest = json.loads((root / "tfgen.manifest.json").read_text(encoding="utf-8"))
    assert manifest["kind"] == "deployment"
    assert manifest["module_source"] == "../../modules/lambda-endpoint"
    assert set(manifest["files"]).isdisjoint(USER_FILES)
    again = render(repo, "--format", "json")
    assert json.loads(again.stdout)["module"]["change"] == "unchanged"
    for name, text in USER_FILES.items():
        assert (root / name).read_text(encoding="utf-8") == text
    check = tfgen("check", str(root), "modules/lambda-endpoint", cwd=repo)
    assert check.returncode == 0, check.stdout + check.stderr
    gate = tfgen("check", "--answers", "answers", "--deployments-root", "deployments", cwd=repo)
    assert gate.returncode == 0, gate.stdout + gate.stderr


def test_check_reports_hand_edits_of_tfgen_files_only_and_fix_keeps_user_files(repo: Path):
    root = repo / "deployments" / "lambda-cross-peer"
    assert render(repo).returncode == 0
    (root / "backend.tf").write_text("# mine\n", encoding="utf-8")
    (root / "main.tf").write_text("# edited\n", encoding="utf-8")
    check = tfgen("check", str(root), cwd=repo)
    assert check.returncode == 1
    assert "main.tf: edited" in check.stdout and "backend.tf" not in check.stdout
    fixed = tfgen("check", "--fix", "--no-scan", str(root), cwd=repo)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "fixed" in fixed.stdout
    assert tfgen("check", str(root), cwd=repo).returncode == 0
    assert (root / "backend.tf").read_text(encoding="utf-8") == "# mine\n"


def test_a_file_tfgen_no_longer_renders_is_removed_but_never_a_user_file(repo: Path):
    import yaml

    root = repo / "deployments" / "lambda-cross-peer"
    answers = repo / "answers" / "cross.yaml"
    data = yaml.safe_load(answers.read_text(encoding="utf-8"))
    data["import"] = {"endpoint_id": "vpce-0123456789abcdef0"}
    answers.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert render(repo).returncode == 0
    assert (root / "imports.tf").is_file()
    (root / "mine.tf").write_text("# mine\n", encoding="utf-8")
    del data["import"]
    answers.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert render(repo).returncode == 0
    assert not (root / "imports.tf").exists() and (root / "mine.tf").is_file()


def test_the_gate_fails_on_an_edited_shared_module(repo: Path):
    assert render(repo).returncode == 0
    dns = repo / "modules" / "lambda-endpoint" / "dns.tf"
    dns.write_text(dns.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    gate = tfgen("check", "--answers", "answers", "--deployments-root", "deployments", cwd=repo)
    assert gate.returncode == 1 and "dns.tf: edited" in gate.stdout


def test_check_says_when_root_and_shared_module_come_from_different_versions(repo: Path):
    assert render(repo).returncode == 0
    manifest = repo / "modules" / "lambda-endpoint" / "tfgen.manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["tfgen_version"] = "0.1.9"
    manifest.write_text(json.dumps(data), encoding="utf-8")
    check = tfgen("check", "deployments/lambda-cross-peer", cwd=repo)
    assert check.returncode == 1
    assert "its shared module" in check.stdout and "0.1.9" in check.stdout


def test_a_folder_that_is_not_a_deployment_is_not_overwritten(repo: Path):
    root = repo / "deployments" / "lambda-cross-peer"
    root.mkdir(parents=True)
    (root / "main.tf").write_text("# someone else's\n", encoding="utf-8")
    result = render(repo)
    assert result.returncode == 2 and "main.tf" in result.stderr
    assert (root / "main.tf").read_text(encoding="utf-8") == "# someone else's\n"


def test_validate_checks_tfgen_files_of_a_root_and_ignores_the_users(repo: Path):
    root = repo / "deployments" / "lambda-cross-peer"
    assert render(repo).returncode == 0
    (root / "backend.tf").write_text('terraform {\n  backend "s3" {}\n}\n', encoding="utf-8")
    ok = tfgen("validate", "--no-scan", str(root), cwd=repo)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    main = root / "main.tf"
    main.write_text(main.read_text(encoding="utf-8").replace("10.0.0.0/16", "10.9.0.0/16"))
    bad = tfgen("validate", "--no-scan", str(root), cwd=repo)
    assert bad.returncode == 1 and "vpc_cidr" in bad.stdout + bad.stderr


def test_a_batch_renders_a_root_per_answers_file_and_the_shared_module_once(repo: Path):
    import yaml

    data = yaml.safe_load((repo / "answers" / "cross.yaml").read_text(encoding="utf-8"))
    data["name"] = "second"
    (repo / "answers" / "second.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    result = tfgen("render", "answers", "--layout", "deployment", "--no-scan", cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(p.name for p in (repo / "deployments").iterdir()) == [
        "lambda-cross-peer",
        "second",
    ]
    shared = [p for p in (repo / "modules").iterdir()]
    assert [p.name for p in shared] == ["lambda-endpoint"]
    gate = tfgen("check", "--answers", "answers", "--deployments-root", "deployments", cwd=repo)
    assert gate.returncode == 0, gate.stdout + gate.stderr


def test_a_deployment_keeps_its_layout_without_the_flag(repo: Path):
    # once deployments/<name> holds a deployment, `render answers` renders it there again (not
    # a 0.2 module folder beside it)
    assert render(repo).returncode == 0
    answers = repo / "answers" / "cross.yaml"
    answers.write_text(answers.read_text(encoding="utf-8").replace("10.0.0.0/16", "10.0.0.0/17"))
    again = tfgen("render", "answers/cross.yaml", "--no-scan", "--format", "json", cwd=repo)
    assert again.returncode == 0, again.stdout + again.stderr
    assert json.loads(again.stdout)["module"]["change"] == "changed"
    assert sorted(p.name for p in (repo / "modules").iterdir()) == ["lambda-endpoint"]
    main = (repo / "deployments" / "lambda-cross-peer" / "main.tf").read_text(encoding="utf-8")
    assert '"10.0.0.0/17"' in main
    # a batch into a root that holds deployments keeps the layout too
    batch = tfgen("render", "answers", "--root", "deployments", "--no-scan", cwd=repo)
    assert batch.returncode == 0, batch.stdout + batch.stderr
    assert sorted(p.name for p in (repo / "modules").iterdir()) == ["lambda-endpoint"]


def test_answers_that_name_the_module_source_render_a_deployment(repo: Path):
    import yaml

    answers = repo / "answers" / "cross.yaml"
    data = yaml.safe_load(answers.read_text(encoding="utf-8"))
    data["deployment"] = {
        "module_source": "git::https://git.example.com/platform/terraform.git//modules/lambda-endpoint",
        "module_ref": "v1.4.0",
    }
    answers.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = tfgen("render", "answers/cross.yaml", "--no-scan", cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr
    main = (repo / "deployments" / "lambda-cross-peer" / "main.tf").read_text(encoding="utf-8")
    assert "?ref=v1.4.0" in main
    assert not (repo / "modules" / "lambda-cross-peer").exists()
    # the layout asked for wins
    legacy = tfgen("render", "answers/cross.yaml", "--layout", "module", "--no-scan", cwd=repo)
    assert legacy.returncode == 0, legacy.stdout + legacy.stderr
    assert (repo / "modules" / "lambda-cross-peer" / "main.tf").is_file()


def test_render_check_of_a_deployment_shows_the_diff_and_writes_nothing(repo: Path):
    missing = tfgen("render", "--check", "answers/cross.yaml", "--layout", "deployment", cwd=repo)
    assert missing.returncode == 1
    assert not (repo / "deployments").exists() and not (repo / "modules").exists()
    assert render(repo).returncode == 0
    clean = tfgen("render", "--check", "answers/cross.yaml", cwd=repo)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    answers = repo / "answers" / "cross.yaml"
    answers.write_text(answers.read_text(encoding="utf-8").replace("10.0.0.0/16", "10.0.0.0/17"))
    before = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()}
    changed = tfgen("render", "--check", "answers/cross.yaml", cwd=repo)
    assert changed.returncode == 1
    assert "+  vpc_cidr" in changed.stdout and "10.0.0.0/17" in changed.stdout
    assert {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()} == before
    # an edited shared module is part of what a render would change
    answers.write_text(answers.read_text(encoding="utf-8").replace("10.0.0.0/17", "10.0.0.0/16"))
    dns = repo / "modules" / "lambda-endpoint" / "dns.tf"
    dns.write_text(dns.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    shared = tfgen("render", "--check", "answers/cross.yaml", cwd=repo)
    assert shared.returncode == 1 and "dns.tf: edited" in shared.stdout
    batch = tfgen("render", "--check", "answers", "--layout", "deployment", cwd=repo)
    assert batch.returncode == 1 and "dns.tf: edited" in batch.stdout


def test_init_renders_the_deployment_layout(tmp_path: Path):
    result = tfgen(
        "init", "--no-input", "--render", "--layout", "deployment", "--no-scan", cwd=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "answers" / "lambda-endpoint.yaml").is_file()
    root = tmp_path / "deployments" / "lambda-endpoint"
    assert json.loads((root / "tfgen.manifest.json").read_text())["kind"] == "deployment"
    assert (tmp_path / "modules" / "lambda-endpoint" / "modules" / "peer" / "main.tf").is_file()


def test_the_committed_example_root_is_what_tfgen_renders():
    # deployments/lambda-endpoint-example: the built-in example in the deployment layout, next
    # to the shared module it calls (re-render: tfgen example | tfgen render - --layout deployment)
    from tests.conftest import REPO

    root = REPO / "deployments" / "lambda-endpoint-example"
    data = case_answers("built-in example")
    result = tfgen("check", str(root), str(REPO / "modules" / "lambda-endpoint"), cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = json.loads((root / "tfgen.manifest.json").read_text(encoding="utf-8"))
    assert manifest["kind"] == "deployment"
    assert f'name            = "{data["name"]}"' in (root / "main.tf").read_text(encoding="utf-8")
    assert manifest["module_source"] == "../../modules/lambda-endpoint"
