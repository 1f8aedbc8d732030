/**
 * `npm run demo -- [options]`: incremental liquidation against the close-factor and full-liquidation rules, on an
 * in-process chain. Options: `--help` (src/demo/options.ts); the work is in src/demo/.
 */
import { DemoOptionError, demoUsage, parseDemoOptions } from "../src/demo/options.js";
import { runDemo, runSweepDemo } from "../src/demo/run.js";

try {
  const options = parseDemoOptions(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(`${demoUsage()}\n`);
  } else if (options.sweep !== undefined) {
    await runSweepDemo(options.sweep, options.out, options.workers);
  } else {
    await runDemo(options.config, options.out, options.workers);
  }
} catch (error) {
  if (error instanceof DemoOptionError) {
    process.stderr.write(`demo: ${error.message}\n\n${demoUsage()}\n`);
    process.exit(2);
  }
  process.stderr.write(`demo: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}
