// Teleforge bridge: Teleforge's inbound call notifications (the "call" notifications of the list
// enigma:notifications:inbound) arrive here as POSTs to /integrations/tfbridge/..., with the notification's JSON
// ({type: "call", payload: {number, dial_number, hold_time, call_ref, contact_ref, call_dir | campaign_ref, ref}})
// as the body. Forge's TeleforgeBridge (or `forge integrations serve --teleforge ...`) posts them. Each inbound
// call becomes the same pop as the Screen pop integration's, for the agent (ref) it is bridged to.
//
// Tenant settings: url (public, the pop service), token (secret, sent as X-Pop-Token).

function onhttp(data, callback) {
  if (data.method !== 'POST') {
    callback(405, 'Method Not Allowed', 'text/plain', 'POST a Teleforge notification');
    return;
  }
  // the tenant is the one the host named for the request, never one the request names itself
  var domain = data.domain;
  if (!domain) {
    callback(400, 'Bad Request', 'text/plain', 'no tenant: post on the tenant\'s own address');
    return;
  }
  var note;
  try {
    note = JSON.parse(data.body);
  } catch (e) {
    callback(400, 'Bad Request', 'text/plain', 'the body is not JSON');
    return;
  }
  var p = note && note.type === 'call' ? note.payload : null;
  if (!p || !p.ref) {
    callback(422, 'Unprocessable Entity', 'text/plain', 'not a Teleforge call notification');
    return;
  }
  if ((p.call_dir || p.campaign_ref) !== 'inbound') {
    callback(200, 'OK', 'application/json', JSON.stringify({popped: false, why: 'not inbound'}));
    return;
  }
  var url = loadIntr(domain, '', 'url', false);
  if (!url) {
    callback(409, 'Conflict', 'text/plain', 'no pop address set for ' + domain);
    return;
  }
  var pop = {
    domain: domain,
    agent: String(p.ref),
    agentname: '',
    caller: String(p.number || ''),
    callername: '',
    called: String(p.dial_number || ''),
    callid: String(p.call_ref || ''),
    source: 'teleforge'
  };
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
          system.format('teleforge pop for agent %s on call %s: HTTP %d', pop.agent, pop.callid, code));
      callback(code >= 200 && code < 300 ? 200 : 502, code >= 200 && code < 300 ? 'OK' : 'Bad Gateway',
          'application/json', JSON.stringify({popped: code >= 200 && code < 300, code: code}));
    }
  });
}
