/**
 * The deployment's settings for evidence from the internet: the "internet" part of the one deployment
 * configuration (domain/deployment.ts). Defaults are the public services; a validator export at a URL
 * can replace RIPEstat for RPKI. `checks: "off"` is for deployments whose tasks cannot reach the
 * internet (Lambda inside a VPC without a NAT gateway): every run then records the checks as skipped.
 */
import * as z from 'zod';

const HttpsUrl = z.string().regex(/^https:\/\/[^\s/]+\/\S*$/, 'must be an https:// URL');

export const InternetEvidenceConfigSchema = z
  .object({
    checks: z.enum(['on', 'off']).default('on'),
    /** Where IANA's RDAP bootstrap files live (ipv4.json, ipv6.json, asn.json are read from here). */
    rdapBootstrapUrl: HttpsUrl.default('https://data.iana.org/rdap/'),
    /** The RIPEstat Data API. */
    ripestatUrl: HttpsUrl.default('https://stat.ripe.net/data/'),
    /** Sent as RIPEstat's `sourceapp` parameter, as RIPEstat asks of API users. */
    sourceApp: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/)
      .default('byoip-orchestrator'),
    rpki: z
      .object({
        /** `ripestat`: its rpki-validation data call; `vrp-export`: a validator's JSON export (Routinator jsonext or rpki-client json) at `vrpExportUrl`. */
        source: z.enum(['ripestat', 'vrp-export']).default('ripestat'),
        vrpExportUrl: HttpsUrl.optional(),
      })
      .strict()
      .default({ source: 'ripestat' })
      .refine((r) => r.source !== 'vrp-export' || r.vrpExportUrl, { message: 'source "vrp-export" needs vrpExportUrl', path: ['vrpExportUrl'] }),
    bgp: z
      .object({
        /** The expected origin must be seen by at least this share of the collector peers. */
        visibilityPercent: z.number().min(1).max(100).default(80),
        /** How long after the advertisement the share must be reached (and the old origin gone). */
        deadlineSeconds: z.number().int().min(60).max(86_400).default(1800),
        /** Require the baseline's old origins to disappear (the previous provider withdrew). */
        requireOldOriginGone: z.boolean().default(true),
        /** An old origin still seen by at most this share counts as gone (a stale peer or two). */
        oldOriginMaxPercent: z.number().min(0).max(50).default(5),
      })
      .strict()
      .default({ visibilityPercent: 80, deadlineSeconds: 1800, requireOldOriginGone: true, oldOriginMaxPercent: 5 }),
    http: z
      .object({
        timeoutMs: z.number().int().min(500).max(60_000).default(8000),
        attempts: z.number().int().min(1).max(5).default(3),
        /** Largest answer accepted from RDAP and RIPEstat. */
        maxResponseBytes: z
          .number()
          .int()
          .min(1024)
          .max(16 * 1024 * 1024)
          .default(2 * 1024 * 1024),
        /** Largest validator export accepted (a full jsonext export is ~100 MB). */
        maxExportBytes: z
          .number()
          .int()
          .min(1024)
          .max(1024 * 1024 * 1024)
          .default(256 * 1024 * 1024),
      })
      .strict()
      .default({ timeoutMs: 8000, attempts: 3, maxResponseBytes: 2 * 1024 * 1024, maxExportBytes: 256 * 1024 * 1024 }),
  })
  .strict();

export type InternetEvidenceConfig = z.infer<typeof InternetEvidenceConfigSchema>;

export const DEFAULT_INTERNET_EVIDENCE: InternetEvidenceConfig = InternetEvidenceConfigSchema.parse({});
