/**
 * Branch coverage for Hardhat 3, which instruments statements but reports lines only (NomicFoundation/hardhat#6733).
 *
 * A side of a branch is taken when a statement that only runs on that side ran. Hardhat's coverage data records, per
 * run, the tags of the statements that ran (coverage/data/solidity/*.json); the tags are computed by EDR's
 * `addStatementCoverageInstrumentation`, which this script calls itself to learn each tag's source range. Then:
 *   - `if` true side: the first statement of its body ran;
 *   - `if` false side: the first statement of its `else` ran, or, with no `else`, when the body always leaves the
 *     block (revert, return, break, continue), the statement after the `if` ran;
 *   - every other `if`, and every `?:`, has its condition wrapped in a probe function appended to the file
 *         function __bp_<file>_<n>(bool c) pure returns (bool) { if (c) { return true; } return false; }
 *     (on separate lines) whose two `return` statements are the sides. Probes are few: most sides are proved by a
 *     statement already there. Original lines keep their numbers.
 *
 * `prepare <workdir>`: copies the project into <workdir> (node_modules linked), adds the probes, writes
 * <workdir>/branches.json.
 * `report <workdir> <out.info> [--min-lines P] [--min-branches P]`: reads <workdir>/parts/*.info (lcov of each run)
 * and <workdir>/parts/data/*.json (statement hits of each run), writes lcov with `BRDA` records to <out.info>, prints
 * lines and branches per file and every branch side no test takes; fails below the minimums (percent, contracts/).
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";

const require = createRequire(import.meta.url);

interface AstNode {
  nodeType?: string;
  src?: string;
  name?: string;
  condition?: AstNode;
  trueBody?: AstNode;
  falseBody?: AstNode | null;
  statements?: AstNode[];
  body?: AstNode;
  expression?: AstNode;
  [key: string]: unknown;
}

/** One `if` or `?:`: the UTF-16 offsets (in the prepared file) of the statements that prove each side ran. */
interface Branch {
  file: string;
  line: number;
  kind: "if" | "ternary";
  probed: boolean;
  trueAt: number;
  falseAt: number;
}

interface Prepared {
  /** Original line count of each prepared file: probe lines are below it. */
  files: Record<string, number>;
  branches: Branch[];
}

/** Top-level entries not copied into the coverage project: dependencies (linked), VCS data, outputs of other builds. */
const NOT_COPIED = new Set([
  ".git",
  "node_modules",
  "artifacts",
  "artifacts-bench",
  "artifacts-production",
  "cache",
  "cache-bench",
  "cache-production",
  "coverage",
  "reports",
]);
const SOLC_VERSION = (require("solc/package.json") as { version: string }).version;

function solFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return solFiles(path);
    return entry.name.endsWith(".sol") ? [path] : [];
  });
}

/** The AST of one file, parsed only (imports need not resolve), by the project's compiler. */
function parse(file: string, content: string): AstNode {
  const solc = require("solc") as { compile(input: string): string };
  const output = JSON.parse(
    solc.compile(
      JSON.stringify({
        language: "Solidity",
        sources: { [file]: { content } },
        settings: { stopAfter: "parsing", outputSelection: { "*": { "": ["ast"] } } },
      }),
    ),
  ) as { sources?: Record<string, { ast: AstNode }>; errors?: Array<{ severity: string; formattedMessage: string }> };
  const error = (output.errors ?? []).find((e) => e.severity === "error");
  if (error !== undefined) throw new Error(`coverage-branches: cannot parse ${file}:\n${error.formattedMessage}`);
  const ast = output.sources?.[file]?.ast;
  if (ast === undefined) throw new Error(`coverage-branches: no AST for ${file}`);
  return ast;
}

function span(node: AstNode | undefined | null): [number, number] {
  const [start, length] = (node?.src ?? "").split(":").map(Number);
  if (start === undefined || length === undefined || Number.isNaN(start)) throw new Error("coverage-branches: no src");
  return [start, length];
}

/** An `if` or `?:` with where it sits: for an `if` in a block, the statement after it. */
interface Found {
  node: AstNode;
  kind: Branch["kind"];
  next: AstNode | undefined;
}

/** Every `if` and `?:` in source order (by condition start), skipping the probe functions. */
function collect(ast: AstNode): Found[] {
  const found: Found[] = [];
  const visit = (node: unknown, next: AstNode | undefined): void => {
    if (Array.isArray(node)) {
      node.forEach((child) => visit(child, undefined));
      return;
    }
    if (node === null || typeof node !== "object") return;
    const n = node as AstNode;
    if (n.nodeType === "FunctionDefinition" && n.name?.startsWith("__bp_")) return;
    if (n.nodeType === "IfStatement") found.push({ node: n, kind: "if", next });
    if (n.nodeType === "Conditional") found.push({ node: n, kind: "ternary", next: undefined });
    for (const [key, value] of Object.entries(n)) {
      if (key === "statements" && Array.isArray(value)) {
        value.forEach((s: AstNode, i: number) => visit(s, value[i + 1] as AstNode | undefined));
      } else {
        visit(value, undefined);
      }
    }
  };
  visit(ast, undefined);
  return found.sort((a, b) => span(a.node.condition)[0] - span(b.node.condition)[0]);
}

const firstStatement = (body: AstNode | null | undefined): AstNode | undefined =>
  body === null || body === undefined
    ? undefined
    : body.nodeType === "Block" || body.nodeType === "UncheckedBlock"
      ? body.statements?.[0]
      : body;

function leaves(body: AstNode | null | undefined): boolean {
  if (body === null || body === undefined) return false;
  if (body.nodeType === "Block" || body.nodeType === "UncheckedBlock") return leaves(body.statements?.at(-1));
  return ["Return", "RevertStatement", "Continue", "Break"].includes(body.nodeType ?? "");
}

/** The statements proving each side, or undefined when a probe is needed. */
function sides(f: Found): [AstNode, AstNode] | undefined {
  if (f.kind === "ternary") return undefined;
  const onTrue = firstStatement(f.node.trueBody);
  const onFalse =
    f.node.falseBody !== null && f.node.falseBody !== undefined
      ? firstStatement(f.node.falseBody)
      : leaves(f.node.trueBody)
        ? f.next
        : undefined;
  return onTrue !== undefined && onFalse !== undefined ? [onTrue, onFalse] : undefined;
}

/** Converts a UTF-8 byte offset of `bytes` to a UTF-16 offset (what the coverage metadata uses). */
function utf16At(bytes: Buffer, byteOffset: number): number {
  return bytes.subarray(0, byteOffset).toString("utf8").length;
}

function lineAt(bytes: Buffer, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

function prepare(workdir: string): void {
  rmSync(workdir, { recursive: true, force: true });
  mkdirSync(workdir, { recursive: true });
  for (const entry of readdirSync(".")) {
    if (!NOT_COPIED.has(entry)) cpSync(entry, join(workdir, entry), { recursive: true });
  }
  symlinkSync(resolve("node_modules"), join(workdir, "node_modules"));
  // The periphery's tests deploy the core from its (uninstrumented) artifacts with `deployCode`: bring them along,
  // without the build-info files (most of the 500 MB).
  if (!existsSync("artifacts/contracts")) {
    throw new Error("coverage-branches: no artifacts/contracts: build the contracts first (npm run build)");
  }
  cpSync("artifacts", join(workdir, "artifacts"), {
    recursive: true,
    filter: (source) => !source.includes("build-info"),
  });

  const prepared: Prepared = { files: {}, branches: [] };
  solFiles("contracts").forEach((file, fileIndex) => {
    const original = readFileSync(file);
    const found = collect(parse(file, original.toString("utf8")));
    if (found.length === 0) return;
    const probedIndexes = found.map((f, i) => (sides(f) === undefined ? i : -1)).filter((i) => i >= 0);

    // Wrap the probed conditions: `name(` before, `)` after. At one offset closings come first, an outer
    // condition opens before and closes after an inner one.
    const inserts = probedIndexes.flatMap((i) => {
      const [start, length] = span(found[i]?.node.condition);
      return [
        { at: start, text: `__bp_${fileIndex}_${i}(`, order: 1, key: length },
        { at: start + length, text: ")", order: 0, key: start },
      ];
    });
    inserts.sort((x, y) => x.at - y.at || x.order - y.order || y.key - x.key);
    const parts: Buffer[] = [];
    let cursor = 0;
    for (const insert of inserts) {
      parts.push(original.subarray(cursor, insert.at), Buffer.from(insert.text));
      cursor = insert.at;
    }
    parts.push(original.subarray(cursor));
    let text = Buffer.concat(parts).toString("utf8").replace(/\n*$/, "\n");
    const originalLines = text.split("\n").length - 1;
    if (probedIndexes.length > 0) {
      text += "// Branch probes (scripts/coverage-branches.ts): each side of a branch is a statement of its own.\n";
      for (const i of probedIndexes) {
        text += `function __bp_${fileIndex}_${i}(bool c) pure returns (bool) {\n    if (c) {\n        return true;\n    }\n    return false;\n}\n`;
      }
    }
    writeFileSync(join(workdir, file), text);

    // Offsets in the prepared file: parse it again; its branches are the original ones, in the same order.
    const bytes = Buffer.from(text);
    const ast = parse(file, text);
    const again = collect(ast);
    if (again.length !== found.length) throw new Error(`coverage-branches: ${file} changed shape when probed`);
    const probes = new Map<string, AstNode>();
    const findProbes = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(findProbes);
      else if (node !== null && typeof node === "object") {
        const n = node as AstNode;
        if (n.nodeType === "FunctionDefinition" && n.name?.startsWith("__bp_")) probes.set(n.name, n);
        else Object.values(n).forEach(findProbes);
      }
    };
    findProbes(ast);
    again.forEach((f, i) => {
      const line = lineAt(original, span(found[i]?.node.condition)[0]);
      const probe = probes.get(`__bp_${fileIndex}_${i}`);
      let proof: [AstNode, AstNode] | undefined;
      if (probe !== undefined) {
        const [ifStatement, returnFalse] = probe.body?.statements ?? [];
        const returnTrue = firstStatement(ifStatement?.trueBody);
        if (returnTrue !== undefined && returnFalse !== undefined) proof = [returnTrue, returnFalse];
      } else {
        proof = sides(f);
      }
      if (proof === undefined) throw new Error(`coverage-branches: no proof statements for ${file}:${line}`);
      prepared.branches.push({
        file,
        line,
        kind: f.kind,
        probed: probe !== undefined,
        trueAt: utf16At(bytes, span(proof[0])[0]),
        falseAt: utf16At(bytes, span(proof[1])[0]),
      });
    });
    prepared.files[file] = originalLines;
  });
  writeFileSync(join(workdir, "branches.json"), JSON.stringify(prepared, null, 2));
  const probed = prepared.branches.filter((b) => b.probed).length;
  console.log(`coverage-branches: ${prepared.branches.length} branches, ${probed} of them probed, in ${workdir}`);
}

type LineHits = Map<number, number>;

function readLcov(paths: string[]): Map<string, LineHits> {
  const files = new Map<string, LineHits>();
  let current: LineHits | undefined;
  for (const line of paths.flatMap((path) => readFileSync(path, "utf8").split("\n"))) {
    if (line.startsWith("SF:")) {
      const file = line.slice(3);
      current = files.get(file) ?? new Map<number, number>();
      files.set(file, current);
    } else if (line.startsWith("DA:") && current !== undefined) {
      const [n, hits] = line.slice(3).split(",").map(Number);
      if (n !== undefined && hits !== undefined) current.set(n, (current.get(n) ?? 0) + hits);
    }
  }
  return files;
}

/** Start offsets (UTF-16) of the statements of `file` (as prepared in `workdir`): all of them, and those that ran. */
async function statementStarts(
  workdir: string,
  file: string,
  hitTags: Set<string>,
): Promise<{ all: Set<number>; ran: Set<number> }> {
  const edrPath = createRequire(require.resolve("hardhat/package.json")).resolve("@nomicfoundation/edr");
  const edr = (await import(edrPath)) as {
    addStatementCoverageInstrumentation(
      source: string,
      sourceName: string,
      solcVersion: string,
    ): { metadata: Array<{ tag: Uint8Array; startUtf16: number }> };
  };
  const source = readFileSync(join(workdir, file), "utf8");
  const { metadata } = edr.addStatementCoverageInstrumentation(source, `project/${file}`, SOLC_VERSION);
  // A statement's range starts right after the previous token: skip whitespace and comments to its first character.
  const startOf = (m: { startUtf16: number }): number => {
    let at = m.startUtf16;
    for (;;) {
      while (at < source.length && /\s/.test(source[at] ?? "")) at++;
      if (source.startsWith("//", at)) at = source.indexOf("\n", at) === -1 ? source.length : source.indexOf("\n", at);
      else if (source.startsWith("/*", at)) at = source.indexOf("*/", at) + 2;
      else return at;
    }
  };
  const all = new Set(metadata.map(startOf));
  const ran = new Set(metadata.filter((m) => hitTags.has(Buffer.from(m.tag).toString("hex"))).map(startOf));
  return { all, ran };
}

function option(name: string): number | undefined {
  const i = process.argv.indexOf(name);
  if (i === -1) return undefined;
  const value = Number(process.argv[i + 1]);
  if (!Number.isFinite(value) || value < 0 || value > 100) {
    throw new Error(`${name} must be a percentage in [0, 100], got ${process.argv[i + 1]}`);
  }
  return value;
}

async function report(workdir: string, outPath: string): Promise<void> {
  const prepared = JSON.parse(readFileSync(join(workdir, "branches.json"), "utf8")) as Prepared;
  const partsDir = join(workdir, "parts");
  const lcov = readLcov(
    readdirSync(partsDir)
      .filter((f) => f.endsWith(".info"))
      .map((f) => join(partsDir, f)),
  );
  const hitTags = new Set<string>();
  const dataDir = join(partsDir, "data");
  for (const f of readdirSync(dataDir).filter((name) => name.endsWith(".json"))) {
    const counts = JSON.parse(readFileSync(join(dataDir, f), "utf8")) as Record<string, number>;
    for (const [tag, count] of Object.entries(counts)) if (count > 0) hitTags.add(tag);
  }

  const records: string[] = [];
  const rows: Array<{ file: string; lh: number; lf: number; bh: number; bf: number }> = [];
  const missed: string[] = [];
  for (const [file, hits] of [...lcov.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const limit = prepared.files[file] ?? Number.MAX_SAFE_INTEGER;
    const lines = [...hits.entries()].filter(([n]) => n <= limit).sort(([a], [b]) => a - b);
    const branches = prepared.branches.filter((b) => b.file === file);
    const { all, ran } = await statementStarts(workdir, file, hitTags);
    const brda: string[] = [];
    let bh = 0;
    branches.forEach((b, i) => {
      for (const [side, at] of [
        ["true", b.trueAt],
        ["false", b.falseAt],
      ] as const) {
        if (!all.has(at))
          throw new Error(`coverage-branches: ${file}:${b.line} ${side} side is not an instrumented statement`);
        const taken = ran.has(at);
        brda.push(`BRDA:${b.line},${i},${side === "true" ? 0 : 1},${taken ? 1 : "-"}`);
        if (taken) bh++;
        else missed.push(`${file}:${b.line} ${b.kind} never ${side}`);
      }
    });
    const lh = lines.filter(([, h]) => h > 0).length;
    records.push(
      [
        "TN:",
        `SF:${file}`,
        ...lines.map(([n, h]) => `DA:${n},${h}`),
        `LF:${lines.length}`,
        `LH:${lh}`,
        ...brda,
        `BRF:${branches.length * 2}`,
        `BRH:${bh}`,
        "end_of_record",
      ].join("\n"),
    );
    rows.push({ file, lh, lf: lines.length, bh, bf: branches.length * 2 });
  }
  writeFileSync(outPath, records.join("\n") + "\n");

  const pct = (hit: number, found: number): string => (found === 0 ? "100.00" : ((100 * hit) / found).toFixed(2));
  console.log("\nCoverage over all test runs: lines, and branches (both sides of every if and ?:)");
  console.log(`${"lines".padStart(9)} ${"branches".padStart(10)}  file`);
  for (const r of rows) console.log(`${pct(r.lh, r.lf).padStart(7)} % ${pct(r.bh, r.bf).padStart(8)} %  ${r.file}`);
  const c = rows.filter((r) => r.file.startsWith("contracts/"));
  const sum = (k: "lh" | "lf" | "bh" | "bf"): number => c.reduce((s, r) => s + r[k], 0);
  const linePct = sum("lf") === 0 ? 100 : (100 * sum("lh")) / sum("lf");
  const branchPct = sum("bf") === 0 ? 100 : (100 * sum("bh")) / sum("bf");
  console.log(
    `${linePct.toFixed(2).padStart(7)} % ${branchPct.toFixed(2).padStart(8)} %  contracts/ ` +
      `(lines ${sum("lh")}/${sum("lf")}, branches ${sum("bh")}/${sum("bf")})`,
  );
  // A contract no test run compiled with instrumentation has no lcov record: name it, and count it as a failure
  // below, rather than leave it out of the totals.
  const unmeasured = solFiles("contracts")
    .filter((f) => !f.startsWith("contracts/interfaces/") && !lcov.has(f))
    .sort();
  if (unmeasured.length > 0) console.log(`\nNot measured by any test run:\n  ${unmeasured.join("\n  ")}`);
  const untaken = missed.filter((m) => m.startsWith("contracts/"));
  if (untaken.length > 0) console.log(`\nBranch sides no test takes:\n  ${untaken.join("\n  ")}`);
  console.log(`written: ${outPath}`);

  const failures: string[] = [];
  const minLines = option("--min-lines");
  const minBranches = option("--min-branches");
  if (minLines !== undefined && linePct < minLines) failures.push(`lines ${linePct.toFixed(2)} % < ${minLines} %`);
  if (minBranches !== undefined && branchPct < minBranches) {
    failures.push(`branches ${branchPct.toFixed(2)} % < ${minBranches} %`);
  }
  if ((minLines !== undefined || minBranches !== undefined) && unmeasured.length > 0) {
    failures.push(`${unmeasured.length} contract file(s) not measured`);
  }
  if (failures.length > 0) {
    console.error(`coverage: below the minimum for contracts/: ${failures.join("; ")}`);
    process.exit(1);
  }
}

const [command, workdir, outPath] = process.argv.slice(2);
if (command === "prepare" && workdir !== undefined) {
  prepare(resolve(workdir));
} else if (command === "report" && workdir !== undefined && outPath !== undefined) {
  await report(resolve(workdir), outPath);
} else {
  console.error(
    "usage: node scripts/coverage-branches.ts prepare <workdir>\n" +
      "       node scripts/coverage-branches.ts report <workdir> <out.info> [--min-lines P] [--min-branches P]",
  );
  process.exit(2);
}
