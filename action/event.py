#!/usr/bin/env python3
"""Reads the GitHub event the action runs for and prints what range.sh and the job need, as
`key=value` lines: event, base, head (pull requests, merge queues), before, after, ref (pushes),
fork (true when a pull_request comes from another repository: its token cannot upload SARIF)
and number (the pull request's).

Why a script: the values come from the event payload that GitHub writes (GITHUB_EVENT_PATH),
which a shell cannot read safely; commit ids are checked to be hex and every value to be one
line, so nothing a pull request chose (its branch name) can reach a shell unquoted or break a
line. Standard library only: python3 is on every GitHub-hosted runner.
"""
import json
import os
import re
import sys

COMMIT = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")


def fail(message):
    print(f"tokenscan-action: {message}", file=sys.stderr)
    sys.exit(2)


def commit(value, what):
    if value is None or value == "":
        return ""
    if not isinstance(value, str) or not COMMIT.match(value):
        fail(f"the event's {what} is not a commit id: {value!r}")
    return value


def one_line(value):
    text = "" if value is None else str(value)
    if "\n" in text or "\r" in text or "\0" in text:
        fail(f"the event holds a value with a line break: {text!r}")
    return text


def main():
    name = os.environ.get("GITHUB_EVENT_NAME", "")
    if not name:
        fail("GITHUB_EVENT_NAME is not set: the action runs inside a GitHub Actions job")
    path = os.environ.get("GITHUB_EVENT_PATH", "")
    payload = {}
    if path:
        try:
            with open(path, encoding="utf-8") as file:
                payload = json.load(file)
        except (OSError, ValueError) as error:
            fail(f"cannot read the event payload {path}: {error}")
    values = {"event": one_line(name)}
    if name in ("pull_request", "pull_request_target"):
        pull = payload.get("pull_request") or {}
        values["base"] = commit((pull.get("base") or {}).get("sha"), "pull_request.base.sha")
        values["head"] = commit((pull.get("head") or {}).get("sha"), "pull_request.head.sha")
        values["number"] = one_line(pull.get("number", ""))
        head_repo = ((pull.get("head") or {}).get("repo") or {}).get("full_name")
        this_repo = (payload.get("repository") or {}).get("full_name") or os.environ.get("GITHUB_REPOSITORY")
        # A deleted fork leaves head.repo null: still not this repository. pull_request_target
        # runs in the base repository with its own token, which can upload.
        values["fork"] = "true" if name == "pull_request" and head_repo != this_repo else "false"
    elif name == "merge_group":
        group = payload.get("merge_group") or {}
        values["base"] = commit(group.get("base_sha"), "merge_group.base_sha")
        values["head"] = commit(group.get("head_sha"), "merge_group.head_sha")
    elif name == "push":
        values["before"] = commit(payload.get("before"), "before")
        values["after"] = commit(payload.get("after") or os.environ.get("GITHUB_SHA"), "after")
        values["ref"] = one_line(payload.get("ref") or os.environ.get("GITHUB_REF", ""))
    values.setdefault("fork", "false")
    for key, value in values.items():
        print(f"{key}={value}")


if __name__ == "__main__":
    main()
