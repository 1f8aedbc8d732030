/** The machine and tool versions a benchmark ran on, for the header of BENCHMARKS.md. */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, totalmem, platform, release } from "node:os";

const require = createRequire(import.meta.url);

/** Where and with what the numbers were measured. */
export interface MachineInfo {
  cpu: string;
  cores: number;
  /** Total RAM, GiB (one decimal). */
  ramGiB: number;
  os: string;
  node: string;
  hardhat: string;
  edr: string;
  /** solc of Sluice (and the bench contracts), and of Morpho Blue. */
  solc: string;
  solcMorpho: string;
  /** ISO 8601 date and time of the run. */
  date: string;
}

function packageVersion(name: string): string {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    // Packages whose `exports` hide package.json: read it from the resolved folder.
    const entry = require.resolve(name);
    const root = entry.slice(0, entry.lastIndexOf(`/node_modules/${name}/`) + `/node_modules/${name}/`.length);
    return (JSON.parse(readFileSync(`${root}package.json`, "utf8")) as { version: string }).version;
  }
}

/** Reads the machine and versions now. */
export function machineInfo(): MachineInfo {
  const cpuList = cpus();
  return {
    cpu: cpuList[0]?.model.trim() ?? "unknown",
    cores: cpuList.length,
    ramGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${platform()} ${release()}`,
    node: process.version,
    hardhat: packageVersion("hardhat"),
    edr: packageVersion("@nomicfoundation/edr"),
    solc: packageVersion("solc"),
    solcMorpho: packageVersion("solc-0.8.19"),
    date: new Date().toISOString(),
  };
}
