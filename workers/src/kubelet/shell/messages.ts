import type { ShellSyntaxError } from "./parser.ts";

/**
 * The shells the images carry and how each words its errors: busybox ash (alpine, busybox), dash
 * (`/bin/sh` on Debian and Ubuntu) and bash. `arg0` is `$0` — the shell as it was invoked
 * (`sh`, `/bin/sh`), or the script's path.
 */
export type ShellDialect = "ash" | "dash" | "bash";

/** The userland the utilities come from: busybox applets or GNU coreutils. */
export type UtilityStyle = "busybox" | "gnu";

export function notFoundMessage(dialect: ShellDialect, arg0: string, line: number, name: string): string {
  if (dialect === "dash") return `${arg0}: ${line}: ${name}: not found`;
  if (dialect === "bash") return `${arg0}: line ${line}: ${name}: command not found`;
  return `${arg0}: ${name}: not found`;
}

/** A builtin's complaint (`exit: Illegal number: x`), prefixed the dialect's way. */
export function builtinError(dialect: ShellDialect, arg0: string, line: number, text: string): string {
  if (dialect === "dash") return `${arg0}: ${line}: ${text}`;
  if (dialect === "bash") return `${arg0}: line ${line}: ${text}`;
  return `${arg0}: ${text}`;
}

export function illegalNumber(dialect: ShellDialect, command: string, value: string): string {
  if (dialect === "bash") return `${command}: ${value}: numeric argument required`;
  return `${command}: Illegal number: ${value}`;
}

export function testIntegerError(dialect: ShellDialect, command: string, value: string): string {
  if (dialect === "bash") return `${command}: ${value}: integer expression expected`;
  if (dialect === "dash") return `${command}: Illegal number: ${value}`;
  return `${command}: invalid number '${value}'`;
}

export function syntaxErrorMessage(dialect: ShellDialect, arg0: string, error: ShellSyntaxError): string {
  const expecting = error.expecting ? ` (expecting "${error.expecting}")` : "";
  if (dialect === "bash") {
    if (error.kind === "unterminated") {
      return `${arg0}: -c: line ${error.line}: unexpected EOF while looking for matching \`${error.token}'`;
    }
    if (error.kind === "eof") return `${arg0}: -c: line ${error.line}: syntax error: unexpected end of file`;
    if (error.kind === "bad-substitution")
      return `${arg0}: line ${error.line}: ${error.token}: bad substitution`;
    return `${arg0}: -c: line ${error.line}: syntax error near unexpected token \`${error.token}'`;
  }
  if (dialect === "dash") {
    const where = `${arg0}: ${error.line}:`;
    if (error.kind === "unterminated") return `${where} Syntax error: Unterminated quoted string`;
    if (error.kind === "eof") return `${where} Syntax error: end of file unexpected${expecting}`;
    if (error.kind === "bad-substitution") return `${where} Bad substitution`;
    const token = error.token === "newline" ? "newline" : `"${error.token}"`;
    return `${where} Syntax error: ${token} unexpected${expecting}`;
  }
  if (error.kind === "unterminated") return `${arg0}: syntax error: unterminated quoted string`;
  if (error.kind === "eof") return `${arg0}: syntax error: unexpected end of file${expecting}`;
  if (error.kind === "bad-substitution") return `${arg0}: syntax error: bad substitution`;
  const token = error.token === "newline" ? "newline" : `"${error.token}"`;
  return `${arg0}: syntax error: unexpected ${token}${expecting}`;
}

/** `sh script.sh` when the script is missing: the message and the shell's exit status. */
export function cannotOpenScript(
  dialect: ShellDialect,
  arg0: string,
  path: string,
): { text: string; code: number } {
  if (dialect === "bash") return { text: `${arg0}: ${path}: No such file or directory`, code: 127 };
  if (dialect === "dash") return { text: `${arg0}: 0: cannot open ${path}: No such file`, code: 2 };
  return { text: `${arg0}: can't open '${path}': No such file or directory`, code: 2 };
}

/** A redirection from a missing file (`< /nope`). */
export function cannotOpenInput(dialect: ShellDialect, arg0: string, line: number, path: string): string {
  if (dialect === "bash") return `${arg0}: line ${line}: ${path}: No such file or directory`;
  if (dialect === "dash") return `${arg0}: ${line}: cannot open ${path}: No such file`;
  return `${arg0}: can't open '${path}': No such file or directory`;
}

export function missingFile(style: UtilityStyle, command: string, path: string): string {
  if (style === "busybox") return `${command}: can't open '${path}': No such file or directory`;
  return `${command}: ${path}: No such file or directory`;
}
