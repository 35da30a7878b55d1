// The testing guide's example App: refuse the numbers on a do-not-call list with 604.
const LISTED = ['12125550100', '12125550111'];

async function main(data) {
  if (LISTED.includes(data.routing.dest_number)) {
    throw new Error('604 Number on DNC List');
  }
  return data;
}
