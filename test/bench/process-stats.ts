import { readdirSync, readFileSync } from "node:fs";

const TICKS = 100; // USER_HZ on Linux
const PAGE = 4096;

interface ProcStat {
  pid: number;
  command: string;
  /** Fields after the command name: state is [0], the process group [2]. */
  fields: string[];
}

function* processes(): Generator<ProcStat> {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue;
    }
    // The command name is in parentheses and may hold spaces.
    const command = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    yield { pid: Number(entry), command, fields: stat.slice(stat.lastIndexOf(")") + 2).split(" ") };
  }
}

const cpuOf = (p: ProcStat) => (Number(p.fields[11]) + Number(p.fields[12])) / TICKS;

/** CPU time (seconds) and resident memory (bytes) of every process in a process group, from /proc. */
export function processGroupStats(pgid: number): { cpuSeconds: number; rssBytes: number; pids: number[] } {
  let cpu = 0;
  let rss = 0;
  const pids: number[] = [];
  for (const p of processes()) {
    if (Number(p.fields[2]) !== pgid) continue;
    pids.push(p.pid);
    cpu += cpuOf(p);
    rss += Number(p.fields[21]) * PAGE;
  }
  return { cpuSeconds: cpu, rssBytes: rss, pids };
}

/**
 * CPU seconds of every live process named `command` (Postgres backends: the machine's server is
 * shared, so this counts other clients too, and backends that ended meanwhile are missed).
 */
export function commandCpuSeconds(command: string): number {
  let cpu = 0;
  for (const p of processes()) if (p.command === command) cpu += cpuOf(p);
  return cpu;
}
