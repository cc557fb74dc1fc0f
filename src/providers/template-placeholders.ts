/**
 * The placeholders of a signed-content template (signed-content.ts), shared by the construct's
 * synth-time validation and the ingest function's engine. Its own module because the engine is
 * handler-only code, left out of the npm and PyPI packages (see HANDLER_SOURCES in .projenrc.ts),
 * while the construct runs in the package. Not part of the public API.
 */

/** `{body}`, `{ts}`, `{url}`, `{method}`, `{form}`, `{h:<header>}` and `{j:<dotted json path>}`. */
export const PLACEHOLDER = /\{(body|ts|url|method|form|h:[!#$%&'*+.^_`|~0-9a-z-]+|j:[^{}]+)\}/g;

/** The placeholders of a template that the engine does not know, for synth-time validation. */
export function unknownPlaceholders(template: string): string[] {
  const stripped = template.replace(PLACEHOLDER, '');
  return [...stripped.matchAll(/\{[^{}]*\}/g)].map((m) => m[0]);
}
