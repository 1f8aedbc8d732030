/**
 * Branch coverage for Hardhat 3, which instruments statements but not branches (NomicFoundation/hardhat#6733).
 *
 * `prepare <workdir> [--only a,b]`: copies the project into <workdir> (node_modules linked) and, in every contracts/ source, wraps
 * the condition of each `if` and each `?:` in a call to a probe function appended at the end of the file:
 *
 *     function __bp_<file>_<n>(bool c) pure returns (bool) {
 *         if (c) {
 *             return true;           // line T: the true side ran
 *         }
 *         return false;              // line F: the false side ran
 *     }
 *
 * The original lines keep their numbers (only characters are added inside them); each side of each branch has a line
 * of its own, so Hardhat's line coverage of the probes is branch coverage. Writes <workdir>/branch-probes.json.
 *
 * `--only` probes only files under those path prefixes: one compile job with every file probed outgrows the wasm
 * compiler, so scripts/coverage.sh runs two passes, each probing part of contracts/.
 *
 * `report <out.info> <pass workdir>...`: sums the line hits of each pass's parts/*.info, drops the probe lines from the line data, adds `BRDA` branch records
 * for the original `if`/`?:` lines, writes <out.info>, prints lines and branches per file and every branch side no
 * test takes. `--min-lines P --min-branches P` make it fail below P % over contracts/.
 *
 * Usage: node scripts/coverage-probes.ts prepare <workdir> [--only <path prefix>,...]
 *        node scripts/coverage-probes.ts report <out.info> <pass workdir>... [--min-lines P] [--min-branches P]
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative, resolve } from "node:path";

const require = createRequire(import.meta.url);

interface AstNode {
  nodeType?: string;
  src?: string;
  condition?: AstNode;
  [key: string]: unknown;
}

/** One `if` or `?:` of the original source. */
interface Branch {
  file: string;
  /** 1-based line of the condition in the original file. */
  line: number;
  kind: "if" | "ternary";
  /** Lines of the probe's true and false sides in the instrumented file. */
  trueLine: number;
  falseLine: number;
}

interface ProbeFile {
  file: string;
  /** Lines of the original file: probe lines are above this. */
  originalLines: number;
}

interface Probes {
  files: ProbeFile[];
  branches: Branch[];
}

/** Copied into the work directory; everything else is generated there or linked. */
const COPIED = [
  "contracts",
  "test",
  "src",
  "scripts",
  "hardhat.config.ts",
  "package.json",
  "remappings.txt",
  "tsconfig.json",
];

function solFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return solFiles(path);
    return entry.name.endsWith(".sol") ? [path] : [];
  });
}

/** The AST of one file, parsed only (imports need not resolve), by the project's own compiler. */
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
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) throw new Error(`coverage-probes: cannot parse ${file}:\n${errors[0]?.formattedMessage}`);
  const ast = output.sources?.[file]?.ast;
  if (ast === undefined) throw new Error(`coverage-probes: no AST for ${file}`);
  return ast;
}

/** Every condition of an `if` or `?:`, as [byte start, byte length, kind]. */
function conditions(node: unknown, found: Array<[number, number, Branch["kind"]]> = []): typeof found {
  if (Array.isArray(node)) {
    for (const child of node) conditions(child, found);
  } else if (node !== null && typeof node === "object") {
    const n = node as AstNode;
    if ((n.nodeType === "IfStatement" || n.nodeType === "Conditional") && n.condition?.src !== undefined) {
      const [start, length] = n.condition.src.split(":").map(Number);
      if (start === undefined || length === undefined) throw new Error(`coverage-probes: bad src ${n.condition.src}`);
      found.push([start, length, n.nodeType === "IfStatement" ? "if" : "ternary"]);
    }
    for (const value of Object.values(n)) conditions(value, found);
  }
  return found;
}

function lineAt(bytes: Buffer, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

function prepare(workdir: string, only: string[]): void {
  const root = process.cwd();
  rmSync(workdir, { recursive: true, force: true });
  mkdirSync(workdir, { recursive: true });
  for (const entry of COPIED) {
    if (existsSync(entry)) cpSync(entry, join(workdir, entry), { recursive: true });
  }
  symlinkSync(resolve(root, "node_modules"), join(workdir, "node_modules"));

  const probes: Probes = { files: [], branches: [] };
  solFiles("contracts").forEach((file, fileIndex) => {
    if (only.length > 0 && !only.some((prefix) => file.startsWith(prefix))) return;
    const bytes = readFileSync(file);
    const found = conditions(parse(file, bytes.toString("utf8"))).sort((a, b) => a[0] - b[0]);
    if (found.length === 0) return;
    const originalLines = bytes.toString("utf8").split("\n").length;
    // Point insertions: `name(` before each condition and `)` after it. At one offset, closings come before
    // openings, an outer condition opens before an inner one and closes after it.
    const inserts = found.flatMap(([start, length], i) => [
      { at: start, text: `__bp_${fileIndex}_${i}(`, order: 1, span: length },
      { at: start + length, text: ")", order: 0, span: start },
    ]);
    inserts.sort((x, y) => x.at - y.at || x.order - y.order || y.span - x.span);
    const parts: Buffer[] = [];
    let cursor = 0;
    for (const insert of inserts) {
      parts.push(bytes.subarray(cursor, insert.at), Buffer.from(insert.text));
      cursor = insert.at;
    }
    parts.push(bytes.subarray(cursor));
    const text = Buffer.concat(parts);
    const base = text.toString("utf8").replace(/\n*$/, "\n");
    const baseLines = base.split("\n").length - 1;
    const appended = [`// Branch probes (scripts/coverage-probes.ts): one line per side of each branch.`];
    found.forEach(([start, , kind], i) => {
      appended.push(
        `function __bp_${fileIndex}_${i}(bool c) pure returns (bool) {`,
        `    if (c) {`,
        `        return true;`,
      );
      const trueLine = baseLines + appended.length;
      appended.push(`    }`, `    return false;`);
      const falseLine = baseLines + appended.length;
      appended.push(`}`);
      probes.branches.push({ file, line: lineAt(bytes, start), kind, trueLine, falseLine });
    });
    const out = base + appended.join("\n") + "\n";
    const check = out.split("\n");
    for (const b of probes.branches.filter((x) => x.file === file)) {
      if (check[b.trueLine - 1] !== `        return true;` || check[b.falseLine - 1] !== `    return false;`) {
        throw new Error(`coverage-probes: probe lines misplaced in ${file}`);
      }
    }
    writeFileSync(join(workdir, file), out);
    probes.files.push({ file, originalLines });
  });
  writeFileSync(join(workdir, "branch-probes.json"), JSON.stringify(probes, null, 2));
  console.log(
    `coverage-probes: ${probes.branches.length} branches in ${probes.files.length} files instrumented in ${relative(root, workdir) || workdir}`,
  );
}

type LineHits = Map<number, number>;

/** Line hits per file, summed over lcov files. */
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

function option(name: string): number | undefined {
  const i = process.argv.indexOf(name);
  if (i === -1) return undefined;
  const value = Number(process.argv[i + 1]);
  if (!Number.isFinite(value) || value < 0 || value > 100) {
    throw new Error(`${name} must be a percentage in [0, 100], got ${process.argv[i + 1]}`);
  }
  return value;
}

/**
 * Merges the passes: line hits summed over every pass's parts (probe lines dropped); each file's branches from the
 * pass that probed it.
 */
function report(outPath: string, passes: string[]): void {
  const lcov = new Map<string, LineHits>();
  const branchesOf = new Map<string, { branches: Branch[]; hits: LineHits }>();
  for (const pass of passes) {
    const probes = JSON.parse(readFileSync(join(pass, "branch-probes.json"), "utf8")) as Probes;
    const partsDir = join(pass, "parts");
    const parts = readdirSync(partsDir)
      .filter((f) => f.endsWith(".info"))
      .map((f) => join(partsDir, f));
    const limits = new Map(probes.files.map((f) => [f.file, f.originalLines]));
    for (const [file, hits] of readLcov(parts)) {
      const limit = limits.get(file) ?? Number.MAX_SAFE_INTEGER;
      const merged = lcov.get(file) ?? new Map<number, number>();
      for (const [n, h] of hits) if (n <= limit) merged.set(n, (merged.get(n) ?? 0) + h);
      lcov.set(file, merged);
      if (limits.has(file)) {
        if (branchesOf.has(file)) throw new Error(`coverage-probes: ${file} probed in two passes`);
        branchesOf.set(file, { branches: probes.branches.filter((x) => x.file === file), hits });
      }
    }
  }
  const unprobed = [...lcov.keys()].filter((f) => f.startsWith("contracts/") && !branchesOf.has(f));
  for (const file of unprobed) {
    // A file without any if or ?: has no branches; one with branches must have been probed by some pass.
    const found = conditions(parse(file, readFileSync(file, "utf8")));
    if (found.length > 0) throw new Error(`coverage-probes: ${file} has branches but no pass probed it`);
  }
  const records: string[] = [];
  const rows: Array<{ file: string; lh: number; lf: number; bh: number; bf: number }> = [];
  const missed: string[] = [];
  for (const [file, merged] of [...lcov.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const lines = [...merged.entries()].sort(([a], [b]) => a - b);
    const { branches, hits } = branchesOf.get(file) ?? { branches: [], hits: new Map<number, number>() };
    const brda: string[] = [];
    let bh = 0;
    branches.forEach((b, i) => {
      for (const [side, probeLine] of [
        ["true", b.trueLine],
        ["false", b.falseLine],
      ] as const) {
        const taken = hits.get(probeLine) ?? 0;
        brda.push(`BRDA:${b.line},${i},${side === "true" ? 0 : 1},${taken > 0 ? taken : "-"}`);
        if (taken > 0) bh++;
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
  console.log("\nCoverage (merged over all test groups): lines and branches (each side of every if and ?:)");
  console.log(`${"lines".padStart(9)} ${"branches".padStart(10)}  file`);
  for (const r of rows) {
    console.log(`${pct(r.lh, r.lf).padStart(7)} % ${pct(r.bh, r.bf).padStart(8)} %  ${r.file}`);
  }
  const c = rows.filter((r) => r.file.startsWith("contracts/"));
  const sum = (k: "lh" | "lf" | "bh" | "bf"): number => c.reduce((s, r) => s + r[k], 0);
  const linePct = sum("lf") === 0 ? 100 : (100 * sum("lh")) / sum("lf");
  const branchPct = sum("bf") === 0 ? 100 : (100 * sum("bh")) / sum("bf");
  console.log(
    `${linePct.toFixed(2).padStart(7)} % ${branchPct.toFixed(2).padStart(8)} %  contracts/ (total: lines ${sum("lh")}/${sum("lf")}, branches ${sum("bh")}/${sum("bf")})`,
  );
  const untaken = missed.filter((m) => m.startsWith("contracts/"));
  if (untaken.length > 0) console.log(`\nBranch sides no test takes (contracts/):\n  ${untaken.join("\n  ")}`);
  console.log(`written: ${outPath}`);

  const minLines = option("--min-lines");
  const minBranches = option("--min-branches");
  const failures: string[] = [];
  if (minLines !== undefined && linePct < minLines) failures.push(`lines ${linePct.toFixed(2)} % < ${minLines} %`);
  if (minBranches !== undefined && branchPct < minBranches) {
    failures.push(`branches ${branchPct.toFixed(2)} % < ${minBranches} %`);
  }
  if (failures.length > 0) {
    console.error(`coverage: below the minimum for contracts/: ${failures.join("; ")}`);
    process.exit(1);
  }
}

const [command, target, ...rest] = process.argv.slice(2);
const onlyAt = rest.indexOf("--only");
if (command === "prepare" && target !== undefined) {
  prepare(resolve(target), onlyAt === -1 ? [] : (rest[onlyAt + 1] ?? "").split(",").filter(Boolean));
} else if (command === "report" && target !== undefined && rest.length > 0) {
  const passes = rest.filter((arg, i) => !arg.startsWith("--") && !rest[i - 1]?.startsWith("--"));
  report(
    target,
    passes.map((p) => resolve(p)),
  );
} else {
  console.error(
    "usage: node scripts/coverage-probes.ts prepare <workdir> [--only <path prefix>,...]\n" +
      "       node scripts/coverage-probes.ts report <out.info> <pass workdir>... [--min-lines P] [--min-branches P]",
  );
  process.exit(2);
}
