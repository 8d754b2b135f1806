#!/usr/bin/env python3
# Regenerate the corpus: `.venv/bin/tfgen example | .venv/bin/python scripts/make_bad_answers.py`
# (run from the repo root; review the diff of tests/bad_answers/ before committing).
# ruff: noqa: E501, E731 - one line per corpus case reads best
"""Write the bad-answers corpus: each file says what the error must name."""

import copy
import sys
from pathlib import Path

import yaml

OUT = Path("tests/bad_answers")
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
    "not valid YAML",
    "!!python/object/apply:os.system [echo hi]\n",
    "a Python tag",
)
raw("yaml-custom-tag", "not valid YAML", "version: !include other.yaml\n", "an unknown tag")
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
    lambda d: d.update(ip_address_type="ipv6"),
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

for old in OUT.glob("*"):
    old.unlink()
for name, (expect, why, text) in sorted(cases.items()):
    path = OUT / f"{name}.yaml"
    if text is None:
        path.write_bytes(b"# expect: UTF-8\n# why: " + why.encode() + b"\nname: \xff\xfe\n")
        continue
    header = f"# expect: {expect}\n# why: {why}\n"
    path.write_text(header + text, encoding="utf-8")
print(len(cases))
