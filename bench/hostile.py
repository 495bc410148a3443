#!/usr/bin/env python3
"""Hostile sizes (issue 9): generates each case into a scratch directory and times one
thesis command on it. Run by hand (not in CI): `python3 bench/hostile.py [THESIS] [CASE...]`,
THESIS defaulting to target/release/thesis. Prints one line per case: seconds and exit code."""

import os, subprocess, sys, tempfile, time

RULE = """rule_set: r
version: 1
description: d
kind: company
categories: { c: 1 }
factors:
  - { id: f, category: c, weight: 1, description: d, input: %s, missing: skip }
"""
DATA = """attributes:
  company: { x: number }
entities:
  - { id: a, name: A, kind: company, attributes: { x: 1 } }
"""


def write(root, rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def script_functions(root, n=60_000):
    write(root, "rules/r.yaml", RULE % "{ script: { file: s.rhai, function: f0 } }")
    write(root, "rules/s.rhai", "".join(f"fn f{i}(e) {{ {i} }}\n" for i in range(n)))
    write(root, "data/d.yaml", DATA)
    return ["check"]


def dataset_files(root, n=10_000):
    write(root, "rules/r.yaml", RULE % "{ attribute: x }")
    write(root, "data/schema.yaml", "attributes:\n  company: { x: number }\n")
    for i in range(n):
        write(root, f"data/d{i:05}.yaml", f"entities:\n  - {{ id: e{i}, name: E, kind: company, attributes: {{ x: {i} }} }}\n")
    return ["check"]


def attribute_declarations(root, n=100_000):
    write(root, "rules/r.yaml", RULE % "{ attribute: x }")
    decls = "".join(f"    a{i}: number\n" for i in range(n))
    write(root, "data/d.yaml", "attributes:\n  company:\n    x: number\n" + decls + DATA.split("\n", 2)[2])
    return ["check"]


def profiles(root, n=4_000):
    write(root, "rules/r.yaml", RULE % "{ attribute: x }" + "default: true\n")
    for i in range(n):
        write(root, f"rules/p{i:04}.yaml", f"rule_set: p{i}\nversion: 1\ndescription: d\nextends: r\nfactors:\n  - {{ id: f, weight: {i + 1} }}\n")
    write(root, "data/d.yaml", DATA)
    return ["check"]


def csv_columns(root, n=100_000):
    write(root, "rules/r.yaml", RULE % "{ attribute: x }")
    cols = [f"c{i}" for i in range(n)]
    write(root, "data/schema.yaml", "attributes:\n  company:\n    x: number\n" + "".join(f"    {c}: number\n" for c in cols))
    write(root, "data/u.csv", "id,name,kind,x," + ",".join(cols) + "\na,A,company,1," + ",".join("1" for _ in cols) + "\n")
    return ["check"]


def huge_cell(root, n=50_000_000):
    write(root, "rules/r.yaml", RULE % "{ attribute: x }")
    write(root, "data/schema.yaml", "attributes:\n  company: { x: number }\n")
    rows = "".join(f"e{i},E{i},company,{i}\n" for i in range(20))
    write(root, "data/u.csv", "id,name,kind,x\na," + "N" * n + ",company,1\n" + rows)
    return ["rank"]


def blank_lines(root, n=60_000_000):
    write(root, "rules/r.yaml", RULE % "{ attribute: x }")
    write(root, "data/schema.yaml", "attributes:\n  company: { x: number }\n")
    write(root, "data/u.csv", "id,name,kind,x\na,A,company,1\n" + "\n" * n)
    return ["check"]


def long_list(root, n=100_000):
    write(root, "rules/r.yaml", RULE % "{ expr: 'e.tags.len()' }")
    items = ", ".join(f"t{i}" for i in range(n))
    write(root, "data/d.yaml", "attributes:\n  company: { tags: list }\nentities:\n  - { id: a, name: A, kind: company, attributes: { tags: [" + items + "] } }\n")
    return ["check"]


CASES = [script_functions, dataset_files, attribute_declarations, profiles, csv_columns, huge_cell, blank_lines, long_list]


def main():
    thesis = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "target/release/thesis")
    wanted = sys.argv[2:]
    for case in CASES:
        if wanted and case.__name__ not in wanted:
            continue
        with tempfile.TemporaryDirectory() as root:
            args = case(root)
            start = time.monotonic()
            try:
                run = subprocess.run([thesis, "--rules", "rules", "--data", "data", *args], cwd=root,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120)
                code, err = run.returncode, run.stderr.decode(errors="replace").strip().splitlines()
            except subprocess.TimeoutExpired:
                code, err = "timeout", []
            took = time.monotonic() - start
            print(f"{case.__name__:24} {took:8.2f} s  exit {code}  {err[-1][:150] if err else ''}", flush=True)


if __name__ == "__main__":
    main()
