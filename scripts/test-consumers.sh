#!/usr/bin/env bash
# Consumer tests of the packaged library: the npm tarball (dist/js) and the Python wheel
# (dist/python) are installed, as a user would install them, into copies of examples/typescript
# and examples/python in a temporary directory. Each app is synthesized through the `app` command
# of its cdk.json, and the templates are asserted on (scripts/consumers/assert-template.js and
# examples/python/tests/).
#
# - the tarball's contents: scripts/consumers/check-package.js;
# - TypeScript on the minimum aws-cdk-lib (the version the library is built and tested against)
#   with cdk-nag 2, and on the newest aws-cdk-lib with cdk-nag 3; in each, cdk-nag's AwsSolutions
#   and Serverless packs must find nothing on the construct's resources, with and without
#   @aws-cdk/aws-lambda:createNewPoliciesWithAddToRolePolicy (scripts/consumers/check-nag.js);
# - Python on the minimum aws-cdk-lib.
#
# The apps are run without the cdk CLI, which would probe for AWS credentials and fetch notices;
# CDK_OUTDIR tells the app where to write the cloud assembly, as the CLI does.
#
# Needs `npx projen package-all` first. KEEP_CONSUMER_DIRS=1 keeps the temporary directory.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

log() { printf 'test-consumers: %s\n' "$*"; }
die() { printf 'test-consumers: %s\n' "$*" >&2; exit 1; }

# ---- the artifacts ----
shopt -s nullglob
tarballs=(dist/js/*.tgz)
wheels=(dist/python/*.whl)
shopt -u nullglob
[ "${#tarballs[@]}" -eq 1 ] || die "expected one npm tarball in dist/js, found ${#tarballs[@]}: run 'npx projen package-all' first."
[ "${#wheels[@]}" -eq 1 ] || die "expected one wheel in dist/python, found ${#wheels[@]}: run 'npx projen package-all' first."
TARBALL=$ROOT/${tarballs[0]}
WHEEL=$ROOT/${wheels[0]}

# The library's devDependencies pin the minimum aws-cdk-lib it supports; consumers get that one.
CDK_VERSION=$(node -p "require('./package.json').devDependencies['aws-cdk-lib']")
CONSTRUCTS_VERSION=$(node -p "require('./package.json').devDependencies.constructs")
command -v python3 >/dev/null || die "python3 (3.9 or later, with venv) is needed."

WORK=$(mktemp -d "${TMPDIR:-/tmp}/webhook-consumers.XXXXXX")
if [ "${KEEP_CONSUMER_DIRS:-}" = 1 ]; then
  log "keeping $WORK"
else
  trap 'rm -rf "$WORK"' EXIT
fi

# Runs the `app` command of ./cdk.json, writing the cloud assembly to ./cdk.out.
synth() {
  local app
  app=$(node -p "require('./cdk.json').app")
  CDK_OUTDIR=cdk.out bash -c "$app"
}

# ---- the package ----
log "package: contents of $(basename "$TARBALL")"
node scripts/consumers/check-package.js "$TARBALL"

# ---- TypeScript ----
# $1 names the case; the app gets aws-cdk-lib@$2, constructs@$3 and cdk-nag@$4 from the registry.
typescript_consumer() {
  local label=$1 cdk=$2 constructs=$3 nag=$4
  local dir=$WORK/typescript-$label start=$SECONDS
  mkdir -p "$dir"
  cp -R examples/typescript/. "$dir"
  rm -rf "$dir/node_modules" "$dir/cdk.out"
  cd "$dir"
  log "typescript ($label): npm install $(basename "$TARBALL"), aws-cdk-lib@$cdk, constructs@$constructs, cdk-nag@$nag"
  npm install --no-audit --no-fund --loglevel=error \
    "$TARBALL" "aws-cdk-lib@$cdk" "constructs@$constructs" "cdk-nag@$nag"
  local installed
  installed=$(node -p "require('aws-cdk-lib/package.json').version")
  case $cdk in
    [0-9]*) [ "$installed" = "$cdk" ] || die "typescript ($label): aws-cdk-lib $installed was installed, not $cdk." ;;
  esac
  case $(node -p "require('cdk-nag/package.json').version") in
    "$nag".*) ;;
    *) die "typescript ($label): cdk-nag $(node -p "require('cdk-nag/package.json').version") was installed, not $nag.x." ;;
  esac
  log "typescript ($label): synth on aws-cdk-lib $installed (type-checked by ts-node)"
  synth
  cp "$ROOT/scripts/consumers/assert-template.js" "$ROOT/scripts/consumers/check-nag.js" "$ROOT/scripts/consumers/run-checks.js" .
  node assert-template.js cdk.out/WebhooksExample.template.json
  node check-nag.js
  cd "$ROOT"
  log "typescript ($label): passed in $((SECONDS - start)) s"
}

# ---- Python ----
python_consumer() {
  local dir=$WORK/python start=$SECONDS
  mkdir -p "$dir"
  cp -R examples/python/. "$dir"
  rm -rf "$dir/.venv" "$dir/cdk.out"
  cd "$dir"
  python3 -m venv .venv || die "python3 -m venv failed (on Debian: apt-get install python3-venv)."
  log "python: pip install $(basename "$WHEEL"), aws-cdk-lib==$CDK_VERSION, constructs==$CONSTRUCTS_VERSION"
  .venv/bin/pip install --quiet --disable-pip-version-check \
    "$WHEEL" "aws-cdk-lib==$CDK_VERSION" "constructs==$CONSTRUCTS_VERSION" \
    -r requirements.txt -r requirements-dev.txt
  log "python: synth"
  PATH=$dir/.venv/bin:$PATH synth
  [ -s cdk.out/WebhooksExample.template.json ] || die "python: app.py wrote no WebhooksExample template."
  log "python: pytest"
  .venv/bin/python -m pytest -q -p no:cacheprovider tests
  cd "$ROOT"
  log "python: passed in $((SECONDS - start)) s"
}

typescript_consumer minimum "$CDK_VERSION" "$CONSTRUCTS_VERSION" 2
# cdk-nag 3 needs aws-cdk-lib 2.258 or later.
typescript_consumer newest latest latest 3
python_consumer
log "all consumers passed in $SECONDS s"
