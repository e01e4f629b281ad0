import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { LogLine } from "../program-types.ts";
import { type ProgramTimeline, runProgram, timelineLogs } from "./program.ts";
import type { ShellHost } from "./runtime.ts";

const STARTED_AT = Date.UTC(2024, 4, 20, 10, 0, 0);
const YEAR_MS = 365 * 86_400_000;

interface Options {
  userland?: ShellHost["userland"];
  files?: Record<string, string>;
  env?: Record<string, string>;
  argv?: string[];
  shell?: string;
}

function run(script: string, options: Options = {}): ProgramTimeline {
  const host: ShellHost = {
    userland: options.userland ?? "busybox",
    files: options.files ?? {},
    hostname: "pod-1",
    podIP: "10.244.0.5",
    startedAt: STARTED_AT,
    seed: "test-seed",
    program: () => undefined,
    fallback: () => undefined,
  };
  const env = {
    PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    HOSTNAME: "pod-1",
    ...options.env,
  };
  return runProgram(options.argv ?? [options.shell ?? "sh", "-c", script], host, env);
}

const logs = (timeline: ProgramTimeline, untilMs = YEAR_MS, limit?: number): LogLine[] =>
  timelineLogs(timeline, untilMs, limit);
const texts = (timeline: ProgramTimeline, untilMs?: number, limit?: number): string[] =>
  logs(timeline, untilMs, limit).map((line) => line.text);
const exitOf = (timeline: ProgramTimeline) => (timeline.end.kind === "exit" ? timeline.end : undefined);

describe("shell: commands and quoting", () => {
  it("sh -c 'echo one; echo two' prints two lines and exits 0 at once", () => {
    const t = run("echo one; echo two");
    assert.deepEqual(logs(t), [
      { atMs: 0, stream: "stdout", text: "one" },
      { atMs: 0, stream: "stdout", text: "two" },
    ]);
    assert.deepEqual(exitOf(t), { kind: "exit", atMs: 0, code: 0 });
  });

  it("exit N ends the script with N", () => {
    const t = run("echo before; exit 3; echo after");
    assert.deepEqual(texts(t), ["before"]);
    assert.deepEqual(exitOf(t), { kind: "exit", atMs: 0, code: 3 });
    assert.equal(exitOf(run("exit 256"))?.code, 0);
    assert.equal(exitOf(run("false"))?.code, 1);
  });

  it("sleep advances the clock, fractions included", () => {
    const t = run("echo a; sleep 1.5; echo b; sleep 1m; echo c");
    assert.deepEqual(
      logs(t).map((l) => [l.atMs, l.text]),
      [
        [0, "a"],
        [1500, "b"],
        [61_500, "c"],
      ],
    );
    assert.equal(exitOf(t)?.atMs, 61_500);
  });

  it("quotes, escapes and variable expansion", () => {
    const t = run(`A=hello; echo 'a  $A' "b  $A" c\\ d \${A} \${B:-def} \${#A} "\${A}world" $HOSTNAME`);
    assert.deepEqual(texts(t), ["a  $A b  hello c d hello def 5 helloworld pod-1"]);
    assert.deepEqual(texts(run('X="1 2   3"; for w in $X; do echo "[$w]"; done; echo "$X"')), [
      "[1]",
      "[2]",
      "[3]",
      "1 2   3",
    ]);
  });

  it("&&, || and ! combine exit statuses", () => {
    assert.deepEqual(texts(run("false && echo no || echo yes; true && echo ok; ! false && echo negated")), [
      "yes",
      "ok",
      "negated",
    ]);
  });

  it("if / elif / else with test and [ ]", () => {
    const script =
      'for x in 1 2 3; do if [ "$x" -eq 1 ]; then echo one; elif test "$x" = 2; then echo two; else echo other; fi; done';
    assert.deepEqual(texts(run(script)), ["one", "two", "other"]);
    assert.deepEqual(texts(run('[ -z "" ] && [ -n x ] && [ ! -f /nope ] && echo all')), ["all"]);
  });

  it("for, while, until, break and continue", () => {
    assert.deepEqual(texts(run("for i in 1 2 3; do echo $i; done")), ["1", "2", "3"]);
    assert.deepEqual(texts(run("i=0; while [ $i -lt 3 ]; do echo $i; i=$((i+1)); done")), ["0", "1", "2"]);
    assert.deepEqual(texts(run("i=0; until [ $i -ge 2 ]; do i=$((i+1)); echo $i; done")), ["1", "2"]);
    assert.deepEqual(
      texts(run("for i in 1 2 3 4; do [ $i = 2 ] && continue; [ $i = 4 ] && break; echo $i; done")),
      ["1", "3"],
    );
  });

  it("multi-line scripts, comments and line continuations", () => {
    const script = '# setup\nNAME=world\nif true\nthen\n  echo "hello $NAME" # greet\nfi\necho a \\\n  b\n';
    assert.deepEqual(texts(run(script)), ["hello world", "a b"]);
  });

  it("arithmetic expansion", () => {
    assert.deepEqual(
      texts(
        run(
          "i=1; i=$((i+1)); echo $((i * 10 % 7)) $(( (2+3)*4 )) $((i > 1)) $((-5 / 2)); : $((i += 5)); echo $i",
        ),
      ),
      ["6 20 1 -2", "7"],
    );
  });

  it("command substitution, $(…) and backquotes", () => {
    assert.deepEqual(texts(run('echo "x=$(echo hi)" `echo there` "$(printf "a\\nb\\n")"')), [
      "x=hi there a",
      "b",
    ]);
    assert.deepEqual(texts(run("v=$(exit 4); echo $?")), ["4"]);
  });

  it("echo -n and -e; printf with %s %d and reused formats", () => {
    assert.deepEqual(texts(run("echo -n a; echo b; echo -e 'x\\ty'; echo 'no\\tescape'")), [
      "ab",
      "x\ty",
      "no\\tescape",
    ]);
    assert.deepEqual(texts(run("printf '%s-%d\\n' a 5 b 6; printf '%05.1f|%-4s|%x\\n' 3.14159 x 255")), [
      "a-5",
      "b-6",
      "003.1|x   |ff",
    ]);
  });

  it("dash's echo interprets escapes, bash's does not", () => {
    assert.deepEqual(texts(run("echo 'a\\nb'", { userland: "debian" })), ["a", "b"]);
    assert.deepEqual(texts(run("echo 'a\\nb'", { userland: "debian", shell: "bash" })), ["a\\nb"]);
  });

  it("env, printenv and export", () => {
    const t = run(
      "export EXTRA=1; printenv GREETING; printenv MISSING || echo missing=$?; env | grep -E '^(GREETING|EXTRA)='",
      {
        env: { GREETING: "hello" },
      },
    );
    assert.deepEqual(texts(t), ["hello", "missing=1", "GREETING=hello", "EXTRA=1"]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a template
    assert.deepEqual(texts(run("FOO=temp printenv FOO; echo ${FOO:-unset}")), ["temp", "unset"]);
  });

  it("cat reads mounted files; a missing one is busybox's error and exit 1", () => {
    const files = { "/etc/config/app.properties": "mode=dev\nlevel=debug\n" };
    const t = run("cat /etc/config/app.properties; cat /nope", { files });
    assert.deepEqual(logs(t), [
      { atMs: 0, stream: "stdout", text: "mode=dev" },
      { atMs: 0, stream: "stdout", text: "level=debug" },
      { atMs: 0, stream: "stderr", text: "cat: can't open '/nope': No such file or directory" },
    ]);
    assert.equal(exitOf(t)?.code, 1);
    assert.deepEqual(texts(run("cat /nope", { userland: "debian" })), [
      "cat: /nope: No such file or directory",
    ]);
    assert.deepEqual(texts(run("cd /etc/config && cat app.properties | head -n 1", { files })), ["mode=dev"]);
  });

  it("date follows the simulated clock; hostname is the pod's", () => {
    assert.deepEqual(
      texts(run("date; sleep 61; date +%H:%M:%S; date -Iseconds; date +%s; hostname; hostname -i")),
      [
        "Mon May 20 10:00:00 UTC 2024",
        "10:01:01",
        "2024-05-20T10:01:01+00:00",
        String(STARTED_AT / 1000 + 61),
        "pod-1",
        "10.244.0.5",
      ],
    );
  });

  it("true, false and :", () => {
    assert.deepEqual(texts(run(": ignored; true && echo t; false || echo f")), ["t", "f"]);
  });

  it("redirections: stderr, /dev/null, files and the container log", () => {
    const t = run(
      "echo out; echo err >&2; echo hidden > /dev/null; echo saved > /tmp/f; echo more >> /tmp/f; cat /tmp/f; echo x 2>&1 1>/dev/null",
    );
    assert.deepEqual(
      logs(t).map((l) => `${l.stream}:${l.text}`),
      ["stdout:out", "stderr:err", "stdout:saved", "stdout:more"],
    );
  });

  it("pipes feed each stage the previous one's output", () => {
    assert.deepEqual(
      texts(run("printf 'b\\na\\nb\\n' | sort | uniq; echo hello | wc -c; echo abc | grep -c b")),
      ["a", "b", "6", "1"],
    );
  });

  it("set -e stops at the first failure; set -x traces", () => {
    const t = run("set -e; echo a; false; echo b");
    assert.deepEqual(texts(t), ["a"]);
    assert.equal(exitOf(t)?.code, 1);
    assert.deepEqual(texts(run("set -x; echo hi")), ["+ echo hi", "hi"]);
  });

  it("positional parameters of sh -c and mounted scripts", () => {
    assert.deepEqual(texts(run("", { argv: ["sh", "-c", 'echo "$0:$1:$#:$@"', "name", "a", "b"] })), [
      "name:a:2:a b",
    ]);
    const files = { "/scripts/run.sh": '#!/bin/sh\necho from script "$1"\nexit 5\n' };
    const t = run("", { argv: ["sh", "/scripts/run.sh", "arg"], files });
    assert.deepEqual(texts(t), ["from script arg"]);
    assert.equal(exitOf(t)?.code, 5);
  });

  it("pathname expansion over mounted files", () => {
    const files = {
      "/etc/config/b.conf": "b=2\n",
      "/etc/config/a.conf": "a=1\n",
      "/etc/config/.hidden": "x\n",
    };
    assert.deepEqual(texts(run("cat /etc/config/*; echo /etc/*/a*; echo '*' /nope/*", { files })), [
      "a=1",
      "b=2",
      "/etc/config/a.conf",
      "* /nope/*",
    ]);
    assert.deepEqual(texts(run("cd /etc/config && for f in *.conf; do echo $f; done", { files })), [
      "a.conf",
      "b.conf",
    ]);
  });

  it("case with patterns and alternatives", () => {
    const script =
      'for x in start stop other "a b"; do case "$x" in start|begin) echo go;; st*) echo halt;; "a b") echo spaced;; *) echo "? $x";; esac; done';
    assert.deepEqual(texts(run(script)), ["go", "halt", "? other", "spaced"]);
  });

  it("functions with arguments and return", () => {
    const script =
      'greet() {\n  echo "hello $1"\n  return 3\n}\ngreet world; echo rc=$?; log() { echo "[$(date +%T)] $*"; }; log up';
    assert.deepEqual(texts(run(script)), ["hello world", "rc=3", "[10:00:00] up"]);
  });

  it("here-documents, expanded unless the delimiter is quoted", () => {
    const script =
      "NAME=app\ncat <<EOF\nname=$NAME\nEOF\ncat <<'RAW' > /tmp/conf\nkeep $NAME\nRAW\ncat /tmp/conf";
    assert.deepEqual(texts(run(script)), ["name=app", "keep $NAME"]);
  });

  it("$RANDOM is deterministic and in range", () => {
    const [a] = texts(run("echo $RANDOM"));
    assert.deepEqual(texts(run("echo $RANDOM")), [a]);
    assert.ok(Number(a) >= 0 && Number(a) < 32768);
  });
});

describe("shell: errors as each shell words them", () => {
  it("unknown command: not found, exit 127", () => {
    const t = run("foo; echo status=$?");
    assert.deepEqual(logs(t), [
      { atMs: 0, stream: "stderr", text: "sh: foo: not found" },
      { atMs: 0, stream: "stdout", text: "status=127" },
    ]);
    assert.equal(exitOf(run("foo"))?.code, 127);
    assert.deepEqual(texts(run("foo", { shell: "/bin/sh" })), ["/bin/sh: foo: not found"]);
    assert.deepEqual(texts(run("echo\nfoo", { userland: "debian" })), ["", "sh: 2: foo: not found"]);
    assert.deepEqual(texts(run("foo", { userland: "debian", shell: "bash" })), [
      "bash: line 1: foo: command not found",
    ]);
  });

  it("bash is not on a busybox image; curl is not on Debian's", () => {
    assert.deepEqual(texts(run("bash -c 'echo hi'")), ["sh: bash: not found"]);
    assert.deepEqual(texts(run("curl -s http://x", { userland: "debian" })), ["sh: 1: curl: not found"]);
  });

  it("syntax errors print the shell's message and exit 2 without running anything", () => {
    const t = run("echo never; if true; then echo x");
    assert.deepEqual(texts(t), ['sh: syntax error: unexpected end of file (expecting "fi")']);
    assert.equal(exitOf(t)?.code, 2);
    assert.deepEqual(texts(run("echo 'open", { userland: "debian" })), [
      "sh: 1: Syntax error: Unterminated quoted string",
    ]);
    assert.deepEqual(texts(run("done", { userland: "debian", shell: "bash" })), [
      "bash: -c: line 1: syntax error near unexpected token `done'",
    ]);
  });

  it("exit with a non-number, and integer tests on words", () => {
    assert.deepEqual(texts(run("exit abc")), ["sh: exit: Illegal number: abc"]);
    assert.equal(exitOf(run("exit abc"))?.code, 2);
    assert.deepEqual(texts(run("[ a -eq 1 ]; echo $?", { userland: "debian", shell: "bash" })), [
      "bash: line 1: [: a: integer expression expected",
      "2",
    ]);
  });

  it("sh with no command reads an empty stdin and exits 0 at once", () => {
    const t = run("", { argv: ["sh"] });
    assert.deepEqual(logs(t), []);
    assert.deepEqual(exitOf(t), { kind: "exit", atMs: 0, code: 0 });
  });

  it("a missing script file", () => {
    const t = run("", { argv: ["sh", "/app/start.sh"] });
    assert.deepEqual(texts(t), ["sh: can't open '/app/start.sh': No such file or directory"]);
    assert.equal(exitOf(t)?.code, 2);
  });
});

describe("shell: running forever, lazily", () => {
  it("sleep infinity and tail -f /dev/null never exit", () => {
    for (const script of [
      "echo up; sleep infinity",
      "echo up; tail -f /dev/null",
      "echo up; while true; do sleep 3600; done",
    ]) {
      const t = run(script);
      assert.equal(exitOf(t), undefined, script);
      assert.deepEqual(texts(t), ["up"], script);
    }
  });

  it("an endless echo/sleep loop a year later is fast and exact", () => {
    const started = performance.now();
    const t = run("while true; do echo $(date) or hi; sleep 5; done");
    const last = logs(t, YEAR_MS, 10);
    assert.ok(performance.now() - started < 500, "took too long");
    assert.equal(exitOf(t), undefined);
    assert.equal(last.length, 10);
    assert.deepEqual(
      last.map((l) => l.atMs),
      Array.from({ length: 10 }, (_, i) => YEAR_MS - (9 - i) * 5000),
    );
    assert.equal(last[9]!.text, "Tue May 20 10:00:00 UTC 2025 or hi");
    assert.equal(last[0]!.text, "Tue May 20 09:59:15 UTC 2025 or hi");
  });

  it("the first lines of a loop come from the real run, later ones from its period", () => {
    const t = run("echo start; while true; do echo tick; sleep 1; done");
    assert.deepEqual(
      logs(t, 3500).map((l) => [l.atMs, l.text]),
      [
        [0, "start"],
        [0, "tick"],
        [1000, "tick"],
        [2000, "tick"],
        [3000, "tick"],
      ],
    );
    assert.deepEqual(texts(t, 86_400_000, 2), ["tick", "tick"]);
  });

  it("a counter loop (the Kubernetes logging example) extrapolates its counter", () => {
    const t = run('i=0; while true; do echo "$i: $(date)"; i=$((i+1)); sleep 1; done');
    assert.deepEqual(texts(t, 3_600_000, 3), [
      "3598: Mon May 20 10:59:58 UTC 2024",
      "3599: Mon May 20 10:59:59 UTC 2024",
      "3600: Mon May 20 11:00:00 UTC 2024",
    ]);
  });

  it("limit, and untilMs before the first line", () => {
    const t = run("sleep 5; echo late; echo later");
    assert.deepEqual(logs(t, 4999), []);
    assert.deepEqual(texts(t, 5000), ["late", "later"]);
    assert.deepEqual(texts(t, 5000, 1), ["later"]);
    assert.deepEqual(logs(t, 5000, 0), []);
  });

  it("a loop without sleep is cut off sanely: a millisecond an iteration, never a hang", () => {
    const started = performance.now();
    const busy = run("while true; do echo spin; done");
    assert.deepEqual(texts(busy, 1000, 3), ["spin", "spin", "spin"]);
    assert.equal(logs(busy, 1000).length, 1001);
    const growing = run('x=; while true; do x="$x."; done');
    assert.equal(exitOf(growing), undefined);
    const silent = run("while :; do :; done");
    assert.deepEqual(logs(silent), []);
    assert.ok(performance.now() - started < 3000, "took too long");
  });

  it("a long counted loop ends when its counter says so, and the script goes on", () => {
    const started = performance.now();
    const t = run('i=0; while [ $i -lt 3600 ]; do echo "tick $i"; sleep 1; i=$((i+1)); done; echo "done $i"');
    assert.deepEqual(exitOf(t), { kind: "exit", atMs: 3_600_000, code: 0 });
    assert.deepEqual(
      logs(t, YEAR_MS, 3).map((l) => [l.atMs, l.text]),
      [
        [3_598_000, "tick 3598"],
        [3_599_000, "tick 3599"],
        [3_600_000, "done 3600"],
      ],
    );
    assert.deepEqual(texts(t, 1_500_000, 1), ["tick 1500"]);
    const broken = run(
      "i=0; while true; do i=$((i+1)); if [ $i -gt 100000 ]; then break; fi; done; echo broke at $i",
    );
    assert.deepEqual(texts(broken), ["broke at 100001"]);
    assert.ok(performance.now() - started < 1000, "took too long");
  });

  it("a loop that ends by its condition runs to the end", () => {
    const t = run("n=0; while [ $n -lt 5 ]; do n=$((n+1)); sleep 1; done; echo done $n");
    assert.deepEqual(
      logs(t).map((l) => [l.atMs, l.text]),
      [[5000, "done 5"]],
    );
    assert.deepEqual(exitOf(t), { kind: "exit", atMs: 5000, code: 0 });
  });

  it("a shell ignores SIGTERM as PID 1 unless it traps it", () => {
    assert.equal(run("sleep 3600").stopMs, "ignores-sigterm");
    assert.equal(run("trap 'exit 0' TERM; sleep 3600").stopMs, 50);
  });

  it("busybox nc -l listens until stopped", () => {
    const t = run("echo serving; nc -lk -p 8080 -e echo hi");
    assert.deepEqual(t.server, { ports: [8080], readyAtMs: 0 });
    assert.equal(exitOf(t), undefined);
  });
});
