// The hostile one: a "fraud scorer" with two bugs a tenant could really ship.
// Even destinations wait for a score service that never answers (an endless loop);
// odd ones fill a cache that is never evicted (the heap grows until the limit stops it).
const cache = [];

function main(data = {}) {
  const dest = String(data.routing.dest_number || '0');
  if (Number(dest.slice(-1)) % 2 === 0) {
    let answered = false;
    while (!answered) {
      answered = cache.length < 0;
    }
  }
  for (;;) {
    cache.push(new Array(100000).fill(dest));
  }
}
