// Do-Not-Call check (an App): calls to a listed number are refused with 604.
// ScriptForge's examples keep the list in userspace; the demo inlines a few numbers.
const DNC = new Set(['12125550100', '12125550111', '442079460999', '33142860000']);

function main(data = {}) {
  const dest = String(data.routing.dest_number || '').replace(/^\+/, '');
  if (DNC.has(dest)) {
    return Promise.reject([604, 'Number on DNC List']);
  }
  return data;
}
