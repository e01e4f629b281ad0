/** `test` / `[`: the POSIX forms by argument count, with `!`, `-a`, `-o` and parentheses. */

export interface TestEnvironment {
  /** What is at a path: a file, a directory or nothing. */
  pathKind(path: string): "file" | "dir" | undefined;
  fileSize(path: string): number;
}

export class TestError extends Error {}

const UNARY_FILE = new Set(["-e", "-f", "-d", "-r", "-w", "-x", "-s", "-L", "-h", "-b", "-c", "-p", "-S"]);
const BINARY = new Set(["=", "==", "!=", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "<", ">"]);

function integer(text: string): number {
  if (!/^\s*[+-]?\d+\s*$/.test(text)) throw new TestError(text);
  return Number(text);
}

function unary(op: string, operand: string, env: TestEnvironment): boolean {
  switch (op) {
    case "-z":
      return operand === "";
    case "-n":
      return operand !== "";
    case "-e":
    case "-r":
    case "-w":
      return env.pathKind(operand) !== undefined;
    case "-f":
      return env.pathKind(operand) === "file";
    case "-d":
      return env.pathKind(operand) === "dir";
    case "-x":
      return env.pathKind(operand) === "dir" || /^\/(usr\/)?(s?bin)\//.test(operand);
    case "-s":
      return (
        env.pathKind(operand) === "dir" || (env.pathKind(operand) === "file" && env.fileSize(operand) > 0)
      );
    default:
      return false;
  }
}

function binary(left: string, op: string, right: string): boolean {
  switch (op) {
    case "=":
    case "==":
      return left === right;
    case "!=":
      return left !== right;
    case "<":
      return left < right;
    case ">":
      return left > right;
    case "-eq":
      return integer(left) === integer(right);
    case "-ne":
      return integer(left) !== integer(right);
    case "-lt":
      return integer(left) < integer(right);
    case "-le":
      return integer(left) <= integer(right);
    case "-gt":
      return integer(left) > integer(right);
    default:
      return integer(left) >= integer(right);
  }
}

function evaluate(args: string[], env: TestEnvironment): boolean {
  switch (args.length) {
    case 0:
      return false;
    case 1:
      return args[0] !== "";
    case 2:
      if (args[0] === "!") return !evaluate(args.slice(1), env);
      if (args[0] === "-z" || args[0] === "-n" || UNARY_FILE.has(args[0]!))
        return unary(args[0]!, args[1]!, env);
      throw new TestError(`${args[0]}: unary operator expected`);
    case 3:
      if (BINARY.has(args[1]!)) return binary(args[0]!, args[1]!, args[2]!);
      if (args[1] === "-a") return evaluate([args[0]!], env) && evaluate([args[2]!], env);
      if (args[1] === "-o") return evaluate([args[0]!], env) || evaluate([args[2]!], env);
      if (args[0] === "!") return !evaluate(args.slice(1), env);
      if (args[0] === "(" && args[2] === ")") return evaluate([args[1]!], env);
      throw new TestError(`${args[1]}: binary operator expected`);
    default: {
      const or = args.lastIndexOf("-o");
      if (or > 0) return evaluate(args.slice(0, or), env) || evaluate(args.slice(or + 1), env);
      const and = args.lastIndexOf("-a");
      if (and > 0) return evaluate(args.slice(0, and), env) && evaluate(args.slice(and + 1), env);
      if (args[0] === "!") return !evaluate(args.slice(1), env);
      if (args[0] === "(" && args[args.length - 1] === ")") return evaluate(args.slice(1, -1), env);
      throw new TestError("too many arguments");
    }
  }
}

/** Exit status of `test args…` (0 true, 1 false); throws TestError for status 2. */
export function runTest(args: string[], env: TestEnvironment): number {
  return evaluate(args, env) ? 0 : 1;
}
