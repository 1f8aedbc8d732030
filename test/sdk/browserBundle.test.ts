import { expect } from "chai";
import { build } from "esbuild";
import { builtinModules } from "node:module";

/**
 * The SDK must run in a browser: esbuild bundles `src/sdk/index.ts` for the browser platform, where importing a Node
 * built-in is a build error; the test also checks that no built-in's name survives in the output.
 */
describe("SDK browser bundle", function () {
  it("bundles for the browser with no Node built-ins", async function () {
    const result = await build({
      entryPoints: ["src/sdk/index.ts"],
      bundle: true,
      platform: "browser",
      format: "esm",
      target: "es2022",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    expect(result.errors).to.deep.equal([]);
    const inputs = Object.keys(result.metafile.inputs);
    const nodeBuiltins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const imported = Object.values(result.metafile.inputs).flatMap((input) => input.imports.map((i) => i.path));
    expect(imported.filter((path) => nodeBuiltins.has(path))).to.deep.equal([]);
    expect(inputs.some((path) => path.startsWith("src/sdk/"))).to.equal(true);
    // Interface bindings only: no contract bytecode in the bundle.
    expect(inputs.filter((path) => path.includes("typechain-types/factories/contracts/core"))).to.deep.equal([]);
    const [output] = result.outputFiles;
    if (output === undefined) throw new Error("no output");
    const kib = output.contents.length / 1024;
    console.log(`      SDK browser bundle: ${kib.toFixed(0)} KiB unminified (ethers included)`);
    expect(kib).to.be.lessThan(2048);
  });
});
