#!/usr/bin/env bash
# The GitHub Action's job: install tokenscan, decide what the event asks to scan, take the
# baseline and configuration from a trusted place, scan once to SARIF, and turn that one report
# into the job summary and annotations. Exits with tokenscan's status: 0 clean, 1 the gate
# failed, 2 tokenscan (or the action) could not run, with the reason in the log and the summary.
#
# Inputs come as environment variables (action.yml maps its inputs to them, so no input is ever
# pasted into a script): TOKENSCAN_FAIL_ON, TOKENSCAN_BASELINE, TOKENSCAN_CONFIG, TOKENSCAN_ARGS,
# TOKENSCAN_VERSION, TOKENSCAN_UPLOAD_SARIF; and GitHub's own: GITHUB_EVENT_NAME,
# GITHUB_EVENT_PATH, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP. Outputs (GITHUB_OUTPUT):
# sarif-file, exit-code, scanned, upload (true when the SARIF should go to code scanning).
#
# Where the baseline and configuration come from (design §8): for a range BASE..HEAD, a path
# inside the repository is read from BASE, never from the commits under review, so a pull request
# cannot accept its own findings by editing the baseline or switch its gate off in the
# configuration; an edit the range makes to either is named and takes effect once merged. (A
# finding can still be accepted inside the pull request, visibly: an inline `tokenscan:allow` or
# a `.tokenscanignore` entry, which tokenscan lists as accepted in this change.) A whole-tree scan,
# or a push with no base, reads them from the work tree. A path outside the repository (written
# by an earlier step of the workflow) is the workflow's own and read as it is.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/tokenscan-scan.XXXXXX")
sarif="$work/tokenscan.sarif"
notes="$work/notes.md"
: >"$notes"

output() { [ -z "${GITHUB_OUTPUT:-}" ] || printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"; }
note() { printf -- '- %s\n' "$1" >>"$notes"; printf '::notice title=tokenscan::%s\n' "$1"; }
# Ends the job with status 2: the reason goes to the log (an error annotation) and the summary.
stop() {
  printf '::error title=tokenscan::%s\n' "$1"
  output exit-code 2
  python3 "$here/report.py" --status 2 --scanned "${scanned:-nothing}" --notes "$notes" --reason "$1"
  exit 2
}

# 1. The event: what GitHub says happened.
event_values=$(python3 "$here/event.py") || stop "cannot read the event (see the line above)"
declare -A event=()
while IFS='=' read -r key value; do event[$key]=$value; done <<<"$event_values"

# 2. tokenscan, verified against the pinned checksum.
binary=$("$here/install.sh" "${TOKENSCAN_VERSION:-}") || stop "cannot install tokenscan (see the lines above)"

# 3. What to scan.
case "${event[event]}" in
  pull_request | pull_request_target | merge_group) range_args=("${event[base]}" "${event[head]}") ;;
  push) range_args=("${event[before]}" "${event[after]}" "${event[ref]}") ;;
  *) range_args=() ;;
esac
decision=$("$here/range.sh" "${event[event]}" "${range_args[@]}") || stop "cannot decide what to scan (see the lines above)"
target=$(sed -n 1p <<<"$decision")
scanned=$(sed -n 2p <<<"$decision")
printf 'tokenscan-action: scanning %s\n' "$scanned"
output scanned "$scanned"

upload=true
if [ "${TOKENSCAN_UPLOAD_SARIF:-true}" != true ]; then
  upload=false
  note "SARIF not uploaded to code scanning: the upload-sarif input is ${TOKENSCAN_UPLOAD_SARIF}."
elif [ "${event[fork]}" = true ]; then
  upload=false
  note "SARIF not uploaded to code scanning: this pull request comes from a fork, whose token is read-only. The gate, this summary and the annotations still apply."
fi

if [ "$target" = none ]; then
  note "Nothing to scan: ${scanned#nothing to scan: }."
  output upload false
  output exit-code 0
  python3 "$here/report.py" --status 0 --scanned "$scanned" --notes "$notes"
  exit 0
fi

top=$(git rev-parse --show-toplevel 2>/dev/null || pwd)
cd "$top"
base=""
tip=""
if [[ $target == "git "*..* ]]; then
  range=${target#git }
  base=${range%%..*}
  tip=${range#*..}
fi

# A path the action reads: repository-relative when inside the work tree, else as given.
relative() {
  local path=$1
  case "$path" in
    /*) case "$path/" in "$top/"*) path=${path#"$top"/} ;; *) printf '%s\n' "$path"; return ;; esac ;;
  esac
  path=${path#./}
  printf '%s\n' "$path"
}
# Whether the scanned range edits a repository path (what the range changes, from where it forked).
edited_in_range() { [ -n "$base" ] && ! git diff --quiet "$base...$tip" -- "$1"; }

options=()
if [ -n "${TOKENSCAN_BASELINE:-}" ]; then
  path=$(relative "$TOKENSCAN_BASELINE")
  if [[ $path == /* ]]; then
    if [ -f "$path" ]; then options+=(--baseline "$path")
    else note "No baseline: $path does not exist; every finding counts."; fi
  elif [ -n "$base" ]; then
    if git cat-file -e "$base:$path" 2>/dev/null; then
      git cat-file blob "$base:$path" >"$work/baseline.json"
      options+=(--baseline "$work/baseline.json")
      printf 'tokenscan-action: baseline %s read from the base revision %s\n' "$path" "${base:0:12}"
    else
      note "No baseline: $path is not in the base revision ${base:0:12}; every finding counts."
    fi
    if edited_in_range "$path"; then
      note "This change edits the baseline $path: not applied here (the base revision's is); it takes effect once merged. To accept one finding in this change, add its fingerprint to .tokenscanignore or tokenscan:allow to its line: both are honoured and listed for review."
    fi
  elif [ -f "$path" ]; then
    options+=(--baseline "$path")
  else
    note "No baseline: $path does not exist in the work tree; every finding counts."
  fi
fi

if [ -n "${TOKENSCAN_CONFIG:-}" ]; then
  path=$(relative "$TOKENSCAN_CONFIG")
  if [[ $path == /* ]] || [ -z "$base" ]; then
    [ -f "$path" ] || stop "the configuration $path does not exist"
    options+=(--config "$path")
  else
    git cat-file -e "$base:$path" 2>/dev/null || stop "the configuration $path is not in the base revision ${base:0:12}"
    # Its directory, so that rule files it names relative to itself come from the base too.
    directory=$(dirname "$path")
    mkdir -p "$work/base"
    git archive --format=tar "$base" -- "$directory" | tar -x -C "$work/base" \
      || stop "cannot read $directory from the base revision ${base:0:12}"
    options+=(--config "$work/base/$path")
    printf 'tokenscan-action: configuration %s read from the base revision %s\n' "$path" "${base:0:12}"
    if edited_in_range "$path"; then
      note "This change edits the configuration $path: not applied here (the base revision's is); it takes effect once merged."
    fi
  fi
fi

[ -z "${TOKENSCAN_FAIL_ON:-}" ] || options+=(--fail-on "$TOKENSCAN_FAIL_ON")
extra=()
if [ -n "${TOKENSCAN_ARGS:-}" ]; then
  mapfile -d '' -t extra < <(python3 -c 'import shlex, sys; sys.stdout.write("".join(a + "\0" for a in shlex.split(sys.argv[1])))' "$TOKENSCAN_ARGS") \
    || stop "the args input is not a valid argument list: $TOKENSCAN_ARGS"
fi
read -r -a command <<<"$target"

# 4. The one scan. Its output names paths that the scanned commits chose: no line of it may be
# taken for a workflow command, so they are switched off around it.
guard="tokenscan-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
printf '::stop-commands::%s\n' "$guard"
status=0
"$binary" "${command[@]}" --format sarif --output "$sarif" "${options[@]}" "${extra[@]}" || status=$?
printf '::%s::\n' "$guard"

if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
  output upload false
  stop "tokenscan exited $status: it could not run (a usage or fatal error, named in the lines above)"
fi
[ -s "$sarif" ] || { output upload false; stop "tokenscan exited $status but wrote no SARIF report"; }
output exit-code "$status"
output sarif-file "$sarif"
output upload "$upload"

# 5. Summary and annotations, from that report.
python3 "$here/report.py" --sarif "$sarif" --status "$status" --scanned "$scanned" --notes "$notes" --fail-on "${TOKENSCAN_FAIL_ON:-}" \
  || stop "cannot summarise the report (see the lines above)"
exit "$status"
