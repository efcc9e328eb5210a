/**
 * The simulator's side of AWS's wire protocols, for `byoip serve`: a signed HTTP request is read into
 * (service, operation, input) with the operation's schema from the SDK package, and the simulator's
 * answer is written as that protocol writes it, so the SDKs and the AWS CLI read it back with their own
 * deserializers. Outputs are written with the SDK's own serializers (JSON, XML); request bodies are read
 * with its deserializers where it has them (JSON, XML) and by the schema where it has none (query forms).
 */
import { JsonShapeDeserializer, JsonShapeSerializer, XmlShapeDeserializer, XmlShapeSerializer } from '@aws-sdk/core/protocols';
import type { NormalizedSchema } from '@smithy/core/schema';
import { clientModule, operationModel } from '../sdk-model';

export type Protocol = 'ec2' | 'query' | 'json' | 'restJson' | 'restXml';

export interface ServiceWire {
  /** The simulator's (and the client class's) service name: EC2, CloudFront, ... */
  readonly service: string;
  readonly protocol: Protocol;
  readonly xmlNamespace?: string;
  readonly serviceTarget?: string;
  readonly jsonVersion?: '1.0' | '1.1';
  readonly namespace: string;
}

/** SigV4 signing names (the credential scope's service) of the simulated services. */
export const SIGNING_NAMES: Readonly<Record<string, string>> = {
  ec2: 'EC2',
  cloudfront: 'CloudFront',
  route53: 'Route53',
  dynamodb: 'DynamoDB',
  globalaccelerator: 'GlobalAccelerator',
  states: 'SFN',
  secretsmanager: 'SecretsManager',
  sns: 'SNS',
  sts: 'STS',
  ram: 'RAM',
  servicequotas: 'ServiceQuotas',
  cloudformation: 'CloudFormation',
};

const PROTOCOLS: Record<string, Protocol> = {
  AwsEc2QueryProtocol: 'ec2',
  AwsQueryProtocol: 'query',
  AwsJson1_0Protocol: 'json',
  AwsJson1_1Protocol: 'json',
  AwsRestJsonProtocol: 'restJson',
  AwsRestXmlProtocol: 'restXml',
};

const wires = new Map<string, ServiceWire>();

/** How a service speaks, read from its client package's own configuration. */
export function serviceWire(service: string): ServiceWire {
  const known = wires.get(service);
  if (known) return known;
  const mod = clientModule(service);
  const Client = mod?.[`${service}Client`];
  if (!Client) throw new Error(`no client package for ${service}`);
  const c = new Client({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const protocolName: string = c.config.protocol?.constructor?.name ?? '';
  const settings = c.config.protocolSettings ?? {};
  c.destroy();
  const protocol = PROTOCOLS[protocolName];
  if (!protocol) throw new Error(`${service} speaks ${protocolName}, which byoip serve does not`);
  const wire: ServiceWire = {
    service,
    protocol,
    xmlNamespace: settings.xmlNamespace,
    serviceTarget: settings.serviceTarget,
    namespace: settings.defaultNamespace,
    jsonVersion: protocolName === 'AwsJson1_0Protocol' ? '1.0' : protocolName === 'AwsJson1_1Protocol' ? '1.1' : undefined,
  };
  wires.set(service, wire);
  return wire;
}

export interface WireRequest {
  readonly method: string;
  /** Path and query, as received. */
  readonly url: string;
  readonly headers: Record<string, string | undefined>;
  readonly body: string;
}

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The operation a request names: X-Amz-Target (JSON), Action (query), or method and path (REST). */
export function operationOf(wire: ServiceWire, req: WireRequest, form?: URLSearchParams): { operation: string; labels: Record<string, string> } {
  if (wire.protocol === 'json') {
    const target = req.headers['x-amz-target'] ?? '';
    return { operation: target.slice(target.indexOf('.') + 1), labels: {} };
  }
  if (wire.protocol === 'ec2' || wire.protocol === 'query') return { operation: form?.get('Action') ?? '', labels: {} };
  const url = new URL(req.url, 'http://sim');
  let best: { operation: string; labels: Record<string, string>; literal: number } | undefined;
  for (const [name, value] of Object.entries(clientModule(wire.service)!)) {
    if (!name.endsWith('$') || !Array.isArray(value) || value[0] !== 9) continue;
    const http = (value[3] as { http?: [string, string, number] }).http;
    if (!http || http[0] !== req.method) continue;
    const [pattern, query] = http[1].split('?');
    const names: string[] = [];
    const rx = new RegExp(
      `^${pattern
        .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
        .replace(/\\?\{(\w+)(\\\+)?\}/g, (_m, n: string, greedy?: string) => {
          names.push(n);
          return greedy ? '(.+)' : '([^/]+)';
        })
        .replace(/\/$/, '')}/?$`,
    );
    const m = rx.exec(url.pathname);
    if (!m) continue;
    if (
      query &&
      !query.split('&').every((q) => {
        const [k, v] = q.split('=');
        return url.searchParams.has(k) && (v === undefined || url.searchParams.get(k) === v);
      })
    )
      continue;
    const literal = pattern.replace(/\{[^}]+\}/g, '').length + (query ? query.length : 0);
    if (!best || literal > best.literal)
      best = { operation: name.slice(0, -1), labels: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1])])), literal };
  }
  return best ?? { operation: '', labels: {} };
}

const SETTINGS = (wire: ServiceWire) => ({
  timestampFormat: { useTrait: true, default: wire.protocol === 'json' || wire.protocol === 'restJson' ? 7 : 5 },
  httpBindings: wire.protocol === 'restJson' || wire.protocol === 'restXml',
  jsonName: wire.protocol === 'restJson',
  xmlNamespace: wire.xmlNamespace ?? '',
  serviceNamespace: wire.namespace,
  defaultNamespace: wire.namespace,
});

/** The operation's input from the request, as the SDK would have built it. */
export function readInput(
  wire: ServiceWire,
  operation: string,
  req: WireRequest,
  labels: Record<string, string>,
  form?: URLSearchParams,
): Record<string, unknown> {
  const model = operationModel(wire.service, operation)!;
  const schema = model.input;
  if (wire.protocol === 'ec2' || wire.protocol === 'query') return readForm(schema, form!, wire.protocol === 'ec2');
  const input: Record<string, unknown> = {};
  const url = new URL(req.url, 'http://sim');
  let payload: [string, NormalizedSchema] | undefined;
  const bodyMembers: string[] = [];
  for (const [name, m] of schema.structIterator()) {
    const t = m.getMergedTraits() as Record<string, unknown>;
    if (t.httpLabel) input[name] = scalar(m, labels[name]);
    else if (typeof t.httpQuery === 'string') {
      const v = m.isListSchema() ? url.searchParams.getAll(t.httpQuery) : url.searchParams.get(t.httpQuery);
      if (v !== null && !(Array.isArray(v) && v.length === 0)) input[name] = Array.isArray(v) ? v : scalar(m, v);
    } else if (typeof t.httpHeader === 'string') {
      const v = req.headers[t.httpHeader.toLowerCase()];
      if (v !== undefined) input[name] = scalar(m, v);
    } else if (t.httpPayload) payload = [name, m];
    else bodyMembers.push(name);
  }
  if (!req.body) return input;
  if (wire.protocol === 'json' || wire.protocol === 'restJson') {
    const d = new JsonShapeDeserializer(SETTINGS(wire) as never);
    const read = d.readObject(payload ? payload[1] : schema, JSON.parse(req.body)) as Record<string, unknown>;
    return payload ? { ...input, [payload[0]]: read } : { ...input, ...pick(read, bodyMembers) };
  }
  const d = new XmlShapeDeserializer(SETTINGS(wire) as never);
  const read = d.read(payload ? payload[1] : schema, req.body) as Record<string, unknown>;
  return payload ? { ...input, [payload[0]]: read } : { ...input, ...pick(read, bodyMembers) };
}

function pick(o: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([k, v]) => keys.includes(k) && v !== undefined));
}

function scalar(m: NormalizedSchema, v: string | undefined): unknown {
  if (v === undefined) return undefined;
  if (m.isBooleanSchema()) return v === 'true';
  if (m.isNumericSchema()) return Number(v);
  if (m.isTimestampSchema()) return new Date(/^\d+(\.\d+)?$/.test(v) ? Number(v) * 1000 : v);
  if (m.isBlobSchema()) return Buffer.from(v, 'base64');
  return v;
}

/** A query-protocol form (EC2's or awsQuery's) read by the schema, mirroring the SDK's QueryShapeSerializer. */
function readForm(schema: NormalizedSchema, form: URLSearchParams, ec2: boolean): Record<string, unknown> {
  const keys = [...form.keys()];
  const has = (prefix: string) => keys.some((k) => k === prefix || k.startsWith(`${prefix}.`));
  const keyOf = (memberName: string, t: Record<string, unknown>, struct: boolean) => {
    if (ec2 && typeof t.ec2QueryName === 'string') return t.ec2QueryName;
    const k = (t.xmlName as string | undefined) ?? memberName;
    return ec2 && struct ? k[0].toUpperCase() + k.slice(1) : k;
  };
  const read = (s: NormalizedSchema, prefix: string): unknown => {
    if (s.isStructSchema()) {
      const out: Record<string, unknown> = {};
      for (const [name, m] of s.structIterator()) {
        const key = `${prefix ? `${prefix}.` : ''}${keyOf(name, m.getMergedTraits() as Record<string, unknown>, true)}`;
        if (has(key)) out[name] = read(m, key);
      }
      return out;
    }
    if (s.isListSchema()) {
      const member = s.getValueSchema();
      const mt = member.getMergedTraits() as Record<string, unknown>;
      const flat = ec2 || (s.getMergedTraits() as Record<string, unknown>).xmlFlattened;
      const base = flat ? `${prefix}.` : `${prefix}.${keyOf('member', mt, false)}.`;
      const out: unknown[] = [];
      for (let i = 1; has(`${base}${i}`); i++) out.push(read(member, `${base}${i}`));
      return out;
    }
    if (s.isMapSchema()) {
      const flat = (s.getMergedTraits() as Record<string, unknown>).xmlFlattened;
      const out: Record<string, unknown> = {};
      for (let i = 1; has(flat ? `${prefix}.${i}` : `${prefix}.entry.${i}`); i++) {
        const base = flat ? `${prefix}.${i}` : `${prefix}.entry.${i}`;
        const kt = s.getKeySchema().getMergedTraits() as Record<string, unknown>;
        const vt = s.getValueSchema().getMergedTraits() as Record<string, unknown>;
        out[String(form.get(`${base}.${keyOf('key', kt, false)}`))] = read(s.getValueSchema(), `${base}.${keyOf('value', vt, false)}`);
      }
      return out;
    }
    return scalar(s, form.get(prefix) ?? undefined);
  };
  return read(schema, '') as Record<string, unknown>;
}

/** The operation's answer in the service's protocol. */
export function writeOutput(wire: ServiceWire, operation: string, output: Record<string, unknown>): WireResponse {
  const model = operationModel(wire.service, operation)!;
  const schema = model.output;
  const requestId = 'sim-request';
  if (wire.protocol === 'json') {
    const s = new JsonShapeSerializer(SETTINGS(wire) as never);
    s.write(schema, output);
    return { status: 200, headers: { 'content-type': `application/x-amz-json-${wire.jsonVersion}`, 'x-amzn-requestid': requestId }, body: s.flush() };
  }
  if (wire.protocol === 'ec2' || wire.protocol === 'query') {
    const s = new XmlShapeSerializer(SETTINGS(wire) as never);
    s.write(schema, output);
    const inner = innerXml(String(s.flush()));
    const ns = wire.xmlNamespace ? ` xmlns="${wire.xmlNamespace}${wire.protocol === 'ec2' ? '/' : ''}"` : '';
    const body =
      wire.protocol === 'ec2'
        ? `<?xml version="1.0" encoding="UTF-8"?>\n<${operation}Response${ns}><requestId>${requestId}</requestId>${inner}</${operation}Response>`
        : `<${operation}Response${ns}><${operation}Result>${inner}</${operation}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`;
    return { status: 200, headers: { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': requestId }, body };
  }
  // REST: headers for header-bound members, the payload member (or the rest) as the body.
  const http = (clientModule(wire.service)![`${operation}$`][3] as { http?: [string, string, number] }).http;
  const headers: Record<string, string> = { 'x-amzn-requestid': requestId };
  let payload: [string, NormalizedSchema] | undefined;
  const rest: Record<string, unknown> = {};
  for (const [name, m] of schema.structIterator()) {
    const t = m.getMergedTraits() as Record<string, unknown>;
    if (output[name] === undefined || output[name] === null) continue;
    if (typeof t.httpHeader === 'string')
      headers[t.httpHeader.toLowerCase()] = output[name] instanceof Date ? (output[name] as Date).toUTCString() : String(output[name]);
    else if (t.httpPayload) payload = [name, m];
    else if (t.httpResponseCode) continue;
    else rest[name] = output[name];
  }
  const status = http?.[2] ?? 200;
  if (wire.protocol === 'restJson') {
    const s = new JsonShapeSerializer(SETTINGS(wire) as never);
    s.write(payload ? payload[1] : schema, payload ? output[payload[0]] : rest);
    return { status, headers: { ...headers, 'content-type': 'application/json' }, body: s.flush() };
  }
  const s = new XmlShapeSerializer(SETTINGS(wire) as never);
  if (payload) s.write(payload[1], output[payload[0]]);
  else if (Object.keys(rest).length) s.write(schema, rest);
  else return { status, headers, body: '' };
  return { status, headers: { ...headers, 'content-type': 'text/xml' }, body: String(s.flush()) };
}

/** Everything inside the serializer's root element. */
function innerXml(xml: string): string {
  const open = xml.indexOf('>');
  if (xml[open - 1] === '/') return '';
  return xml.slice(open + 1, xml.lastIndexOf('</'));
}

const xmlText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A simulated error as the service's protocol writes it (the code its model gives it on the wire). */
export function writeError(wire: ServiceWire, err: { name: string; message: string; $fault?: string; $metadata?: { httpStatusCode?: number } }): WireResponse {
  const status = err.$metadata?.httpStatusCode ?? (err.$fault === 'server' ? 500 : 400);
  const schema = clientModule(wire.service)?.[`${err.name}$`];
  const traits = (Array.isArray(schema) ? schema[3] : {}) as { awsQueryError?: [string, number] };
  const code = traits.awsQueryError?.[0] ?? err.name;
  const requestId = 'sim-request';
  if (wire.protocol === 'json' || wire.protocol === 'restJson') {
    return {
      status,
      headers: { 'content-type': 'application/json', 'x-amzn-errortype': err.name, 'x-amzn-requestid': requestId },
      body: JSON.stringify({ __type: `${wire.namespace}#${err.name}`, message: err.message }),
    };
  }
  if (wire.protocol === 'ec2') {
    return {
      status,
      headers: { 'content-type': 'text/xml' },
      body: `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${xmlText(code)}</Code><Message>${xmlText(err.message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
    };
  }
  const type = err.$fault === 'server' ? 'Receiver' : 'Sender';
  const ns = wire.xmlNamespace ? ` xmlns="${wire.xmlNamespace}"` : '';
  return {
    status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body: `<ErrorResponse${ns}><Error><Type>${type}</Type><Code>${xmlText(code)}</Code><Message>${xmlText(err.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
  };
}
