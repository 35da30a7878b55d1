// Forge's prelude. It runs in every isolate before any tenant code and evaluates to one setup function.
// Java calls setup(log, settle, kill, op, cancel, module, sync, installer, optionsJson) once (installer:
// the script's extra bindings, see dev.forge.spi.Bindings, or undefined); it returns bind(main), and
// bind returns entry(mode, inv, a, b): mode 0 starts invocation inv (a: the function, '' for main;
// b: its data or arguments as JSON), mode 1 delivers a host result to it (a: the operation, b: the
// result), mode 2 forgets finished invocations (a: their ids, comma-separated).
//
// Everything Forge relies on at invocation time is captured here, before tenant code can replace it,
// and is called through Reflect.apply so that a tenant's edits to prototypes cannot redirect it.
// Results cross back to Java as one string. A returned value is its JSON as it is (no copy on the hot
// path); anything else starts with a letter that no JSON text starts with:
//   S<text>  main threw a string (Java decides whether it is a SIP rejection)
//   A<json>  main threw or rejected with an array ([code, reason] is a SIP rejection)
//   E<json>  main threw an error-like value: {name, message, stack}
//   D<text>  the data Forge was given is not JSON
//   P        main returned a promise; the answer comes later through host.settle(id, result)
(function () {
  'use strict';
  const G = globalThis;
  const ReflectApply = Reflect.apply;
  const ReflectConstruct = Reflect.construct;
  const ObjectFreeze = Object.freeze;
  const ObjectDefineProperty = Object.defineProperty;
  const ArrayIsArray = Array.isArray;
  const JSONParse = JSON.parse;
  const JSONStringify = JSON.stringify;
  const StringCtor = String;
  const NumberCtor = Number;
  const MathFloor = Math.floor;
  const PromiseCtor = Promise;
  const PromiseResolve = Promise.resolve;
  const PromiseThen = Promise.prototype.then;
  const StringSlice = String.prototype.slice;
  const StringSplit = String.prototype.split;
  const StringToLowerCase = String.prototype.toLowerCase;
  const ObjectCreate = Object.create;
  const ObjectKeys = Object.keys;
  const FunctionCtor = Function;
  const ProxyCtor = Proxy;
  const ErrorCtor = Error;
  const TypeErrorCtor = TypeError;

  const ArrayBufferPrototype = ArrayBuffer.prototype;
  const ArrayBufferByteLength = Object.getOwnPropertyDescriptor(ArrayBufferPrototype, "byteLength").get;
  const RangeErrorCtor = RangeError;

  function isArrayBuffer(value) {
    try {
      ReflectApply(ArrayBufferByteLength, value, []);
      return true;
    } catch (e) {
      return false;
    }
  }

  return function setup(hostLog, hostSettle, hostKill, hostOp, hostCancel, hostModule, hostSync, installer, optionsJson) {
    const options = JSONParse(optionsJson);
    const isApp = options.app;
    const isDriver = options.driver;
    const lineChars = options.consoleLineChars;
    const allocationBudget = options.allocationBudget;
    let allocated = 0;

    // --- the sandbox: the language and Forge's bindings, nothing else -------------------------------
    // No threads, no shared memory, no wasm, no finalizers that could run during another invocation.
    const removed = ['WebAssembly', 'SharedArrayBuffer', 'Atomics', 'FinalizationRegistry', 'console'];
    for (let i = 0; i < removed.length; i++) {
      delete G[removed[i]];
    }

    // --- ArrayBuffer memory lives outside the V8 heap: meter every way a script can allocate it -------
    function reserve(bytes) {
      if (!(bytes > 0)) {
        return;
      }
      allocated += bytes;
      if (allocated > allocationBudget) {
        const message = 'ArrayBuffer allocations of ' + allocated + ' bytes exceed the memory limit of '
            + allocationBudget + ' bytes';
        hostKill('memory', message);
        throw new RangeErrorCtor(message);
      }
    }

    function toIndex(value) {
      const n = value === undefined ? 0 : MathFloor(NumberCtor(value));
      return n > 0 ? n : 0;
    }

    function guardConstructor(name, bytesOf) {
      const original = G[name];
      if (typeof original !== 'function') {
        return;
      }
      const guarded = new ProxyCtor(original, {
        construct(target, args, newTarget) {
          const fixedArgs = bytesOf(args);
          return ReflectConstruct(target, fixedArgs, newTarget === guarded ? target : newTarget);
        },
        apply(target, thisArg, args) {
          return ReflectApply(target, thisArg, args);
        }
      });
      ObjectDefineProperty(original.prototype, 'constructor', {value: guarded, writable: true, configurable: true});
      ObjectDefineProperty(G, name, {value: guarded, writable: true, configurable: true, enumerable: false});
    }

    guardConstructor('ArrayBuffer', function (args) {
      const length = toIndex(args[0]);
      let max = 0;
      const opts = args[1];
      if (opts !== undefined && opts !== null && typeof opts === 'object') {
        const m = opts.maxByteLength;
        if (m !== undefined) {
          max = toIndex(m);
        }
      }
      reserve(length > max ? length : max);
      return max > 0 ? [length, {maxByteLength: max}] : [length];
    });

    const typedArrays = ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array',
      'Uint32Array', 'Float16Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array'];
    for (let i = 0; i < typedArrays.length; i++) {
      const name = typedArrays[i];
      const ctor = G[name];
      if (typeof ctor !== 'function') {
        continue;
      }
      const width = ctor.BYTES_PER_ELEMENT;
      guardConstructor(name, function (args) {
        const first = args[0];
        if (first === undefined || first === null || typeof first !== 'object') {
          const length = toIndex(first);
          reserve(length * width);
          return [length];
        }
        // A view on an existing buffer allocates nothing; anything else is copied into a new buffer.
        if (!isArrayBuffer(first)) {
          const length = toIndex(first.length);
          reserve(length * width);
        }
        return args;
      });
    }

    const bufferProto = ArrayBufferPrototype;
    const methods = ['transfer', 'transferToFixedLength', 'resize'];
    for (let i = 0; i < methods.length; i++) {
      const method = bufferProto[methods[i]];
      if (typeof method !== 'function') {
        continue;
      }
      const guarded = {
        [methods[i]](newLength) {
          const n = newLength === undefined ? this.byteLength : toIndex(newLength);
          reserve(n);
          return ReflectApply(method, this, [n]);
        }
      }[methods[i]];
      ObjectDefineProperty(bufferProto, methods[i], {value: guarded, writable: true, configurable: true});
    }

    // --- console: to the host's log, capped per invocation by the host -------------------------------
    function text(value) {
      if (typeof value === 'string') {
        return value;
      }
      try {
        const json = JSONStringify(value);
        return json === undefined ? StringCtor(value) : json;
      } catch (e) {
        try {
          return StringCtor(value);
        } catch (e2) {
          return '[unprintable]';
        }
      }
    }

    function logger(level) {
      return ObjectFreeze(function () {
        let line = '';
        for (let i = 0; i < arguments.length; i++) {
          line += (i > 0 ? ' ' : '') + text(arguments[i]);
          if (line.length > lineChars) {
            break;
          }
        }
        if (line.length > lineChars) {
          line = ReflectApply(StringSlice, line, [0, lineChars]) + '... (truncated)';
        }
        hostLog(level, line);
      });
    }

    const console = ObjectFreeze({
      log: logger('info'),
      info: logger('info'),
      debug: logger('debug'),
      warn: logger('warn'),
      error: logger('error')
    });
    ObjectDefineProperty(G, 'console', {value: console, writable: false, configurable: false, enumerable: false});

    // --- results --------------------------------------------------------------------------------------
    function encodeThrown(e) {
      try {
        if (typeof e === 'string') {
          return 'S' + e;
        }
        if (ArrayIsArray(e)) {
          return 'A' + JSONStringify(e);
        }
        if (e !== null && (typeof e === 'object' || typeof e === 'function')) {
          const name = e.name;
          const message = e.message;
          const stack = e.stack;
          return 'E' + JSONStringify({
            name: name === undefined ? '' : StringCtor(name),
            message: message === undefined ? StringCtor(e) : StringCtor(message),
            stack: typeof stack === 'string' ? stack : ''
          });
        }
        return 'E' + JSONStringify({name: '', message: StringCtor(e), stack: ''});
      } catch (inner) {
        return 'E' + JSONStringify({name: 'Error', message: 'the script threw a value that cannot be read', stack: ''});
      }
    }

    function encodeReturn(value) {
      let json;
      try {
        json = JSONStringify(value);
      } catch (e) {
        return encodeThrown(new TypeErrorCtor('main returned a value that is not JSON: '
            + (e && typeof e.message === 'string' ? e.message : StringCtor(e))));
      }
      return json === undefined ? 'null' : json;
    }

    function isThenable(value) {
      return value !== null && (typeof value === 'object' || typeof value === 'function')
          && typeof value.then === 'function';
    }

    function defineGlobal(name, value) {
      ObjectDefineProperty(G, name, {value: value, writable: true, configurable: true, enumerable: false});
    }

    defineGlobal('env', ObjectFreeze(options.env));

    // --- host operations: each returns a promise settled when Java delivers the result -------------
    let currentInv = 0;
    const ops = ObjectCreate(null);
    const timers = ObjectCreate(null);

    function startOp(kind, args, inv) {
      const json = JSONStringify(args);
      const id = hostOp(inv === undefined ? currentInv : inv, kind, json === undefined ? 'null' : json);
      if (typeof id === 'string') {
        throw new ErrorCtor(id);
      }
      return id;
    }

    function hostPromise(kind, args, forInv) {
      const inv = forInv === undefined ? currentInv : forInv;
      const id = startOp(kind, args, inv);
      return new PromiseCtor(function (resolve, reject) {
        ops[id] = {resolve: resolve, reject: reject, inv: inv};
      });
    }

    // A host result: 'O' + JSON, 'U' for undefined, anything else an error's message after its tag.
    function decoded(payload) {
      const tag = payload[0];
      if (tag === 'O') {
        return {ok: true, value: JSONParse(ReflectApply(StringSlice, payload, [1]))};
      }
      if (tag === 'U') {
        return {ok: true, value: undefined};
      }
      return {ok: false, value: new ErrorCtor(ReflectApply(StringSlice, payload, [1]))};
    }

    function then(promise, onValue) {
      return ReflectApply(PromiseThen, promise, [onValue]);
    }

    function setTimer(name, fn, ms, args, repeat) {
      if (typeof fn !== 'function') {
        throw new TypeErrorCtor(name + ': the callback must be a function');
      }
      const delay = NumberCtor(ms);
      const id = startOp(repeat ? 'interval' : 'timeout', {ms: delay > 0 ? delay : 0});
      timers[id] = {fn: fn, args: args, inv: currentInv, repeat: repeat};
      return id;
    }

    function clearTimer(id) {
      if (timers[id] !== undefined) {
        delete timers[id];
        hostCancel(id);
      }
    }

    function restArgs(args, from) {
      const out = [];
      for (let i = from; i < args.length; i++) {
        out[out.length] = args[i];
      }
      return out;
    }

    function lower(text) {
      return ReflectApply(StringToLowerCase, StringCtor(text), []);
    }

    function headerPairs(headers) {
      const pairs = [];
      if (headers === undefined || headers === null) {
        return pairs;
      }
      if (ArrayIsArray(headers)) {
        for (let i = 0; i < headers.length; i++) {
          pairs[pairs.length] = [StringCtor(headers[i][0]), StringCtor(headers[i][1])];
        }
        return pairs;
      }
      const keys = ObjectKeys(headers);
      for (let i = 0; i < keys.length; i++) {
        pairs[pairs.length] = [keys[i], StringCtor(headers[keys[i]])];
      }
      return pairs;
    }

    function response(r) {
      const byName = ObjectCreate(null);
      for (let i = 0; i < r.headers.length; i++) {
        const key = lower(r.headers[i][0]);
        byName[key] = byName[key] === undefined ? r.headers[i][1] : byName[key] + ', ' + r.headers[i][1];
      }
      const body = r.body;
      return ObjectFreeze({
        status: r.status,
        ok: r.status >= 200 && r.status < 300,
        url: r.url,
        headers: ObjectFreeze({
          get: function (name) {
            const value = byName[lower(name)];
            return value === undefined ? null : value;
          },
          has: function (name) {
            return byName[lower(name)] !== undefined;
          }
        }),
        text: function () {
          return ReflectApply(PromiseResolve, PromiseCtor, [body]);
        },
        json: function () {
          return new PromiseCtor(function (resolve) {
            resolve(JSONParse(body));
          });
        }
      });
    }

    function ttlOf(opts) {
      if (opts === undefined || opts === null || opts.ttl === undefined) {
        return null;
      }
      const ttl = NumberCtor(opts.ttl);
      if (!(ttl > 0)) {
        throw new TypeErrorCtor('datastore: ttl must be a positive number of seconds, got ' + StringCtor(opts.ttl));
      }
      return ttl;
    }

    const moduleCache = ObjectCreate(null);

    function requireModule(name) {
      const key = StringCtor(name);
      const cached = moduleCache[key];
      if (cached !== undefined) {
        return cached.exports;
      }
      const found = hostModule(key);
      if (found[0] !== 'S') {
        throw new ErrorCtor(ReflectApply(StringSlice, found, [1]));
      }
      const module = {exports: {}};
      moduleCache[key] = module;
      const body = new FunctionCtor('exports', 'require', 'module', '__filename', '__dirname',
          ReflectApply(StringSlice, found, [1]));
      ReflectApply(body, module.exports, [module.exports, requireModule, module, key, '']);
      return module.exports;
    }

    if (isApp) {
      defineGlobal('setTimeout', function setTimeout(fn, ms) {
        return setTimer('setTimeout', fn, ms, restArgs(arguments, 2), false);
      });
      defineGlobal('setInterval', function setInterval(fn, ms) {
        return setTimer('setInterval', fn, ms, restArgs(arguments, 2), true);
      });
      defineGlobal('clearTimeout', clearTimer);
      defineGlobal('clearInterval', clearTimer);
      defineGlobal('require', requireModule);
      defineGlobal('fetch', function fetch(url, init) {
        const o = init === undefined || init === null ? {} : init;
        const request = {
          url: StringCtor(url),
          method: o.method === undefined ? 'GET' : StringCtor(o.method),
          headers: headerPairs(o.headers),
          body: o.body === undefined || o.body === null ? null : StringCtor(o.body)
        };
        return then(hostPromise('fetch', request), response);
      });
      defineGlobal('datastore', ObjectFreeze({
        get: function (key) {
          return hostPromise('ds.get', {key: StringCtor(key)});
        },
        set: function (key, value, opts) {
          const json = JSONStringify(value);
          if (json === undefined) {
            throw new TypeErrorCtor('datastore.set: the value must be JSON, got ' + typeof value);
          }
          return hostPromise('ds.set', {key: StringCtor(key), value: json, ttl: ttlOf(opts)});
        },
        incr: function (key, by, opts) {
          const step = by === undefined ? 1 : NumberCtor(by);
          if (!(step === MathFloor(step))) {
            throw new TypeErrorCtor('datastore.incr: by must be an integer, got ' + StringCtor(by));
          }
          return hostPromise('ds.incr', {key: StringCtor(key), by: step, ttl: ttlOf(opts)});
        },
        delete: function (key) {
          return hostPromise('ds.delete', {key: StringCtor(key)});
        },
        keys: function (prefix) {
          return hostPromise('ds.keys', {prefix: prefix === undefined ? '' : StringCtor(prefix)});
        }
      }));
      if (isDriver) {
        defineGlobal('module', {exports: {}});
        defineGlobal('exports', G.module.exports);
      }
    }
    const driverModule = isDriver ? G.module : null;

    // --- extra bindings (dev.forge.spi.Bindings): installed last, so they may build on all of the above ---
    let installed = null;
    if (typeof installer === 'function') {
      installed = installer(ObjectFreeze({
        call: function (fn, args, inv) {
          return hostPromise('x:' + StringCtor(fn), args === undefined ? null : args, inv);
        },
        callSync: function (fn, args) {
          const json = JSONStringify(args === undefined ? null : args);
          const result = decoded(hostSync(currentInv, StringCtor(fn), json === undefined ? 'null' : json));
          if (!result.ok) {
            throw result.value;
          }
          return result.value;
        },
        invocation: function () {
          return currentInv;
        },
        global: defineGlobal,
        log: function (level, line) {
          hostLog(StringCtor(level), StringCtor(line));
        }
      }));
    }

    function deliver(inv, id, payload) {
      currentInv = inv;
      const timer = timers[id];
      if (timer !== undefined) {
        if (!timer.repeat) {
          delete timers[id];
        }
        try {
          ReflectApply(timer.fn, undefined, timer.args);
        } catch (e) {
          hostSettle(timer.inv, encodeThrown(e));
        }
        return;
      }
      const op = ops[id];
      if (op === undefined) {
        return;
      }
      delete ops[id];
      const result = decoded(payload);
      if (result.ok) {
        op.resolve(result.value);
      } else {
        op.reject(result.value);
      }
    }

    function forget(ids) {
      const gone = ObjectCreate(null);
      const list = ReflectApply(StringSplit, ids, [',']);
      for (let i = 0; i < list.length; i++) {
        gone[list[i]] = true;
      }
      const opIds = ObjectKeys(ops);
      for (let i = 0; i < opIds.length; i++) {
        if (gone[ops[opIds[i]].inv]) {
          delete ops[opIds[i]];
        }
      }
      const timerIds = ObjectKeys(timers);
      for (let i = 0; i < timerIds.length; i++) {
        if (gone[timers[timerIds[i]].inv]) {
          delete timers[timerIds[i]];
        }
      }
    }

    function callExport(exports, fn, args) {
      const exported = exports[fn];
      if (typeof exported !== 'function') {
        throw new TypeErrorCtor('the driver exports no function ' + fn + '; it exports: ' + ObjectKeys(exports).join(', '));
      }
      return ReflectApply(exported, exports, ArrayIsArray(args) ? args : [args]);
    }

    return function bind(candidate) {
      let main = candidate;
      let custom = null;
      if (installed !== null && installed !== undefined && typeof installed.bind === 'function') {
        custom = installed.bind(candidate);
        if (typeof custom !== 'function') {
          throw new ErrorCtor('the bindings\' bind(main) returned no entry function');
        }
      } else if (isDriver) {
        const exported = driverModule.exports;
        main = exported !== null && typeof exported === 'object' && ObjectKeys(exported).length > 0
            ? exported : driverModule.export;
        if (main === null || typeof main !== 'object') {
          throw new ErrorCtor('the driver exports nothing; write module.exports = { search: async function ({number}) { ... }, ... }');
        }
      } else if (typeof main !== 'function') {
        throw new ErrorCtor('the script defines no main function; write function main(data) { ... return data; }');
      }
      return function entry(mode, inv, a, b) {
        if (mode === 1) {
          deliver(inv, a, b);
          return '';
        }
        if (mode === 2) {
          forget(a);
          return '';
        }
        allocated = 0;
        currentInv = inv;
        let data;
        try {
          data = JSONParse(b);
        } catch (e) {
          return 'D' + e.message;
        }
        let result;
        try {
          result = custom !== null ? custom(a, data, inv) : a === '' ? main(data) : callExport(main, a, data);
        } catch (e) {
          return encodeThrown(e);
        }
        if (!isThenable(result)) {
          return encodeReturn(result);
        }
        if (!isApp) {
          return encodeThrown(new TypeErrorCtor('main returned a Promise, but a Script is synchronous; '
              + 'make it an App (type app) to use promises'));
        }
        ReflectApply(PromiseThen, ReflectApply(PromiseResolve, PromiseCtor, [result]), [
          function (value) {
            hostSettle(inv, encodeReturn(value));
          },
          function (reason) {
            hostSettle(inv, encodeThrown(reason));
          }
        ]);
        return 'P';
      };
    };
  };
})()
