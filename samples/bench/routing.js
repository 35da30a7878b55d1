function main(data) {
  const r = data.routing;
  r.egress_routing.sort(function (a, b) { return a.rate - b.rate; });
  for (let i = 0; i < r.egress_routing.length; i++) {
    const route = r.egress_routing[i];
    route.headers.push({key: 'X-Forge-Rank', value: String(i + 1)});
    for (const gw in route.gw) {
      if (!route.gw[gw].cli) {
        route.gw[gw].cli = r.cli;
      }
    }
  }
  if (r.dest_number.startsWith('+44')) {
    r.egress_routing = r.egress_routing.filter(function (e) { return e.rate < 0.05; });
  }
  r.account_id = String(r.account_id);
  return data;
}
