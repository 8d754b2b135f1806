#!/usr/bin/env python3
# Regenerate the corpus: `.venv/bin/tfgen example | .venv/bin/python scripts/make_bad_answers.py`
# (run from the repo root; review the diff of tests/bad_answers/ before committing).
# ruff: noqa: E501, E731 - one line per corpus case reads best
"""Write the bad-answers corpus: each file says what the error must name."""

import copy
import json
import sys
from pathlib import Path

import yaml

OUT = Path("tests/bad_answers")
JSON_EXPECTATIONS = "json-expectations.txt"  # not *.json: it is no answers file
BASE = yaml.safe_load(sys.stdin.read())


def dump(data):
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=False, width=1000)


cases = {}


def mut(name, expect, fn, why):
    d = copy.deepcopy(BASE)
    fn(d)
    cases[name] = (expect, why, dump(d))


def raw(name, expect, text, why):
    cases[name] = (expect, why, text)


json_cases = {}


def raw_json(name, expect, text, why):
    """A JSON document: JSON has no comments, so its expectation goes to JSON_EXPECTATIONS."""
    json_cases[name] = (expect, why, text)


S = lambda d: d["policy"]["statements"][0]
# malformed YAML / JSON
raw(
    "yaml-tab-indent",
    "not valid YAML",
    "version: 1\nname: x\nvpc:\n\tid: vpc-12345678\n",
    "tab indentation",
)
raw(
    "yaml-unclosed-bracket",
    "not valid YAML",
    "version: 1\nsubnets: [subnet-abababab\n",
    "unclosed flow list",
)
raw("yaml-unclosed-quote", "not valid YAML", 'version: 1\nname: "lambda\n', "unclosed quote")
raw(
    "json-trailing-comma",
    "vpc: required key is missing",
    '{"version": 1, "name": "x",}\n',
    "JSON with a trailing comma (valid YAML flow style) and missing keys",
)
raw("yaml-not-a-mapping", "mapping", "- version: 1\n- name: x\n", "a list, not a mapping")
raw("yaml-scalar", "mapping", "just some text\n", "a scalar")
raw("yaml-empty", "mapping", "", "an empty file")
raw("yaml-alias", "aliases", "version: 1\nname: &n lambda\nregion: *n\n", "an alias")
raw(
    "yaml-bomb",
    "aliases",
    "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]\n",
    "billion laughs",
)
raw(
    "yaml-duplicate-key",
    "duplicate key 'name'",
    dump(BASE).replace("region: us-east-2", "name: other\nregion: us-east-2"),
    "a key given twice",
)
raw(
    "yaml-python-tag",
    "are not allowed in answers files",
    "!!python/object/apply:os.system [echo hi]\n",
    "a Python tag",
)
raw(
    "yaml-custom-tag",
    "are not allowed in answers files",
    "version: !include other.yaml\n",
    "an unknown tag",
)
raw("yaml-binary", "UTF-8", None, "not UTF-8")
raw("yaml-complex-key", "plain strings", "? [a, b]\n: 1\nversion: 1\n", "a list as a key")
raw("yaml-deep-nesting", "nesting", "a: " + "[" * 5000 + "]" * 5000 + "\n", "deeply nested lists")
# wrong types / missing / unknown keys
mut("missing-version", "version: required key is missing", lambda d: d.pop("version"), "no version")
mut("version-2", "version:", lambda d: d.update(version=2), "unsupported version")
mut("missing-vpc", "vpc: required key is missing", lambda d: d.pop("vpc"), "no vpc")
mut("missing-subnets", "subnets: required key is missing", lambda d: d.pop("subnets"), "no subnets")
mut("empty-subnets", "subnets:", lambda d: d.update(subnets=[]), "no subnet")
mut(
    "unknown-top-key", "regoin: unknown key", lambda d: d.update(regoin="us-east-2"), "misspelt key"
)
mut(
    "unknown-nested-key",
    "security_group.allow_cidr: unknown key",
    lambda d: d["security_group"].update(allow_cidr=["10.1.0.0/16"]),
    "misspelt nested key",
)
mut("private-dns-string", "private_dns:", lambda d: d.update(private_dns="maybe"), "not a boolean")
mut(
    "subnets-a-string",
    "subnets:",
    lambda d: d.update(subnets="subnet-abababab"),
    "string, not list",
)
mut("tags-a-list", "tags:", lambda d: d.update(tags=["a", "b"]), "list, not mapping")
mut(
    "ip-address-type",
    "ip_address_type:",
    lambda d: d.update(ip_address_type="ipv7"),
    "not a choice",
)
mut(
    "principals-not-list",
    "policy.statements[0].principals",
    lambda d: S(d).update(principals="arn:aws:iam::111122223333:root"),
    "string, not list",
)
mut(
    "effect-maybe",
    "policy.statements[0].effect",
    lambda d: S(d).update(effect="Maybe"),
    "not Allow/Deny",
)
# ids
mut("bad-vpc-id", "vpc.id", lambda d: d["vpc"].update(id="vpc-xyz"), "bad vpc id")
mut("bad-vpc-id-uppercase", "vpc.id", lambda d: d["vpc"].update(id="vpc-ABCDEF12"), "uppercase hex")
mut(
    "bad-subnet-id",
    "subnets[1].id",
    lambda d: d["subnets"][1].update(id="sub-cdcdcdcd"),
    "bad subnet id",
)
mut(
    "bad-sg-id",
    "security_group.existing_ids[0]",
    lambda d: d["security_group"].update(existing_ids=["sg-12"]),
    "bad sg id",
)
mut(
    "bad-pcx-id",
    "peering[0].connection_id",
    lambda d: d.update(
        peering=[
            {
                "name": "p",
                "vpc_id": "vpc-0aaaaaaaaaaaaaaaa",
                "cidr": "10.1.0.0/16",
                "connection_id": "pcx-nope",
            }
        ]
    ),
    "bad pcx id",
)
mut(
    "bad-rtb-id",
    "peering[0].route_table_ids[0]",
    lambda d: d.update(
        peering=[
            {
                "name": "p",
                "vpc_id": "vpc-0aaaaaaaaaaaaaaaa",
                "cidr": "10.1.0.0/16",
                "route_table_ids": ["rt-12345678"],
            }
        ]
    ),
    "bad rtb id",
)
mut("bad-region", "region", lambda d: d.update(region="us-middle-9x"), "bad region")
mut(
    "az-name-not-id",
    "subnets[0].az_id",
    lambda d: d["subnets"][0].update(az_id="us-east-2a"),
    "AZ name, not id",
)
mut(
    "az-of-other-region",
    "subnets[0].az_id",
    lambda d: d["subnets"][0].update(az_id="usw2-az1"),
    "AZ of another region",
)
mut("bad-account-id", "account_id", lambda d: d.update(account_id="1234"), "short account id")
# CIDRs
mut("cidr-host-bits", "vpc.cidr", lambda d: d["vpc"].update(cidr="10.0.0.1/16"), "host bits")
mut("cidr-no-prefix", "vpc.cidr", lambda d: d["vpc"].update(cidr="10.0.0.0"), "no prefix")
mut("cidr-garbage", "vpc.cidr", lambda d: d["vpc"].update(cidr="ten.zero/16"), "not an address")
mut(
    "cidr-ipv6-for-vpc",
    "vpc.cidr",
    lambda d: d["vpc"].update(cidr="2001:db8::/32"),
    "IPv6 where IPv4 is needed",
)
mut(
    "allow-cidr-open",
    "security_group.allow_cidrs[0]",
    lambda d: d["security_group"].update(allow_cidrs=["0.0.0.0/0"]),
    "open to the internet",
)
mut(
    "peer-overlaps-vpc",
    "peering[0].cidr",
    lambda d: d.update(
        peering=[{"name": "p", "vpc_id": "vpc-0aaaaaaaaaaaaaaaa", "cidr": "10.0.128.0/17"}]
    ),
    "overlap",
)
mut(
    "peer-equals-vpc",
    "peering[0].cidr",
    lambda d: d.update(
        peering=[{"name": "p", "vpc_id": "vpc-0aaaaaaaaaaaaaaaa", "cidr": "10.0.0.0/16"}]
    ),
    "same CIDR",
)
mut(
    "peers-overlap",
    "peering[1].cidr",
    lambda d: d.update(
        peering=[
            {"name": "a", "vpc_id": "vpc-0aaaaaaaaaaaaaaaa", "cidr": "10.1.0.0/16"},
            {"name": "b", "vpc_id": "vpc-0bbbbbbbbbbbbbbbb", "cidr": "10.1.2.0/24"},
        ]
    ),
    "peers overlap",
)
mut(
    "peer-names-duplicate",
    "peering[1].name",
    lambda d: d.update(
        peering=[
            {"name": "a", "vpc_id": "vpc-0aaaaaaaaaaaaaaaa", "cidr": "10.1.0.0/16"},
            {"name": "a", "vpc_id": "vpc-0bbbbbbbbbbbbbbbb", "cidr": "10.2.0.0/16"},
        ]
    ),
    "duplicate peer names",
)
# AZ / subnets
mut(
    "use1-az3",
    "subnets[0].az_id",
    lambda d: (
        d.update(region="us-east-1"),
        d["subnets"][0].update(az_id="use1-az3"),
        d["subnets"][1].update(az_id="use1-az1"),
        S(d).update(functions=["arn:aws:lambda:us-east-1:123456789012:function:my-function"]),
    ),
    "limited Lambda capacity",
)
mut(
    "duplicate-subnets",
    "subnets[1].id",
    lambda d: d["subnets"][1].update(id="subnet-abababab"),
    "same subnet twice",
)
mut(
    "duplicate-az",
    "subnets[1].az_id",
    lambda d: d["subnets"][1].update(az_id="use2-az1"),
    "same AZ twice",
)
# policy
mut(
    "action-typo",
    "did you mean 'lambda:InvokeFunction'",
    lambda d: S(d).update(actions=["lambda:InvokeFuntion"]),
    "misspelt action",
)
mut(
    "action-other-service",
    "policy.statements[0].actions[0]",
    lambda d: S(d).update(actions=["s3:GetObject"]),
    "not a Lambda action",
)
mut(
    "action-wildcard",
    "policy.statements[0].actions[0]",
    lambda d: S(d).update(actions=["lambda:*"]),
    "wildcard without opt-in",
)
mut(
    "principal-star",
    "policy.statements[0].principals[0]",
    lambda d: S(d).update(principals=["*"]),
    "anyone without opt-in",
)
mut(
    "principal-bad-arn",
    "policy.statements[0].principals[0]",
    lambda d: S(d).update(principals=["arn:aws:iam::111:user/x"]),
    "short account in ARN",
)
mut(
    "function-other-region",
    "policy.statements[0].functions[0]",
    lambda d: S(d).update(functions=["arn:aws:lambda:eu-west-1:123456789012:function:f"]),
    "function in another region",
)
mut(
    "function-bad-arn",
    "policy.statements[0].functions[0]",
    lambda d: S(d).update(functions=["arn:aws:lambda:us-east-2:123456789012:func:f"]),
    "malformed ARN",
)
mut(
    "function-bare-name",
    "policy.statements[0].functions[0]",
    lambda d: S(d).update(functions=["my-function"]),
    "bare name without account_id",
)
mut(
    "function-wildcard",
    "policy.statements[0].functions[0]",
    lambda d: S(d).update(functions=["arn:aws:lambda:us-east-2:123456789012:function:*"]),
    "wildcard function",
)
mut("no-policy", "policy", lambda d: d.update(policy={}), "no policy and no full_access")
mut(
    "policy-too-large",
    "policy",
    lambda d: S(d).update(
        functions=[
            f"arn:aws:lambda:us-east-2:123456789012:function:function-number-{i:04d}-with-a-long-name"
            for i in range(300)
        ]
    ),
    "over 20,480 characters",
)
mut(
    "sid-with-spaces",
    "policy.statements[0].sid",
    lambda d: S(d).update(sid="my statement"),
    "sid with spaces",
)
mut(
    "condition-operator-typo",
    "policy.statements[0].conditions",
    lambda d: S(d).update(conditions={"StringEqual": {"aws:PrincipalOrgID": "o-abc"}}),
    "unknown operator",
)
# names
mut("name-dotdot", "name", lambda d: d.update(name=".."), "parent folder")
mut("name-slash", "name", lambda d: d.update(name="a/b"), "a path")
mut("name-traversal", "name", lambda d: d.update(name="../../etc"), "path traversal")
mut("name-nul", "name", lambda d: d.update(name="lambda\x00x"), "NUL byte")
mut("name-uppercase", "name", lambda d: d.update(name="Lambda"), "uppercase")
mut("name-homoglyph", "name", lambda d: d.update(name="l\u0430mbda"), "Cyrillic a")
mut(
    "name-rtl-override",
    "name",
    lambda d: d.update(name="lambda\u202etxt"),
    "right-to-left override",
)
mut("name-too-long", "name", lambda d: d.update(name="a" * 64), "64 characters")
mut(
    "peer-name-slash",
    "peering[0].name",
    lambda d: d.update(
        peering=[{"name": "a/b", "vpc_id": "vpc-0aaaaaaaaaaaaaaaa", "cidr": "10.1.0.0/16"}]
    ),
    "peer name with a slash",
)
# tags
mut(
    "tag-value-newline",
    "tags.Project",
    lambda d: d["tags"].update(Project="a\nb"),
    "newline in a tag",
)
mut(
    "tag-value-interpolation",
    "tags.Project",
    lambda d: d["tags"].update(Project='${file("/etc/passwd")}'),
    "interpolation in a tag",
)
mut("tag-value-quote", "tags.Project", lambda d: d["tags"].update(Project='a"b'), "quote in a tag")
mut(
    "tag-key-aws", "tags.aws:team", lambda d: d["tags"].update({"aws:team": "x"}), "reserved prefix"
)
mut(
    "tag-value-too-long",
    "tags.Project",
    lambda d: d["tags"].update(Project="x" * 257),
    "257 characters",
)
mut(
    "too-many-tags",
    "tags",
    lambda d: d.update(tags={f"k{i}": "v" for i in range(60)}),
    "over 50 tags",
)
# huge lists
mut(
    "huge-subnet-list",
    "subnets: 5000 subnets",
    lambda d: d.update(subnets=[{"id": f"subnet-{i:08x}"} for i in range(5000)]),
    "5000 subnets",
)
mut(
    "huge-allow-cidrs",
    "security_group",
    lambda d: d["security_group"].update(
        allow_cidrs=[f"10.{i // 256}.{i % 256}.0/24" for i in range(2000)]
    ),
    "2000 CIDRs",
)

# --- round 2 (issue 16): classes an attacker with a pull request would try ---
PEER = {"name": "p", "vpc_id": "vpc-0aaaaaaaaaaaaaaaa", "cidr": "10.1.0.0/16"}
peer = lambda **extra: [{**PEER, **extra}]
TEXT = dump(BASE)


def swap(old, new):
    assert old in TEXT, old
    return TEXT.replace(old, new, 1)


# `$` in re.match/re.search accepts a trailing newline: every pattern must match the whole value
mut("name-trailing-newline", "name:", lambda d: d.update(name="lambda\n"), "name ends in a newline")
mut(
    "region-trailing-newline",
    "region:",
    lambda d: d.update(region="us-east-2\n"),
    "region ends in a newline",
)
mut(
    "account-id-trailing-newline",
    "account_id:",
    lambda d: d.update(account_id="123456789012\n"),
    "account id ends in a newline",
)
mut(
    "vpc-id-trailing-newline",
    "vpc.id",
    lambda d: d["vpc"].update(id="vpc-ec43eb89\n"),
    "VPC id ends in a newline",
)
mut(
    "az-id-trailing-newline",
    "subnets[0].az_id",
    lambda d: d["subnets"][0].update(az_id="use2-az1\n"),
    "AZ id ends in a newline",
)
mut(
    "principal-trailing-newline",
    "policy.statements[0].principals[0]",
    lambda d: S(d).update(principals=["arn:aws:iam::111122223333:user/MyUser\n"]),
    "principal ends in a newline",
)
mut(
    "principal-account-trailing-newline",
    "policy.statements[0].principals[0]",
    lambda d: S(d).update(principals=["111122223333\n"]),
    "account principal ends in a newline",
)
mut(
    "function-arn-trailing-newline",
    "policy.statements[0].functions[0]",
    lambda d: S(d).update(
        functions=["arn:aws:lambda:us-east-2:123456789012:function:my-function\n"]
    ),
    "function ARN ends in a newline",
)
mut(
    "function-name-trailing-newline",
    "policy.statements[0].functions[0]",
    lambda d: (d.update(account_id="123456789012"), S(d).update(functions=["my-function\n"])),
    "bare function name ends in a newline",
)
mut(
    "peer-name-trailing-newline",
    "peering[0].name",
    lambda d: d.update(peering=peer(name="p\n")),
    "peer name (a resource label) ends in a newline",
)
mut(
    "peer-account-trailing-newline",
    "peering[0].account_id",
    lambda d: d.update(peering=peer(account_id="444455556666\n")),
    "peer account (a comment) ends in a newline",
)
mut(
    "peer-region-trailing-newline",
    "peering[0].region",
    lambda d: d.update(peering=peer(region="us-west-2\n")),
    "peer region (a comment) ends in a newline",
)
mut(
    "peer-name-comment-break",
    "peering[0].name",
    lambda d: d.update(peering=peer(name='p\nresource "x" "y" {}')),
    "peer name that would end the comment and add a block",
)
# \d and \w match every script's digits and letters: ASCII only
mut(
    "account-id-arabic-digits",
    "account_id:",
    lambda d: d.update(
        account_id="\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0660\u0661\u0662"
    ),
    "Arabic-Indic digits",
)
mut(
    "account-id-fullwidth-digits",
    "account_id:",
    lambda d: d.update(
        account_id="\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19\uff10\uff11\uff12"
    ),
    "fullwidth digits",
)
mut(
    "region-fullwidth-digit",
    "region:",
    lambda d: d.update(region="us-east-\uff12"),
    "a fullwidth digit in the region",
)
mut(
    "az-id-fullwidth-digit",
    "subnets[0].az_id",
    lambda d: d["subnets"][0].update(az_id="use2-az\uff11"),
    "a fullwidth digit in the AZ id",
)
mut(
    "principal-cyrillic-user",
    "policy.statements[0].principals[0]",
    lambda d: S(d).update(
        principals=["arn:aws:iam::111122223333:user/\u041c\u0430\u0440\u0438\u044f"]
    ),
    "Cyrillic IAM user name",
)
mut(
    "principal-arabic-account",
    "policy.statements[0].principals[0]",
    lambda d: S(d).update(
        principals=[
            "arn:aws:iam::\u0661\u0661\u0661\u0661\u0662\u0662\u0662\u0662\u0663\u0663\u0663\u0663:root"
        ]
    ),
    "Arabic-Indic digits in a principal's account",
)
mut(
    "principal-fullwidth-account-id",
    "policy.statements[0].principals[0]",
    lambda d: S(d).update(
        principals=["\uff11\uff11\uff11\uff11\uff12\uff12\uff12\uff12\uff13\uff13\uff13\uff13"]
    ),
    "a fullwidth account id as principal",
)
mut(
    "function-arn-fullwidth-account",
    "policy.statements[0].functions[0]",
    lambda d: S(d).update(
        functions=[
            "arn:aws:lambda:us-east-2:\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19\uff10\uff11\uff12:function:my-function"
        ]
    ),
    "fullwidth digits in a function ARN",
)
mut(
    "peer-account-arabic-digits",
    "peering[0].account_id",
    lambda d: d.update(
        peering=peer(
            account_id="\u0664\u0664\u0664\u0664\u0665\u0665\u0665\u0665\u0666\u0666\u0666\u0666"
        )
    ),
    "Arabic-Indic digits in a peer account",
)
# YAML 1.1 implicit types: switches are booleans only, version is the integer 1, no explicit tags
raw(
    "private-dns-off-unquoted",
    "private_dns:",
    swap("private_dns: true", "private_dns: off"),
    "YAML 1.1's off",
)
raw(
    "private-dns-no-unquoted",
    "private_dns:",
    swap("private_dns: true", "private_dns: no"),
    "YAML 1.1's no",
)
mut(
    "private-dns-off-quoted",
    "private_dns:",
    lambda d: d.update(private_dns="off"),
    "the string off",
)
mut("private-dns-zero", "private_dns:", lambda d: d.update(private_dns=0), "0 for false")
mut("private-dns-float", "private_dns:", lambda d: d.update(private_dns=1.0), "1.0 for true")
raw(
    "private-dns-capital-true",
    "private_dns:",
    swap("private_dns: true", "private_dns: True"),
    "True (YAML 1.1 only)",
)
mut(
    "create-yes-quoted",
    "security_group.create",
    lambda d: d["security_group"].update(create="yes"),
    "the string yes",
)
mut(
    "full-access-one",
    "policy.full_access",
    lambda d: d["policy"].update(full_access=1),
    "1 for true",
)
mut(
    "peer-dns-string", "peering[0].dns", lambda d: d.update(peering=peer(dns="on")), "the string on"
)
mut("version-true", "version:", lambda d: d.update(version=True), "true == 1 in Python")
mut("version-float", "version:", lambda d: d.update(version=1.0), "1.0 == 1 in Python")
mut("version-string", "version:", lambda d: d.update(version="1"), "the string 1")
raw("version-hex", "version:", swap("version: 1", "version: 0x1"), "YAML 1.1 hex")
raw(
    "yaml-binary-tag",
    "are not allowed in answers files",
    swap("name: lambda-endpoint-example", "name: !!binary bGFtYmRh"),
    "!!binary",
)
raw(
    "yaml-str-tag",
    "are not allowed in answers files",
    swap("version: 1", "version: !!int '1'"),
    "!!int on a string",
)
raw("yaml-set-tag", "are not allowed in answers files", TEXT + "extra: !!set {a, b}\n", "!!set")
raw(
    "yaml-timestamp-tag",
    "are not allowed in answers files",
    swap("Project: lambda-private-access", "Project: !!timestamp 2024-01-01"),
    "!!timestamp",
)
raw(
    "yaml-merge-key",
    "<<: unknown key",
    TEXT + "<<: {private_dns: false}\n",
    "a merge key is a plain key",
)
raw(
    "tag-value-float",
    "tags.Cost: 1.5 is a number here",
    TEXT + "  Cost: 1.50\n",
    "a float tag value loses its text",
)
raw(
    "condition-value-float",
    "is a number here",
    swap(
        "    functions:",
        "    conditions:\n      NumericLessThan:\n        aws:MultiFactorAuthAge: 3600.0\n    functions:",
    ),
    "a float condition value loses its text",
)
# values that crash a loader or a check: exit 2 with the field
raw(
    "yaml-huge-int",
    "cost.gb_per_month: a number of 5000 digits",
    TEXT + "cost:\n  gb_per_month: " + "9" * 5000 + "\n",
    "past Python's int digit limit",
)
raw(
    "yaml-huge-int-in-list",
    "subnets[2]: a number of 4400 digits",
    swap(
        "- id: subnet-cdcdcdcd\n  az_id: use2-az2\n",
        "- id: subnet-cdcdcdcd\n  az_id: use2-az2\n- " + "1" * 4400 + "\n",
    ),
    "past Python's int digit limit, in a list",
)
raw_json(
    "json-huge-int",
    "version: a number of 5000 digits",
    '{"version": ' + "9" * 5000 + ', "name": "x"}\n',
    "past Python's int digit limit, JSON",
)
raw(
    "yaml-lone-surrogate",
    "name: holds \\ud800",
    swap("name: lambda-endpoint-example", 'name: "lambda\\ud800"'),
    "a lone surrogate escape",
)
raw(
    "yaml-lone-surrogate-key",
    "tags: a key holds \\udc00",
    swap("Project: lambda-private-access", '"Pro\\udc00ject": x'),
    "a lone surrogate in a key",
)
raw(
    "yaml-surrogate-pair",
    "tags.Project: holds \\ud83d",
    swap("Project: lambda-private-access", 'Project: "\\ud83d\\ude00"'),
    "YAML decodes a surrogate pair as two halves",
)
raw_json(
    "json-lone-surrogate",
    "name: holds \\udfff",
    '{"version": 1, "name": "x\\udfff"}\n',
    "a lone surrogate escape, JSON",
)
raw_json(
    "json-surrogate-pair-name",
    "name:",
    '{"version": 1, "name": "lambda\\ud83d\\ude00", "region": "us-east-2"}\n',
    "a valid JSON surrogate pair (an emoji) in the name",
)
raw_json(
    "json-surrogate-pair-tag",
    "tags.Project",
    '{"version": 1, "name": "x", "region": "us-east-2", "vpc": {"id": "vpc-ec43eb89", "cidr": "10.0.0.0/16"}, "subnets": [{"id": "subnet-abababab"}], "policy": {"full_access": true}, "tags": {"Project": "\\ud83d\\ude00"}}\n',
    "a valid JSON surrogate pair (an emoji) in a tag",
)
raw(
    "float-overflows-decimal",
    "cost.gb_per_month",
    TEXT + "cost:\n  gb_per_month: 1.0e+300\n",
    "a float the README's decimals cannot hold",
)
raw(
    "float-infinite",
    "cost.gb_per_month",
    TEXT + "cost:\n  gb_per_month: 1.0e+999\n",
    "a float that overflows to infinity",
)
raw_json(
    "json-nan", "NaN is not a JSON number", '{"version": 1, "cost": {"gb_per_month": NaN}}\n', "NaN"
)
# JSON is read as JSON (tabs are JSON whitespace): the error is the field, not "not YAML"
raw_json(
    "json-tabs-bad-vpc-id",
    "vpc.id",
    '{\n\t"version": 1,\n\t"name": "x",\n\t"region": "us-east-2",\n\t"vpc": {\n\t\t"id": "vpc-nothex!",\n\t\t"cidr": "10.0.0.0/16"\n\t},\n\t"subnets": [{"id": "subnet-abababab"}],\n\t"policy": {"full_access": true}\n}\n',
    "tab-indented JSON with a bad VPC id",
)
raw_json(
    "json-duplicate-key",
    "duplicate key 'name'",
    '{"version": 1, "name": "a", "name": "b"}\n',
    "a key given twice, JSON",
)
# made-up regions and AZ ids (the catalog is generator/catalog/aws_regions.json)
mut(
    "region-made-up",
    "region: 'us-east-9'",
    lambda d: d.update(region="us-east-9"),
    "well formed, no such region",
)
mut(
    "az-id-made-up",
    "subnets[1].az_id",
    lambda d: d["subnets"][1].update(az_id="use2-az9"),
    "well formed, no such AZ id",
)
mut(
    "peer-region-made-up",
    "peering[0].region",
    lambda d: d.update(peering=peer(region="eu-west-7")),
    "well formed, no such peer region",
)
# bounds on every list; AWS quotas where there is one
mut(
    "huge-peering",
    "peering: 1500 items; at most 125",
    lambda d: d.update(
        peering=[
            {"name": f"p{i}", "vpc_id": f"vpc-{i:08x}", "cidr": f"10.{1 + i // 256}.{i % 256}.0/24"}
            for i in range(1500)
        ]
    ),
    "1500 peers (AWS: 125 active peering connections per VPC)",
)
mut(
    "too-many-statements",
    "policy.statements: 101 items; at most 100",
    lambda d: d["policy"].update(statements=[copy.deepcopy(S(d)) for _ in range(101)]),
    "101 statements",
)
mut(
    "too-many-principals",
    "policy.statements[0].principals: 501 items",
    lambda d: S(d).update(principals=[f"{111122220000 + i}" for i in range(501)]),
    "501 principals",
)
mut(
    "too-many-route-tables",
    "peering[0].route_table_ids: 201 items",
    lambda d: d.update(peering=peer(route_table_ids=[f"rtb-{i:08x}" for i in range(201)])),
    "201 route tables",
)
mut(
    "too-many-existing-groups",
    "security_group.existing_ids: 6 items",
    lambda d: d["security_group"].update(existing_ids=[f"sg-{i:08x}" for i in range(6)]),
    "6 groups",
)
mut(
    "too-many-condition-operators",
    "policy.statements[0].conditions: 31 items",
    lambda d: S(d).update(conditions={f"StringEquals{i}": {"aws:x": "y"} for i in range(31)}),
    "31 operators",
)

# values that checkov or Terraform would read as something else than tfgen checks (issue 26)
mut(
    "skip-marker-in-tag",
    "tags.team",
    lambda d: d["tags"].update(team="checkov:skip=CKV_TFGEN_1:harmless"),
    "a tag value checkov would read as a skip of the policy check",
)
mut(
    "skip-marker-in-tag-key",
    "checkov skip marker",
    lambda d: d["tags"].update({"bridgecrew:skip=CKV_AWS_24": "x"}),
    "a tag key in checkov's older spelling",
)
mut(
    "skip-marker-in-description",
    "security_group.description",
    lambda d: d["security_group"].update(description="Lambda API cortex:skip=CKV_TFGEN_5"),
    "a group description with a skip marker",
)
mut(
    "skip-marker-in-condition",
    "policy.statements[0].conditions.StringEquals.aws:PrincipalTag/team",
    lambda d: S(d).update(
        conditions={"StringEquals": {"aws:PrincipalTag/team": "checkov:skip=CKV_TFGEN_2"}}
    ),
    "a condition value with a skip marker",
)
mut(
    "nfc-kelvin-in-tag",
    "not in Unicode NFC form",
    lambda d: d["tags"].update(team="\u212aelvin"),
    "KELVIN SIGN: Terraform sends a plain K",
)
mut(
    "nfc-combining-accent-in-condition",
    "policy.statements[0].conditions.StringEquals.aws:PrincipalTag/team",
    lambda d: S(d).update(conditions={"StringEquals": {"aws:PrincipalTag/team": "cafe\u0301"}}),
    "e + COMBINING ACUTE: Terraform sends one character",
)

# IAM's grammar exactly (issue 26): wildcards * and ? only, ASCII typed values, no trailing
# whitespace; AWS's rules for group names and descriptions
C = lambda operator, value: (
    lambda d: S(d).update(
        conditions={
            operator: {
                "aws:SourceIp"
                if "Ip" in operator
                else "aws:MultiFactorAuthAge"
                if "Numeric" in operator
                else "aws:CurrentTime": value
            }
        }
    )
)
mut(
    "action-wildcard-character-class",
    "IAM's wildcards are * and ? only",
    lambda d: (d["policy"].update(allow_wildcards=True), S(d).update(actions=["lambda:[A-Z]*"])),
    "fnmatch's [A-Z] is no IAM wildcard: a Deny with it matches nothing",
)
mut(
    "operator-trailing-newline",
    "policy.statements[0].conditions",
    lambda d: S(d).update(conditions={"StringEquals\n": {"aws:PrincipalTag/team": "a"}}),
    "an operator with a trailing newline",
)
mut(
    "numeric-arabic-indic-digits",
    "is not a number",
    C("NumericLessThan", "\u0663\u0666\u0660\u0660"),
    "Arabic-Indic digits IAM does not parse",
)
mut(
    "numeric-trailing-newline",
    "is not a number",
    C("NumericLessThan", "3600\n"),
    "a trailing newline",
)
mut(
    "date-with-space",
    "is not a date",
    C("DateLessThan", "2026-01-31 00:00:00"),
    "a space for the T",
)
mut(
    "date-fullwidth-digits",
    "is not a date",
    C("DateLessThan", "\uff12\uff10\uff12\uff16-01-31"),
    "fullwidth digits",
)
mut(
    "ip-netmask",
    "is not an IP address or CIDR",
    C("IpAddress", "10.0.0.0/255.0.0.0"),
    "netmask notation",
)
mut("ip-zone-id", "is not an IP address or CIDR", C("IpAddress", "fe80::1%eth0"), "an IPv6 zone id")
mut(
    "group-description-trailing-newline",
    "security_group.description",
    lambda d: d["security_group"].update(description="Lambda API\n"),
    "a trailing newline AWS refuses",
)
mut(
    "group-name-trailing-newline",
    "security_group.name",
    lambda d: d["security_group"].update(name="lambda-endpoint\n"),
    "a trailing newline AWS refuses",
)

# IAM replaces policy variables only under Version 2012-10-17 (issue 25)
mut(
    "policy-variable-without-version",
    "policy.statements[0].conditions.StringEquals.aws:PrincipalTag/team",
    lambda d: (
        d["policy"].update(version=None),
        S(d).update(
            conditions={"StringEquals": {"aws:PrincipalTag/team": "${aws:PrincipalTag/team}"}}
        ),
    ),
    "no Version: IAM compares the variable as literal text",
)
mut(
    "policy-variable-under-2008",
    "policy.statements[0].conditions.StringLike.aws:PrincipalTag/team",
    lambda d: (
        d["policy"].update(version="2008-10-17"),
        S(d).update(conditions={"StringLike": {"aws:PrincipalTag/team": "${aws:username}*"}}),
    ),
    "2008-10-17: the variable is literal text",
)

for old in [*OUT.glob("*.yaml"), *OUT.glob("*.json")]:
    old.unlink()
for name, (expect, why, text) in sorted(cases.items()):
    path = OUT / f"{name}.yaml"
    if text is None:
        path.write_bytes(b"# expect: UTF-8\n# why: " + why.encode() + b"\nname: \xff\xfe\n")
        continue
    header = f"# expect: {expect}\n# why: {why}\n"
    path.write_text(header + text, encoding="utf-8")
expectations = {}
for name, (expect, why, text) in sorted(json_cases.items()):
    (OUT / f"{name}.json").write_text(text, encoding="utf-8")
    expectations[name] = {"expect": expect, "why": why}
(OUT / JSON_EXPECTATIONS).write_text(json.dumps(expectations, indent=2) + "\n", encoding="utf-8")
print(len(cases) + len(json_cases))
