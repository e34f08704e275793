'use strict';
// Loads the official Matrix Client-Server API (OpenAPI 3.1) and event schemas (JSON Schema
// 2020-12) from shared/specs/matrix at test time, and checks requests and events against them
// with Ajv2020 and the custom formats of string-formats.yaml. Nothing is hand-copied.
const fs = require('fs');
const path = require('path');
const { pathToFileURL } = require('url');
const yaml = require('js-yaml');
const Ajv2020 = require('ajv/dist/2020');
const addFormats = require('ajv-formats');

function specRoot() {
  if (process.env.KITH_MATRIX_SPEC) return process.env.KITH_MATRIX_SPEC;
  const candidates = [path.resolve(__dirname, '../../../../shared/specs/matrix/data'),
    path.resolve(__dirname, '../../../shared/specs/matrix/data')];
  for (const c of candidates) if (fs.existsSync(path.join(c, 'api/client-server/sync.yaml'))) return c;
  throw new Error('cannot find the Matrix spec (shared/specs/matrix/data); set KITH_MATRIX_SPEC');
}

function walk(dir, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out); else if (e.name.endsWith('.yaml')) out.push(p);
  }
  return out;
}

const urlOf = (file) => pathToFileURL(file).href;

function loadSpec(root = specRoot()) {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false, validateFormats: true });
  addFormats(ajv);
  // Custom formats: the regex is given in a comment under each format in string-formats.yaml.
  const formatsText = fs.readFileSync(path.join(root, 'string-formats.yaml'), 'utf8');
  let current = null;
  for (const line of formatsText.split('\n')) {
    const name = /^([a-z0-9-]+):\s*$/.exec(line);
    if (name) { current = name[1]; if (!ajv.formats[current]) ajv.addFormat(current, true); continue; }
    const rx = /^\s*# regex: "(.*)"\s*$/.exec(line);
    if (rx && current) ajv.addFormat(current, new RegExp(JSON.parse(`"${rx[1]}"`)));
  }
  const docs = new Map();
  const files = [...walk(path.join(root, 'api/client-server')), ...walk(path.join(root, 'event-schemas/schema'))];
  for (const f of files) {
    const doc = yaml.load(fs.readFileSync(f, 'utf8'));
    docs.set(f, doc);
    if (doc && typeof doc === 'object') ajv.addSchema(doc, urlOf(f));
  }
  // Operations: each path template under its file's basePath.
  const operations = [];
  for (const [file, doc] of docs) {
    if (!doc || !doc.openapi || !doc.paths) continue;
    const base = doc.servers?.[0]?.variables?.basePath?.default ?? '';
    for (const [template, item] of Object.entries(doc.paths)) {
      const full = base + template;
      const segs = full.split('/');
      // A state key may be empty: the spec says so for {stateKey} ("Defaults to an empty string").
      const regex = new RegExp('^' + segs.map((s) => (s === '{stateKey}' ? '([^/]*)' : /^\{.+\}$/.test(s) ? '([^/]+)' : s.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))).join('/') + '$');
      const names = segs.filter((s) => /^\{.+\}$/.test(s)).map((s) => s.slice(1, -1));
      const literal = segs.filter((s) => !/^\{.+\}$/.test(s)).length;
      for (const [method, op] of Object.entries(item)) {
        if (!['get', 'put', 'post', 'delete'].includes(method)) continue;
        operations.push({ file, doc, template: full, regex, names, literal, method: method.toUpperCase(), op,
          params: [...(item.parameters || []), ...(op.parameters || [])] });
      }
    }
  }
  return { root, ajv, docs, operations, compiled: new Map() };
}

// Resolves a local "#/…" reference inside `doc`.
function local(doc, ref) {
  return ref.replace(/^#\//, '').split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((o, k) => (o ? o[k] : undefined), doc);
}

// Makes a schema taken out of an OpenAPI file self-contained: local refs inlined, relative file
// refs made absolute so Ajv finds the files added in loadSpec.
function absolutise(schema, file, doc, depth = 0) {
  if (depth > 30 || schema === null || typeof schema !== 'object') return schema;
  if (Array.isArray(schema)) return schema.map((s) => absolutise(s, file, doc, depth + 1));
  if (typeof schema.$ref === 'string') {
    if (schema.$ref.startsWith('#/')) return absolutise(local(doc, schema.$ref), file, doc, depth + 1);
    const [rel, frag] = schema.$ref.split('#');
    return { $ref: urlOf(path.resolve(path.dirname(file), rel)) + (frag ? `#${frag}` : '') };
  }
  const out = {};
  for (const [k, v] of Object.entries(schema)) out[k] = absolutise(v, file, doc, depth + 1);
  return out;
}

function validator(spec, key, make) {
  if (!spec.compiled.has(key)) spec.compiled.set(key, spec.ajv.compile(make()));
  return spec.compiled.get(key);
}

function errorsOf(validate, where) {
  return (validate.errors || []).map((e) => `${where}${e.instancePath}: ${e.message}${e.params && e.params.allowedValues ? ' ' + JSON.stringify(e.params.allowedValues) : ''}`);
}

function findOperation(spec, method, pathname) {
  const matches = spec.operations.filter((o) => o.regex.test(pathname));
  if (matches.length === 0) return { error: `no endpoint in the Client-Server API matches ${pathname}` };
  const withMethod = matches.filter((o) => o.method === method).sort((a, b) => b.literal - a.literal);
  if (withMethod.length === 0) return { error: `${method} is not allowed on ${matches[0].template}` };
  return { operation: withMethod[0] };
}

function coerce(raw, schema) {
  if (!schema) return raw;
  const t = schema.type;
  if (t === 'integer' || t === 'number') return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
  if (t === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
  return raw;
}

// Checks one request against the endpoint's description: method and path, path and query
// parameters (declared, required, schema), the Authorization header where the endpoint is
// secured (and never an access_token query parameter), and the JSON body's schema.
// Returns the operation's id and a list of problems (empty when the spec allows the request).
function checkRequest(spec, { method, pathname, query, headers, body, rawBody }) {
  const found = findOperation(spec, method, pathname);
  if (found.error) return { problems: [found.error] };
  const o = found.operation;
  const label = `${method} ${o.template}`;
  const problems = [];
  const params = o.params.map((p) => (p.$ref ? local(o.doc, p.$ref) : p));
  const m = o.regex.exec(pathname);
  o.names.forEach((name, i) => {
    let value;
    try { value = decodeURIComponent(m[i + 1]); } catch { problems.push(`${label}: path parameter ${name} is badly encoded`); return; }
    const p = params.find((x) => x.in === 'path' && x.name === name);
    if (!p) return;
    const v = validator(spec, `${o.file}|${label}|path|${name}`, () => absolutise(p.schema || {}, o.file, o.doc));
    if (!v(coerce(value, p.schema))) problems.push(...errorsOf(v, `${label} path ${name}`));
  });
  if (query.has('access_token')) problems.push(`${label}: access_token must not be sent in the query string (MSC4127)`);
  const declared = new Map(params.filter((p) => p.in === 'query').map((p) => [p.name, p]));
  for (const [name, value] of query) {
    const p = declared.get(name);
    if (!p) { problems.push(`${label}: query parameter "${name}" is not in the description`); continue; }
    const v = validator(spec, `${o.file}|${label}|query|${name}`, () => absolutise(p.schema || {}, o.file, o.doc));
    if (!v(coerce(value, p.schema))) problems.push(...errorsOf(v, `${label} query ${name}`));
  }
  for (const [name, p] of declared) if (p.required && !query.has(name)) problems.push(`${label}: missing required query parameter "${name}"`);
  const secured = (o.op.security || []).length > 0 && !(o.op.security || []).some((s) => Object.keys(s).length === 0);
  const auth = headers.authorization || '';
  if (secured && !/^Bearer \S+$/.test(auth)) problems.push(`${label}: the endpoint needs "Authorization: Bearer <token>"`);
  const rb = o.op.requestBody && o.op.requestBody.$ref ? local(o.doc, o.op.requestBody.$ref) : o.op.requestBody;
  if (!rb) {
    if (rawBody && rawBody.length > 0 && method !== 'GET') {
      try { if (Object.keys(JSON.parse(rawBody)).length > 0) problems.push(`${label}: the description allows no request body`); } catch { /* binary */ }
    }
    return { operationId: o.op.operationId, problems };
  }
  const ctype = (headers['content-type'] || '').split(';')[0].trim();
  const content = rb.content || {};
  // A bytes body (media upload) is described as application/octet-stream; its Content-Type
  // header carries the media's own type, as the prose of the content repository module says.
  const media = content[ctype] || content['application/octet-stream'];
  if (!media) {
    problems.push(`${label}: content type "${ctype}" is not one of ${Object.keys(content).join(', ')}`);
  } else if (ctype === 'application/json') {
    if (body === undefined) problems.push(`${label}: the body is not JSON`);
    else {
      const v = validator(spec, `${o.file}|${label}|body`, () => absolutise(media.schema || {}, o.file, o.doc));
      if (!v(body)) problems.push(...errorsOf(v, `${label} body`));
    }
  }
  return { operationId: o.op.operationId, problems };
}

// Checks a whole event (as the homeserver would serve it) against its event schema, and the
// m.mentions / m.relates_to blocks of its content against their definitions.
function checkEvent(spec, event) {
  const dir = path.join(spec.root, 'event-schemas/schema');
  let file;
  if (event.type === 'm.room.message') file = path.join(dir, `m.room.message$${event.content?.msgtype}.yaml`);
  else file = path.join(dir, `${event.type}.yaml`);
  if (!fs.existsSync(file)) return [`${event.type}${event.content?.msgtype ? ' ' + event.content.msgtype : ''}: no event schema for this type`];
  const problems = [];
  const check = (id, value, where) => {
    const v = spec.ajv.getSchema(id);
    if (!v) { problems.push(`${where}: schema ${id} did not load`); return; }
    if (!v(value)) problems.push(...errorsOf(v, where));
  };
  check(urlOf(file), event, event.type);
  if (event.type === 'm.room.message') check(urlOf(path.join(dir, 'm.room.message.yaml')), event, 'm.room.message');
  const defs = path.join(spec.root, 'api/client-server/definitions');
  if (event.content && 'm.mentions' in event.content) check(urlOf(path.join(defs, 'm.mentions.yaml')), event.content['m.mentions'], 'content.m.mentions');
  if (event.content && 'm.relates_to' in event.content) check(urlOf(path.join(defs, 'm.relates_to.yaml')), event.content['m.relates_to'], 'content.m.relates_to');
  return problems;
}

// Checks account data content (m.direct) against its event schema's content.
function checkAccountData(spec, type, content) {
  const file = path.join(spec.root, 'event-schemas/schema', `${type}.yaml`);
  if (!fs.existsSync(file)) return [`account data ${type}: no schema`];
  const v = spec.ajv.getSchema(urlOf(file));
  return v({ type, content }) ? [] : errorsOf(v, `account data ${type}`);
}

module.exports = { loadSpec, checkRequest, checkEvent, checkAccountData, findOperation };
