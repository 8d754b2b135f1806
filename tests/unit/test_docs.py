"""The module README (issue 6): tables from the HCL, a valid Mermaid diagram, the policy in
plain words, the cost estimate (F6), keep-alive snippets (F5), `tfgen docs` and drift."""

from __future__ import annotations

import re
import shutil
import subprocess
import warnings
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.answers.load import parse_answers
from generator.cli.main import cli
from generator.core.hcl import parse_hcl
from generator.moduledir.write import read_manifest, sha256_text, write_files
from generator.render.templates import docs
from generator.run.drift import check_module
from generator.run.module import rendered_files
from tests.support.golden_cases import case_answers, case_names

CASES = ["built-in example", *case_names()]
MERMAID_VERSION = "11.17.2"  # mermaid's own parser (flowchart grammar) and a DOM for it
JSDOM_VERSION = "29.1.1"


def readme_of(case: str) -> tuple[str, dict[str, str]]:
    files = rendered_files(parse_answers(case_answers(case)))
    return files["README.md"], files


def section(readme: str, title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", readme, re.M | re.S)
    assert match, f"README has no '## {title}' section"
    return match.group(1)


def table_names(text: str, kind: str) -> list[str]:
    return re.findall(rf'^\| <a name="{kind}_([a-z0-9_]+)"></a> `\1` \|', text, re.M)


def hcl_names(files: dict[str, str], kind: str) -> list[str]:
    names = []
    for name, text in files.items():
        if name.endswith(".tf") and "/" not in name:
            for block in parse_hcl(text).get(kind, []):
                names.extend(block)
    return names


@pytest.mark.parametrize("case", CASES)
def test_inputs_and_outputs_tables_list_exactly_the_hcl(case):
    readme, files = readme_of(case)
    assert table_names(section(readme, "Inputs"), "input") == hcl_names(files, "variable")
    assert table_names(section(readme, "Outputs"), "output") == hcl_names(files, "output")
    assert "peers" in hcl_names(files, "variable") or not case_answers(case).get("peering")


def test_input_rows_show_type_default_and_required(example_answers):
    files = rendered_files(example_answers)
    rows = {row["name"]: row for row in docs.input_rows(files)}
    assert rows["subnet_ids"]["type"] == "`list(string)`"
    assert (rows["subnet_ids"]["default"], rows["subnet_ids"]["required"]) == ("n/a", "yes")
    assert (rows["ip_address_type"]["default"], rows["ip_address_type"]["required"]) == (
        '`"ipv4"`',
        "no",
    )
    assert rows["endpoint_policy"]["default"] == "`null`"
    assert rows["tags"]["type"] == "`map(string)`" and rows["tags"]["default"] == "`{}`"


def test_table_cells_cannot_break_the_table():
    assert docs.code_span("map(object({a = string}))|x") == "`map(object({a = string}))\\|x`"
    assert docs.markdown_text("a | b <c>") == "a \\| b \\<c\\>"


# ---- Mermaid --------------------------------------------------------------------------------

MERMAID_CHECK = r"""
import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";
const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import("mermaid");
const diagrams = JSON.parse(readFileSync(0, "utf8"));
let failed = 0;
for (const [name, text] of Object.entries(diagrams)) {
  try {
    const result = await mermaid.parse(text);
    console.log(`ok ${name}: ${result.diagramType}`);
  } catch (error) {
    failed += 1;
    console.log(`FAIL ${name}: ${String(error.message).replace(/\s+/g, " ")}`);
  }
}
process.exit(failed ? 1 : 0);
"""


def mermaid_dir() -> Path:
    """mermaid + jsdom from the npm registry, installed once into the user cache dir."""
    from platformdirs import user_cache_dir

    if not (shutil.which("node") and shutil.which("npm")):
        message = (
            "SKIPPED LOUDLY: node/npm not found, so the README's Mermaid diagrams were NOT "
            "parsed; install Node.js (apt-get install nodejs npm) to run this check"
        )
        warnings.warn(message, stacklevel=2)
        pytest.skip(message)
    folder = Path(user_cache_dir("tfgen")) / f"test-mermaid-{MERMAID_VERSION}-{JSDOM_VERSION}"
    if not (folder / "node_modules" / "mermaid" / "package.json").is_file():
        staging = folder.with_name(folder.name + ".partial")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        (staging / "package.json").write_text('{"private": true}\n')
        install = subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--no-save", "--loglevel=error",
             f"mermaid@{MERMAID_VERSION}", f"jsdom@{JSDOM_VERSION}"],
            cwd=staging, capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
        assert install.returncode == 0, f"npm install failed:\n{install.stderr}"
        shutil.rmtree(folder, ignore_errors=True)
        staging.rename(folder)
    return folder


def mermaid_block(readme: str) -> str:
    match = re.search(r"^```mermaid\n(.*?)^```$", readme, re.M | re.S)
    assert match, "README has no mermaid block"
    return match.group(1)


def test_diagram_has_every_subnet_peer_and_their_arrows():
    answers = parse_answers(case_answers("peering-three-mixed"))
    from generator.plan.peering import peering_plan

    plan = peering_plan(answers)
    diagram = docs.mermaid_diagram(answers, plan)
    for subnet in answers.subnets:
        assert subnet.id in diagram and (subnet.az_id or "") in diagram
    for peer in plan.peers:
        assert re.search(rf"^  peer_{peer.key} -(?:->|\.->)\|.*\| sg$", diagram, re.M)
        assert re.search(rf"^  endpoint -(?:->|\.->)\|.*\| peer_{peer.key}$", diagram, re.M)
        assert (f'  peer_{peer.key} -.->|"DNS"| zone' in diagram) == peer.dns
    assert re.fullmatch(r"[a-z0-9_]+", " ".join(p.key for p in plan.peers).replace(" ", "_"))


def test_mermaid_labels_are_quoted_and_escaped():
    assert docs.mermaid_label('a "b"', "<c>") == '"a #quot;b#quot;<br/>#lt;c#gt;"'


# ---- policy in words, cost, keep-alive --------------------------------------------------------


def test_policy_reads_in_plain_words(example_answers):
    readme = rendered_files(example_answers)["README.md"]
    policy = section(readme, "Endpoint policy")
    assert "- MyUser may InvokeFunction on my-function." in policy
    assert "arn:aws:iam::111122223333:user/MyUser" in policy  # the JSON keeps the full ARNs


def test_policy_words_for_accounts_deny_qualifiers_and_conditions():
    readme, _ = readme_of("multi-statement-conditions")
    policy = section(readme, "Endpoint policy")
    assert (
        "- orders-api and account 210987654321 may InvokeFunction and GetFunction on "
        "orders-handler, orders-report and orders-batch:live, and ListFunctions on any "
        'resource (`Resource: "*"`, the only resource AWS authorizes these on), when the '
        "conditions in the JSON below hold." in policy
    )
    assert "- Account 123456789012 may not DeleteFunction on orders-handler." in policy


def test_builtin_example_cost_is_the_hand_computed_figure(example, example_answers):
    # us-east-2, 2 subnets (2 AZs), 0 GB: 2 AZ x 730 h x $0.01 = $14.60 a month
    estimate = docs.cost_estimate(example_answers)
    assert estimate.total == Decimal("14.60")
    readme = rendered_files(example_answers)["README.md"]
    cost = " ".join(section(readme, "Cost estimate").split())
    assert "estimate, not a quote" in cost
    assert "| **total** | | | **$14.60** |" in cost
    assert "2 AZ × 730 h × $0.01 per AZ-hour + 0 GB × $0.01 per GB = $14.60" in cost
    assert "as of 2026-11-25" in cost
    # 250 GB more: + 250 x $0.01 = $2.50, so $17.10
    example["cost"] = {"gb_per_month": 250}
    assert docs.cost_estimate(parse_answers(example)).total == Decimal("17.10")


def test_cost_tiers_and_regions_without_data(example):
    example["cost"] = {"gb_per_month": 2_000_000}
    estimate = docs.cost_estimate(parse_answers(example))
    # 14.60 + 1,048,576 GB x 0.01 + 951,424 GB x 0.006 = 14.60 + 10,485.76 + 5,708.544
    assert estimate.total == Decimal("16208.90")
    assert [line.item for line in estimate.lines][-1] == "data processed above 1,048,576 GB"
    readme, _ = readme_of("peering-three-mixed")  # eu-west-1: no rates shipped
    cost = " ".join(section(readme, "Cost estimate").split())
    assert "No rate data for eu-west-1" in cost and "$" not in cost.split("Not included")[0]


def test_cost_answer_is_optional_validated_and_written_out(example):
    assert parse_answers(example).normalized()["cost"] == {"gb_per_month": 0}
    for bad in (-1, True, "5", float("nan")):
        example["cost"] = {"gb_per_month": bad}
        with pytest.raises(Exception, match=r"cost\.gb_per_month"):
            parse_answers(example)


def test_keep_alive_snippets_per_runtime(example_answers):
    keep_alive = section(rendered_files(example_answers)["README.md"], "Keep-alive")
    assert "new Agent({ keepAlive: true })" in keep_alive and "NodeHttpHandler" in keep_alive
    assert "Config(tcp_keepalive=True, read_timeout=900)" in keep_alive
    assert ".tcpKeepAlive(true)" in keep_alive and "ApacheHttpClient.builder()" in keep_alive
    assert keep_alive.count("```") == 6
    # the endpoint's idle timeout is 350 s; SO_KEEPALIVE alone probes after 7,200 s on Linux
    # (issue 25): the README says to lower the kernel's idle time for Python and Java
    text = " ".join(keep_alive.split())
    assert "350 seconds" in text and "7,200 seconds" in text
    assert text.count("net.ipv4.tcp_keepalive_time") >= 2
    assert "socketTimeout" in text and "requestTimeout" in text


def test_the_deployment_readme_carries_the_same_keep_alive_section(example_answers):
    from generator.plan.deployment import plan_deployment
    from generator.run.deployment import deployment_files

    module = section(rendered_files(example_answers)["README.md"], "Keep-alive")
    root = deployment_files(plan_deployment(example_answers))["README.md"]
    assert section(root, "Keep-alive").strip() == module.strip()


# ---- tfgen docs and tfgen check ---------------------------------------------------------------


def module_folder(tmp_path: Path, example_answers) -> Path:
    folder = tmp_path / "modules" / "lambda-endpoint-example"
    write_files(folder, rendered_files(example_answers))
    return folder


def test_docs_command_rewrites_only_the_readme_and_its_checksum(tmp_path, example_answers):
    folder = module_folder(tmp_path, example_answers)
    (folder / "README.md").write_text("edited by hand\n")
    main_tf = (folder / "main.tf").read_bytes()
    (folder / "main.tf").write_text("# edited\n")
    result = CliRunner().invoke(cli, ["docs", str(folder)])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output
    expected = rendered_files(example_answers)
    assert (folder / "README.md").read_text() == expected["README.md"]
    assert (folder / "main.tf").read_text() == "# edited\n"  # not touched
    manifest = read_manifest(folder)
    assert manifest["files"]["README.md"] == sha256_text(expected["README.md"])
    (folder / "main.tf").write_bytes(main_tf)
    assert check_module(folder).drift == []
    again = CliRunner().invoke(cli, ["docs", str(folder)])
    assert again.exit_code == 0 and "unchanged" in again.output
    assert not list(folder.glob(".*tmp"))


def test_docs_command_refuses_a_folder_that_is_not_a_module(tmp_path):
    result = CliRunner().invoke(cli, ["docs", str(tmp_path)])
    assert result.exit_code == 2
    assert "not a tfgen module" in result.output


def test_check_treats_the_readme_like_any_generated_file(tmp_path, example_answers):
    folder = module_folder(tmp_path, example_answers)
    readme = folder / "README.md"
    readme.write_text(readme.read_text().replace("MyUser may", "Anyone may"))
    report = check_module(folder)
    assert [(d.path, d.kind) for d in report.drift] == [("README.md", "edited")]
    readme.unlink()
    assert [(d.path, d.kind) for d in check_module(folder).drift] == [("README.md", "missing")]
    result = CliRunner().invoke(cli, ["docs", str(folder)])
    assert result.exit_code == 0, result.output
    assert check_module(folder).drift == []


def test_the_readmes_name_the_dns_conflicts_and_the_preflight(example_answers):
    from generator.plan.deployment import plan_deployment
    from generator.run.deployment import deployment_files
    from tests.support.golden_cases import case_answers

    answers = parse_answers(case_answers("peering-same-account"))
    module = " ".join(rendered_files(answers)["README.md"].split())
    assert "ConflictingDomainExists" in module and "tfgen preflight" in module
    root = " ".join(deployment_files(plan_deployment(answers))["README.md"].split())
    assert "tfgen preflight" in root and "ConflictingDomainExists" in root
    plain = deployment_files(plan_deployment(example_answers))["README.md"]
    assert "tfgen preflight" not in plain  # no DNS peer, nothing joins a zone
    # the names the zone does not serve, and the SDK settings that use them (issue 25)
    for text in (module, root):
        assert "lambda.us-east-2.api.aws" in text and "AWS_USE_DUALSTACK_ENDPOINT=true" in text
        assert "AWS_USE_FIPS_ENDPOINT=true" in text
    assert "AWS_USE_DUALSTACK_ENDPOINT" not in plain


def test_the_readme_says_what_egress_an_adopted_group_keeps(example_answers):
    """A created group has no egress (the provider removes AWS's allow-all rule on create); an
    adopted one keeps what it has in AWS, tfgen manages only its ingress (issue 25)."""
    from tests.support.golden_cases import case_answers

    created = section(rendered_files(example_answers)["README.md"], "Security group")
    assert "It has no egress rule" in created
    adopted = " ".join(
        section(
            rendered_files(parse_answers(case_answers("adopted-endpoint")))["README.md"],
            "Security group",
        ).split()
    )
    assert "It has no egress rule" not in adopted
    assert "keeps the egress rules it has in AWS" in adopted
