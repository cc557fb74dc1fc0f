#!/usr/bin/env bash
# Fetches AWS Event Ruler from Maven Central (pom.xml beside this script) and compiles the matcher
# into .emulators/event-ruler/. Idempotent: skipped while the inputs' stamp is unchanged.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/.emulators/event-ruler"
stamp="$out/.stamp"
wanted="$(cat "$here/pom.xml" "$here/RuleMatcher.java" | sha256sum | cut -d' ' -f1)"

if [[ -f "$stamp" && "$(cat "$stamp")" == "$wanted" && -f "$out/classes/RuleMatcher.class" ]]; then
  echo "event-ruler: up to date in .emulators/event-ruler/"
  exit 0
fi
command -v mvn >/dev/null || { echo "event-ruler: Maven (mvn) is needed to fetch AWS Event Ruler" >&2; exit 1; }
command -v javac >/dev/null || { echo "event-ruler: a JDK (javac) >= 17 is needed" >&2; exit 1; }
rm -rf "$out"
mkdir -p "$out/lib" "$out/classes"
mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$out/lib"
javac -d "$out/classes" -cp "$out/lib/*" "$here/RuleMatcher.java"
echo "$wanted" > "$stamp"
echo "event-ruler: built .emulators/event-ruler/ ($(ls "$out/lib" | tr '\n' ' '))"
