/**
 * Stands in for `@aws-sdk/credential-provider-node` in the handler bundles only (esbuild
 * `--alias`, see .projenrc.ts; tests that import the sources keep the SDK's own chain).
 *
 * Lambda hands a function its execution role's credentials in environment variables ("Defined
 * runtime environment variables": "Lambda runtimes set several environment variables during
 * initialization. … AWS_ACCESS_KEY, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN –
 * The access keys obtained from the function's execution role."
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
 * The SDK's default chain tries those first and only then SSO, profiles, processes, web identity
 * tokens and instance metadata, which bring their own STS/SSO clients (120–160 kB of every bundle,
 * bench/bundles.bench.ts). So the bundles read the environment only, as the SDK's `fromEnv` does,
 * and say plainly when the variables are missing (outside Lambda: set them, as the local pipeline
 * does).
 */

/** The shape the SDK's clients expect of an identity provider (AwsCredentialIdentity). */
interface EnvCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
  readonly credentialScope?: string;
  readonly accountId?: string;
}

/** Same signature as the SDK's `defaultProvider`: the init (profile, logger, …) is not needed. */
export function defaultProvider(_init?: unknown): () => Promise<EnvCredentials> {
  return async () => {
    const env = process.env;
    const accessKeyId = env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey) {
      throw new Error('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set: the handler bundles read credentials from the environment only, as Lambda sets them (see src/lambdas/shared/env-credentials.ts).');
    }
    return {
      accessKeyId,
      secretAccessKey,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
      ...(env.AWS_CREDENTIAL_EXPIRATION ? { expiration: new Date(env.AWS_CREDENTIAL_EXPIRATION) } : {}),
      ...(env.AWS_CREDENTIAL_SCOPE ? { credentialScope: env.AWS_CREDENTIAL_SCOPE } : {}),
      ...(env.AWS_ACCOUNT_ID ? { accountId: env.AWS_ACCOUNT_ID } : {}),
    };
  };
}

/** Exported by the package it stands in for; environment credentials never expire early. */
export const credentialsWillNeedRefresh = (credentials?: EnvCredentials): boolean => credentials?.expiration !== undefined;
export const credentialsTreatedAsExpired = (credentials?: EnvCredentials): boolean =>
  credentials?.expiration !== undefined && credentials.expiration.getTime() - Date.now() < 300_000;
