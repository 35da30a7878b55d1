// Time-of-day restriction: outside the customer's dialling window the call is refused.
// The window comes from the assignment's vars: data.schedule = { open, close, offset }.
function main(data = {}) {
  const schedule = data.schedule || { open: 8, close: 20, offset: 0 };
  const when = new Date(data.routing.received_at || Date.now());
  const hour = (when.getUTCHours() + (schedule.offset || 0) + 24) % 24;
  if (hour < schedule.open || hour >= schedule.close) {
    throw new Error('480 Disallowed by Date/Time Restriction');
  }
  data.routing.window = schedule.open + '-' + schedule.close;
  return data;
}
