// A Do-Not-Call check (an App), as site/testing.md's DncTest loads it: a listed number is refused with 604.
const LISTED = new Set(['12125550100', '12125550111']);

function main(data = {}) {
  const dest = String(data.routing.dest_number || '').replace(/^\+/, '');
  if (LISTED.has(dest)) {
    return Promise.reject([604, 'Number on DNC List']);
  }
  return data;
}
