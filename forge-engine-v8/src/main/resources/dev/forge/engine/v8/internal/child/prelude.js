// Forge's prelude. It runs in every isolate before any tenant code and evaluates to one setup function.
// Java calls setup(log, settle, kill, op, cancel, module, sync, installer, optionsJson) once (installer:
// the script's extra bindings, see dev.forge.spi.Bindings, or undefined); it returns bind(main), and
// bind returns entry(mode, inv, a, b): mode 0 starts invocation inv (a: the function, '' for main;
// b: its data or arguments as JSON), mode 1 delivers a host result to it (a: the operation, b: the
// result), mode 2 forgets finished invocations (a: their ids, comma-separated).
//
// Host operations are numbered here and started with op(inv, id, kind, argsJson), which answers nothing:
// the result (or the host's refusal) comes back later through mode 1. The host checks every request
// against its own record of the invocations it started; this prelude only ever names live ones.
//
// Everything Forge relies on at invocation time is captured here, before tenant code can replace it,
// and is called through Reflect.apply so that a tenant's edits to prototypes cannot redirect it.
// Results cross back to Java as one string. A returned value is its JSON as it is (no copy on the hot
// path); anything else starts with a letter that no JSON text starts with (dev.forge.engine.v8.internal
// .wire.Tags names the same letters on the Java side):
//   S<text>  main threw a string (Java decides whether it is a SIP rejection)
//   A<json>  main threw or rejected with an array ([code, reason] is a SIP rejection)
//   E<json>  main threw an error-like value: {name, message, stack}
//   D<text>  the data Forge was given is not JSON
//   P        main returned a promise; the answer comes later through host.settle(id, result)
// Host results delivered in mode 1: O<json> a value, U undefined, E<text> an error, T a timer fired.
(function () {
  'use strict';
  const TAG_THROWN_STRING = 'S';
  const TAG_THROWN_ARRAY = 'A';
  const TAG_THROWN_ERROR = 'E';
  const TAG_BAD_DATA = 'D';
  const TAG_PENDING = 'P';
  const TAG_VALUE = 'O';
  const TAG_UNDEFINED = 'U';
  const TAG_SOURCE = 'S';
  const MODE_START = 0;
  const MODE_DELIVER = 1;
  const MODE_FORGET = 2;

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
  const MAX_SAFE_STEP = 9007199254740991;
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

  const ObjectGetPrototypeOf = Object.getPrototypeOf;
  const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
  const ArrayFrom = Array.from;
  const MapCtor = Map;
  const MapGet = Map.prototype.get;
  const MapSet = Map.prototype.set;
  const ArrayCtor = Array;
  const SymbolIterator = Symbol.iterator;
  const MathMin = Math.min;
  const MathMax = Math.max;
  const MathCeil = Math.ceil;

  const ArrayBufferPrototype = ArrayBuffer.prototype;
  const ArrayBufferByteLength = ObjectGetOwnPropertyDescriptor(ArrayBufferPrototype, 'byteLength').get;
  const TypedArrayPrototype = ObjectGetPrototypeOf(Uint8Array.prototype);
  const TypedArrayCtor = ObjectGetPrototypeOf(Uint8Array);
  const TypedArrayLength = ObjectGetOwnPropertyDescriptor(TypedArrayPrototype, 'length').get;
  const TypedArraySet = TypedArrayPrototype.set;
  const RangeErrorCtor = RangeError;

  function isArrayBuffer(value) {
    try {
      ReflectApply(ArrayBufferByteLength, value, []);
      return true;
    } catch (e) {
      return false;
    }
  }

  // The length of a typed array from its internal slot, whatever the script did to the getter; -1 if not one.
  function typedLength(value) {
    try {
      return ReflectApply(TypedArrayLength, value, []);
    } catch (e) {
      return -1;
    }
  }

  return function setup(hostLog, hostSettle, hostKill, hostOp, hostCancel, hostModule, hostSync, installer, optionsJson) {
    const options = JSONParse(optionsJson);
    const isApp = options.app;
    const isDriver = options.driver;
    const lineChars = options.consoleLineChars;
    const allocationBudget = options.allocationBudget;
    const maxEvalChars = options.maxEvalChars;
    const maxRegExpChars = options.maxRegExpChars;
    const maxMessageChars = options.maxMessageChars;
    const maxOperations = options.maxOperations;
    const consoleCap = options.consoleLines;
    // console lines sent in the running turn: the host logs consoleCap of them and a note that they were capped
    let consoleSent = 0;
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
          const fixed = bytesOf(args);
          const nt = newTarget === guarded ? target : newTarget;
          if (!ArrayIsArray(fixed)) {
            // copied from an iterable or array-like: made at the length read once, then filled
            const made = ReflectConstruct(target, [fixed.length], nt);
            ReflectApply(TypedArraySet, made, [fixed.items]);
            return made;
          }
          return ReflectConstruct(target, fixed, nt);
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

    // A typed array is only ever built by V8 from a length, a buffer, or another typed array: an iterable or
    // array-like is read here once (its length cannot change between the meter and V8) and copied in.
    const typedArrays = ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array',
      'Uint32Array', 'Float16Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array'];
    const widths = new MapCtor();
    for (let i = 0; i < typedArrays.length; i++) {
      const name = typedArrays[i];
      const ctor = G[name];
      if (typeof ctor !== 'function') {
        continue;
      }
      const width = ctor.BYTES_PER_ELEMENT;
      ReflectApply(MapSet, widths, [ctor.prototype, width]);
      guardConstructor(name, function (args) {
        const first = args[0];
        if (first === undefined || first === null || typeof first !== 'object' && typeof first !== 'function') {
          const length = toIndex(first);
          reserve(length * width);
          return [length];
        }
        if (isArrayBuffer(first)) {
          return args;
        }
        const typed = typedLength(first);
        if (typed >= 0) {
          reserve(typed * width);
          return [first];
        }
        const items = ReflectApply(ArrayFrom, ArrayCtor, [first]);
        const length = items.length;
        reserve(length * width);
        return {length: length, items: items};
      });
    }
    // Methods that allocate a new buffer without going through the constructors above (the default
    // constructor is used when a species is missing or the intrinsic one is used outright): metered by the
    // size they will allocate, computed from the captured intrinsic getters.
    function meterMethod(proto, name, bytesOf) {
      const method = proto[name];
      if (typeof method !== 'function') {
        return;
      }
      const guarded = {
        [name]() {
          reserve(bytesOf(this, arguments));
          return ReflectApply(method, this, arguments);
        }
      }[name];
      ObjectDefineProperty(proto, name, {value: guarded, writable: true, configurable: true});
    }

    function relative(value, length, fallback) {
      if (value === undefined) {
        return fallback;
      }
      const n = NumberCtor(value);
      const k = n !== n ? 0 : n === Infinity ? length : n === -Infinity ? -length : n < 0 ? -MathFloor(-n) : MathFloor(n);
      return k < 0 ? MathMax(length + k, 0) : MathMin(k, length);
    }

    function bufferLength(buffer) {
      try {
        return ReflectApply(ArrayBufferByteLength, buffer, []);
      } catch (e) {
        return 0;
      }
    }

    // bytes per element, by the intrinsic prototype (8, the widest, if the script swapped the prototype)
    function elementWidth(typed) {
      const width = ReflectApply(MapGet, widths, [ObjectGetPrototypeOf(typed)]);
      return width === undefined ? 8 : width;
    }

    meterMethod(ArrayBufferPrototype, 'slice', function (buffer, args) {
      const length = bufferLength(buffer);
      const start = relative(args[0], length, 0);
      const end = relative(args[1], length, length);
      return end > start ? end - start : 0;
    });
    meterMethod(ArrayBufferPrototype, 'transfer', function (buffer, args) {
      return args[0] === undefined ? bufferLength(buffer) : toIndex(args[0]);
    });
    meterMethod(ArrayBufferPrototype, 'transferToFixedLength', function (buffer, args) {
      return args[0] === undefined ? bufferLength(buffer) : toIndex(args[0]);
    });
    meterMethod(ArrayBufferPrototype, 'resize', function (buffer, args) {
      return toIndex(args[0]);
    });
    meterMethod(TypedArrayPrototype, 'slice', function (typed, args) {
      const length = MathMax(typedLength(typed), 0);
      const start = relative(args[0], length, 0);
      const end = relative(args[1], length, length);
      return (end > start ? end - start : 0) * elementWidth(typed);
    });
    const wholeCopies = ['map', 'filter', 'toReversed', 'toSorted', 'with'];
    for (let i = 0; i < wholeCopies.length; i++) {
      meterMethod(TypedArrayPrototype, wholeCopies[i], function (typed) {
        return MathMax(typedLength(typed), 0) * elementWidth(typed);
      });
    }
    const decoders = ['fromBase64', 'fromHex'];
    for (let i = 0; i < decoders.length; i++) {
      meterMethod(G.Uint8Array, decoders[i], function (ctor, args) {
        const text = args[0];
        return typeof text === 'string' ? MathCeil(text.length * 3 / 4) + 3 : 0;
      });
    }

    // --- source given to the compiler at run time: capped, since V8's parser and regexp compiler use
    // tens to hundreds of bytes per character outside the heap -----------------------------------------
    function capSource(what, text, cap) {
      if (typeof text === 'string' && text.length > cap) {
        throw new RangeErrorCtor(what + ': ' + text.length + ' characters of source; Forge compiles at most ' + cap);
      }
    }

    function guardCompiler(original, what) {
      const guarded = new ProxyCtor(original, {
        construct(target, args, newTarget) {
          let total = 0;
          for (let i = 0; i < args.length; i++) {
            total += typeof args[i] === 'string' ? args[i].length : 0;
          }
          if (total > maxEvalChars) {
            throw new RangeErrorCtor(what + ': ' + total + ' characters of source; Forge compiles at most ' + maxEvalChars);
          }
          return ReflectConstruct(target, args, newTarget === guarded ? target : newTarget);
        },
        apply(target, thisArg, args) {
          return ReflectConstruct(guarded, args, guarded);
        }
      });
      ObjectDefineProperty(original.prototype, 'constructor', {value: guarded, writable: true, configurable: true});
      return guarded;
    }

    const FunctionGuarded = guardCompiler(FunctionCtor, 'Function');
    ObjectDefineProperty(G, 'Function', {value: FunctionGuarded, writable: true, configurable: true, enumerable: false});
    guardCompiler(ObjectGetPrototypeOf(async function () {}).constructor, 'AsyncFunction');
    guardCompiler(ObjectGetPrototypeOf(function* () {}).constructor, 'GeneratorFunction');
    guardCompiler(ObjectGetPrototypeOf(async function* () {}).constructor, 'AsyncGeneratorFunction');

    const evalOriginal = G.eval;
    ObjectDefineProperty(G, 'eval', {value: {
      eval(source) {
        capSource('eval', source, maxEvalChars);
        return ReflectApply(evalOriginal, undefined, [source]);
      }
    }.eval, writable: true, configurable: true, enumerable: false});

    const RegExpCtor = RegExp;
    const RegExpGuarded = new ProxyCtor(RegExpCtor, {
      construct(target, args, newTarget) {
        capSource('RegExp', args[0], maxRegExpChars);
        return ReflectConstruct(target, args, newTarget === RegExpGuarded ? target : newTarget);
      },
      apply(target, thisArg, args) {
        capSource('RegExp', args[0], maxRegExpChars);
        return ReflectApply(target, thisArg, args);
      }
    });
    ObjectDefineProperty(RegExpCtor.prototype, 'constructor', {value: RegExpGuarded, writable: true, configurable: true});
    ObjectDefineProperty(G, 'RegExp', {value: RegExpGuarded, writable: true, configurable: true, enumerable: false});
    const regexpCompile = RegExpCtor.prototype.compile;
    if (typeof regexpCompile === 'function') {
      ObjectDefineProperty(RegExpCtor.prototype, 'compile', {value: function compile(pattern, flags) {
        capSource('RegExp', pattern, maxRegExpChars);
        return ReflectApply(regexpCompile, this, arguments);
      }, writable: true, configurable: true});
    }
    // these make a RegExp from a string argument with the intrinsic constructor
    const stringMatchers = ['match', 'matchAll', 'search'];
    for (let i = 0; i < stringMatchers.length; i++) {
      const method = StringCtor.prototype[stringMatchers[i]];
      ObjectDefineProperty(StringCtor.prototype, stringMatchers[i], {value: {
        [stringMatchers[i]](pattern) {
          capSource('RegExp', pattern, maxRegExpChars);
          return ReflectApply(method, this, arguments);
        }
      }[stringMatchers[i]], writable: true, configurable: true});
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
        if (consoleSent <= consoleCap) {
          consoleSent++;
          hostLog(level, line);
        }
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
          return TAG_THROWN_STRING + e;
        }
        if (ArrayIsArray(e)) {
          return TAG_THROWN_ARRAY + JSONStringify(e);
        }
        if (e !== null && (typeof e === 'object' || typeof e === 'function')) {
          const name = e.name;
          const message = e.message;
          const stack = e.stack;
          return TAG_THROWN_ERROR + JSONStringify({
            name: name === undefined ? '' : StringCtor(name),
            message: message === undefined ? StringCtor(e) : StringCtor(message),
            stack: typeof stack === 'string' ? stack : ''
          });
        }
        return TAG_THROWN_ERROR + JSONStringify({name: '', message: StringCtor(e), stack: ''});
      } catch (inner) {
        return TAG_THROWN_ERROR + JSONStringify({name: 'Error', message: 'the script threw a value that cannot be read', stack: ''});
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
      if (json === undefined) {
        return 'null';
      }
      if (json.length > maxMessageChars) {
        return encodeThrown(new RangeErrorCtor('main returned ' + json.length + ' characters of JSON; a script may return at most '
            + maxMessageChars));
      }
      return json;
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
    let nextOp = 0;
    // an App's invocations started and not yet settled or forgotten: only these may ask the host for anything
    // (a Script runs one invocation at a time: the one in currentInv while scriptRunning)
    const live = ObjectCreate(null);
    let scriptRunning = false;
    const ops = ObjectCreate(null);
    const timers = ObjectCreate(null);

    function argumentsJson(kind, args) {
      const json = JSONStringify(args);
      const text = json === undefined ? 'null' : json;
      if (text.length > maxMessageChars) {
        throw new RangeErrorCtor(kind + ': ' + text.length + ' characters of arguments; a host operation takes at most '
            + maxMessageChars);
      }
      return text;
    }

    function requireLive(kind, inv) {
      if (isApp ? live[inv] !== true : !scriptRunning || inv !== currentInv) {
        throw new ErrorCtor(inv === 0
            ? kind + ': host operations need a running invocation; call them from main, not from the top level of the script'
            : kind + ': the invocation has ended');
      }
    }

    // host operations each invocation started, against maxOperations
    const started = ObjectCreate(null);

    // Starts a host operation for a live invocation; its result comes back through deliver.
    function startOp(kind, args, inv) {
      const forInv = inv === undefined ? currentInv : inv;
      requireLive(kind, forInv);
      const count = (started[forInv] === undefined ? 0 : started[forInv]) + 1;
      if (count > maxOperations) {
        throw new ErrorCtor(kind + ': this invocation has started ' + maxOperations
            + ' host operations, the most one may');
      }
      const json = argumentsJson(kind, args);
      started[forInv] = count;
      const id = ++nextOp;
      hostOp(forInv, id, kind, json);
      return id;
    }

    function hostPromise(kind, args, forInv) {
      const inv = forInv === undefined ? currentInv : forInv;
      const id = startOp(kind, args, inv);
      return new PromiseCtor(function (resolve, reject) {
        ops[id] = {resolve: resolve, reject: reject, inv: inv};
      });
    }

    function settle(inv, encoded) {
      if (live[inv] === true) {
        delete live[inv];
        delete started[inv];
        hostSettle(inv, encoded);
      }
    }

    // A host result: a value's JSON, undefined, or an error's message, after its tag.
    function decoded(payload) {
      const tag = payload[0];
      if (tag === TAG_VALUE) {
        return {ok: true, value: JSONParse(ReflectApply(StringSlice, payload, [1]))};
      }
      if (tag === TAG_UNDEFINED) {
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
      if (found[0] !== TAG_SOURCE) {
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
          // NaN, Infinity, fractions and integers past 2^53 (already rounded) are refused, not sent
          if (!(step === MathFloor(step) && step >= -MAX_SAFE_STEP && step <= MAX_SAFE_STEP)) {
            throw new TypeErrorCtor('datastore.incr: by must be an integer from -' + MAX_SAFE_STEP + ' to '
                + MAX_SAFE_STEP + ', got ' + StringCtor(by));
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
          const name = StringCtor(fn);
          requireLive(name, currentInv);
          const result = decoded(hostSync(currentInv, name, argumentsJson(name, args === undefined ? null : args)));
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
          settle(timer.inv, encodeThrown(e));
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
        delete live[list[i]];
        delete started[list[i]];
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
      function runScript(inv, a, data) {
        scriptRunning = true;
        let result;
        try {
          result = custom !== null ? custom(a, data, inv) : a === '' ? main(data) : callExport(main, a, data);
        } catch (e) {
          return encodeThrown(e);
        } finally {
          scriptRunning = false;
          delete started[inv];
        }
        if (isThenable(result)) {
          return encodeThrown(new TypeErrorCtor('main returned a Promise, but a Script is synchronous; '
              + 'make it an App (type app) to use promises'));
        }
        return encodeReturn(result);
      }

      return function entry(mode, inv, a, b) {
        consoleSent = 0;
        if (mode === MODE_DELIVER) {
          deliver(inv, a, b);
          return '';
        }
        if (mode === MODE_FORGET) {
          forget(a);
          return '';
        }
        allocated = 0;
        currentInv = inv;
        let data;
        try {
          data = JSONParse(b);
        } catch (e) {
          return TAG_BAD_DATA + e.message;
        }
        if (!isApp) {
          return runScript(inv, a, data);
        }
        live[inv] = true;
        let result;
        try {
          result = custom !== null ? custom(a, data, inv) : a === '' ? main(data) : callExport(main, a, data);
        } catch (e) {
          delete live[inv];
          return encodeThrown(e);
        }
        if (!isThenable(result)) {
          delete live[inv];
          return encodeReturn(result);
        }
        ReflectApply(PromiseThen, ReflectApply(PromiseResolve, PromiseCtor, [result]), [
          function (value) {
            settle(inv, encodeReturn(value));
          },
          function (reason) {
            settle(inv, encodeThrown(reason));
          }
        ]);
        return TAG_PENDING;
      };
    };
  };
})()
