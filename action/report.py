#!/usr/bin/env python3
"""Turns the action's one SARIF report into the job summary ($GITHUB_STEP_SUMMARY) and the
annotations GitHub puts on the changed lines (`::error file=…,line=…::` on stdout).

Why from the report: the scan runs once; what the summary counts and what the annotations point
at are exactly what the SARIF uploaded to code scanning holds. tokenscan never writes a secret to
SARIF (messages state reasons; fingerprints are keyed hashes); this script adds no text of the
scanned files either: rule, severity, path:line, short fingerprint, commit, and tokenscan's own
messages. A range scan reports only the lines its commits add, so every annotation is on a
changed line.

    report.py [--sarif FILE] --status N --scanned TEXT [--fail-on LEVEL] [--notes FILE] [--reason TEXT]

Standard library only: python3 is on every GitHub-hosted runner.
"""
import argparse
import html
import json
import os
import sys
import urllib.parse

SEVERITIES = ["critical", "high", "medium", "low", "info"]
LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "notice", "info": "notice"}
# GitHub shows 10 annotations of each kind per step; more are dropped silently, so this says so.
ANNOTATIONS_PER_LEVEL = 10
TOP_FINDINGS = 10


def command_property(text):
    """A workflow command's property value (GitHub's escaping: `%`, CR, LF, `:` and `,`)."""
    return (text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
            .replace(":", "%3A").replace(",", "%2C"))


def command_data(text):
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def cell(text):
    """Text for a Markdown table cell or list item: HTML-escaped, pipes too, on one line."""
    return html.escape(text, quote=False).replace("|", "&#124;").replace("\n", " ")


def code(text):
    return f"<code>{cell(text)}</code>"


def short_fingerprint(fingerprint):
    """The first 8 hex digits after the version prefix, as tokenscan's text report shows them."""
    return fingerprint.split(":", 1)[-1][:8] if fingerprint else ""


class Result:
    def __init__(self, raw):
        properties = raw.get("properties") or {}
        self.rule = raw.get("ruleId", "")
        self.severity = properties.get("severity") or {"error": "high", "warning": "medium"}.get(raw.get("level"), "low")
        self.score = properties.get("score", raw.get("rank", 0)) or 0
        self.fingerprint = properties.get("fingerprint") or (raw.get("partialFingerprints") or {}).get("tokenscan/v2", "")
        commit = properties.get("commit") or {}
        self.commit = commit.get("sha", "") if isinstance(commit, dict) else ""
        self.message = (raw.get("message") or {}).get("text", "")
        location = ((raw.get("locations") or [{}])[0]).get("physicalLocation") or {}
        uri = (location.get("artifactLocation") or {}).get("uri", "")
        if uri.startswith("file://"):
            uri = uri[len("file://"):]
        self.path = urllib.parse.unquote(uri)
        region = location.get("region") or {}
        self.line = region.get("startLine", 1)
        self.column = region.get("startColumn")
        self.end_line = region.get("endLine", self.line)
        self.end_column = region.get("endColumn")
        self.suppressions = raw.get("suppressions") or []

    @property
    def under_review(self):
        return any(s.get("status") == "underReview" for s in self.suppressions)

    @property
    def suppressed(self):
        return bool(self.suppressions)

    def order(self):
        rank = SEVERITIES.index(self.severity) if self.severity in SEVERITIES else len(SEVERITIES)
        return (rank, -float(self.score), self.path, self.line)

    def place(self):
        return f"{self.path}:{self.line}"


def annotation(level, result, text):
    properties = {"file": result.path, "line": str(result.line), "endLine": str(result.end_line),
                  "title": f"tokenscan: {result.rule} ({result.severity})"}
    # Columns only within one line: GitHub ignores them otherwise.
    if result.column and result.end_line == result.line:
        properties["col"] = str(result.column)
        if result.end_column:
            properties["endColumn"] = str(result.end_column)
    joined = ",".join(f"{key}={command_property(value)}" for key, value in properties.items())
    return f"::{level} {joined}::{command_data(text)}"


def load(path):
    with open(path, encoding="utf-8") as file:
        log = json.load(file)
    runs = log.get("runs") or []
    if not runs:
        raise ValueError("the SARIF report has no run")
    run = runs[0]
    results = [Result(raw) for raw in run.get("results") or []]
    invocation = (run.get("invocations") or [{}])[0]
    configuration = [n for n in invocation.get("toolConfigurationNotifications") or [] if n.get("level") in ("warning", "error")]
    # Limits hit, rule errors; not the accepted-in-change notices, which the results list already.
    execution = [n for n in invocation.get("toolExecutionNotifications") or [] if n.get("level") in ("warning", "error")
                 and not (n.get("message") or {}).get("text", "").startswith("Accepted in this change")]
    return results, configuration, execution


def summary(args, results, configuration, execution, hidden):
    lines = ["## tokenscan", "", f"**Scanned:** {cell(args.scanned)}", ""]
    findings = [r for r in results if not r.suppressed]
    gate = f"<code>{cell(args.fail_on)}</code>" if args.fail_on else "tokenscan's default (the configuration's failOn, else medium)"
    if args.status == 0:
        lines.append(f"**Result:** passed: nothing at or above the gate, {gate} (exit 0).")
    elif args.status == 1:
        lines.append(f"**Result:** failed: findings at or above the gate, {gate} (exit 1).")
    else:
        lines.append(f"**Result:** tokenscan could not run (exit {args.status}): {cell(args.reason or 'the job log says why')}.")
    lines.append("")
    if args.sarif:
        counts = {severity: 0 for severity in SEVERITIES}
        for result in findings:
            counts[result.severity] = counts.get(result.severity, 0) + 1
        lines += ["| Severity | Findings |", "|---|---:|"]
        lines += [f"| {severity} | {count} |" for severity, count in counts.items()]
        lines.append("")
    if findings:
        ordered = sorted(findings, key=Result.order)
        lines += [f"### Top findings ({min(len(ordered), TOP_FINDINGS)} of {len(ordered)})", "",
                  "| Severity | Rule | Location | Fingerprint | Commit |", "|---|---|---|---|---|"]
        for result in ordered[:TOP_FINDINGS]:
            lines.append(f"| {result.severity} | {code(result.rule)} | {code(result.place())} | "
                         f"{code(short_fingerprint(result.fingerprint))} | {code(result.commit[:12]) if result.commit else ''} |")
        lines.append("")
        if len(ordered) > TOP_FINDINGS:
            lines += [f"{len(ordered) - TOP_FINDINGS} more in the SARIF report (code scanning lists them all).", ""]
    review = [r for r in results if r.under_review]
    if configuration or review:
        lines += ["### In this change: review before merging", ""]
        for notification in configuration:
            lines.append(f"- {cell((notification.get('message') or {}).get('text', ''))}")
        for result in sorted(review, key=Result.order):
            lines.append(f"- Accepted in this change: {code(result.place())} {code(result.rule)} ({result.severity}), "
                         f"fingerprint {code(short_fingerprint(result.fingerprint))}: {cell(result.message)}")
        lines.append("")
    if execution:
        lines += ["### Scan notes", ""]
        lines += [f"- {cell((n.get('message') or {}).get('text', ''))}" for n in execution[:20]]
        if len(execution) > 20:
            lines.append(f"- … {len(execution) - 20} more in the SARIF report")
        lines.append("")
    notes = open(args.notes, encoding="utf-8").read().strip() if args.notes and os.path.exists(args.notes) else ""
    if notes or hidden:
        lines += ["### Action notes", ""]
        if notes:
            lines.append(notes)
        lines += [f"- {count} {level} annotations not shown (GitHub shows {ANNOTATIONS_PER_LEVEL} of each kind per step)."
                  for level, count in hidden.items() if count]
        lines.append("")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sarif")
    parser.add_argument("--status", type=int, required=True)
    parser.add_argument("--scanned", required=True)
    parser.add_argument("--notes")
    parser.add_argument("--reason")
    parser.add_argument("--fail-on", default="")
    args = parser.parse_args()
    results, configuration, execution = [], [], []
    if args.sarif:
        try:
            results, configuration, execution = load(args.sarif)
        except (OSError, ValueError) as error:
            print(f"tokenscan-action: cannot read the SARIF report {args.sarif}: {error}", file=sys.stderr)
            return 2
    emitted = {"error": 0, "warning": 0, "notice": 0}
    hidden = {"error": 0, "warning": 0, "notice": 0}
    # Findings first, most severe first; then what the change accepts for itself.
    for result in sorted(results, key=lambda r: (r.under_review, r.order())):
        if result.under_review:
            level, text = "warning", f"Accepted in this change, review it: {result.message}"
        elif result.suppressed:
            continue
        else:
            level = LEVELS.get(result.severity, "notice")
            text = f"{result.message} (fingerprint {short_fingerprint(result.fingerprint)})"
        if emitted[level] < ANNOTATIONS_PER_LEVEL:
            emitted[level] += 1
            print(annotation(level, result, text))
        else:
            hidden[level] += 1
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if target:
        with open(target, "a", encoding="utf-8") as file:
            file.write(summary(args, results, configuration, execution, hidden))
    return 0


if __name__ == "__main__":
    sys.exit(main())
