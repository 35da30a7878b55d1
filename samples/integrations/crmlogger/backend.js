// CRM call logger: when a call has ended, post its record to the CRM the tenant configured.
//
// Tenant settings: url (public); the API key is the whole private part (tenant.js saves [public, key]),
//                  so it is read with the empty name, and sent as a bearer token.
// User settings:   crmuser (public): the agent's name in the CRM, looked up by extension.

function summary(data) {
  var agents = [];
  var legs = [];
  var i;
  for (i = 0; i < data.extensionlegs.length; i++) {
    var ext = data.extensionlegs[i];
    legs.push({kind: 'extension', extension: ext.extension, type: ext.type, start: ext.start,
               connect: ext.connect, end: ext.end});
    if (ext.connect) {
      agents.push({extension: ext.extension, crmuser: loadIntr(data.domain, ext.extension, 'crmuser', false) || null});
    }
  }
  for (i = 0; i < data.trunklegs.length; i++) {
    var trunk = data.trunklegs[i];
    legs.push({kind: 'trunk', trunk: trunk.trunk, direction: trunk.direction, remoteparty: trunk.remoteparty,
               cost: trunk.cost, mos: trunk.mos, start: trunk.start, end: trunk.end});
  }
  var recordings = [];
  for (i = 0; i < data.recordings.length; i++) {
    recordings.push({file: data.recordings[i].file, time: data.recordings[i].time,
                     extension: data.recordings[i].extension});
  }
  return {
    callid: data.callid,
    domain: data.domain,
    from: data.from,
    to: data.to,
    start: data.start,
    connect: data.connect || null,
    end: data.end,
    seconds: data.end - (data.connect || data.end),
    comment: data.comment || '',
    category: data.category || '',
    agents: agents,
    legs: legs,
    recordings: recordings
  };
}

function oncdr(data) {
  var url = loadIntr(data.domain, '', 'url', false);
  if (!url) {
    console.trace('CRMLOG', 3, data.domain, system.format('no CRM URL set; call %s not logged', data.callid));
    return;
  }
  var apikey = loadIntr(data.domain, '', '', true) || '';
  system.http({
    method: 'POST',
    url: url,
    domain: data.domain,
    attempts: 2,
    header: [
      {name: 'Content-Type', value: 'application/json'},
      {name: 'Authorization', value: 'Bearer ' + apikey, secret: true}
    ],
    body: JSON.stringify(summary(data)),
    callback: function (code, body) {
      if (code >= 200 && code < 300) {
        console.trace('CRMLOG', 5, data.domain, system.format('call %s logged (HTTP %d)', data.callid, code));
      } else {
        console.trace('CRMLOG', 2, data.domain, system.format('the CRM answered %d for call %s', code, data.callid));
      }
    }
  });
}
