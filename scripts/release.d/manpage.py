#!/usr/bin/env python3
"""Writes tokenscan(1) from the argument parser's own description of the command line.

    tokenscan --experimental-dump-help | manpage.py --version 0.1.0 --date 2026-12-03 > tokenscan.1

Why from `--experimental-dump-help` (swift-argument-parser's JSON description of every command,
option and default): the page cannot drift from the parser, and it needs no second Swift build
(the `generate-manual` plugin would build its tool and the product again). One page, man(7)
macros, every subcommand in its own section, as git(1) does for small tools.
"""
from __future__ import annotations

import argparse
import json
import sys

EXIT_STATUS = [
    ("0", "nothing at or above \\-\\-fail\\-on"),
    ("1", "findings at or above \\-\\-fail\\-on"),
    ("2", "usage or fatal error"),
    ("130, 143", "interrupted by SIGINT or SIGTERM"),
]


class ManualError(Exception):
    """Input that does not describe a command (the message says what is missing)."""


def escape(text: str) -> str:
    """Roff-safe text: backslashes and hyphens escaped, no line read as a request, and every
    non-ASCII character spelled `\\[uXXXX]` (a page in plain ASCII renders the same whether or not
    the man implementation runs preconv first)."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    text = "".join(c if ord(c) < 128 else f"\\[u{ord(c):04X}]" for c in text)
    lines = []
    for line in text.split("\n"):
        if line.startswith((".", "'")):
            line = "\\&" + line
        lines.append(line)
    return "\n".join(lines)


def option_name(name: dict) -> str:
    kind = name.get("kind")
    if kind == "short":
        return "-" + name["name"]
    if kind == "longWithSingleDash":
        return "-" + name["name"]
    return "--" + name["name"]


def argument_item(argument: dict) -> str | None:
    """One `.TP` paragraph for an option, flag or positional argument; None when hidden."""
    if argument.get("shouldDisplay") is False:
        return None
    kind = argument.get("kind")
    value = argument.get("valueName", "value")
    if kind == "positional":
        label = f"\\fI{escape(value)}\\fR"
        if argument.get("isRepeating"):
            label += " ..."
    else:
        names = ", ".join(f"\\fB{escape(option_name(name))}\\fR" for name in argument.get("names", []))
        if not names:
            return None
        label = names if kind == "flag" else f"{names} \\fI{escape(value)}\\fR"
    text = argument.get("abstract", "")
    if argument.get("discussion"):
        discussion = argument["discussion"]
        text += "\n" + (discussion if isinstance(discussion, str) else discussion.get("text", ""))
    if argument.get("defaultValue") not in (None, ""):
        text += f" (default: {argument['defaultValue']})"
    return f".TP\n{label}\n{escape(text.strip()) or '(no description)'}"


def command_path(command: dict) -> str:
    return " ".join(command.get("superCommands", []) + [command["commandName"]])


def command_section(command: dict, heading: str) -> list[str]:
    lines = [f'{heading} "{escape(command_path(command))}"']
    if command.get("abstract"):
        lines.append(escape(command["abstract"]))
    if command.get("discussion"):
        # Written for a terminal (examples, aligned tables): kept as laid out.
        lines += [".PP", ".nf", escape(command["discussion"]), ".fi"]
    items = [item for item in map(argument_item, command.get("arguments", [])) if item]
    # help and version are the same everywhere; said once, under OPTIONS.
    items = [item for item in items if "\\-\\-help" not in item.split("\n")[1] and "\\-\\-version" not in item.split("\n")[1]]
    lines += items
    for sub in command.get("subcommands", []):
        lines += command_section(sub, ".SS")
    return lines


def manual(tool_info: dict, version: str, date: str) -> str:
    try:
        root = tool_info["command"]
        name = root["commandName"]
    except (KeyError, TypeError) as error:
        raise ManualError("the input is not `--experimental-dump-help` output (no command.commandName)") from error
    subcommands = root.get("subcommands", [])
    out = [
        f'.TH {escape(name.upper())} 1 "{date}" "{escape(name)} {escape(version)}" "User Commands"',
        ".SH NAME",
        f"{escape(name)} \\- {escape(root.get('abstract', ''))}",
        ".SH SYNOPSIS",
        f"\\fB{escape(name)}\\fR [\\fIcommand\\fR] [\\fIoptions\\fR] [\\fIarguments\\fR]",
    ]
    for sub in subcommands:
        if sub["commandName"] == "help":
            continue
        out += [".br", f"\\fB{escape(name)} {escape(sub['commandName'])}\\fR [\\fIoptions\\fR]"]
    out += [".SH DESCRIPTION", escape(root.get("abstract", ""))]
    if root.get("discussion"):
        out += [".PP", escape(root["discussion"])]
    default = next((sub["commandName"] for sub in subcommands if sub.get("isDefault")), None)
    if default:
        out += [".PP", f"Without a command, \\fB{escape(name)}\\fR runs \\fB{escape(default)}\\fR."]
    out += [".SH OPTIONS",
            ".TP", "\\fB\\-h\\fR, \\fB\\-\\-help\\fR", "Show help for the command.",
            ".TP", "\\fB\\-\\-version\\fR", "Print the version, the PCRE2 version and the commit built from."]
    out += [".SH COMMANDS"]
    for sub in subcommands:
        if sub["commandName"] == "help":
            continue
        out += command_section(sub, ".SS")
    out += [".SH EXIT STATUS"]
    for code, meaning in EXIT_STATUS:
        out += [".TP", f"\\fB{code}\\fR", meaning]
    out += [".SH SEE ALSO", "README.md in the release tarball, and https://github.com/tokenscan/tokenscan"]
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Write tokenscan(1) from --experimental-dump-help JSON on stdin.")
    parser.add_argument("--version", required=True)
    parser.add_argument("--date", required=True, help="the page's date, YYYY-MM-DD")
    arguments = parser.parse_args(argv)
    try:
        sys.stdout.write(manual(json.load(sys.stdin), arguments.version, arguments.date))
    except (json.JSONDecodeError, ManualError) as error:
        print(f"manpage.py: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
