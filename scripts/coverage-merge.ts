/**
 * Merges lcov files (line hits summed), writes the result and prints line coverage per file.
 * Usage: node scripts/coverage-merge.ts <out.info> <part.info>...
 */
import { readFileSync, writeFileSync } from "node:fs";

type LineHits = Map<number, number>;

function parse(text: string, into: Map<string, LineHits>): void {
  let current: LineHits | undefined;
  for (const line of text.split("\n")) {
    if (line.startsWith("SF:")) {
      const file = line.slice(3);
      current = into.get(file) ?? new Map<number, number>();
      into.set(file, current);
    } else if (line.startsWith("DA:") && current !== undefined) {
      const [lineNo, hits] = line.slice(3).split(",").map(Number);
      if (lineNo === undefined || hits === undefined || Number.isNaN(lineNo) || Number.isNaN(hits)) continue;
      current.set(lineNo, (current.get(lineNo) ?? 0) + hits);
    } else if (line === "end_of_record") {
      current = undefined;
    }
  }
}

const [out, ...parts] = process.argv.slice(2);
if (out === undefined || parts.length === 0) {
  console.error("usage: node scripts/coverage-merge.ts <out.info> <part.info>...");
  process.exit(2);
}
const files = new Map<string, LineHits>();
for (const part of parts) parse(readFileSync(part, "utf8"), files);

const records: string[] = [];
const rows: Array<[string, number, number]> = [];
for (const [file, lines] of [...files.entries()].sort(([a], [b]) => a.localeCompare(b))) {
  const sorted = [...lines.entries()].sort(([a], [b]) => a - b);
  const hit = sorted.filter(([, hits]) => hits > 0).length;
  records.push(
    [
      "TN:",
      `SF:${file}`,
      ...sorted.map(([n, h]) => `DA:${n},${h}`),
      `LF:${sorted.length}`,
      `LH:${hit}`,
      "end_of_record",
    ].join("\n"),
  );
  rows.push([file, hit, sorted.length]);
}
writeFileSync(out, records.join("\n") + "\n");

const pct = (hit: number, found: number): string => (found === 0 ? "100.00" : ((100 * hit) / found).toFixed(2));
console.log("\nLine coverage (merged over all test groups)");
for (const [file, hit, found] of rows) console.log(`${pct(hit, found).padStart(7)} %  ${hit}/${found}  ${file}`);
const contracts = rows.filter(([file]) => file.startsWith("contracts/"));
const hit = contracts.reduce((s, [, h]) => s + h, 0);
const found = contracts.reduce((s, [, , f]) => s + f, 0);
console.log(`${pct(hit, found).padStart(7)} %  ${hit}/${found}  contracts/ (total)`);
console.log(`written: ${out}`);
