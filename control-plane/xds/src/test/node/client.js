// Resolves xds:///<service> through Cairn with @grpc/grpc-js-xds and calls demo.Who/Am N times,
// printing one line per call: the backend's reply, or "error <code> <details>".
// Usage: node client.js <service> <calls> [--header name=value]... [--keep-going] [--pause-ms N]
// Without --keep-going the first failed call ends the run with exit status 1. --pause-ms waits
// between calls, so that calls span a client's outlier-detection intervals.
// The bootstrap comes from GRPC_XDS_BOOTSTRAP_CONFIG (or GRPC_XDS_BOOTSTRAP). The grpc packages
// come from the working directory's node_modules, so one script runs every client version
// (src/test/node for the current one, src/test/node-1.10 for an older one).
const path = require('path');
const load = require('module').createRequire(path.join(process.cwd(), 'package.json'));
const grpc = load('@grpc/grpc-js');
load('@grpc/grpc-js-xds').register();

const args = process.argv.slice(2);
const positional = [];
const headers = [];
let keepGoing = false;
let pauseMs = 0;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--header') {
    const [name, ...value] = args[++i].split('=');
    headers.push([name, value.join('=')]);
  } else if (args[i] === '--pause-ms') {
    pauseMs = Number(args[++i]);
  } else if (args[i] === '--keep-going') {
    keepGoing = true;
  } else {
    positional.push(args[i]);
  }
}
const [service, calls] = [positional[0], Number(positional[1] || '10')];
const client = new grpc.Client(`xds:///${service}`, grpc.credentials.createInsecure());
const utf8 = {
  serialize: (s) => Buffer.from(s, 'utf8'),
  deserialize: (b) => b.toString('utf8'),
};

function call() {
  const metadata = new grpc.Metadata();
  headers.forEach(([name, value]) => metadata.add(name, value));
  return new Promise((resolve, reject) => {
    const deadline = new Date(Date.now() + 10000);
    client.makeUnaryRequest('/demo.Who/Am', utf8.serialize, utf8.deserialize, '?',
      metadata, { deadline }, (err, reply) => (err ? reject(err) : resolve(reply)));
  });
}

(async () => {
  let failed = 0;
  for (let i = 0; i < calls; i++) {
    try {
      console.log(await call());
    } catch (err) {
      console.log(`error ${err.code} ${err.details || err.message}`);
      failed++;
      if (!keepGoing) {
        break;
      }
    }
    if (pauseMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }
  client.close();
  process.exit(failed > 0 && !keepGoing ? 1 : 0);
})();
