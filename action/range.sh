#!/usr/bin/env bash
# Decides what the GitHub Action scans for one event, fetching the history that decision needs
# (actions/checkout fetches one commit by default). Run inside the checked-out repository, whose
# remote `origin` is the repository the event came from.
#
#   range.sh pull_request BASE_SHA HEAD_SHA     (also pull_request_target, merge_group)
#   range.sh push BEFORE AFTER REF
#   range.sh schedule | workflow_dispatch | any other event
#
# Prints two lines: what to scan — `git RANGE` (tokenscan git's argument: `A..B`, or one commit
# for all of its history), `scan .` (the whole work tree) or `none` — and one sentence saying why,
# for the log and the job summary. Exit 2 when the history cannot be read.
#
# Why each choice (design §8; README "GitHub Actions"):
# - A pull request scans BASE..HEAD: the commits of HEAD that the base branch does not have (the
#   same commits as merge-base..HEAD), and tokenscan takes configuration, ignore files and
#   baseline from BASE, the newest reviewed state of the base branch.
# - A push scans BEFORE..AFTER, every commit of the push, not only the last one.
# - A push that creates a branch or tag scans the commits no other remote branch has: the new
#   work, not the history it shares with the branch it came from. With no other branch (the
#   repository's first push) that is everything.
# - A force push (BEFORE is no ancestor of AFTER) scans the commits of AFTER that neither BEFORE
#   nor any other remote branch has: what the rewrite brought in, not the history it kept. When
#   the old tip can no longer be fetched, the commits no other remote branch has (more, never less).
# - tokenscan git takes one range, `A..B`. When the commits to scan border on several commits the
#   other branches have (the new branch merged another one), A is the border on HEAD's first-parent
#   line and the scan also reads the merged commits: it says so; it never scans less.
# - A schedule, a manual run and any other event scan the whole tree (`scan .`).
set -euo pipefail

zero=0000000000000000000000000000000000000000

say() { printf '%s\n%s\n' "$1" "$2"; }
fail() { printf 'tokenscan-action: %s\n' "$1" >&2; exit 2; }
short() { git rev-parse --short=12 "$1"; }
commits() { if [ "$1" -eq 1 ]; then echo "1 commit"; else echo "$1 commits"; fi; }
have_commit() { git cat-file -e "$1^{commit}" 2>/dev/null; }

# The remote's branches with their whole history: ranges and reachability need both. A complete
# clone that cannot fetch (no credentials kept) goes on with the branches it has, and says so.
fetch_branches() {
  if [ "$(git rev-parse --is-shallow-repository)" = true ]; then
    git fetch --quiet --no-tags --prune --unshallow origin '+refs/heads/*:refs/remotes/origin/*' \
      || fail "cannot fetch the history of origin's branches into this shallow clone"
  elif ! git fetch --quiet --no-tags --prune origin '+refs/heads/*:refs/remotes/origin/*'; then
    printf 'tokenscan-action: warning: cannot fetch origin; deciding from the branches this clone has\n' >&2
  fi
}

# A commit the event names that the fetch did not bring (a pull request's head from a fork).
fetch_commit() {
  have_commit "$1" || git fetch --quiet --no-tags origin "$1" 2>/dev/null || return 1
  have_commit "$1"
}

# Prints the range whose commits are those of $1 not reachable from the revisions on stdin
# (one per line), and one sentence; $2 says what the commits are, for that sentence.
range_excluding() {
  local tip=$1 what=$2 exclusions count borders border first
  exclusions=$(sed 's/^/^/')
  count=$(printf '%s\n%s\n' "$tip" "$exclusions" | git rev-list --stdin --count)
  if [ "$count" -eq 0 ]; then
    say none "nothing to scan: every commit of $(short "$tip") is on another branch already ($what)"
    return
  fi
  borders=$(printf '%s\n%s\n' "$tip" "$exclusions" | git rev-list --stdin --boundary | sed -n 's/^-//p')
  if [ -z "$borders" ]; then
    say "git $tip" "$(commits "$count"), all history of $(short "$tip") ($what)"
    return
  fi
  if [ "$(printf '%s\n' "$borders" | wc -l)" -eq 1 ]; then
    say "git $borders..$tip" "$(commits "$count"), $(short "$borders")..$(short "$tip") ($what)"
    return
  fi
  # Several borders: the one on the first-parent line of the tip.
  first=$(printf '%s\n%s\n' "$tip" "$exclusions" | git rev-list --stdin --first-parent | tail -n 1)
  if ! border=$(git rev-parse --verify --quiet "$first^1"); then
    say "git $tip" "all history of $(short "$tip"): its $(commits "$count") not on other branches reach back to a root commit ($what)"
    return
  fi
  say "git $border..$tip" "$(short "$border")..$(short "$tip"): $(commits "$count") not on other branches, which merge other branches: their commits are read too ($what)"
}

# The remote branches other than $1 (a branch name, or empty), as full ref names.
other_branches() {
  git for-each-ref --format='%(refname)' refs/remotes/origin/ \
    | grep -v -x -F -e refs/remotes/origin/HEAD -e "refs/remotes/origin/$1" || true
}

# A ref's own commits: those of tip $1 no remote branch other than $2 has; all history when there
# is no other branch ($3 says why, for the sentence), else the commits no other branch has ($4).
own_commits() {
  local tip=$1 branch=$2 alone=$3 excluding=$4 others count
  others=$(other_branches "$branch")
  if [ -z "$others" ]; then
    count=$(git rev-list --count "$tip")
    say "git $tip" "$(commits "$count"), all history of $(short "$tip"): $alone"
  else
    range_excluding "$tip" "$excluding" <<<"$others"
  fi
}

event=${1:-}
[ -n "$event" ] || fail "usage: range.sh EVENT [BASE HEAD | BEFORE AFTER REF]"
case "$event" in pull_request | pull_request_target | merge_group | push)
  git rev-parse --git-dir >/dev/null 2>&1 || fail "$(pwd) is not a git repository: check it out first (actions/checkout)" ;;
esac

case "$event" in
  pull_request | pull_request_target | merge_group)
    base=${2:-} head=${3:-}
    if [ -z "$base" ] || [ -z "$head" ]; then fail "$event: the event names no base and head commit"; fi
    fetch_branches
    fetch_commit "$base" || fail "$event: cannot fetch the base commit $base"
    fetch_commit "$head" || fail "$event: cannot fetch the head commit $head"
    count=$(git rev-list --count "$base..$head")
    say "git $base..$head" "$(commits "$count"), $(short "$base")..$(short "$head"): the commits the $event adds to its base"
    ;;
  push)
    before=${2:-} after=${3:-} ref=${4:-}
    [ -n "$after" ] || fail "push: the event names no commit (after)"
    if [ "$after" = "$zero" ]; then
      say none "nothing to scan: the push deletes ${ref:-a ref}"
      exit 0
    fi
    fetch_branches
    fetch_commit "$after" || fail "push: cannot fetch the pushed commit $after"
    branch=${ref#refs/heads/}
    [ "$branch" = "$ref" ] && branch=""
    if [ -z "$before" ] || [ "$before" = "$zero" ]; then
      own_commits "$after" "$branch" "the repository's first push" \
        "the push creates ${ref:-a ref}; the commits no other remote branch has"
    elif fetch_commit "$before" && git merge-base --is-ancestor "$before" "$after"; then
      count=$(git rev-list --count "$before..$after")
      say "git $before..$after" "$(commits "$count"), $(short "$before")..$(short "$after"): every commit of the push"
    elif have_commit "$before"; then
      range_excluding "$after" "force push: the commits that neither the old tip $(short "$before") nor another remote branch has" \
        <<<"$(printf '%s\n' "$before"; other_branches "$branch")"
    else
      own_commits "$after" "$branch" "force push whose old tip ${before:0:12} cannot be fetched, and no other branch" \
        "force push whose old tip ${before:0:12} cannot be fetched: the commits no other remote branch has"
    fi
    ;;
  schedule | workflow_dispatch)
    say "scan ." "the whole work tree: a $event run"
    ;;
  *)
    say "scan ." "the whole work tree: the event $event names no commits to compare"
    ;;
esac
