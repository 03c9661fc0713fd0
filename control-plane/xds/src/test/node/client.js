// Resolves xds:///<service> through Cairn with @grpc/grpc-js-xds and calls demo.Who/Am N times,
// printing one backend name per line. Usage: node client.js <service> <calls>
// The bootstrap comes from GRPC_XDS_BOOTSTRAP_CONFIG (or GRPC_XDS_BOOTSTRAP).
const grpc = require('@grpc/grpc-js');
require('@grpc/grpc-js-xds').register();

const [service, calls] = [process.argv[2], Number(process.argv[3] || '10')];
const client = new grpc.Client(`xds:///${service}`, grpc.credentials.createInsecure());
const utf8 = {
  serialize: (s) => Buffer.from(s, 'utf8'),
  deserialize: (b) => b.toString('utf8'),
};

function call() {
  return new Promise((resolve, reject) => {
    const deadline = new Date(Date.now() + 10000);
    client.makeUnaryRequest('/demo.Who/Am', utf8.serialize, utf8.deserialize, '?',
      new grpc.Metadata(), { deadline }, (err, reply) => (err ? reject(err) : resolve(reply)));
  });
}

(async () => {
  for (let i = 0; i < calls; i++) {
    console.log(await call());
  }
  client.close();
  process.exit(0);
})().catch((err) => {
  console.error(`error: ${err.code} ${err.details || err.message}`);
  process.exit(1);
});
