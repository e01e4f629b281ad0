/** How a shell was asked to run: `sh -c 'script' [arg0 [args…]]`, `sh -e script.sh args`, or bare `sh`. */
export interface ShellInvocation {
  /** `-c`: the first operand is the script itself. */
  command: boolean;
  errexit: boolean;
  xtrace: boolean;
  /** The operands after the options. */
  operands: string[];
}

/** Parses a shell's options the way sh and bash do (`-c`, `-ec`, `-lc`, `-o name`, `--`). */
export function parseShellInvocation(args: string[]): ShellInvocation {
  const invocation: ShellInvocation = { command: false, errexit: false, xtrace: false, operands: [] };
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      i++;
      break;
    }
    if (!/^[-+][a-zA-Z]+$/.test(arg)) break;
    if (arg === "-o" || arg === "+o") {
      i++;
      continue;
    }
    if (!arg.startsWith("-")) continue;
    invocation.command ||= arg.includes("c");
    invocation.errexit ||= arg.includes("e");
    invocation.xtrace ||= arg.includes("x");
  }
  invocation.operands = args.slice(i);
  return invocation;
}
