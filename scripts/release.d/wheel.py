#!/usr/bin/env python3
"""Writes the platform wheel that carries the tokenscan binary, with the standard library only.

    wheel.py --binary PATH --version 0.1.0 --out DIR [--readme README.md] [--license LICENSE]

Why by hand and not with a build backend: the wheel holds no Python, only a prebuilt executable,
and a backend would want a package to build. The binary goes to `tokenscan-VERSION.data/scripts/`
with mode 0755, so pip installs it as a script and `tokenscan` lands on PATH (ruff ships the
same way). The platform tag comes from the binary itself: the highest GLIBC symbol version its
dynamic symbol table asks for (objdump -T) gives `manylinux_2_XX`, so the tag never promises a
glibc older than the binary needs. Reproducible: entries sorted, one timestamp for all of them
(SOURCE_DATE_EPOCH, else 1980-01-01), fixed modes; RECORD comes last, as the wheel spec expects.
Prints the wheel's path.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

NAME = "tokenscan"
SUMMARY = "Find leaked bearer tokens and JWTs, and tell which ones matter."
HOME = "https://github.com/tokenscan/tokenscan"
# Zip timestamps cannot precede 1980.
ZIP_EPOCH = 315532800


class WheelError(Exception):
    """A wheel that cannot be written as asked (the message says why)."""


def glibc_floor(binary: Path) -> tuple[int, int]:
    """The highest GLIBC_x.y version among the binary's dynamic symbols."""
    try:
        dump = subprocess.run(["objdump", "-T", str(binary)], check=True, capture_output=True, text=True).stdout
    except FileNotFoundError as error:
        raise WheelError("objdump is not installed (Debian: binutils); it reads the glibc floor for the wheel tag") from error
    except subprocess.CalledProcessError as error:
        raise WheelError(f"objdump -T {binary} failed: {error.stderr.strip()}") from error
    versions = {(int(major), int(minor)) for major, minor in re.findall(r"\bGLIBC_(\d+)\.(\d+)", dump)}
    if not versions:
        raise WheelError(f"{binary} asks for no GLIBC symbol version: not a glibc-linked binary, no manylinux tag fits")
    return max(versions)


def machine(binary: Path) -> str:
    """The wheel's architecture, from the ELF header (the release is built for x86_64 only)."""
    header = binary.read_bytes()[:20]
    if header[:4] != b"\x7fELF":
        raise WheelError(f"{binary} is not an ELF executable")
    e_machine = int.from_bytes(header[18:20], "little")
    if e_machine == 62:
        return "x86_64"
    if e_machine == 183:
        return "aarch64"
    raise WheelError(f"{binary}: ELF machine {e_machine} is not one a wheel is built for here")


def platform_tag(binary: Path) -> str:
    major, minor = glibc_floor(binary)
    return f"manylinux_{major}_{minor}_{machine(binary)}"


def metadata(version: str, readme: str | None) -> str:
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {NAME}",
        f"Version: {version}",
        f"Summary: {SUMMARY}",
        f"Home-page: {HOME}",
        "License: MIT",
        "Requires-Python: >=3.7",
        "Classifier: License :: OSI Approved :: MIT License",
        "Classifier: Operating System :: POSIX :: Linux",
        "Classifier: Topic :: Security",
    ]
    if readme is None:
        return "\n".join(lines) + "\n"
    lines.append("Description-Content-Type: text/markdown")
    return "\n".join(lines) + "\n\n" + readme


def wheel_file(tag: str) -> str:
    return "\n".join([
        "Wheel-Version: 1.0",
        "Generator: tokenscan scripts/release.d/wheel.py",
        "Root-Is-Purelib: false",
        f"Tag: py3-none-{tag}",
    ]) + "\n"


def record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")
    return f"sha256={digest}"


def write_wheel(binary: Path, version: str, out: Path, readme: Path | None, license_file: Path | None,
                epoch: int) -> Path:
    if not re.fullmatch(r"\d+\.\d+\.\d+([a-z0-9.+-]*)", version):
        raise WheelError(f"'{version}' is not a release version (X.Y.Z)")
    tag = platform_tag(binary)
    dist_info = f"{NAME}-{version}.dist-info"
    # (path in the wheel, contents, unix mode)
    entries: list[tuple[str, bytes, int]] = [
        (f"{NAME}-{version}.data/scripts/{NAME}", binary.read_bytes(), 0o755),
        (f"{dist_info}/METADATA", metadata(version, readme.read_text(encoding="utf-8") if readme else None).encode(), 0o644),
        (f"{dist_info}/WHEEL", wheel_file(tag).encode(), 0o644),
    ]
    if license_file is not None:
        entries.append((f"{dist_info}/LICENSE", license_file.read_bytes(), 0o644))
    entries.sort(key=lambda entry: entry[0])
    record_path = f"{dist_info}/RECORD"
    record = "".join(f"{path},{record_hash(data)},{len(data)}\n" for path, data, _ in entries) + f"{record_path},,\n"
    entries.append((record_path, record.encode(), 0o644))

    out.mkdir(parents=True, exist_ok=True)
    wheel = out / f"{NAME}-{version}-py3-none-{tag}.whl"
    stamp = time.gmtime(max(epoch, ZIP_EPOCH))[:6]
    partial = wheel.with_suffix(".whl.partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, data, mode in entries:
            info = zipfile.ZipInfo(path, date_time=stamp)
            info.external_attr = (0o100000 | mode) << 16
            info.create_system = 3  # Unix, so the mode above is read
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data, compresslevel=9)
    partial.replace(wheel)
    return wheel


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Write tokenscan's platform wheel.")
    parser.add_argument("--binary", type=Path, required=True)
    parser.add_argument("--version", required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--readme", type=Path)
    parser.add_argument("--license", type=Path, dest="license_file")
    parser.add_argument("--print-tag", action="store_true", help="print the platform tag the binary gets, and write nothing")
    arguments = parser.parse_args(argv)
    try:
        if arguments.print_tag:
            print(platform_tag(arguments.binary))
            return 0
        epoch = int(os.environ.get("SOURCE_DATE_EPOCH", ZIP_EPOCH))
        print(write_wheel(arguments.binary, arguments.version, arguments.out, arguments.readme,
                          arguments.license_file, epoch))
    except (WheelError, OSError, ValueError) as error:
        print(f"wheel.py: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
