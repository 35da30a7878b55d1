// Screen pop: while a queue or ring-group call rings, tell the screen-pop service which agents ring for
// which caller, so their CRM opens the caller's record before they pick up.
//
// Tenant settings: url (public, the service's address), token (secret, sent as X-Pop-Token).
// User settings:   url (public, optional): an agent's own pop address, e.g. a desktop helper.

function popFor(domain, agent, pop) {
  var url = loadIntr(domain, agent, 'url', false) || loadIntr(domain, '', 'url', false);
  if (!url) {
    console.trace('POP', 3, domain, system.format('no pop address for agent %s', agent));
    return;
  }
  system.http({
    method: 'POST',
    url: url,
    domain: domain,
    readTimeout: 3000,
    header: [
      {name: 'Content-Type', value: 'application/json'},
      {name: 'X-Pop-Token', value: loadIntr(domain, '', 'token', true) || '', secret: true}
    ],
    body: JSON.stringify(pop),
    callback: function (code) {
      console.trace('POP', code >= 200 && code < 300 ? 5 : 2, domain,
          system.format('pop for agent %s on call %s: HTTP %d', agent, pop.callid, code));
    }
  });
}

function ongroup(data) {
  if (data.state !== 'ringing' || !data.ringing) {
    return;
  }
  for (var i = 0; i < data.ringing.length; i++) {
    var agent = data.ringing[i];
    popFor(data.domain.address, agent.number, {
      domain: data.domain.address,
      agent: agent.number,
      agentname: agent.name || '',
      caller: data.caller.number || '',
      callername: data.caller.name || '',
      called: data.callee.number || '',
      callid: data.callid,
      source: 'ringing'
    });
  }
}
