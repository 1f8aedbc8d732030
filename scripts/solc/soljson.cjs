/**
 * The npm `solc` compiler (soljson.js, the wasm build) with its standard-JSON input passed on the heap.
 *
 * Hardhat calls `cwrap("solidity_compile", "string", ["string", ...])`, and emscripten copies a "string" argument
 * onto the wasm stack: an input over about 1.25 MB overflows it, and solc dies at once with "RuntimeError: memory
 * access out of bounds" (Hardhat: HHE908). The coverage build reaches that size: it compiles each test file with
 * the whole protocol, instrumented, and forge-std (safeconsole.sol alone is 428 KB). This module gives Hardhat the
 * same compiler with that one function taking its input from a heap allocation instead; everything else is the
 * package's own. hardhat.config.ts points `path` here (docs/toolchain.md).
 */
"use strict";
const solc = require("solc/soljson.js");

const cwrap = solc.cwrap;
solc.cwrap = function cwrapWithHeapInput(name, returnType, argTypes, options) {
  if (name !== "solidity_compile") return cwrap.call(this, name, returnType, argTypes, options);
  const compile = cwrap.call(this, name, "number", ["number", "number", "number"], options);
  return (input, readCallback, context) => {
    const size = solc.lengthBytesUTF8(input) + 1;
    const at = solc._malloc(size);
    try {
      solc.stringToUTF8(input, at, size);
      return solc.UTF8ToString(compile(at, readCallback ?? 0, context ?? 0));
    } finally {
      solc._free(at);
    }
  };
};

module.exports = solc;
