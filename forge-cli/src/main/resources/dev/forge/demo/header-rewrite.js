// Header rewrite: strip the internal trace header everywhere, add a policy header,
// and replace each route's X-Customer-ID (remove it, then add it again).
function main(data = {}) {
  const routing = data.routing;
  data.remove_headers = [{ key: 'X-Internal-Trace' }];
  data.headers = [{ key: 'X-Forge-Policy', value: 'demo-v1' }];
  for (const route of routing.egress_routing || []) {
    route.remove_headers = [{ key: 'X-Customer-ID' }];
    route.headers = (route.headers || [])
      .filter(header => header.key !== 'X-Customer-ID' && header.key !== 'X-Internal-Trace')
      .concat([{ key: 'X-Customer-ID', value: 'acct-' + routing.account_id }]);
  }
  return data;
}
