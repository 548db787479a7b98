#!/usr/bin/env bash
# Commit a refreshed content/snapshot/ and push it to the branch the run is on; say in
# $GITHUB_OUTPUT which commit to build, whatever happens:
#   sha=...     the pushed snapshot commit; the checked-out commit when nothing was committed,
#               the fetch failed, the branch is not the one to publish, or the push failed
#   push=...    pushed | unchanged | skipped | failed
# Never fails the step: the build deploys `sha`, and the workflow's last job reports a failed
# fetch or push (.github/workflows/pages.yml).
#
# Environment: FETCH_OUTCOME (the fetch step's outcome), SUMMARY (its --summary-json file),
# BRANCH (the run's branch), PUBLISH_BRANCH (the only branch that gets commits), GITHUB_OUTPUT.
set -uo pipefail

before=$(git rev-parse HEAD)
result() {
    echo "sha=$1" >> "$GITHUB_OUTPUT"
    echo "push=$2" >> "$GITHUB_OUTPUT"
    exit 0
}

if [ "${FETCH_OUTCOME:-}" != "success" ] || [ ! -f "$SUMMARY" ]; then
    echo "::warning::The fetch did not complete; deploying the committed snapshot ($before)."
    result "$before" skipped
fi
if [ "$BRANCH" != "$PUBLISH_BRANCH" ]; then
    echo "::notice::Run on '$BRANCH', not '$PUBLISH_BRANCH': the snapshot is not committed."
    result "$before" skipped
fi
if [ -z "$(git status --porcelain -- content/snapshot)" ]; then
    echo "The snapshot did not change."
    result "$before" unchanged
fi

git config user.name "github-actions[bot]"
git config user.email "41898282+github-actions[bot]@users.noreply.github.com"
git add content/snapshot
git commit -q -m "$(python3 "$(dirname "$0")/commit_message.py" "$SUMMARY")"
if git pull -q --rebase origin "$BRANCH" && git push -q origin "HEAD:$BRANCH"; then
    git log -1 --format=%s
    result "$(git rev-parse HEAD)" pushed
fi
git rebase --abort 2>/dev/null
echo "::error::Could not push the refreshed snapshot to '$BRANCH' (protected branch? see README, 'Deploy to GitHub Pages'); deploying the committed snapshot ($before)."
result "$before" failed
