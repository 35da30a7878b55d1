// Forge's prelude. It runs in every isolate before any tenant code and evaluates to one setup function.
// Java calls setup(log, settle, kill, optionsJson) once; it returns bind(main) -> invoke(id, dataJson).
//
// Everything Forge relies on at invocation time is captured here, before tenant code can replace it,
// and is called through Reflect.apply so that a tenant's edits to prototypes cannot redirect it.
// Results cross back to Java as one string whose first character says what it is:
//   O<json>  main returned (JSON of the return value)
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

  return function setup(hostLog, hostSettle, hostKill, optionsJson) {
    const options = JSONParse(optionsJson);
    const isApp = options.app;
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
      return 'O' + (json === undefined ? 'null' : json);
    }

    function isThenable(value) {
      return value !== null && (typeof value === 'object' || typeof value === 'function')
          && typeof value.then === 'function';
    }

    return function bind(main) {
      if (typeof main !== 'function') {
        throw new ErrorCtor('the script defines no main function; write function main(data) { ... return data; }');
      }
      return function invoke(id, dataJson) {
        allocated = 0;
        let data;
        try {
          data = JSONParse(dataJson);
        } catch (e) {
          return 'D' + e.message;
        }
        let result;
        try {
          result = main(data);
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
            hostSettle(id, encodeReturn(value));
          },
          function (reason) {
            hostSettle(id, encodeThrown(reason));
          }
        ]);
        return 'P';
      };
    };
  };
})()
