// CLI randomisation: present a number from the customer's range, on the call and on every gateway.
// ScriptForge's example uses Math.random(); hashing the destination keeps the demo repeatable.
function main(data = {}) {
  const range = (data.cli && data.cli.range) || ['447700900000', 1000];
  let hash = 7;
  for (const ch of String(data.routing.dest_number)) {
    hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  }
  const cli = String(BigInt(range[0]) + BigInt(hash % range[1]));
  data.routing.cli = cli;
  for (const route of data.routing.egress_routing || []) {
    for (const id of Object.keys(route.gw || {})) {
      route.gw[id].cli = cli;
    }
  }
  return data;
}
