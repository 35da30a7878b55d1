// The installer of Forge's "voice" bindings: a Class 5 script's main(data, ctx). Each invocation is one
// call and gets its own ctx; its verbs call the call's VoiceChannel through host.call and return promises.
// A verb called while another is still running means an earlier one was not awaited: that loses sync with
// the call, so it is refused with an error saying which. After the call has been hung up every verb fails.
function (host) {
  'use strict';
  const ReflectApply = Reflect.apply;
  const PromiseThen = Promise.prototype.then;
  const PromiseCtor = Promise;
  const PromiseResolve = Promise.resolve;
  const ObjectFreeze = Object.freeze;
  const ObjectCreate = Object.create;
  const ObjectKeys = Object.keys;
  const StringCtor = String;
  const NumberCtor = Number;
  const ErrorCtor = Error;
  const TypeErrorCtor = TypeError;
  const RegExpCtor = RegExp;
  const RegExpTest = RegExp.prototype.test;
  const StringEndsWith = String.prototype.endsWith;
  const DateNow = Date.now;
  const isRegExp = function (value) {
    try {
      ReflectApply(RegExpTest, value, ['']);
      return true;
    } catch (e) {
      return false;
    }
  };

  function then(promise, onValue, onError) {
    return ReflectApply(PromiseThen, promise, [onValue, onError]);
  }

  function seconds(value, fallback, what) {
    if (value === undefined || value === null) {
      return fallback;
    }
    const n = NumberCtor(value);
    if (!(n > 0)) {
      throw new TypeErrorCtor(what + ' must be a positive number of seconds, got ' + StringCtor(value));
    }
    return n;
  }

  function count(value, fallback, what) {
    if (value === undefined || value === null) {
      return fallback;
    }
    const n = NumberCtor(value);
    if (!(n >= 0) || n !== (n | 0)) {
      throw new TypeErrorCtor(what + ' must be a whole number, got ' + StringCtor(value));
    }
    return n;
  }

  function makeCtx(inv) {
    const start = host.callSync('snapshot', null);
    const variables = ObjectCreate(null);
    const headers = ObjectCreate(null);
    let keys = ObjectKeys(start.variables);
    for (let i = 0; i < keys.length; i++) {
      variables[keys[i]] = start.variables[keys[i]];
    }
    keys = ObjectKeys(start.headers);
    for (let i = 0; i < keys.length; i++) {
      headers[keys[i]] = start.headers[keys[i]];
    }
    let busy = null;
    let hungUp = false;

    function call(fn, args) {
      return host.call(fn, args, inv);
    }

    // Runs one verb: refused after hangup or while another runs; busy until its promise settles.
    function verb(name, body) {
      if (hungUp) {
        throw new ErrorCtor('ctx.' + name + '(): the call has been hung up; no ctx verb works after ctx.hangup()');
      }
      if (busy !== null) {
        const message = 'ctx.' + name + '() was called while ctx.' + busy + '() was still running: await every '
            + 'ctx call (await ctx.' + busy + '(...)); a ctx call that is not awaited loses sync with the call';
        host.log('error', message);
        throw new ErrorCtor(message);
      }
      busy = name;
      let started;
      try {
        started = body();
      } catch (e) {
        busy = null;
        throw e;
      }
      return then(ReflectApply(PromiseResolve, PromiseCtor, [started]), function (value) {
        busy = null;
        return value;
      }, function (error) {
        busy = null;
        const message = error !== null && typeof error === 'object' ? error.message : StringCtor(error);
        throw new ErrorCtor('ctx.' + name + '(): ' + message);
      });
    }

    function matcher(match, what) {
      if (typeof match === 'function') {
        return function (digits, digit) {
          return !!match(digits, digit);
        };
      }
      if (match !== null && typeof match === 'object' && isRegExp(match)) {
        return function (digits) {
          return ReflectApply(RegExpTest, match, [digits]);
        };
      }
      if (typeof match === 'string' && match !== '') {
        return function (digits) {
          return ReflectApply(StringEndsWith, digits, [match]);
        };
      }
      throw new TypeErrorCtor('ctx.waitFor(): ' + what + ' must be a string of digits, a RegExp or a function, got '
          + (match === null ? 'null' : typeof match));
    }

    async function collect(file, timeoutSec, minDigits, maxDigits, terminators, opts) {
      const o = opts === undefined || opts === null ? {} : opts;
      const gather = {
        file: file === undefined || file === null ? null : StringCtor(file),
        timeoutMs: seconds(timeoutSec, 5, 'ctx.ivr(): timeout') * 1000,
        minDigits: count(minDigits, 1, 'ctx.ivr(): minDigits'),
        maxDigits: count(maxDigits, 1, 'ctx.ivr(): maxDigits'),
        terminators: terminators === undefined || terminators === null ? '#' : StringCtor(terminators)
      };
      if (gather.maxDigits < 1 || gather.minDigits > gather.maxDigits) {
        throw new TypeErrorCtor('ctx.ivr(): need 1 <= maxDigits and minDigits <= maxDigits, got minDigits '
            + gather.minDigits + ', maxDigits ' + gather.maxDigits);
      }
      const tries = count(o.tries, 1, 'ctx.ivr(): opts.tries') || 1;
      let pattern = null;
      if (o.regexp !== undefined && o.regexp !== null) {
        pattern = typeof o.regexp === 'string' ? new RegExpCtor(o.regexp) : o.regexp;
      }
      let last = '';
      for (let attempt = 0; attempt < tries; attempt++) {
        last = await call('gather', gather);
        const fits = last.length >= gather.minDigits && last.length <= gather.maxDigits && last !== '';
        if (fits && (pattern === null || ReflectApply(RegExpTest, pattern, [last]))) {
          return {status: 'success', value: last};
        }
        if (last !== '' && o.invalid_file !== undefined && o.invalid_file !== null && attempt + 1 < tries) {
          await call('play', {file: StringCtor(o.invalid_file)});
        }
      }
      if (o.transfer_on_failure !== undefined && o.transfer_on_failure !== null && o.transfer_on_failure !== false) {
        await call('bridge', {destination: StringCtor(o.transfer_on_failure), continueOn: 'false'});
        return {status: 'transferred', value: last};
      }
      return {status: last === '' ? 'timeout' : 'invalid', value: last};
    }

    async function waitFor(match, quit, timeout) {
      const matches = matcher(match, 'match');
      const quits = quit === undefined || quit === null ? null : matcher(quit, 'quit');
      const limitMs = seconds(timeout, 60, 'ctx.waitFor(): timeout') * 1000;
      const until = DateNow() + limitMs;
      let digits = '';
      for (;;) {
        const left = until - DateNow();
        const digit = left > 0 ? await call('nextDigit', {timeoutMs: left}) : null;
        if (digit === null) {
          throw new ErrorCtor('timed out after ' + (limitMs / 1000) + ' s waiting for a match; got "' + digits + '"');
        }
        digits += digit;
        if (quits !== null && quits(digits, digit)) {
          throw new ErrorCtor('the caller typed the quit sequence ("' + digits + '")');
        }
        if (matches(digits, digit)) {
          return digits;
        }
      }
    }

    const ctx = {
      get: function (key) {
        const value = variables[StringCtor(key)];
        return value === undefined ? null : value;
      },
      set: function (key, value, skipWrite) {
        const name = StringCtor(key);
        const text = value === undefined || value === null ? '' : StringCtor(value);
        variables[name] = text;
        if (skipWrite === true) {
          return ReflectApply(PromiseResolve, PromiseCtor, [undefined]);
        }
        return verb('set', function () {
          return call('setVariable', {name: name, value: text});
        });
      },
      header: function (key, value) {
        const name = StringCtor(key);
        if (arguments.length < 2) {
          const found = headers[name];
          return found === undefined ? null : found;
        }
        const text = StringCtor(value);
        headers[name] = text;
        return verb('header', function () {
          return call('setHeader', {name: name, value: text});
        });
      },
      log: function (text) {
        host.log('info', StringCtor(text));
      },
      answer: function () {
        return verb('answer', function () {
          return call('answer', null);
        });
      },
      play: function (file) {
        if (typeof file !== 'string' || file === '') {
          throw new TypeErrorCtor('ctx.play(): file must be a non-empty string such as "ivr/welcome.wav", got '
              + (typeof file === 'string' ? '""' : typeof file));
        }
        return verb('play', function () {
          return call('play', {file: file});
        });
      },
      tts: function (text) {
        return verb('tts', function () {
          return call('tts', {text: StringCtor(text)});
        });
      },
      echo: function (delayMs) {
        return verb('echo', function () {
          return call('echo', {delayMs: delayMs === undefined ? 0 : NumberCtor(delayMs)});
        });
      },
      ivr: function (file, timeoutSec, minDigits, maxDigits, terminators, opts) {
        return verb('ivr', function () {
          return collect(file, timeoutSec, minDigits, maxDigits, terminators, opts);
        });
      },
      record: function (name) {
        return verb('record', function () {
          return call('record', {name: StringCtor(name)});
        });
      },
      bridge: function (destination, continueOn) {
        if (destination === undefined || destination === null || destination === '') {
          throw new TypeErrorCtor('ctx.bridge(): destination is required, such as "sip:100@example.com"');
        }
        return verb('bridge', function () {
          return call('bridge', {destination: StringCtor(destination),
            continueOn: continueOn === undefined ? 'false' : StringCtor(continueOn)});
        });
      },
      transfer: function (destination) {
        if (destination === undefined || destination === null || destination === '') {
          throw new TypeErrorCtor('ctx.transfer(): destination is required, such as "sip:100@example.com"');
        }
        return verb('transfer', function () {
          return call('bridge', {destination: StringCtor(destination), continueOn: 'false'});
        });
      },
      hangup: function () {
        const done = verb('hangup', function () {
          return call('hangup', null);
        });
        hungUp = true;
        return done;
      },
      blockDtmf: function (digits) {
        return verb('blockDtmf', function () {
          return call('blockDtmf', {digits: digits === undefined ? '0123456789' : StringCtor(digits)});
        });
      },
      waitFor: function (match, quit, timeout) {
        return verb('waitFor', function () {
          return waitFor(match, quit, timeout);
        });
      },
      waitForHangup: function () {
        return verb('waitForHangup', function () {
          return call('ended', null);
        });
      }
    };
    return {ctx: ObjectFreeze(ctx), busy: function () {
      return busy;
    }};
  }

  return {
    bind: function (main) {
      if (typeof main !== 'function') {
        throw new ErrorCtor('the voice script defines no main function; write async function main(data, ctx) { '
            + 'await ctx.answer(); ... }');
      }
      return function entry(fn, data, inv) {
        const call = makeCtx(inv);
        const result = main(data, call.ctx);
        // A verb still running when main is done was not awaited: report it as the call's failure.
        return then(ReflectApply(PromiseResolve, PromiseCtor, [result]), function (value) {
          const pending = call.busy();
          if (pending !== null) {
            const message = 'ctx.' + pending + '() was not awaited: main finished while it was still running; '
                + 'write await ctx.' + pending + '(...)';
            host.log('error', message);
            throw new ErrorCtor(message);
          }
          return value;
        });
      };
    }
  };
}
