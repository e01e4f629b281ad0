/**
 * A compact stand-in for the go-cmp diff kube-apiserver appends to "may not change" errors. The
 * real text depends on Go struct printing and cannot be reproduced faithfully; this keeps its shape
 * (a `core.<Type>{ … }` block with -/+ lines) and names every changed field so users can act on it.
 */
import { goQuote } from "../../validation/go-format.ts";
import { isJsonObject } from "./json.ts";

function goField(key: string): string {
  return key.charAt(0).toUpperCase() + key.slice(1);
}

function render(value: unknown): string {
  if (value === undefined || value === null) return "nil";
  if (typeof value === "string") return goQuote(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

function collect(prev: unknown, next: unknown, path: string, out: string[]): void {
  if (isJsonObject(prev) && isJsonObject(next)) {
    const keys = [...new Set([...Object.keys(prev), ...Object.keys(next)])].sort();
    for (const key of keys)
      collect(prev[key], next[key], path ? `${path}.${goField(key)}` : goField(key), out);
    return;
  }
  if (Array.isArray(prev) && Array.isArray(next) && prev.length === next.length) {
    for (const [i, item] of prev.entries()) collect(item, next[i], `${path}[${i}]`, out);
    return;
  }
  if (JSON.stringify(prev) === JSON.stringify(next)) return;
  if (prev !== undefined) out.push(`- \t${path}: ${render(prev)},`);
  if (next !== undefined) out.push(`+ \t${path}: ${render(next)},`);
}

/** `  core.<type>{\n<changes>\n  }\n` between two JSON values. */
export function specDiff(type: string, prev: unknown, next: unknown): string {
  const lines: string[] = [];
  collect(prev, next, "", lines);
  return `  core.${type}{\n${lines.map((l) => `${l}\n`).join("")}  }\n`;
}
