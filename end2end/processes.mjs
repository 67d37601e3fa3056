// Starting the SurrealDB and Hamrah processes of a several-servers setup, for the browser test
// of it (tests/servers.spec.mjs) and the latency bench (latency.mjs).
import { spawn } from "node:child_process";

/** Starts `command`; its last 4,000 characters of stderr are kept for error messages. */
export function start(command, args, env) {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr.on("data", (chunk) => {
    log = (log + chunk).slice(-4000);
  });
  child.log = () => log;
  return child;
}

/** Waits until `url` answers 2xx, or fails with the process's log if it exits or 60 s pass. */
export async function until(url, child) {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited (${child.exitCode}):\n${child.log()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer in 60 s:\n${child.log()}`);
}
