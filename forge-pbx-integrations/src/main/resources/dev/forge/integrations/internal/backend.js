// The integrations framework inside an integration's isolate: the installer of the "integrations" bindings
// (see dev.forge.spi.Bindings). It defines what the backend code sees (system.http, system.format,
// console.trace, loadIntr, saveIntr, startCall, endCall) and the entry that calls the hooks.
//
// An invocation ends when the hook has returned (or its promise settled) and nothing it started is still
// pending: system.http requests, timers and fetches are counted, and the end is confirmed one macrotask
// later, so that promise callbacks still queued can start more work. For onhttp the callback must also have
// been called; a hook that never calls back runs into its deadline, and the host answers with a timeout.
(function (host) {
  'use strict';
  const G = globalThis;
  const ReflectApply = Reflect.apply;
  const PromiseCtor = Promise;
  const PromiseThen = Promise.prototype.then;
  const JSONStringify = JSON.stringify;
  const StringCtor = String;
  const NumberCtor = Number;
  const MathFloor = Math.floor;
  const MathAbs = Math.abs;
  const ErrorCtor = Error;
  const RangeErrorCtor = RangeError;
  const NumberIsInteger = Number.isInteger;
  const TypeErrorCtor = TypeError;
  const ArrayIsArray = Array.isArray;
  const ObjectFreeze = Object.freeze;
  const ObjectCreate = Object.create;
  const ObjectAssign = Object.assign;
  const StringSlice = String.prototype.slice;
  const StringRepeat = String.prototype.repeat;
  const StringToUpperCase = String.prototype.toUpperCase;
  const StringIndexOf = String.prototype.indexOf;
  const StringCharCodeAt = String.prototype.charCodeAt;
  const StringFromCharCode = String.fromCharCode;
  const NumberToFixed = Number.prototype.toFixed;
  const NumberToString = Number.prototype.toString;
  const NumberToExponential = Number.prototype.toExponential;
  const primSetTimeout = G.setTimeout;
  const primClearTimeout = G.clearTimeout;
  const primSetInterval = G.setInterval;
  const primClearInterval = G.clearInterval;
  const primFetch = G.fetch;
  const frozenConsole = G.console;

  const HOOKS = ObjectFreeze(['ongroup', 'onagent', 'oncdr', 'onhttp']);
  const ABSENT = 'forge:no-hook';
  // No invocation lives longer than this (the host's longest hook deadline, with a margin): the state of one
  // that is older was ended by the host (a timeout) without a word to this code, and is dropped.
  const MAX_AGE_MS = __MAX_AGE_MS__;
  const DateNow = Date.now;
  const ObjectKeys = Object.keys;

  // ---- invocations and the work they wait for --------------------------------------------------------
  const states = ObjectCreate(null);
  const timerOwners = ObjectCreate(null);

  function current() {
    const st = states[host.invocation()];
    if (st === undefined) {
      throw new ErrorCtor('this function needs a running hook; call it from ongroup, onagent, oncdr or onhttp');
    }
    return st;
  }

  function hold(st) {
    st.pending++;
    st.async = true;
  }

  function release(st) {
    st.pending--;
    settleIfIdle(st);
  }

  function fail(st, error) {
    if (!st.settled) {
      st.settled = true;
      delete states[st.inv];
      st.reject(error);
    }
  }

  function idle(st) {
    return !st.settled && st.returned && st.pending === 0 && (!st.http || st.answered);
  }

  function settleIfIdle(st) {
    if (!idle(st)) {
      return;
    }
    if (!st.async) {
      finish(st);
      return;
    }
    if (!st.confirming) {
      // let queued promise callbacks run first: they may start more work
      st.confirming = true;
      ReflectApply(primSetTimeout, undefined, [function () {
        st.confirming = false;
        if (idle(st)) {
          finish(st);
        }
      }, 0]);
    }
  }

  function finish(st) {
    st.settled = true;
    delete states[st.inv];
    // a hook's return value is reported when it is JSON, and ignored otherwise
    let value = null;
    try {
      value = JSONStringify(st.result) === undefined ? null : st.result;
    } catch (e) {
      value = null;
    }
    st.resolve(value);
  }

  let started = 0;

  function sweep() {
    const now = DateNow();
    const live = ObjectKeys(states);
    for (let i = 0; i < live.length; i++) {
      const st = states[live[i]];
      if (now - st.born > MAX_AGE_MS) {
        st.settled = true;
        delete states[live[i]];
      }
    }
    const timers = ObjectKeys(timerOwners);
    for (let i = 0; i < timers.length; i++) {
      if (timerOwners[timers[i]].st.settled) {
        delete timerOwners[timers[i]];
      }
    }
  }

  function guarded(st, fn, args) {
    try {
      return ReflectApply(fn, undefined, args);
    } catch (e) {
      fail(st, e);
      return undefined;
    }
  }

  // ---- timers and fetch, counted per invocation ---------------------------------------------------------
  function restArgs(args, from) {
    const out = [];
    for (let i = from; i < args.length; i++) {
      out[out.length] = args[i];
    }
    return out;
  }

  function setTimer(name, fn, ms, args, repeat) {
    if (typeof fn !== 'function') {
      throw new TypeErrorCtor(name + ': the callback must be a function');
    }
    const st = current();
    let id;
    const run = function () {
      if (!repeat) {
        delete timerOwners[id];
      }
      guarded(st, fn, args);
      if (!repeat) {
        release(st);
      }
    };
    id = ReflectApply(repeat ? primSetInterval : primSetTimeout, undefined, [run, ms]);
    hold(st);
    timerOwners[id] = {st: st, repeat: repeat};
    return id;
  }

  function clearTimer(id) {
    const owner = timerOwners[id];
    if (owner !== undefined) {
      delete timerOwners[id];
      ReflectApply(owner.repeat ? primClearInterval : primClearTimeout, undefined, [id]);
      release(owner.st);
    }
  }

  host.global('setTimeout', function setTimeout(fn, ms) {
    return setTimer('setTimeout', fn, ms, restArgs(arguments, 2), false);
  });
  host.global('setInterval', function setInterval(fn, ms) {
    return setTimer('setInterval', fn, ms, restArgs(arguments, 2), true);
  });
  host.global('clearTimeout', clearTimer);
  host.global('clearInterval', clearTimer);
  if (typeof primFetch === 'function') {
    host.global('fetch', function fetch(url, init) {
      const st = current();
      hold(st);
      return ReflectApply(PromiseThen, ReflectApply(primFetch, undefined, [url, init]), [
        function (response) {
          release(st);
          return response;
        },
        function (error) {
          release(st);
          throw error;
        }
      ]);
    });
  }

  // ---- system ----------------------------------------------------------------------------------------
  function http(args) {
    if (args === null || typeof args !== 'object') {
      throw new TypeErrorCtor('system.http: expects an object of options, e.g. {url: "https://...", callback: ...}');
    }
    const callback = args.callback;
    if (callback !== undefined && callback !== null && typeof callback !== 'function') {
      throw new TypeErrorCtor('system.http: callback must be a function');
    }
    const header = args.header;
    const request = {
      url: args.url === undefined ? null : StringCtor(args.url),
      method: args.method === undefined ? null : StringCtor(args.method),
      logurl: args.logurl === undefined ? null : StringCtor(args.logurl),
      body: args.body === undefined || args.body === null ? null
          : typeof args.body === 'string' ? args.body : JSONStringify(args.body),
      verify: args.verify === undefined ? null : !!args.verify,
      attempts: args.attempts === undefined ? null : NumberCtor(args.attempts),
      readTimeout: args.readTimeout === undefined ? null : NumberCtor(args.readTimeout),
      connectTimeout: args.connectTimeout === undefined ? null : NumberCtor(args.connectTimeout),
      header: header === undefined || header === null ? null : headerList(header),
      domain: args.domain === undefined || args.domain === null ? null : StringCtor(args.domain)
    };
    const st = current();
    const promise = host.call('http', request, st.inv);
    hold(st);
    ReflectApply(PromiseThen, promise, [
      function (r) {
        if (typeof callback === 'function') {
          guarded(st, callback, [r.code, r.data, r.headers]);
        }
        release(st);
      },
      function (error) {
        fail(st, error);
      }
    ]);
  }

  function headerList(header) {
    if (!ArrayIsArray(header)) {
      throw new TypeErrorCtor('system.http: header must be an array of {name, value, secret}');
    }
    const out = [];
    for (let i = 0; i < header.length; i++) {
      const h = header[i];
      if (h === null || typeof h !== 'object') {
        throw new TypeErrorCtor('system.http: header[' + i + '] must be an object {name, value, secret}');
      }
      out[out.length] = {
        name: h.name === undefined ? null : StringCtor(h.name),
        value: h.value === undefined || h.value === null ? '' : StringCtor(h.value),
        secret: !!h.secret
      };
    }
    return out;
  }

  // printf-style: %s %d %i %u %f %e %g %x %X %o %c %j %%, with flags (- + 0 space), width and precision
  function pad(text, width, left, zero) {
    if (text.length >= width) {
      return text;
    }
    const fill = ReflectApply(StringRepeat, zero && !left ? '0' : ' ', [width - text.length]);
    if (left) {
      return text + fill;
    }
    if (zero && (text[0] === '-' || text[0] === '+' || text[0] === ' ')) {
      return text[0] + fill + ReflectApply(StringSlice, text, [1]);
    }
    return fill + text;
  }

  function signed(n, text, plus, space) {
    return n < 0 || (n === 0 && 1 / n < 0) ? text : plus ? '+' + text : space ? ' ' + text : text;
  }

  function textOf(value) {
    if (typeof value === 'string') {
      return value;
    }
    if (value !== null && typeof value === 'object') {
      try {
        return JSONStringify(value);
      } catch (e) {
        return StringCtor(value);
      }
    }
    return StringCtor(value);
  }

  function format(template) {
    const fmt = StringCtor(template);
    let out = '';
    let next = 1;
    let i = 0;
    while (i < fmt.length) {
      const c = fmt[i];
      if (c !== '%') {
        out += c;
        i++;
        continue;
      }
      let j = i + 1;
      let left = false;
      let plus = false;
      let space = false;
      let zero = false;
      while (j < fmt.length && (fmt[j] === '-' || fmt[j] === '+' || fmt[j] === ' ' || fmt[j] === '0' || fmt[j] === '#')) {
        if (fmt[j] === '-') left = true;
        else if (fmt[j] === '+') plus = true;
        else if (fmt[j] === ' ') space = true;
        else if (fmt[j] === '0') zero = true;
        j++;
      }
      let width = 0;
      while (j < fmt.length && fmt[j] >= '0' && fmt[j] <= '9') {
        width = width * 10 + (ReflectApply(StringCharCodeAt, fmt, [j]) - 48);
        j++;
      }
      let precision = -1;
      if (fmt[j] === '.') {
        precision = 0;
        j++;
        while (j < fmt.length && fmt[j] >= '0' && fmt[j] <= '9') {
          precision = precision * 10 + (ReflectApply(StringCharCodeAt, fmt, [j]) - 48);
          j++;
        }
      }
      while (j < fmt.length && (fmt[j] === 'l' || fmt[j] === 'h' || fmt[j] === 'z')) {
        j++;
      }
      const conv = fmt[j];
      if (conv === undefined) {
        out += ReflectApply(StringSlice, fmt, [i]);
        break;
      }
      if (conv === '%') {
        out += '%';
        i = j + 1;
        continue;
      }
      const arg = arguments[next++];
      let text;
      switch (conv) {
        case 's':
          text = textOf(arg);
          if (precision >= 0) text = ReflectApply(StringSlice, text, [0, precision]);
          out += pad(text, width, left, false);
          break;
        case 'j':
          out += pad(textOf(arg === undefined ? null : arg), width, left, false);
          break;
        case 'c':
          out += pad(typeof arg === 'number' ? StringFromCharCode(arg) : ReflectApply(StringSlice, textOf(arg), [0, 1]),
              width, left, false);
          break;
        case 'd':
        case 'i':
        case 'u': {
          const n = MathTrunc(NumberCtor(arg));
          text = n !== n ? 'NaN' : ReflectApply(NumberToString, MathAbs(n), [10]);
          if (n < 0) text = '-' + text;
          out += pad(signed(n, text, plus, space), width, left, zero);
          break;
        }
        case 'f':
        case 'F': {
          const n = NumberCtor(arg);
          text = n !== n || !isFiniteNumber(n) ? StringCtor(n) : ReflectApply(NumberToFixed, n, [precision < 0 ? 6 : precision]);
          out += pad(signed(n, text, plus, space), width, left, zero);
          break;
        }
        case 'e':
        case 'E': {
          const n = NumberCtor(arg);
          text = ReflectApply(NumberToExponential, n, [precision < 0 ? 6 : precision]);
          text = cExponent(text);
          if (conv === 'E') text = ReflectApply(StringToUpperCase, text, []);
          out += pad(signed(n, text, plus, space), width, left, zero);
          break;
        }
        case 'g':
        case 'G': {
          const n = NumberCtor(arg);
          text = general(n, precision < 0 ? 6 : precision === 0 ? 1 : precision);
          if (conv === 'G') text = ReflectApply(StringToUpperCase, text, []);
          out += pad(signed(n, text, plus, space), width, left, zero);
          break;
        }
        case 'x':
        case 'X':
        case 'o': {
          let n = MathTrunc(NumberCtor(arg));
          if (n < 0) n = n + 4294967296;
          text = ReflectApply(NumberToString, n, [conv === 'o' ? 8 : 16]);
          if (conv === 'X') text = ReflectApply(StringToUpperCase, text, []);
          out += pad(text, width, left, zero);
          break;
        }
        default:
          // not a conversion: keep the text as it is
          out += ReflectApply(StringSlice, fmt, [i, j + 1]);
          next--;
      }
      i = j + 1;
    }
    return out;
  }

  function indexOf(text, part) {
    return ReflectApply(StringIndexOf, text, [part]);
  }

  function MathTrunc(n) {
    return n < 0 ? -MathFloor(-n) : MathFloor(n);
  }

  function isFiniteNumber(n) {
    return n === n && n !== Infinity && n !== -Infinity;
  }

  // %g: the shorter of %e and %f for p significant digits, without trailing zeros
  function general(n, p) {
    if (!isFiniteNumber(n)) {
      return StringCtor(n);
    }
    const e = ReflectApply(NumberToExponential, n, [p - 1]);
    const x = NumberCtor(ReflectApply(StringSlice, e, [indexOf(e, 'e') + 1]));
    if (x < -4 || x >= p) {
      const at = indexOf(e, 'e');
      return cExponent(stripZeros(ReflectApply(StringSlice, e, [0, at])) + ReflectApply(StringSlice, e, [at]));
    }
    return stripZeros(ReflectApply(NumberToFixed, n, [p - 1 - x]));
  }

  function stripZeros(text) {
    if (indexOf(text, '.') < 0) {
      return text;
    }
    let end = text.length;
    while (text[end - 1] === '0') {
      end--;
    }
    if (text[end - 1] === '.') {
      end--;
    }
    return ReflectApply(StringSlice, text, [0, end]);
  }

  function cExponent(text) {
    // JavaScript writes 1.5e+3; C writes 1.5e+03
    const at = indexOf(text, 'e');
    if (at < 0) {
      return text;
    }
    const sign = text[at + 1];
    const digits = ReflectApply(StringSlice, text, [at + 2]);
    return ReflectApply(StringSlice, text, [0, at + 1]) + sign + (digits.length < 2 ? '0' + digits : digits);
  }

  host.global('system', ObjectFreeze({
    http: http,
    format: format,
    setTimeout: function (fn, ms) {
      return setTimer('system.setTimeout', fn, ms, restArgs(arguments, 2), false);
    },
    clearTimeout: clearTimer
  }));

  // ---- console.trace ------------------------------------------------------------------------------------
  // Forge's console is frozen; the backend sees this one instead (see IntegrationScripts: the backend runs
  // inside a function whose parameter "console" shadows the global).
  // Vodia's levels run from 0 (only the worst) to 9 (everything); a trace shows when its level is at most
  // the host's (IntegrationHost.Builder.traceLevel, 5 unless set), at the SLF4J level its number suggests.
  const TRACE_LEVEL = __TRACE_LEVEL__;
  function level(v) {
    return v <= 1 ? 'error' : v === 2 ? 'warn' : 'info';
  }

  const traceConsole = ObjectFreeze({
    log: frozenConsole.log,
    info: frozenConsole.info,
    debug: frozenConsole.debug,
    warn: frozenConsole.warn,
    error: frozenConsole.error,
    trace: function trace(category, lvl, domain, message) {
      const n = NumberCtor(lvl);
      if (n > TRACE_LEVEL) {
        return;
      }
      const where = domain === undefined || domain === null || domain === '' ? ''
          : ' ' + (typeof domain === 'object' && domain.address !== undefined ? StringCtor(domain.address) : StringCtor(domain));
      host.log(level(n), '[' + StringCtor(category) + ' ' + StringCtor(n) + ']' + where + ': '
          + textOf(message));
    }
  });

  // ---- settings and calls ------------------------------------------------------------------------------
  host.global('loadIntr', function loadIntr(domain, user, name, secret) {
    return host.callSync('loadIntr', {
      domain: domain === undefined || domain === null ? null : StringCtor(domainAddress(domain)),
      user: user === undefined || user === null ? '' : StringCtor(user),
      name: name === undefined || name === null ? '' : StringCtor(name),
      secret: !!secret
    });
  });

  host.global('saveIntr', function saveIntr(domain, user, name, value, secret) {
    const json = JSONStringify(value);
    host.callSync('saveIntr', {
      domain: domain === undefined || domain === null ? null : StringCtor(domainAddress(domain)),
      user: user === undefined || user === null ? '' : StringCtor(user),
      name: name === undefined || name === null ? '' : StringCtor(name),
      value: json === undefined ? null : value,
      secret: !!secret
    });
  });

  function domainAddress(domain) {
    return typeof domain === 'object' && domain.address !== undefined ? domain.address : domain;
  }

  host.global('startCall', function startCall(args) {
    if (args === null || typeof args !== 'object') {
      throw new TypeErrorCtor('startCall: expects an object {domain, user | from, ani, to, timeout, connect}');
    }
    return host.callSync('startCall', {
      domain: args.domain === undefined || args.domain === null ? null : StringCtor(domainAddress(args.domain)),
      user: args.user === undefined || args.user === null ? null : StringCtor(args.user),
      from: args.from === undefined || args.from === null ? null : StringCtor(args.from),
      ani: args.ani === undefined || args.ani === null ? null : StringCtor(args.ani),
      to: args.to === undefined || args.to === null ? null : StringCtor(args.to),
      timeout: args.timeout === undefined || args.timeout === null ? null : NumberCtor(args.timeout),
      connect: !!args.connect
    });
  });

  host.global('endCall', function endCall(id, code, expl, forced) {
    host.callSync('endCall', {
      id: id === undefined || id === null ? null : StringCtor(id),
      code: code === undefined || code === null ? null : NumberCtor(code),
      expl: expl === undefined || expl === null ? null : StringCtor(expl),
      forced: !!forced
    });
  });

  // ---- the hooks -----------------------------------------------------------------------------------------
  let hooks = ObjectCreate(null);
  host.global('__forgeIntegration', ObjectFreeze({
    console: traceConsole,
    hooks: function (found) {
      const next = ObjectCreate(null);
      for (let i = 0; i < HOOKS.length; i++) {
        const fn = found === null || typeof found !== 'object' ? undefined : found[HOOKS[i]];
        if (typeof fn === 'function') {
          next[HOOKS[i]] = fn;
        }
      }
      hooks = next;
    }
  }));

  function hookNamed(name) {
    const fn = hooks[name];
    if (typeof fn === 'function') {
      return fn;
    }
    const global = G[name];
    return typeof global === 'function' ? global : undefined;
  }

  function answer(st) {
    return function callback(code, text, contentType, body) {
      if (st.answered || st.settled) {
        return;
      }
      const status = code === undefined || code === null ? 200 : NumberCtor(code);
      if (!NumberIsInteger(status) || status < 200 || status > 599) {
        // refused before anything is sent, so the hook may still answer with a status that is one
        throw new RangeErrorCtor('callback: code: the status of an answer must be an integer from 200 to 599, got '
            + (typeof code === 'string' ? "'" + code + "'" : StringCtor(code)));
      }
      host.callSync('respond', {
        code: status,
        text: text === undefined || text === null ? null : StringCtor(text),
        contentType: contentType === undefined || contentType === null ? null : StringCtor(contentType),
        body: body === undefined || body === null ? '' : typeof body === 'string' ? body : JSONStringify(body)
      });
      st.answered = true;
      settleIfIdle(st);
    };
  }

  return {
    bind: function () {
      return function entry(fn, data, inv) {
        const hook = hookNamed(fn);
        if (hook === undefined) {
          return ABSENT;
        }
        if ((++started & 255) === 0) {
          sweep();
        }
        return new PromiseCtor(function (resolve, reject) {
          const st = {
            inv: inv, born: DateNow(), pending: 0, async: false, returned: false, settled: false, confirming: false,
            http: fn === 'onhttp', answered: false, result: undefined, resolve: resolve, reject: reject
          };
          states[inv] = st;
          const args = ArrayIsArray(data) ? data : [data];
          let result;
          try {
            result = ReflectApply(hook, undefined, st.http ? [args[0], answer(st)] : [args[0]]);
          } catch (e) {
            fail(st, e);
            return;
          }
          if (result !== null && (typeof result === 'object' || typeof result === 'function')
              && typeof result.then === 'function') {
            st.async = true;
            ReflectApply(PromiseThen, ReflectApply(PromiseCtor.resolve, PromiseCtor, [result]), [
              function (value) {
                st.result = value;
                st.returned = true;
                settleIfIdle(st);
              },
              function (error) {
                fail(st, error);
              }
            ]);
          } else {
            st.result = result;
            st.returned = true;
            settleIfIdle(st);
          }
        });
      };
    }
  };
})
