/**
 * The claim check's S3 write: the body of a delivery too large for an SQS message, stored under
 * the archive's oversize prefix. A module of its own, bundled to a file of its own
 * (`lazy/oversize-store.js`) and required on the first such delivery, so that the ingest's cold
 * start neither parses nor runs the S3 client, which nearly every delivery never needs.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

let s3: S3Client | undefined;

/** Stores the body's exact bytes at `key`. */
export async function storeOversizeBody(bucket: string, key: string, body: Buffer): Promise<void> {
  s3 ??= new S3Client({});
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/octet-stream' }));
}
