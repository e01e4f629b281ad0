import { readdirSync, readFileSync } from "node:fs";

/** CPU time (seconds) and resident memory (bytes) of every process in a process group, from /proc. */
export function processGroupStats(pgid: number): { cpuSeconds: number; rssBytes: number; pids: number[] } {
  const ticks = 100; // USER_HZ on Linux
  const page = 4096;
  let cpu = 0;
  let rss = 0;
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue;
    }
    // Fields after the command name (which may hold spaces): state is field 3.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[2]) !== pgid) continue;
    pids.push(Number(entry));
    cpu += (Number(fields[11]) + Number(fields[12])) / ticks;
    rss += Number(fields[21]) * page;
  }
  return { cpuSeconds: cpu, rssBytes: rss, pids };
}
