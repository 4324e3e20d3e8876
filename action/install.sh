#!/usr/bin/env bash
# Installs a released tokenscan for the GitHub Action and prints the path of the binary.
#
#   install.sh [VERSION]      no VERSION: the newest release this commit of the action pins
#
# The tarball tokenscan-VERSION-linux-x86_64.tar.gz is downloaded from the GitHub release vVERSION
# and must match the SHA-256 that action/SHA256SUMS, in this repository, pins for it. The
# SHA256SUMS published beside the artifact is never read: whoever could replace the artifact could
# replace that file too, while the pin is part of the action's commit that the workflow names.
#
# action/SHA256SUMS is in `sha256sum` format. Releasing appends the new dist/SHA256SUMS to it
# (in a commit after the one the release was built from, since the binary records its commit),
# and the action's major tag (v0) moves to that commit: every version pinned there stays
# installable with `version:`, and the newest is the default.
#
# Overrides, for tests and for a workflow that built the release itself:
#   TOKENSCAN_ACTION_DIST=DIR         take the tarball from DIR instead of the release
#   TOKENSCAN_ACTION_SHA256SUMS=FILE  the pins to verify against instead of action/SHA256SUMS
# Downloads to RUNNER_TEMP (else TMPDIR). Exit 2, with the reason on stderr, on any failure.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
pins=${TOKENSCAN_ACTION_SHA256SUMS:-$here/SHA256SUMS}
dist=${TOKENSCAN_ACTION_DIST:-}
releases=https://github.com/tokenscan/tokenscan/releases/download
version=${1:-}

fail() { printf 'tokenscan-action: %s\n' "$1" >&2; exit 2; }

[ -r "$pins" ] || fail "cannot read the pinned checksums $pins"
# The versions whose Linux tarball is pinned, oldest first.
pinned=$(sed -n 's/^[0-9a-f]\{64\} [ *]tokenscan-\(.*\)-linux-x86_64\.tar\.gz$/\1/p' "$pins" | sort -V)
if [ -z "$version" ]; then
  version=$(printf '%s\n' "$pinned" | tail -n 1)
  [ -n "$version" ] || fail "$pins pins no release yet: name a tokenscan version to install and its checksum, or use a release of the action"
fi
version=${version#v}
name="tokenscan-$version-linux-x86_64.tar.gz"
expected=$(awk -v a="$name" -v b="*$name" '$2 == a || $2 == b { print $1; exit }' "$pins")
[ -n "$expected" ] || fail "version $version is not pinned in $pins (pinned: $(printf '%s' "$pinned" | tr '\n' ' ')); use one of those, or a newer release of the action"

system="$(uname -s) $(uname -m)"
[ "$system" = "Linux x86_64" ] || fail "releases carry a Linux x86_64 binary; this runner is $system"

work=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/tokenscan-action.XXXXXX")
if [ -n "$dist" ]; then
  [ -f "$dist/$name" ] || fail "TOKENSCAN_ACTION_DIST=$dist has no $name"
  cp "$dist/$name" "$work/$name"
else
  command -v curl >/dev/null || fail "curl is not installed: it downloads the release"
  curl --fail --silent --show-error --location --retry 3 --proto '=https' --tlsv1.2 \
    --output "$work/$name" "$releases/v$version/$name" \
    || fail "cannot download $releases/v$version/$name"
fi

actual=$(sha256sum "$work/$name" | cut -d ' ' -f 1)
[ "$actual" = "$expected" ] \
  || fail "$name has SHA-256 $actual, but $pins pins $expected: refusing to run it"

tar -xzf "$work/$name" -C "$work" --no-same-owner || fail "cannot unpack $name"
binary="$work/tokenscan-$version/tokenscan"
[ -x "$binary" ] || fail "$name has no executable tokenscan-$version/tokenscan"
said=$("$binary" --version | head -n 1) || fail "$binary does not run on this runner"
# `--version` starts with the version, after the name or alone.
[[ " $said " == *" $version "* ]] || fail "$name holds a binary that says '$said', not version $version"
printf 'tokenscan-action: installed %s (SHA-256 %s, pinned in %s)\n' "$said" "$actual" "$pins" >&2
printf '%s\n' "$binary"
