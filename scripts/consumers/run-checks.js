/**
 * Runs named checks, printing `ok` or `FAIL` and the reason for each; returns how many failed.
 * Shared by the consumer scripts (copied beside them into the consumer app).
 */
'use strict';

module.exports = function runChecks(checks) {
  let failed = 0;
  for (const [name, check] of Object.entries(checks)) {
    try {
      check();
      console.log(`  ok    ${name}`);
    } catch (e) {
      failed++;
      console.log(`  FAIL  ${name}\n        ${String(e.message).split('\n').join('\n        ')}`);
    }
  }
  return failed;
};
