import { globToRegExp } from "./glob.ts";
import type { ShellHost, ShellState } from "./runtime.ts";

/**
 * The container's files as its processes see them: the mounted volumes (ConfigMaps, Secrets,
 * downward API), what the script wrote itself, and the few system files a pod always has.
 */

const WELL_KNOWN_DIRS = new Set([
  "/",
  "/bin",
  "/dev",
  "/etc",
  "/home",
  "/lib",
  "/media",
  "/mnt",
  "/opt",
  "/proc",
  "/root",
  "/run",
  "/sbin",
  "/srv",
  "/sys",
  "/tmp",
  "/usr",
  "/usr/bin",
  "/usr/lib",
  "/usr/local",
  "/usr/local/bin",
  "/usr/sbin",
  "/usr/share",
  "/var",
  "/var/log",
  "/var/run",
  "/var/tmp",
]);

export function normalizePath(cwd: string, path: string): string {
  const stack: string[] = [];
  for (const part of (path.startsWith("/") ? path : `${cwd}/${path}`).split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") stack.pop();
    else stack.push(part);
  }
  return `/${stack.join("/")}`;
}

export function readFile(host: ShellHost, state: ShellState, path: string): string | undefined {
  const full = normalizePath(state.cwd, path);
  if (full === "/dev/null") return "";
  const content = state.files.get(full) ?? host.files[full];
  if (content !== undefined) return content;
  if (full === "/etc/hostname") return `${host.hostname}\n`;
  if (full === "/etc/hosts") {
    const own = `${host.podIP ?? "127.0.1.1"}\t${host.hostname}`;
    return `# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n${own}\n`;
  }
  return undefined;
}

export function pathKind(host: ShellHost, state: ShellState, path: string): "file" | "dir" | undefined {
  const full = normalizePath(state.cwd, path);
  if (readFile(host, state, full) !== undefined) return "file";
  if (WELL_KNOWN_DIRS.has(full)) return "dir";
  const prefix = full === "/" ? "/" : `${full}/`;
  const inside = (p: string) => p.startsWith(prefix);
  return Object.keys(host.files).some(inside) || [...state.files.keys()].some(inside) ? "dir" : undefined;
}

/** Pathname expansion over the files the container has (mounted or written) and their directories. */
export function globPaths(host: ShellHost, state: ShellState, pattern: string): string[] {
  const absolute = pattern.startsWith("/");
  const base = state.cwd === "/" ? "/" : `${state.cwd}/`;
  const candidates = new Set<string>();
  for (const path of [...Object.keys(host.files), ...state.files.keys()]) {
    const parts = path.split("/");
    for (let i = 2; i <= parts.length; i++) candidates.add(parts.slice(0, i).join("/"));
  }
  const regex = globToRegExp(pattern, true);
  const matches: string[] = [];
  for (const path of candidates) {
    const relative = absolute ? path : path.startsWith(base) ? path.slice(base.length) : undefined;
    if (relative !== undefined && regex.test(relative)) matches.push(relative);
  }
  return matches.sort();
}
