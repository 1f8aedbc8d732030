/**
 * BENCHMARKS.md from the measured results: machine and versions, what each row measures, and the tables (gas with
 * ratios to Sluice, liquidateMany scaling, lens scans and keeper reaction, liquidation efficiency).
 */
import type { EfficiencyResult } from "./efficiency.js";
import type { GasBreakdown } from "./gas/breakdown.js";
import { LIQUIDATIONS, PROTOCOLS, type GasComparison, type Protocol } from "./gas/compare.js";
import { BATCH_SIZES, PRICES, REPEAT_DELAY, type LiquidationKind, type UserOp } from "./gas/scenario.js";
import type { MachineInfo } from "./lib/machine.js";
import { lensScanTable, type LensScanResult } from "./lensScan.js";

/** A breakdown measured on an earlier commit, to show before and after (bench/gas-baseline.json). */
export interface BreakdownBaseline {
  commit: string;
  note: string;
  breakdowns: Partial<Record<LiquidationKind, GasBreakdown>>;
}

/** Everything one `npm run bench` produced. */
export interface BenchResults {
  machine: MachineInfo;
  gas: GasComparison;
  /** Sluice's tranche breakdown before the lean-hot-path work, if the baseline file is there. */
  baseline?: BreakdownBaseline;
  /** `repeat`: whole-market scans per view and book (the median is reported). */
  lens: { results: LensScanResult[]; full: boolean; repeat: number };
  efficiency: EfficiencyResult;
  /** Wall time of each section, seconds. */
  seconds: Record<string, number>;
}

const int = (n: number): string => Math.round(n).toLocaleString("en-US");
const ratioText = (other: number | undefined, sluice: number | undefined): string =>
  other === undefined || sluice === undefined || sluice === 0 ? "—" : `${(other / sluice).toFixed(2)}×`;
const units = (amount: bigint, decimals: number, digits: number): string =>
  (Number(amount) / 10 ** decimals).toLocaleString("en-US", {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  });

const LIQUIDATION_TEXT: Record<LiquidationKind, string> = {
  freshMarketTranche: `first tranche in a fresh market at $${PRICES.freshMarketTranche} (ratio 1.095)`,
  tranche: `tranche at $${PRICES.tranche} (ratio 1.095), the position's first`,
  repeatTranche: `the same position's next tranche at $${PRICES.repeatTranche} (ratio 1.109)`,
  fullClose: `full close at $${PRICES.fullClose} (ratio 1.067)`,
  badDebt: `bad-debt close at $${PRICES.badDebt} (ratio 0.857)`,
};

/** The operations with a row of their own (the one-transaction open + deposit + borrow is the table's last row). */
type OwnRowOp = Exclude<UserOp, "openDepositBorrowInOneCall">;

const USER_OP_TEXT: Record<OwnRowOp, string> = {
  supply: "lender supplies 100,000 USDC",
  open: "open a position",
  depositCollateral: "deposit 10 WETH collateral",
  borrow: "borrow 21,000 USDC",
  repay: "repay 1,000 USDC",
  withdrawCollateral: "withdraw 0.1 WETH collateral",
};

const USER_OP_NAMES: Record<OwnRowOp, [string, string, string]> = {
  supply: ["LendingPool.deposit", "supply", "supply"],
  open: ["MarginVault.openPosition", "— (none)", "— (none)"],
  depositCollateral: ["MarginVault.depositCollateral", "supplyCollateral", "supply (first: enables collateral)"],
  borrow: ["MarginVault.borrow", "borrow", "borrow (variable)"],
  repay: ["MarginVault.repay", "repay", "repay"],
  withdrawCollateral: ["MarginVault.withdrawCollateral", "withdrawCollateral", "withdraw"],
};

function liquidationTables(gas: GasComparison): string {
  const [sluice, morpho, aave] = PROTOCOLS;
  const rows = LIQUIDATIONS.map((kind) => {
    const s = gas.liquidations[sluice][kind]?.gas;
    const m = gas.liquidations[morpho][kind]?.gas;
    const a = gas.liquidations[aave][kind]?.gas;
    const cell = (n: number | undefined): string => (n === undefined ? "—" : int(n));
    return `| ${LIQUIDATION_TEXT[kind]} | ${cell(s)} | ${cell(m)} | ${ratioText(m, s)} | ${cell(a)} | ${ratioText(a, s)} |`;
  });
  const detail = PROTOCOLS.flatMap((protocol) =>
    LIQUIDATIONS.map((kind) => {
      const l = gas.liquidations[protocol][kind];
      return l === undefined
        ? `| ${protocol} | ${LIQUIDATION_TEXT[kind]} | — | — |`
        : `| ${protocol} | ${LIQUIDATION_TEXT[kind]} | ${units(l.repaid, 6, 2)} | ${units(l.seized, 18, 4)} |`;
    }),
  );
  return [
    "| liquidation (10 WETH vs 21,000 USDC, opened at $3,000) | Sluice `liquidate` | Morpho Blue `liquidate` | Morpho / Sluice | Aave V3 `liquidationCall` | Aave / Sluice |",
    "|---|---:|---:|---:|---:|---:|",
    ...rows,
    "",
    "What each liquidation did (USDC repaid by the liquidator, WETH it received):",
    "",
    "| protocol | liquidation | repaid (USDC) | seized (WETH) |",
    "|---|---|---:|---:|",
    ...detail,
  ].join("\n");
}

function userOpTable(gas: GasComparison): string {
  const [sluice, morpho, aave] = PROTOCOLS;
  const ops = Object.keys(USER_OP_TEXT) as OwnRowOp[];
  const rows = ops.map((op) => {
    const s = gas.userOps[sluice][op];
    const m = gas.userOps[morpho][op];
    const a = gas.userOps[aave][op];
    const [sn, mn, an] = USER_OP_NAMES[op];
    const cell = (n: number | undefined, name: string): string => (n === undefined ? name : `${int(n)} (\`${name}\`)`);
    return `| ${USER_OP_TEXT[op]} | ${cell(s, sn)} | ${cell(m, mn)} | ${ratioText(m, s)} | ${cell(a, an)} | ${ratioText(a, s)} |`;
  });
  const total = (protocol: (typeof PROTOCOLS)[number]): number =>
    (["open", "depositCollateral", "borrow"] as const).reduce((sum, op) => sum + (gas.userOps[protocol][op] ?? 0), 0);
  const [ts, tm, ta] = [total(sluice), total(morpho), total(aave)];
  const oneCall = gas.userOps[sluice].openDepositBorrowInOneCall ?? 0;
  return [
    "| operation | Sluice | Morpho Blue | Morpho / Sluice | Aave V3 | Aave / Sluice |",
    "|---|---:|---:|---:|---:|---:|",
    ...rows,
    `| **open + deposit + borrow** | ${int(ts)} | ${tm === 0 ? "—" : int(tm)} | ${ratioText(tm || undefined, ts)} | ${ta === 0 ? "—" : int(ta)} | ${ratioText(ta || undefined, ts)} |`,
    `| **open + deposit + borrow, Sluice in one transaction** (\`MarginVault.multicall\`; the others' cores have no such call: their separate transactions) | ${int(oneCall)} | ${tm === 0 ? "—" : int(tm)} | ${ratioText(tm || undefined, oneCall)} | ${ta === 0 ? "—" : int(ta)} | ${ratioText(ta || undefined, oneCall)} |`,
  ].join("\n");
}

/** The classes of a breakdown, as rows: label, gas. */
function breakdownRows(b: GasBreakdown): [string, number][] {
  const where = (name: string): number => b.where[name]?.gas ?? 0;
  return [
    ["intrinsic (21,000 + calldata)", b.intrinsic],
    ["cold storage reads (2,100 each)", b.coldStorageReads.gas],
    ["warm storage reads (100 each)", b.warmStorageReads.gas],
    ["storage writes, zero to non-zero (20,000)", b.storageWritesNew.gas],
    ["storage writes, updates (2,900)", b.storageWritesUpdate.gas],
    ["storage writes, rewrites in the same transaction (100)", b.storageWritesNoop.gas],
    ["external calls (own cost, cold accounts included)", b.calls.gas],
    ["account reads (EXTCODESIZE, BALANCE)", b.accountReads.gas],
    ["events", b.events.gas],
    ["transient storage (reentrancy locks)", b.transient.gas],
    ["computation (arithmetic, memory, ABI, jumps)", b.computation],
    ["refund", -b.refund],
    ["**total**", b.total],
    ["of which, inclusive: quote-token transfers", where("quote token (USDC)")],
    ["of which, inclusive: collateral-token transfers", where("collateral token (WETH)")],
    ["of which, inclusive: oracle read (with its feeds)", where("oracle")],
  ];
}

/**
 * The floor a liquidation cannot go below on this chain: the intrinsic gas, the two token transfers and the oracle
 * read as Morpho Blue's tranche paid them, and one cold slot update each for the position and the market.
 */
function physicalFloor(b: GasBreakdown | undefined): number | undefined {
  if (b === undefined) return undefined;
  const where = (name: string): number => b.where[name]?.gas ?? 0;
  return b.intrinsic + where("quote token (USDC)") + where("collateral token (WETH)") + where("oracle") + 2 * 5_000;
}

function breakdownSection(gas: GasComparison, baseline: BreakdownBaseline | undefined): string {
  const columns: { title: string; b: GasBreakdown | undefined }[] = [];
  if (baseline !== undefined) {
    columns.push({ title: `Sluice tranche before (${baseline.commit})`, b: baseline.breakdowns.tranche });
  }
  columns.push({ title: "Sluice first tranche, fresh market", b: gas.breakdowns.Sluice.freshMarketTranche });
  columns.push({ title: "Sluice tranche", b: gas.breakdowns.Sluice.tranche });
  columns.push({ title: "Sluice repeat tranche", b: gas.breakdowns.Sluice.repeatTranche });
  for (const protocol of ["Morpho Blue", "Aave V3"] as Protocol[]) {
    columns.push({ title: `${protocol} tranche`, b: gas.breakdowns[protocol].tranche });
  }
  const present = columns.filter((c) => c.b !== undefined) as { title: string; b: GasBreakdown }[];
  if (present.length === 0) return "No breakdown in this run.";
  const rows = present.map((c) => breakdownRows(c.b));
  const lines = rows[0]!.map(([label], i) => `| ${label} | ${rows.map((r) => int(r[i]![1])).join(" | ")} |`);
  const counts = (c: { b: GasBreakdown }): string =>
    `${c.b.coldStorageReads.count} cold reads, ${c.b.storageWritesNew.count + c.b.storageWritesUpdate.count} writes, ` +
    `${c.b.calls.count} calls (${c.b.calls.coldAccounts} cold), ${c.b.events.count} events`;
  const floor = physicalFloor(gas.breakdowns["Morpho Blue"].tranche);
  return [
    `| where the gas goes | ${present.map((c) => c.title).join(" | ")} |`,
    `|---|${present.map(() => "---:").join("|")}|`,
    ...lines,
    "",
    ...present.map((c) => `- ${c.title}: ${counts(c)}.`),
    "",
    floor === undefined
      ? "The physical floor needs Morpho Blue's breakdown (run with the anchors)."
      : `**Physical floor: ${int(floor)} gas** — the intrinsic gas, the two token transfers and the oracle read as ` +
        "Morpho Blue's tranche paid them, and one cold slot update (5,000) each for the position and the market: " +
        "what any liquidation on this chain pays before it computes anything.",
  ].join("\n");
}

/**
 * Each protocol's steady tranche by contract: the gas each one's own frames spent (its opcodes and the own cost of
 * its calls), its cold storage reads and the calls it made; with the intrinsic gas the rows add up to the total.
 */
function byContractSection(gas: GasComparison): string {
  const lines: string[] = [];
  for (const protocol of PROTOCOLS) {
    const b = gas.breakdowns[protocol].tranche;
    if (b === undefined || b.byContract === undefined) continue;
    const entries = Object.entries(b.byContract).sort((x, y) => y[1].gas - x[1].gas);
    lines.push(
      `| ${protocol} | intrinsic (21,000 + calldata) | ${int(b.intrinsic)} | ${pct(b.intrinsic, b.total + b.refund)} | — | — |`,
    );
    for (const [name, c] of entries) {
      lines.push(
        `| ${protocol} | ${name} | ${int(c.gas)} | ${pct(c.gas, b.total + b.refund)} | ${c.coldReads} | ${c.calls} |`,
      );
    }
  }
  if (lines.length === 0) return "No breakdown by contract in this run.";
  return [
    "| protocol | contract | own gas | share | cold reads | calls made |",
    "|---|---|---:|---:|---:|---:|",
    ...lines,
  ].join("\n");
}

function pct(part: number, whole: number): string {
  return whole === 0 ? "—" : `${((100 * part) / whole).toFixed(1)} %`;
}

function batchTable(gas: GasComparison): string {
  const single = gas.liquidations.Sluice.tranche.gas;
  const rows = gas.batches.map(
    (b) => `| ${b.size} | ${int(b.gas)} | ${int(b.perPosition)} | ${(b.perPosition / single).toFixed(2)}× |`,
  );
  return [
    "| positions | `liquidateMany` gas | gas per position | per position / one `liquidate` tranche |",
    "|---:|---:|---:|---:|",
    ...rows,
  ].join("\n");
}

/**
 * Why 50,000 is opt-in, with the time it would add extrapolated linearly from the largest book measured (its build
 * and its scans × the repeat count, which both grow with the book).
 */
function fullSizeNote(results: LensScanResult[], repeat: number): string {
  const largest = results.reduce<LensScanResult | undefined>(
    (a, r) => (a === undefined || r.positions > a.positions ? r : a),
    undefined,
  );
  const base =
    "50,000 positions are opt-in: `npm run bench -- --full` (or `npm run bench:lens -- --full`); not measured in this run.";
  if (largest === undefined) return base;
  const factor = 50_000 / largest.positions;
  const scanSeconds = (largest.positionsOfMarket.ms + largest.liquidatablePositions.ms) / 1000;
  const minutes = (factor * (largest.bookBuildSeconds + repeat * scanSeconds)) / 60;
  return (
    `${base} Extrapolated from the ${int(largest.positions)} row (its book build and ${repeat} scans of each view, ` +
    `× ${factor.toFixed(0)}), it adds about ${minutes.toFixed(0)} minutes, which with the rest does not fit the ` +
    "15-minute budget of `npm run bench`."
  );
}

function lensSection(results: BenchResults["lens"]): string {
  const gasRows = results.results.map(
    (r) =>
      `| ${int(r.positions)} | ${int(r.gasPerPosition.positionsOfMarket)} | ${int(r.gasPerPosition.liquidatablePositions)} | ${int(r.bookBuildSeconds)} s | ${int(r.liquidatableAfterDrop)} |`,
  );
  return [
    lensScanTable(results.results),
    "",
    "| positions | `positionsOfMarket` gas per position (`eth_estimateGas`, one page of 250) | `liquidatablePositions` gas per position | book build | liquidatable after the drop |",
    "|---:|---:|---:|---:|---:|",
    ...gasRows,
    "",
    results.full ? "50,000 positions included (`--full`)." : fullSizeNote(results.results, results.repeat),
  ].join("\n");
}

function efficiencySection(result: EfficiencyResult): string {
  const ratio = (r: number): string => (Number.isFinite(r) ? `${r.toFixed(2)}×` : "∞ (incremental: 0)");
  return [
    `Books of **${result.positions} positions** (the demo's default is 200: ${result.positions} keeps this section ` +
      `within the 15-minute budget of \`npm run bench\`), with the Uniswap pool (${result.poolWeth} WETH) and the ` +
      `arbitrageur's capital (${int(result.arbCapitalPerBlock)} USDC per block) scaled by the same factor so ` +
      "liquidation flow against pool depth matches the demo's; every other setting is the demo's default (gas " +
      `at ${result.gasPriceGwei} gwei, the keeper skipping attempts that do not pay for it; every policy, ` +
      "`aave-v4` included). " +
      `Seeds ${result.seeds.join(", ")}: borrower loss and bad debt are sums over the seeds, the peak pool/oracle ` +
      "deviation is their mean; ratios are **policy / incremental** on the same path (above 1× is worse than " +
      "incremental).",
    "",
    "| path | policy | borrower loss (USDC) | / incremental | bad debt (USDC) | / incremental | peak pool deviation | / incremental | tranches |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ...result.rows.map(
      (r) =>
        `| ${r.path} | ${r.policy} | ${int(r.borrowerLoss)} | ${ratio(r.ratios.borrowerLoss)} | ${int(r.badDebt)} | ${ratio(r.ratios.badDebt)} | ${r.peakPoolDeviationPct.toFixed(2)} % | ${ratio(r.ratios.peakPoolDeviation)} | ${int(r.tranches)} |`,
    ),
  ].join("\n");
}

/** The gas tables alone (`npm run bench -- --gas-only` prints them). */
export function gasMarkdown(gas: GasComparison, baseline: BreakdownBaseline | undefined): string {
  return [
    "Liquidations (gas of whole transactions; ratios other / Sluice):",
    "",
    liquidationTables(gas),
    "",
    "Where a tranche's gas goes:",
    "",
    breakdownSection(gas, baseline),
    "",
    byContractSection(gas),
    "",
    "User operations:",
    "",
    userOpTable(gas),
    "",
    "liquidateMany:",
    "",
    batchTable(gas),
  ].join("\n");
}

/** The whole BENCHMARKS.md. */
export function benchmarksMarkdown(results: BenchResults): string {
  const m = results.machine;
  const seconds = Object.entries(results.seconds)
    .map(([name, s]) => `${name} ${int(s)} s`)
    .join(", ");
  return `# Benchmarks

Generated by \`npm run bench\` (bench/main.ts) on ${m.date}; do not edit by hand. Sections took: ${seconds}.

| CPU | cores | RAM | OS | Node | Hardhat | EDR | solc (Sluice) | solc (Morpho Blue) |
|---|---:|---:|---|---|---|---|---|---|
| ${m.cpu} | ${m.cores} | ${m.ramGiB} GiB | ${m.os} | ${m.node} | ${m.hardhat} | ${m.edr} | ${m.solc} | ${m.solcMorpho} |

## Gas: Sluice against Morpho Blue and Aave V3

One in-process Hardhat chain (EDR, Osaka rules), one run. All three protocols use the same two ERC-20s (Sluice's
\`MockERC20\`: WETH 18 decimals, USDC 6) and read the same two Chainlink-style feeds (ETH/USD, USDC/USD, 8
decimals), so one feed update moves the price for everyone. Every figure is the gas of a whole transaction (21,000
intrinsic and calldata included), as a user pays it. Ratios are **other / Sluice** (below 1× means cheaper than
Sluice). Every actor holds a dust balance of both tokens and approves once without limit, so no measured
transaction pays for a balance or allowance going between zero and non-zero; a warm-up borrower opens a position
in each protocol first, so no measured transaction pays for a market's first borrow.

- **Sluice**: the \`production\` build (\`hardhat.production.config.ts\`: solc ${m.solc}, optimizer 10,000 runs, the
  IR pipeline for every contract but MarginVault, cancun) — the real ChainlinkOracle, InterestRateModel, LendingPool, MarginVault, InsuranceFund and
  LiquidationEngine with ARCHITECTURE.md's example parameters (maintenance 1.2, target 1.25, full close at or below
  1.08, bonus 2–6 %, at most 25 % of the debt per tranche).
- **Morpho Blue** 1.0.0: compiled from the \`@morpho-org/morpho-blue\` npm source with its own settings (solc
  ${m.solcMorpho}, viaIR, optimizer 999,999 runs; \`hardhat.bench.config.ts\`); LLTV = 1/1.2 (Sluice's maintenance),
  its \`IrmMock\`, and a two-feed Chainlink oracle like Morpho's own (\`bench/contracts/MorphoChainlinkOracleBench.sol\`).
- **Aave V3** (\`@aave/core-v3\` 1.19.3 = V3.0.2): deployed from the package's compiled artifacts (solc 0.8.10,
  optimizer 100,000 runs): PoolAddressesProvider, ACLManager, Pool proxy with its seven logic libraries linked,
  PoolConfigurator, AaveOracle over the same feeds, DefaultReserveInterestRateStrategy, AToken / StableDebtToken /
  VariableDebtToken; WETH LTV 75 %, liquidation threshold 83.33 % (1/1.2), bonus 5 %.

### Liquidations

Four positions per protocol, each 10 WETH against 21,000 USDC opened at $3,000 (ratio 1.43), liquidated by a keeper
holding USDC. **Steady state, for every protocol alike**: each market's first liquidation (a warm-up position's
tranche at $${PRICES.freshMarketTranche}) runs first and has its own row, because it pays for the market's one-time
slots (in Sluice: the engine's liquidation window and the insurance fund's first balance); every other row measures a
market that has already seen a liquidation. **Tranche**: ETH at $${PRICES.tranche}, the position's first tranche; Sluice's engine sizes the tranche itself (\`maxRepay\` = max:
here the 25 % cap); Morpho repays the borrow shares worth the same USDC, Aave covers the same USDC of debt
(\`debtToCover\`; its health factor is below 0.95, so its close factor would allow 100 %). **Repeat tranche**:
the chain's clock moves ${REPEAT_DELAY} s (past Sluice's 300-s grace window), ETH still at $${PRICES.repeatTranche},
and the same position, left at a ratio of 1.109 by its capped first tranche, takes its next one (the others repay
what Sluice's repaid). **Full close**: ETH at
$${PRICES.fullClose}; Sluice closes the whole position by itself, Morpho repays all borrow shares, Aave covers
\`type(uint256).max\`. **Bad debt**: ETH at $${PRICES.badDebt}; Sluice seizes everything and realizes the shortfall
(insurance fund, then lenders); Morpho seizes all collateral and realizes the rest as bad debt; Aave V3.0 seizes all
collateral and leaves the rest of the debt on the account (it has no bad-debt accounting before V3.3).

${liquidationTables(results.gas)}

### Where a tranche's gas goes

From each transaction's opcode-level trace (\`debug_traceTransaction\`, bench/gas/breakdown.ts): every opcode's own
cost in one class (the classes add up to the total, less the refund), cold and warm read from the trace's costs
(EIP-2929). Calls' own cost includes the 2,600 of a cold account. The "inclusive" rows are the whole gas of the calls
into the tokens and the oracle, which overlap the classes above.${results.baseline === undefined ? "" : ` The "before" column is ${results.baseline.note}`}

${breakdownSection(results.gas, results.baseline)}

The same steady tranche by contract: the gas each contract's own code spent (its opcodes and the own cost of the
calls it makes; what a callee does counts for the callee), with its cold storage reads and the calls it made. The
rows of a protocol add up to its total before the refund.

${byContractSection(results.gas)}

### User operations

The same amounts in each protocol, by a fresh borrower after the warm-up one.

${userOpTable(results.gas)}

## Scaling

### \`liquidateMany\`

Positions of 1 WETH against 2,100 USDC opened at $3,000, all liquidated (one tranche each) at $${PRICES.tranche} in
one \`liquidateMany\` transaction; sizes ${BATCH_SIZES.join(", ")}. Same build and chain as above.

${batchTable(results.gas)}

### PositionLens scans and keeper reaction

\`bench/lensScan.ts\` on a real \`hardhat node\` process over HTTP JSON-RPC (the default, unoptimized test build, as
the keeper and the demo use it). Books built by \`test/harness/BookBuilder.sol\`, 40 positions per transaction (16 in
flight, each mined in its own block): collateral 0.5–5 WETH, ratios uniform in 1.42–2.5 at $3,000. Whole-market
scans in pages of 250 (median of ${results.lens.repeat}); then ETH falls 20 % on the feed and the keeper (its own process, own capital) is timed from the price update to its
first tranche.

${lensSection(results.lens)}

## Liquidation efficiency

The demo simulator (\`src/demo/\`, docs/demo.md) run headless in process (\`simulate\`, no report) on the first two
of its built-in price paths, \`crash-40\` and \`flash-crash\` (the others are slower, several at block resolution),
each policy from the same starting state.

${efficiencySection(results.efficiency)}
`;
}
