#!/usr/bin/env python3
"""Writes a `git fast-import` stream of a generated history, deterministic (fixed seed and dates).

Usage: history.py COMMITS | git fast-import --quiet

The shape of a mid-sized service repository's history, so that `tokenscan git` is measured
against `git log -p` on the kind of history it reads in CI: a few hundred source, config and
documentation files in nested directories; each commit edits one to five of them (lines added,
changed and removed in a few hunks), one in twenty adds a file, one in a hundred removes one; a
merge commit every fifty (combined diffs); and now and then a line carries a credential (a JWT, a provider-style
token), as real histories do.
"""
import base64
import hashlib
import json
import random
import sys

commits = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
rng = random.Random(20261203)
out = sys.stdout.buffer

DIRS = ["src/api", "src/core", "src/db", "src/util", "src/web/handlers", "config", "deploy/k8s", "docs", "tests/unit", "tests/e2e", "scripts"]
EXTS = {"src": ".py", "config": ".yaml", "deploy": ".yaml", "docs": ".md", "tests": ".py", "scripts": ".sh"}
WORDS = ("request response client server token session user account config value handler retry timeout cache "
         "query result error status payload header limit window region service worker queue event").split()


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(n):
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    claims = b64url(json.dumps({"sub": f"user-{n}", "iat": 1700000000 + n, "scope": "read"}).encode())
    return f"{header}.{claims}.{b64url(hashlib.sha256(str(n).encode()).digest())}"


def line(n):
    """One line of code or text; about one in 400 carries a credential."""
    roll = rng.random()
    if roll < 0.0015:
        return f'    headers["Authorization"] = "Bearer {jwt(n)}"'
    if roll < 0.0025:
        return f'API_TOKEN = "ghp_{hashlib.sha1(str(n).encode()).hexdigest()[:36]}"'
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 9)))
    kind = rng.random()
    if kind < 0.5:
        return f"    {rng.choice(WORDS)}_{n % 97} = compute_{rng.choice(WORDS)}({words.replace(' ', ', ')})"
    if kind < 0.75:
        return f"    # {words}"
    return f"{rng.choice(WORDS)}: {words}"


files = {}
counter = 0


def new_file():
    global counter
    directory = rng.choice(DIRS)
    counter += 1
    path = f"{directory}/{rng.choice(WORDS)}_{counter}{EXTS[directory.split('/')[0]]}"
    files[path] = [line(counter * 1000 + i) for i in range(rng.randint(20, 200))]
    return path


def edit(path):
    lines = files[path]
    for _ in range(rng.randint(1, 3)):
        at = rng.randint(0, len(lines))
        removed = rng.randint(0, min(4, len(lines) - at))
        added = [line(rng.randint(0, 10**9)) for _ in range(rng.randint(1, 14))]
        lines[at:at + removed] = added


def data(text):
    payload = text.encode()
    out.write(b"data %d\n" % len(payload))
    out.write(payload)
    out.write(b"\n")


def commit(mark, parents, changes, when):
    out.write(b"commit refs/heads/main\n")
    out.write(b"mark :%d\n" % mark)
    author = f"Dev {mark % 7} <dev{mark % 7}@example.com> {when} +0000"
    out.write(f"author {author}\ncommitter {author}\n".encode())
    data(f"change {mark}: {rng.choice(WORDS)} {rng.choice(WORDS)}")
    if parents:
        out.write(b"from :%d\n" % parents[0])
        for parent in parents[1:]:
            out.write(b"merge :%d\n" % parent)
    for path in changes:
        if path in files:
            out.write(f"M 100644 inline {path}\n".encode())
            data("\n".join(files[path]) + "\n")
        else:
            out.write(f"D {path}\n".encode())
    out.write(b"\n")


when = 1_600_000_000
initial = [new_file() for _ in range(300)]
commit(1, [], initial, when)
tip = 1
side = None
for mark in range(2, commits + 1):
    when += rng.randint(600, 20000)
    changed = []
    if rng.random() < 0.05:
        changed.append(new_file())
    if rng.random() < 0.01 and len(files) > 50:
        gone = rng.choice(sorted(files))
        del files[gone]
        changed.append(gone)
    for path in rng.sample(sorted(files), rng.randint(1, 5)):
        edit(path)
        changed.append(path)
    # Every fiftieth commit is a merge whose second parent is the commit ten before it (as a
    # long-lived branch merged back): git diffs it as a combined diff against both parents.
    if side is not None and mark % 50 == 0:
        commit(mark, [tip, side], changed, when)
        side = None
    else:
        commit(mark, [tip], changed, when)
        if mark % 50 == 40:
            side = mark
    tip = mark
