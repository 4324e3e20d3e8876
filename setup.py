"""The pre-commit hook project (see pyproject.toml): `tokenscan-pre-commit` depends on the tokenscan
wheel of the same version, read from VERSION, the one place the version is written."""
from pathlib import Path

from setuptools import setup

VERSION = (Path(__file__).resolve().parent / "VERSION").read_text(encoding="utf-8").strip()

setup(
    name="tokenscan-pre-commit",
    version=VERSION,
    description="pre-commit hook for tokenscan: installs the tokenscan binary wheel, no Swift toolchain needed",
    license="MIT",
    url="https://github.com/tokenscan/tokenscan",
    python_requires=">=3.7",
    install_requires=[f"tokenscan=={VERSION}"],
    # No Python code: an explicit empty list turns setuptools' package discovery off (it would
    # otherwise take Sources/, Rules/ … for packages and refuse the flat layout).
    packages=[],
    py_modules=[],
)
