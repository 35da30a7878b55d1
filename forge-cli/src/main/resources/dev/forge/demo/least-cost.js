// Least-cost routing: try the cheapest carrier first, and drop carriers above the ceiling.
function main(data = {}) {
  const routes = data.routing.egress_routing || [];
  const ceiling = data.max_rate || Infinity;
  const usable = routes.filter(route => route.rate <= ceiling);
  if (usable.length === 0) {
    throw new Error('503 No Route Under Rate Ceiling');
  }
  data.routing.egress_routing = usable.sort((a, b) => a.rate - b.rate);
  return data;
}
