#!/usr/bin/env bash
# Drift check of one stack (STACK), in two steps of .github/workflows/drift.yml:
#   drift.sh refresh  runs `pulumi refresh --preview-only` and sets the step output drifted=true|false
#   drift.sh issue    opens or updates the stack's `drift` issue when DRIFTED is true, closes it otherwise
# Drift it recognises (EKS moving the Kubernetes version by itself) is said in words above the diff
# (drift_explain.py), with what to set.
set -euo pipefail

: "${STACK:?STACK is required}"
title="Drift: ${STACK}"
report="${RUNNER_TEMP:-/tmp}/drift-${STACK}.txt"

refresh() {
  # --expect-no-changes turns a difference into a non-zero exit with this sentence; any other
  # failure (credentials, a locked stack) fails the job instead of reporting drift.
  set +e
  pulumi refresh --preview-only --expect-no-changes --diff --non-interactive --color never --stack "$STACK" >"$report" 2>&1
  status=$?
  set -e
  cat "$report"
  if [ "$status" -eq 0 ]; then
    echo "drifted=false" >>"$GITHUB_OUTPUT"
  elif grep -q "no changes were expected" "$report"; then
    echo "drifted=true" >>"$GITHUB_OUTPUT"
    echo "::warning::${STACK} has drifted from its Pulumi state"
    python3 "$(dirname "$0")/drift_explain.py" "$report" "$STACK" | sed -n 's/^\(..*\)$/::warning::\1/p' || true
  else
    exit "$status"
  fi
}

issue() {
  : "${DRIFTED:?DRIFTED is required}"
  number=$(gh issue list --state open --label drift --search "\"${title}\" in:title" --json number,title \
    --jq "map(select(.title == \"${title}\")) | .[0].number // empty")
  if [ "$DRIFTED" = "true" ]; then
    explained=$(python3 "$(dirname "$0")/drift_explain.py" "$report" "$STACK" 2>/dev/null || true)
    body=$(printf 'Found by [the drift check](%s) on %s.\n\n%s\n\n```\n%s\n```\n\nReconcile: `pulumi up` restores the code'"'"'s intent, or change the code (and config) to adopt the change, then `pulumi refresh`.\n' \
      "$RUN_URL" "$(date -u +%Y-%m-%dT%H:%MZ)" "$explained" "$(tail -c 60000 "$report" 2>/dev/null || echo '(see the run log)')")
    if [ -n "$number" ]; then
      gh issue edit "$number" --body "$body"
    else
      gh label create drift --color d93f0b --description "A stack differs from its Pulumi state" 2>/dev/null || true
      gh issue create --title "$title" --label drift --body "$body"
    fi
  elif [ -n "$number" ]; then
    gh issue close "$number" --comment "No drift any more ([run](${RUN_URL}))."
  fi
}

case "${1:-}" in
  refresh) refresh ;;
  issue) issue ;;
  *) echo "usage: $0 refresh|issue" >&2; exit 2 ;;
esac
