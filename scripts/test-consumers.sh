#!/usr/bin/env bash
# Consumer tests of the packaged library: the npm tarball (dist/js) and the Python wheel
# (dist/python) are installed, as a user would install them, into copies of examples/typescript
# and examples/python in a temporary directory, with the aws-cdk-lib version the library is
# built and tested against (its minimum). Each app is synthesized through the `app` command of its
# cdk.json, and the templates are asserted on (scripts/consumers/assert-template.js and
# examples/python/tests/).
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

# ---- TypeScript ----
typescript_consumer() {
  local dir=$WORK/typescript start=$SECONDS
  mkdir -p "$dir"
  cp -R examples/typescript/. "$dir"
  rm -rf "$dir/node_modules" "$dir/cdk.out"
  cd "$dir"
  log "typescript: npm install $(basename "$TARBALL"), aws-cdk-lib@$CDK_VERSION, constructs@$CONSTRUCTS_VERSION"
  npm install --no-audit --no-fund --loglevel=error \
    "$TARBALL" "aws-cdk-lib@$CDK_VERSION" "constructs@$CONSTRUCTS_VERSION"
  local installed
  installed=$(node -p "require('aws-cdk-lib/package.json').version")
  [ "$installed" = "$CDK_VERSION" ] || die "typescript: aws-cdk-lib $installed was installed, not $CDK_VERSION."
  log "typescript: synth (type-checked by ts-node)"
  synth
  cp "$ROOT/scripts/consumers/assert-template.js" .
  node assert-template.js cdk.out/WebhooksExample.template.json
  cd "$ROOT"
  log "typescript: passed in $((SECONDS - start)) s"
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

typescript_consumer
python_consumer
log "both consumers passed in $SECONDS s"
