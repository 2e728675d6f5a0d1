#!/usr/bin/env python3
"""Fails when a stage includes a later stage. The order is read from src/meson.build (the one source of truth);
rules, wire and telemetry are peers and may not include each other."""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
order = re.findall(r"^subdir\('([a-z_]+)'\)", (root / "src/meson.build").read_text(), re.M)
peers = {"rules", "wire", "telemetry"}
rank = {}
level = 0
for i, stage in enumerate(order):
    if not (stage in peers and i > 0 and order[i - 1] in peers):
        level += 1
    rank[stage] = level

bad = []
for path in sorted((root / "src").rglob("*.[ch]pp")):
    stage = path.relative_to(root / "src").parts[0]
    for n, line in enumerate(path.read_text().splitlines(), 1):
        m = re.match(r'#include "([a-z_]+)/', line)
        if m and m.group(1) in rank and m.group(1) != stage and rank[m.group(1)] >= rank[stage]:
            bad.append(f"{path.relative_to(root)}:{n}: stage {stage} includes later or peer stage {m.group(1)}")
print("\n".join(bad) if bad else f"{len(order)} stages, includes in pipeline order")
sys.exit(1 if bad else 0)
