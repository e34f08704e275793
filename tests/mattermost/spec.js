'use strict';
// Loads the official Mattermost API v4 description (OpenAPI 3.0 fragments in shared/specs) at
// test time, concatenated exactly as upstream's Makefile does, and checks requests against it:
// method and path, query parameters (known, required, typed), and JSON or multipart bodies
// (required fields and the types of the fields the description declares).
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');

const ORDER = ['introduction', 'users', 'status', 'teams', 'channels', 'posts', 'preferences', 'files', 'uploads',
  'system', 'emoji', 'webhooks', 'commands', 'reactions', 'actions', 'bots', 'definitions'];

function specDir() {
  if (process.env.KITH_MATTERMOST_SPEC) return process.env.KITH_MATTERMOST_SPEC;
  const candidates = [path.resolve(__dirname, '../../../shared/specs/mattermost/v4/source'),
    path.resolve(__dirname, '../../shared/specs/mattermost/v4/source')];
  for (const c of candidates) if (fs.existsSync(path.join(c, 'posts.yaml'))) return c;
  throw new Error('cannot find the Mattermost OpenAPI files; set KITH_MATTERMOST_SPEC');
}

function loadSpec(dir = specDir()) {
  const text = ORDER.map((n) => fs.readFileSync(path.join(dir, `${n}.yaml`), 'utf8')).join('\n');
  const doc = YAML.parse(text, { maxAliasCount: -1, uniqueKeys: false });
  const operations = [];
  for (const [template, item] of Object.entries(doc.paths || {})) {
    const segments = template.split('/');
    const regex = new RegExp('^' + segments.map((s) => (/^\{.+\}$/.test(s) ? '([^/]+)' : s.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))).join('/') + '$');
    const literal = segments.filter((s) => !/^\{.+\}$/.test(s)).length;
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'put', 'post', 'delete', 'patch'].includes(method)) continue;
      const params = [...(item.parameters || []), ...(op.parameters || [])];
      operations.push({ template, regex, literal, method: method.toUpperCase(), op, params });
    }
  }
  return { doc, operations };
}

function resolve(doc, schema) {
  let s = schema;
  for (let i = 0; s && s.$ref && i < 20; i++) {
    const parts = s.$ref.replace(/^#\//, '').split('/');
    s = parts.reduce((o, k) => (o ? o[k] : undefined), doc);
  }
  return s || {};
}

function typeOk(value, type) {
  switch (type) {
    case 'string': return typeof value === 'string';
    case 'integer': return Number.isInteger(value);
    case 'number': return typeof value === 'number';
    case 'boolean': return typeof value === 'boolean';
    case 'array': return Array.isArray(value);
    case 'object': return value !== null && typeof value === 'object' && !Array.isArray(value);
    default: return true;
  }
}

// Checks `value` against `schema`: type, required properties, declared property types, array items.
function checkValue(doc, schema, value, where, problems, depth = 0) {
  const s = resolve(doc, schema);
  if (depth > 8) return;
  if (s.allOf) { for (const part of s.allOf) checkValue(doc, part, value, where, problems, depth + 1); return; }
  if (s.type && !typeOk(value, s.type)) { problems.push(`${where}: expected ${s.type}, got ${JSON.stringify(value)?.slice(0, 60)}`); return; }
  if (s.enum && !s.enum.includes(value)) problems.push(`${where}: ${JSON.stringify(value)} is not one of ${s.enum.join(', ')}`);
  if (typeOk(value, 'object') && (s.type === 'object' || s.properties || s.required)) {
    for (const r of s.required || []) if (!(r in value)) problems.push(`${where}: missing required field "${r}"`);
    for (const [k, sub] of Object.entries(s.properties || {})) {
      if (k in value && value[k] !== null) checkValue(doc, sub, value[k], `${where}.${k}`, problems, depth + 1);
    }
  }
  if (Array.isArray(value) && s.items) value.forEach((v, i) => checkValue(doc, s.items, v, `${where}[${i}]`, problems, depth + 1));
}

function queryValueOk(raw, schema) {
  const type = schema.type;
  if (type === 'integer') return /^-?\d+$/.test(raw);
  if (type === 'number') return raw !== '' && !Number.isNaN(Number(raw));
  if (type === 'boolean') return raw === 'true' || raw === 'false';
  if (schema.enum) return schema.enum.includes(raw);
  return true;
}

function findOperation(spec, method, pathname) {
  const matches = spec.operations.filter((o) => o.regex.test(pathname));
  if (matches.length === 0) return { error: `no path in the description matches ${pathname}` };
  const withMethod = matches.filter((o) => o.method === method).sort((a, b) => b.literal - a.literal);
  if (withMethod.length === 0) return { error: `${method} is not allowed on ${matches[0].template}` };
  return { operation: withMethod[0] };
}

// Returns a list of problems (empty when the description allows the request).
// `body` is the parsed JSON body, `form` a {field: value} object for multipart, or undefined.
function checkRequest(spec, { method, pathname, query, contentType, body, form }) {
  const problems = [];
  const found = findOperation(spec, method, pathname);
  if (found.error) return [found.error];
  const { operation } = found;
  const label = `${method} ${operation.template}`;
  const declared = new Map();
  for (const p of operation.params.map((x) => resolve(spec.doc, x))) {
    if (p.in === 'query') declared.set(p.name, p);
  }
  for (const [name, value] of query) {
    const p = declared.get(name);
    if (!p) { problems.push(`${label}: query parameter "${name}" is not in the description`); continue; }
    if (!queryValueOk(value, resolve(spec.doc, p.schema || {}))) problems.push(`${label}: query parameter "${name}" has the wrong type: ${value}`);
  }
  for (const [name, p] of declared) if (p.required && !query.has(name)) problems.push(`${label}: missing required query parameter "${name}"`);

  const rb = operation.op.requestBody ? resolve(spec.doc, operation.op.requestBody) : undefined;
  const hasBody = body !== undefined || form !== undefined;
  if (!rb) {
    if (hasBody) problems.push(`${label}: the description allows no request body`);
    return problems;
  }
  if (!hasBody) {
    if (rb.required) problems.push(`${label}: a request body is required`);
    return problems;
  }
  const content = rb.content || {};
  const mediaType = (contentType || '').split(';')[0].trim();
  const media = content[mediaType];
  if (!media) { problems.push(`${label}: content type "${mediaType}" is not one of ${Object.keys(content).join(', ')}`); return problems; }
  if (form !== undefined) {
    // Form fields: each declared; binary ones are file parts, the others plain values.
    const s = resolve(spec.doc, media.schema || {});
    for (const r of s.required || []) if (!(r in form)) problems.push(`${label}: missing required form field "${r}"`);
    for (const [name, value] of Object.entries(form)) {
      const p = s.properties && s.properties[name] ? resolve(spec.doc, s.properties[name]) : undefined;
      if (!p) { problems.push(`${label}: form field "${name}" is not in the description`); continue; }
      const isFile = value !== null && typeof value === 'object' && 'data' in value;
      if (p.format === 'binary' && !isFile) problems.push(`${label}: form field "${name}" must be a file part`);
      if (p.format !== 'binary' && isFile) problems.push(`${label}: form field "${name}" must be a plain value, not a file`);
    }
    return problems;
  }
  checkValue(spec.doc, media.schema || {}, body, `${label} body`, problems);
  return problems;
}

module.exports = { loadSpec, checkRequest, findOperation };
