// Cairn's web UI: plain JavaScript, no build step. It reads the same HTTP API as every other
// client. One long poll (/v1/internal/ui/services, blocking on the registry's index) tells it
// that anything changed; the page on screen then reloads its own data. Proxies' ACK state is not
// in the registry, so the proxies page polls.
'use strict';

const app = document.getElementById('app');
const state = { services: [], loaded: false, settings: null, index: 0, view: null, generation: 0 };

// ---------------------------------------------------------------------------------------------
// DOM helpers: text always goes in as text nodes, never as HTML.

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'testid') el.dataset.testid = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    // Styles go through the CSSOM: the page's Content-Security-Policy blocks inline style text.
    else if (k === 'style') Object.assign(el.style, v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const enc = encodeURIComponent;
const statusBadge = (s) => h('span', { class: `status ${s}`, testid: 'status' }, s);
const tags = (list) => (list || []).map((t) => h('span', { class: 'tag' }, t));
const empty = (text) => h('div', { class: 'empty', testid: 'empty' }, text);

function table(headers, rows, attrs) {
  return h('table', attrs || {},
    h('thead', {}, h('tr', {}, headers.map((x) => h('th', {}, x)))),
    h('tbody', {}, rows));
}

function ago(iso) {
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (Number.isNaN(s)) return iso;
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m ago`;
}

// ---------------------------------------------------------------------------------------------
// Reading the API.

class HttpError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

/** The ACL token typed into the header, kept for this tab only (sessionStorage). */
const TOKEN_KEY = 'cairn-acl-token';

function headers() {
  const h = { Accept: 'application/json' };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) h['X-Consul-Token'] = token;
  return h;
}

async function get(path) {
  const res = await fetch(path, { headers: headers() });
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try { message = (await res.json()).Error || message; } catch (e) { /* not JSON */ }
    throw new HttpError(res.status, `${path}: ${message}`);
  }
  return res.json();
}

/** A write: PUT or DELETE with the token; the JSON answer (true/false for KV writes). */
async function send(method, path, body) {
  const res = await fetch(path, { method, headers: headers(), body });
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try { message = (await res.json()).Error || message; } catch (e) { /* not JSON */ }
    throw new HttpError(res.status, `${method} ${path}: ${message}`);
  }
  return res.json();
}

/** A GET that answers null for a 404 (a missing key or an empty prefix). */
async function find(path) {
  try {
    return await get(path);
  } catch (e) {
    if (e.status === 404) return null;
    throw e;
  }
}

/** A config entry, or null when there is none (404). */
async function entry(kind, name) {
  try {
    return await get(`/v1/config/${kind}/${enc(name)}`);
  } catch (e) {
    if (e.status === 404) return null;
    throw e;
  }
}

/** An instance's status as Consul decides it: maintenance first, then the worst check. */
function instanceStatus(checks) {
  const order = ['passing', 'warning', 'critical'];
  let worst = 'passing';
  for (const c of checks) {
    if (c.CheckID.startsWith('_service_maintenance') || c.CheckID === '_node_maintenance') {
      return 'maintenance';
    }
    if (order.indexOf(c.Status) > order.indexOf(worst)) worst = c.Status;
  }
  return worst;
}

/**
 * Whether a health entry is on a node registered through the catalog (an external service) rather
 * than on Cairn's own node: no agent runs it, and Cairn probes none of its checks.
 */
const onCatalogNode = (e) => !!state.settings && e.Node.Node !== state.settings.Node;

/** Where an instance is reached: its own address, or its node's when it has none. */
const instanceAddress = (e) => `${e.Service.Address || e.Node.Address}:${e.Service.Port}`;

/** An instance's page: #/services/<name>/<id>, or #/services/<name>/<node>/<id> on a catalog node. */
const instanceHref = (name, e) => (onCatalogNode(e)
  ? `#/services/${enc(name)}/${enc(e.Node.Node)}/${enc(e.Service.ID)}`
  : `#/services/${enc(name)}/${enc(e.Service.ID)}`);

const catalogMark = () => h('span', {
  class: 'tag catalog', testid: 'catalog',
  title: 'Registered through the catalog (PUT /v1/catalog/register): Cairn probes none of its checks; '
    + 'their statuses are what the registering client last wrote.',
}, 'catalog');

// ---------------------------------------------------------------------------------------------
// Views. Each has enter() (builds the page and returns an update function) so that a refresh
// replaces data without losing what the user typed.

const views = {
  services: {
    enter() {
      const filter = h('input', {
        type: 'search', placeholder: 'Filter by name or tag', testid: 'filter',
        oninput: () => update(),
      });
      const body = h('div', {});
      app.replaceChildren(
        h('h1', {}, 'Services'),
        h('div', { class: 'toolbar' }, filter, h('span', { class: 'muted', testid: 'count' })),
        body);
      const update = async () => {
        const q = filter.value.trim().toLowerCase();
        const list = state.services.filter((s) => !q || s.Name.toLowerCase().includes(q)
          || s.Tags.some((t) => t.toLowerCase().includes(q)));
        app.querySelector('[data-testid=count]').textContent =
          `${list.length} of ${state.services.length} services`;
        if (!state.loaded) {
          body.replaceChildren(empty('Loading…'));
          return;
        }
        if (state.services.length === 0) {
          body.replaceChildren(empty('No services yet. Register one: PUT /v1/agent/service/register'
            + ' (or PUT /v1/catalog/register for a node Cairn does not run)'));
          return;
        }
        body.replaceChildren(table(['Service', 'Kind', 'Tags', 'Instances', 'Health'],
          list.map((s) => h('tr', { testid: `service-${s.Name}` },
            h('td', {}, h('a', { href: `#/services/${enc(s.Name)}` }, s.Name)),
            h('td', { class: 'muted' }, s.Kind || 'service'),
            h('td', {}, tags(s.Tags)),
            h('td', { testid: 'instances' }, s.InstanceCount,
              s.CatalogInstanceCount > 0
                ? h('span', { class: 'muted', testid: 'catalog-count' }, ` (${s.CatalogInstanceCount} via catalog)`)
                : null),
            h('td', { class: 'counts', testid: 'health' },
              ['passing', 'warning', 'critical', 'maintenance']
                .map((st) => [st, s[`Instances${st[0].toUpperCase()}${st.slice(1)}`]])
                .filter(([, n]) => n > 0)
                .map(([st, n]) => h('span', { class: `status ${st}` }, `${n} ${st}`)))))));
      };
      return update;
    },
  },

  service: {
    enter(name) {
      const instances = h('div', {});
      const traffic = h('div', {});
      app.replaceChildren(
        h('h1', {}, h('a', { href: '#/services', class: 'muted' }, 'Services'), ' / ', name),
        h('h2', {}, 'Instances'), instances,
        h('h2', {}, 'Traffic'), traffic);
      return async () => {
        const [entries, splitter, router, resolver, defaults] = await Promise.all([
          get(`/v1/health/service/${enc(name)}`),
          entry('service-splitter', name), entry('service-router', name),
          entry('service-resolver', name), entry('service-defaults', name)]);
        instances.replaceChildren(entries.length === 0
          ? empty('No instances of this service.')
          : table(['ID', 'Node', 'Address', 'Status', 'Tags', 'Checks'], entries.map((e) => {
            const s = e.Service;
            const external = onCatalogNode(e);
            return h('tr', { testid: external ? `instance-${e.Node.Node}/${s.ID}` : `instance-${s.ID}` },
              h('td', {}, h('a', { href: instanceHref(name, e) }, s.ID)),
              h('td', { testid: 'node' }, h('span', { class: external ? undefined : 'muted' }, e.Node.Node),
                external ? [' ', catalogMark()] : null),
              h('td', { class: 'mono', testid: 'address' }, instanceAddress(e)),
              h('td', {}, statusBadge(instanceStatus(e.Checks))),
              h('td', {}, tags(s.Tags)),
              h('td', { testid: 'checks' }, `${e.Checks.filter((c) => c.Status === 'passing').length}/${e.Checks.length} passing`));
          })));
        const parts = [];
        if (defaults) parts.push(h('p', {}, 'Protocol: ', h('b', {}, defaults.Protocol || 'tcp')));
        if (splitter) parts.push(splitCard(splitter));
        if (router) parts.push(routerCard(router));
        if (resolver) parts.push(resolverCard(resolver));
        traffic.replaceChildren(...(parts.length ? parts
          : [h('p', { class: 'muted' }, 'No config entries: all traffic goes to every healthy instance.')]));
      };
    },
  },

  // An agent's instance (node undefined), or one on the catalog node named node.
  instance: {
    enter(name, id, node) {
      const body = h('div', {});
      app.replaceChildren(
        h('h1', {}, h('a', { href: '#/services', class: 'muted' }, 'Services'), ' / ',
          h('a', { href: `#/services/${enc(name)}`, class: 'muted' }, name), ' / ',
          node ? `${id} on ${node}` : id),
        body);
      return async () => {
        const entries = await get(`/v1/health/service/${enc(name)}`);
        const e = entries.find((x) => x.Service.ID === id
          && (node ? onCatalogNode(x) && x.Node.Node === node : !onCatalogNode(x)));
        if (!e) {
          body.replaceChildren(empty(`Instance ${id}${node ? ` on node ${node}` : ''} is not registered (any more).`));
          return;
        }
        const s = e.Service;
        const fields = [['Status', statusBadge(instanceStatus(e.Checks))]];
        if (node) {
          fields.push(
            ['Node', [h('span', { class: 'mono' }, `${e.Node.Node} (${e.Node.Address})`), ' ', catalogMark()]],
            ['Registered', 'through the catalog (PUT /v1/catalog/register). Cairn probes none of its '
              + 'checks: their statuses are what the registering client last wrote.']);
        }
        fields.push(
          ['Address', [h('span', { class: 'mono', testid: 'address' }, instanceAddress(e)),
            s.Address ? null : h('span', { class: 'muted' }, ' (the node\'s)')]],
          ['Kind', s.Kind || 'service'],
          ['Tags', s.Tags.length ? tags(s.Tags) : '—'],
          ['Meta', Object.keys(s.Meta || {}).length
            ? Object.entries(s.Meta).map(([k, v]) => h('span', { class: 'tag' }, `${k}=${v}`)) : '—'],
          ['Weights', `passing ${s.Weights.Passing}, warning ${s.Weights.Warning}`]);
        if (s.Locality) fields.push(['Locality', `${s.Locality.Region || ''} ${s.Locality.Zone || ''}`]);
        if (s.Proxy) {
          fields.push(['Proxy for', `${s.Proxy.DestinationServiceName} (${s.Proxy.LocalServiceAddress || '127.0.0.1'}:${s.Proxy.LocalServicePort})`]);
          fields.push(['Upstreams', (s.Proxy.Upstreams || []).map((u) =>
            h('span', { class: 'tag' }, `${u.DestinationName} → ${u.LocalBindAddress || '127.0.0.1'}:${u.LocalBindPort}`))]);
        }
        fields.push(['Indexes', `created ${s.CreateIndex}, modified ${s.ModifyIndex}`]);
        body.replaceChildren(
          h('div', { class: 'card' }, h('dl', { class: 'fields' },
            fields.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]))),
          h('h2', {}, 'Checks'),
          e.Checks.length === 0 ? empty('No checks: the instance counts as passing.')
            : table(['Check', 'Type', 'Status', 'Output'], e.Checks.map((c) =>
              h('tr', { testid: `check-${c.CheckID}` },
                h('td', {}, h('div', {}, c.Name), h('div', { class: 'muted mono' }, c.CheckID)),
                h('td', {}, c.Type || checkType(c, node),
                  c.Interval ? h('div', { class: 'muted' }, `every ${c.Interval}`) : null),
                h('td', {}, statusBadge(c.Status)),
                h('td', { testid: 'output' }, h('pre', {}, c.Output || c.Notes || ''))))));
      };
    },
  },

  config: {
    enter() {
      const body = h('div', {});
      app.replaceChildren(h('h1', {}, 'Traffic: splits, routes, resolvers'), body);
      return async () => {
        const [splitters, routers, resolvers, defaults] = await Promise.all(
          ['service-splitter', 'service-router', 'service-resolver', 'service-defaults']
            .map((k) => get(`/v1/config/${k}`)));
        body.replaceChildren(h('div', {},
          h('h2', {}, 'Splits'),
          splitters.length ? splitters.map(splitCard) : empty('No service-splitter entries.'),
          h('h2', {}, 'Routers'),
          routers.length ? routers.map(routerCard) : empty('No service-router entries.'),
          h('h2', {}, 'Resolvers'),
          resolvers.length ? resolvers.map(resolverCard) : empty('No service-resolver entries.'),
          h('h2', {}, 'Service defaults'),
          defaults.length ? table(['Service', 'Protocol'], defaults.map((d) =>
            h('tr', {}, h('td', {}, h('a', { href: `#/services/${enc(d.Name)}` }, d.Name)),
              h('td', {}, d.Protocol || 'tcp')))) : empty('No service-defaults entries.')));
      };
    },
  },

  intentions: {
    enter() {
      const body = h('div', {});
      app.replaceChildren(h('h1', {}, 'Intentions'), body);
      return async () => {
        const all = await get('/v1/connect/intentions');
        const policy = state.settings ? state.settings.DefaultIntentionPolicy : 'allow';
        const sources = [...new Set(all.map((i) => i.SourceName))].sort(byName);
        const destinations = [...new Set(all.map((i) => i.DestinationName))].sort(byName);
        const cell = new Map(all.map((i) => [`${i.SourceName}\u0000${i.DestinationName}`, i]));
        const note = h('p', { class: 'muted', testid: 'default-policy' },
          `Rows are sources, columns destinations. Pairs without an intention get the default `
          + `policy (${policy}); a specific intention wins over a wildcard (*).`);
        if (all.length === 0) {
          body.replaceChildren(note, empty('No intentions.'));
          return;
        }
        body.replaceChildren(note, h('table', { class: 'matrix', testid: 'matrix' },
          h('thead', {}, h('tr', {}, h('th', {}, 'source \\ destination'),
            destinations.map((d) => h('th', {}, d)))),
          h('tbody', {}, sources.map((src) => h('tr', {},
            h('th', { class: 'row' }, src),
            destinations.map((dst) => {
              const i = cell.get(`${src}\u0000${dst}`);
              if (!i) return h('td', { testid: `cell-${src}-${dst}` }, h('span', { class: 'cell default' }, policy));
              const action = i.Action || 'L7';
              return h('td', { testid: `cell-${src}-${dst}` },
                h('span', {
                  class: `cell ${action.toLowerCase()}`,
                  title: `precedence ${i.Precedence}${i.Description ? `: ${i.Description}` : ''}`
                    + (i.Permissions ? `\n${i.Permissions.length} L7 permission(s)` : ''),
                }, action));
            }))))));
      };
    },
  },


  kv: {
    // #/kv/ and #/kv/a/b/ are folders (prefixes); #/kv/a/b a key.
    enter(path) {
      const isFolder = path === '' || path.endsWith('/');
      const crumbs = [h('a', { href: '#/kv/', testid: 'crumb' }, 'Key/Value')];
      let at = '';
      for (const part of path.split('/').slice(0, -1)) {
        at += `${part}/`;
        crumbs.push(' / ', h('a', { href: `#/kv/${kvHash(at)}`, testid: 'crumb' }, part));
      }
      if (!isFolder) crumbs.push(' / ', h('b', {}, path.slice(path.lastIndexOf('/') + 1)));
      const body = h('div', {});
      const notice = h('div', { class: 'muted', testid: 'kv-notice' });
      app.replaceChildren(h('h1', {}, crumbs), notice, body);
      return isFolder ? kvFolder(path, body, notice) : kvKey(path, body, notice);
    },
  },

  proxies: {
    poll: 2000,
    enter() {
      const body = h('div', {});
      app.replaceChildren(h('h1', {}, 'Connected xDS proxies'), body);
      return async () => {
        const proxies = await get('/v1/xds/proxies');
        body.replaceChildren(proxies.length === 0
          ? empty('No xDS clients connected. Point an Envoy or a gRPC xDS client at the xDS port.')
          : table(['Node', 'Kind', 'Streams', 'Connected', 'ACKed', 'Last NACK'],
            proxies.map((p) => h('tr', { testid: `proxy-${p.Node}` },
              h('td', {}, h('div', { class: 'mono' }, p.Node),
                p.Cluster ? h('div', { class: 'muted' }, p.Cluster) : null),
              h('td', {}, p.Kind),
              h('td', {}, p.Streams),
              h('td', { title: p.ConnectedAt }, ago(p.ConnectedAt)),
              h('td', { testid: 'acked' }, Object.entries(p.Acked).sort().map(([type, version]) =>
                h('div', { class: 'mono', title: `${type} ${version}` },
                  `${shortType(type)} ${version.slice(0, 10)}`))),
              h('td', { testid: 'nack' }, p.LastNack
                ? h('div', { class: 'nack' }, `${shortType(p.LastNack.TypeUrl)} ${ago(p.LastNack.At)}: `,
                  h('pre', {}, p.LastNack.Error))
                : h('span', { class: 'muted' }, 'none'))))));
      };
    },
  },
};

/** A check without a Type: maintenance, a catalog node's (written by its client), TTL or the node's. */
function checkType(c, catalogNode) {
  if (c.CheckID.startsWith('_')) return 'maintenance';
  if (catalogNode) return c.ServiceID ? 'catalog' : 'catalog (node)';
  return c.ServiceID ? 'ttl' : 'node';
}

const byName = (a, b) => (a === '*') - (b === '*') || a.localeCompare(b);

function shortType(url) {
  const name = url.slice(url.lastIndexOf('.') + 1);
  return { Cluster: 'CDS', ClusterLoadAssignment: 'EDS', Listener: 'LDS', RouteConfiguration: 'RDS' }[name] || name;
}

function splitCard(e) {
  const target = (s) => {
    const service = s.Service && s.Service !== e.Name ? s.Service : '';
    return [service, s.ServiceSubset].filter(Boolean).join('/') || e.Name;
  };
  const splits = e.Splits || [];
  return h('div', { class: 'card', testid: `split-${e.Name}` },
    h('div', {}, h('b', {}, h('a', { href: `#/services/${enc(e.Name)}` }, e.Name)),
      h('span', { class: 'muted' }, ` split ${splits.length} ways`)),
    h('div', { class: 'bar' }, splits.map((s, i) =>
      h('div', { class: `segment seg${i % 6}`, style: { width: `${s.Weight}%` }, testid: 'segment', title: `${target(s)} ${s.Weight}%` },
        `${target(s)} ${s.Weight}%`))),
    h('div', { class: 'legend' }, splits.map((s, i) =>
      h('span', {}, h('i', { class: `seg${i % 6}` }), `${target(s)}: ${s.Weight}%`))));
}

function routerCard(e) {
  const match = (m) => {
    const http = (m && m.HTTP) || {};
    const parts = [];
    if (http.PathExact) parts.push(`path = ${http.PathExact}`);
    if (http.PathPrefix) parts.push(`path starts with ${http.PathPrefix}`);
    if (http.PathRegex) parts.push(`path ~ ${http.PathRegex}`);
    for (const x of http.Header || []) parts.push(`header ${x.Name} ${x.Exact ?? x.Prefix ?? x.Suffix ?? x.Regex ?? 'present'}`);
    for (const x of http.QueryParam || []) parts.push(`query ${x.Name} ${x.Exact ?? x.Regex ?? 'present'}`);
    if (http.Methods) parts.push(`method ${http.Methods.join('|')}`);
    return parts.join(', ') || 'everything';
  };
  const dest = (d) => {
    const parts = [[d.Service || e.Name, d.ServiceSubset].filter(Boolean).join('/')];
    if (d.PrefixRewrite) parts.push(`rewrite ${d.PrefixRewrite}`);
    if (d.RequestTimeout) parts.push(`timeout ${d.RequestTimeout}`);
    if (d.NumRetries) parts.push(`${d.NumRetries} retries`);
    return parts.join(', ');
  };
  return h('div', { class: 'card', testid: `router-${e.Name}` },
    h('div', {}, h('b', {}, e.Name), h('span', { class: 'muted' }, ' routes, first match wins')),
    h('ol', {}, (e.Routes || []).map((r) => h('li', {}, match(r.Match), ' → ', h('b', {}, dest(r.Destination || {}))))));
}

function resolverCard(e) {
  const subsets = Object.entries(e.Subsets || {});
  return h('div', { class: 'card', testid: `resolver-${e.Name}` },
    h('div', {}, h('b', {}, e.Name), h('span', { class: 'muted' }, ' resolver'),
      e.DefaultSubset ? h('span', {}, ' · default subset ', h('b', {}, e.DefaultSubset)) : null),
    subsets.length ? h('ul', {}, subsets.map(([n, s]) =>
      h('li', {}, h('b', {}, n), ': ', h('span', { class: 'mono' }, s.Filter || '(all)'),
        s.OnlyPassing ? ' (only passing)' : ''))) : null,
    e.Redirect ? h('p', {}, `Redirect to ${e.Redirect.Service || e.Name}`) : null,
    e.Failover ? h('p', {}, 'Failover: ', Object.entries(e.Failover).map(([k, f]) =>
      `${k} → ${(f.Targets || []).map((t) => [t.Service, t.ServiceSubset].filter(Boolean).join('/')).join(', ') || (f.Service || '')}`).join('; ')) : null);
}


// ---------------------------------------------------------------------------------------------
// The key/value pages.

const kvPath = (key) => `/v1/kv/${key.split('/').map(enc).join('/')}`;
const kvHash = (key) => key.split('/').map(enc).join('/');

/** A value's text, or null when its bytes are not UTF-8 (binary: not editable as text). */
function decodeValue(b64) {
  if (!b64) return '';
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    return null;
  }
}

/** A button that asks once more before doing {@code action}, every time. */
function confirmButton(label, testid, action) {
  const button = h('button', { testid, class: 'danger' }, label);
  let armed = false;
  button.addEventListener('click', async () => {
    if (!armed) {
      armed = true;
      button.textContent = `${label}: click again to confirm`;
      return;
    }
    armed = false;
    button.textContent = label;
    await action();
  });
  return button;
}

function kvFolder(prefix, body, notice) {
  const name = h('input', { testid: 'kv-new-key', placeholder: 'key (under this folder; end it with / for a folder)' });
  const value = h('textarea', { testid: 'kv-new-value', rows: 4, placeholder: 'value' });
  const create = h('button', { testid: 'kv-create', onclick: act(async () => {
    const key = prefix + name.value.trim();
    if (!name.value.trim()) { notice.textContent = 'Give the key a name.'; return; }
    const ok = await send('PUT', `${kvPath(key)}?cas=0`, value.value);
    notice.textContent = ok ? `Created ${key}.` : `${key} exists already; open it to edit it.`;
    if (ok) location.hash = `#/kv/${kvHash(key)}`;
  }) }, 'Create');
  const form = h('div', { class: 'card' }, h('div', {}, h('b', {}, 'New key')), name, value, create);
  const remove = prefix === '' ? null : confirmButton('Delete folder', 'kv-delete-folder', act(async () => {
    await send('DELETE', `${kvPath(prefix)}?recurse`);
    const parent = prefix.slice(0, -1);
    location.hash = `#/kv/${kvHash(parent.slice(0, parent.lastIndexOf('/') + 1))}`;
  }));
  return async () => {
    // A key named like the folder itself ("app/", as folders made by Consul's UI) is the folder.
    const keys = ((await find(`${kvPath(prefix)}?keys&separator=/`)) || []).filter((k) => k !== prefix);
    body.replaceChildren(
      keys.length === 0
        ? empty(prefix === '' ? 'No keys yet. Create one below, or PUT /v1/kv/<key>.' : 'This folder is empty.')
        : table(['Key'], keys.map((k) => h('tr', { testid: `kv-row-${k}` },
          h('td', {}, h('a', { href: `#/kv/${kvHash(k)}`, class: 'mono' },
            k.slice(prefix.length)))))),
      form, remove);
  };
}

function kvKey(key, body, notice) {
  const value = h('textarea', { testid: 'kv-value', rows: 10 });
  const meta = h('div', { class: 'muted', testid: 'kv-meta' });
  let current = null;
  let dirty = false;
  value.addEventListener('input', () => { dirty = true; });
  const save = h('button', { testid: 'kv-save', onclick: act(async () => {
    // A PUT without flags sets them to 0 (as in Consul): an edit keeps the ones shown.
    const flags = current && current.Flags ? `&flags=${current.Flags}` : '';
    const ok = await send('PUT', `${kvPath(key)}?cas=${current ? current.ModifyIndex : 0}${flags}`, value.value);
    dirty = false;
    notice.textContent = ok
      ? 'Saved.'
      : 'Not saved: the key changed meanwhile. It is shown as it is now; edit it again.';
    await reload();
  }) }, 'Save');
  const remove = confirmButton('Delete', 'kv-delete', act(async () => {
    // A check-and-set too: a key changed since it was shown is not deleted.
    const ok = await send('DELETE', `${kvPath(key)}?cas=${current ? current.ModifyIndex : 0}`);
    if (!ok) {
      dirty = false;
      notice.textContent = 'Not deleted: the key changed meanwhile. It is shown as it is now.';
      await reload();
      return;
    }
    location.hash = `#/kv/${kvHash(key.slice(0, key.lastIndexOf('/') + 1))}`;
  }));
  body.replaceChildren(meta, value, h('div', {}, save, ' ', remove));
  async function reload() {
    const found = await find(kvPath(key));
    if (!found) {
      current = null;
      value.readOnly = false;
      save.disabled = false;
      meta.textContent = 'No such key (it may have been deleted). Save creates it.';
      return;
    }
    const e = found[0];
    if (dirty && current && e.ModifyIndex !== current.ModifyIndex) {
      notice.textContent = `Changed on the server (now at index ${e.ModifyIndex}); saving will not overwrite it.`;
      return;
    }
    current = e;
    const text = decodeValue(e.Value);
    // Bytes that are not UTF-8 would be changed by a round trip through a text box: shown as
    // base64, not saved from here (the CLI's put --base64 writes them).
    value.readOnly = text === null;
    save.disabled = text === null;
    meta.textContent = `flags ${e.Flags} · created at ${e.CreateIndex} · modified at ${e.ModifyIndex}`
      + (e.Session ? ` · locked by session ${e.Session} (lock ${e.LockIndex})` : '')
      + (text === null ? ' · binary value, shown as base64, read-only here' : '');
    if (!dirty) value.value = text === null ? e.Value : text;
  }
  return reload;
}

// ---------------------------------------------------------------------------------------------
// Routing and refreshing.

function route() {
  const kv = location.hash.match(/^#\/?kv\/?(.*)$/);
  if (kv) return ['kv', kv[1].split('/').map(decodeURIComponent).join('/')];
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'services' && parts.length === 4) return ['instance', parts[1], parts[3], parts[2]];
  if (parts[0] === 'services' && parts.length === 3) return ['instance', parts[1], parts[2]];
  if (parts[0] === 'services' && parts.length === 2) return ['service', parts[1]];
  if (views[parts[0]]) return [parts[0]];
  return ['services'];
}

let pollTimer = null;

function show() {
  const [name, ...args] = route();
  document.querySelectorAll('[data-nav]').forEach((a) =>
    a.classList.toggle('active', a.dataset.nav === name
      || (a.dataset.nav === 'services' && (name === 'service' || name === 'instance'))));
  clearInterval(pollTimer);
  state.view = views[name].enter(...args);
  if (views[name].poll) pollTimer = setInterval(refresh, views[name].poll);
  refresh();
}

/** Reloads the page on screen; a newer refresh wins over an older one still loading. */
async function refresh() {
  const generation = ++state.generation;
  const update = state.view;
  try {
    await update();
    app.querySelectorAll('.error').forEach((e) => e.remove());
  } catch (e) {
    if (generation !== state.generation) return;
    showError(e);
  }
}

/** Puts an error at the top of the page, in place of the one shown before. */
function showError(e) {
  app.querySelectorAll('.error').forEach((x) => x.remove());
  app.prepend(h('div', { class: 'error', testid: 'error' }, String(e.message || e)));
}

/** A click handler whose failure (a refused token, a 400) is shown like a failed load. */
const act = (fn) => async () => {
  try {
    app.querySelectorAll('.error').forEach((x) => x.remove());
    await fn();
  } catch (e) {
    showError(e);
  }
};

function setLive(on) {
  const live = document.getElementById('live');
  live.className = `live ${on ? 'on' : 'off'}`;
  live.textContent = on ? `live · index ${state.index}` : 'reconnecting';
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The long poll: returns when anything in the registry changes, or after 30 s. */
async function watch() {
  for (;;) {
    try {
      const res = await fetch(`/v1/internal/ui/services?index=${state.index}&wait=30s`,
        { headers: headers() });
      if (!res.ok) throw new Error(`${res.status}`);
      const index = Number(res.headers.get('X-Consul-Index'));
      state.services = await res.json();
      state.loaded = true;
      const changed = index !== state.index;
      state.index = index;
      setLive(true);
      if (changed) refresh();
    } catch (e) {
      setLive(false);
      await sleep(2000);
    }
  }
}

async function start() {
  try {
    state.settings = await get('/v1/internal/ui/settings');
    document.getElementById('node').textContent =
      `${state.settings.Node} · ${state.settings.Datacenter} · ${state.settings.Version}`;
    if (state.settings.ACLsEnabled) {
      const input = document.getElementById('token');
      input.hidden = false;
      input.value = sessionStorage.getItem(TOKEN_KEY) || '';
      input.addEventListener('change', () => {
        if (input.value.trim()) sessionStorage.setItem(TOKEN_KEY, input.value.trim());
        else sessionStorage.removeItem(TOKEN_KEY);
        location.reload();
      });
    }
  } catch (e) { /* the header stays empty; the pages still work */ }
  window.addEventListener('hashchange', show);
  show();
  watch();
}

start();
