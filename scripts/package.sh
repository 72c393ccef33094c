#!/usr/bin/env bash
# Package capacity-guard offline into .serverless/ and print the CloudFormation template path.
#
#   bash scripts/package.sh                                   # stage "ci", default config file
#   bash scripts/package.sh --param="configFile=prod.yml"     # extra args go to `serverless package`
#
# Quiet on success (only the template path on stdout); on failure the full serverless output goes to
# stderr. `serverless package` calls no AWS API and needs no credentials; it runs with the AWS
# credential variables removed so that a developer's real credentials are never picked up.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

stage="${CAPACITY_GUARD_STAGE:-ci}"
serverless="$root/node_modules/.bin/serverless"
if [[ ! -x "$serverless" ]]; then
  echo "package.sh: $serverless not found; run npm ci first" >&2
  exit 1
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT

if ! env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE \
  NPM_CONFIG_UPDATE_NOTIFIER=false \
  "$serverless" package --stage "$stage" "$@" >"$log" 2>&1; then
  echo "package.sh: serverless package failed:" >&2
  cat "$log" >&2
  exit 1
fi

template="$root/.serverless/cloudformation-template-update-stack.json"
if [[ ! -s "$template" ]]; then
  echo "package.sh: no template at $template" >&2
  cat "$log" >&2
  exit 1
fi
echo "$template"
