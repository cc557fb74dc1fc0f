#!/usr/bin/env bash
# cfn-lint and checkov over the templates of the integ-runner cases (test/integ.*.ts.snapshot/).
#
# - cfn-lint: no error and no warning (W3005, a redundant DependsOn that CDK writes, is ignored).
# - checkov: every failed check is either fixed or listed, with its reason, in
#   scripts/checkov-skips.txt; a listed entry that matches no finding also fails.
#
# The tools are installed, pinned by scripts/requirements-checks.txt, into .venv-checks/
# (override with CHECKS_VENV); it is reused while that file is unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."

REQUIREMENTS=scripts/requirements-checks.txt
SKIPS=scripts/checkov-skips.txt
VENV=${CHECKS_VENV:-.venv-checks}

log() { printf 'check-templates: %s\n' "$*"; }
die() { printf 'check-templates: %s\n' "$*" >&2; exit 1; }

# ---- the templates: each integ case's test stacks (not its empty assertion stacks) ----
mapfile -t TEMPLATES < <(node -e '
  const fs = require("fs"), path = require("path");
  for (const dir of fs.readdirSync("test").filter((d) => /^integ\..*\.ts\.snapshot$/.test(d)).sort()) {
    const integ = JSON.parse(fs.readFileSync(path.join("test", dir, "integ.json"), "utf8"));
    for (const testCase of Object.values(integ.testCases)) {
      for (const stack of testCase.stacks) console.log(path.join("test", dir, `${stack}.template.json`));
    }
  }')
[ "${#TEMPLATES[@]}" -gt 0 ] || die "no integ snapshots under test/: run 'npx projen integ:update' first."
for t in "${TEMPLATES[@]}"; do [ -f "$t" ] || die "$t is missing: run 'npx projen integ:update'."; done

# ---- the tools ----
command -v python3 >/dev/null || die "python3 (3.9 or later, with venv) is needed."
STAMP="$VENV/.requirements.sha256"
WANT=$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)
if [ ! -x "$VENV/bin/checkov" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$WANT" ]; then
  log "installing cfn-lint and checkov into $VENV ..."
  rm -rf "$VENV"
  python3 -m venv "$VENV" || die "python3 -m venv failed (on Debian: apt-get install python3-venv)."
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQUIREMENTS"
  echo "$WANT" > "$STAMP"
fi

# ---- cfn-lint ----
log "cfn-lint $("$VENV/bin/cfn-lint" --version | awk '{print $2}') over ${#TEMPLATES[@]} templates"
lint_status=0
"$VENV/bin/cfn-lint" --format parseable --ignore-checks W3005 -- "${TEMPLATES[@]}" > "$VENV/cfn-lint.out" || lint_status=$?
lint_count=$(grep -c . "$VENV/cfn-lint.out" || true)
if [ "$lint_status" -ne 0 ]; then
  cat "$VENV/cfn-lint.out" >&2
  die "cfn-lint: $lint_count finding(s) (exit $lint_status)."
fi
log "cfn-lint: 0 errors, 0 warnings"

# ---- checkov ----
checkov_args=(--framework cloudformation --skip-download --output json)
for t in "${TEMPLATES[@]}"; do checkov_args+=(--file "$t"); done
# Exits non-zero whenever a check fails; the skip list decides below.
"$VENV/bin/checkov" "${checkov_args[@]}" > "$VENV/checkov.json" 2> "$VENV/checkov.err" || true
[ -s "$VENV/checkov.json" ] || { cat "$VENV/checkov.err" >&2; die "checkov wrote no report."; }

"$VENV/bin/python" - "$VENV/checkov.json" "$SKIPS" "$("$VENV/bin/checkov" --version)" <<'PY'
import fnmatch, json, re, sys

report_file, skips_file, version = sys.argv[1:4]
report = json.load(open(report_file))
reports = report if isinstance(report, list) else [report]

def case_of(file_path):
    match = re.search(r'integ\.(.+?)\.ts\.snapshot/', file_path)
    return match.group(1) if match else '?'

skips, problems = [], []
for number, line in enumerate(open(skips_file), 1):
    line = line.strip()
    if not line or line.startswith('#'):
        continue
    parts = line.split(None, 3)
    if len(parts) < 4 or not re.match(r'^(TODO-lead: )?[A-Z].{30,}\.$', parts[3]):
        problems.append(f'{skips_file}:{number}: expected "CHECK_ID CASE RESOURCE reason", the reason a full sentence')
        continue
    skips.append({'check': parts[0], 'case': parts[1], 'resource': parts[2], 'reason': parts[3], 'line': number, 'used': 0})

passed = failed = 0
unexplained = []
for r in reports:
    passed += r["summary"]["passed"]
    for f in r['results']['failed_checks']:
        failed += 1
        case = case_of(f['file_path'])
        skip = next((s for s in skips if s['check'] == f['check_id']
                     and fnmatch.fnmatchcase(case, s['case'])
                     and fnmatch.fnmatchcase(f['resource'], s['resource'])), None)
        if skip:
            skip['used'] += 1
        else:
            unexplained.append(f"{f['check_id']} {case} {f['resource']}: {f['check_name']}")
    for e in r['results'].get('parsing_errors', []):
        problems.append(f'checkov could not parse {e}')

stale = [s for s in skips if s['used'] == 0]
print(f'check-templates: checkov {version.strip()}: {passed} passed, {failed} failed, '
      f'{failed - len(unexplained)} of them listed in {skips_file} ({len(skips)} entries)')
for u in sorted(unexplained):
    problems.append(f'unlisted checkov finding: {u} (fix it, or add it with a reason to {skips_file})')
for s in stale:
    problems.append(f'{skips_file}:{s["line"]}: {s["check"]} {s["case"]} {s["resource"]} matches no finding any more; remove it')
if problems:
    print('\n'.join(f'  - {p}' for p in problems), file=sys.stderr)
    sys.exit(1)
PY
log "checkov: no unlisted findings"
