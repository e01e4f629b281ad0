import { readdirSync, readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";

/**
 * The simulated registry's images as data (ARCHITECTURE §5): one YAML file per image under
 * `catalog/`, checked once at load so a broken entry fails at boot, not in a learner's pod.
 * Templates in log text (`%{ts:nginx}`, `%{version}`, `%{env:NAME|default}` …) are rendered by
 * log-template.ts.
 */

/** True when the variable is set to a non-empty value (and equals `equals`, if given). */
const conditionSchema = z.object({
  env: z.string().optional(),
  equals: z.string().optional(),
  /** The image tag's variant starts with this (`management` for `rabbitmq:4-management`). */
  variant: z.string().optional(),
});

const lineSchema = z.object({
  text: z.string(),
  stream: z.enum(["stdout", "stderr"]).default("stdout"),
  /** Milliseconds after the previous line (or the process start). */
  after: z.number().nonnegative().default(0),
  when: conditionSchema.optional(),
  unless: conditionSchema.optional(),
  /** The process answers on its ports from this line on. */
  ready: z.boolean().optional(),
  /** Written by the image's entrypoint script: absent when the program is run directly. */
  via: z.literal("entrypoint").optional(),
});

const behaviourSchema = z.object({
  /** Checked first, in order: the first guard none of whose `unlessAny` holds prints its lines and exits. */
  guards: z
    .array(
      z.object({
        unlessAny: z.array(conditionSchema),
        lines: z.array(lineSchema),
        exitCode: z.number().int(),
      }),
    )
    .default([]),
  lines: z.array(lineSchema).default([]),
  /** A server keeps running and listens; without it the process exits after its last line. */
  serve: z
    .object({
      ports: z.array(z.number().int()),
      /** An environment variable that moves the (first) port, as `PORT` does for many apps. */
      portEnv: z.string().optional(),
    })
    .optional(),
  exitCode: z.number().int().default(0),
  /** Extra run time after the last line before exiting. */
  exitAfterMs: z.number().nonnegative().default(0),
});

const userlandSchema = z.enum(["busybox", "debian", "none"]);

const imageSchema = z.object({
  /** Fully qualified repository: `docker.io/library/nginx`. */
  repository: z.string(),
  /** Which shell and utilities the image has: busybox (alpine), debian (dash + bash, GNU) or none. */
  userland: userlandSchema,
  /** Compressed size of the default variant. */
  sizeMB: z.number().positive(),
  /** Release series → newest version in it (`"1.27": "1.27.3"`): every older patch tag exists too. */
  releases: z.record(z.string(), z.string()).default({}),
  /** Floating tags → version (`latest`, `stable`, `lts`). No `latest` here means the tag does not exist. */
  aliases: z.record(z.string(), z.string()).default({}),
  /** Tags are also published with a `v` prefix (`v3.2`). */
  vPrefix: z.boolean().default(false),
  /** Tag suffixes (`alpine`, `slim`, `management`): `1.27-alpine`, `alpine3.20`, or alone for latest. */
  variants: z
    .record(
      z.string(),
      z.object({
        sizeMB: z.number().positive().optional(),
        userland: userlandSchema.optional(),
        ports: z.array(z.number().int()).optional(),
      }),
    )
    .default({}),
  entrypoint: z.array(z.string()).default([]),
  cmd: z.array(z.string()).default([]),
  /** The image's ENV (templated with `%{version}`). */
  env: z.record(z.string(), z.string()).default({}),
  /** Executables that run `run` (the image's main program); a trailing `*` matches versioned names. */
  programs: z.array(z.string()).default([]),
  /** Executables that exist and end at once without output (clients, REPLs without stdin). */
  tools: z.array(z.string()).default([]),
  run: behaviourSchema.optional(),
  /** Command lines with their own behaviour (`nginx` alone daemonizes and exits). */
  commands: z
    .array(
      z.object({
        argv: z.array(z.string()),
        /** Also matches longer command lines that start with `argv`. */
        prefix: z.boolean().default(false),
        /** The argument (by index) that, when it is a number, is the port to listen on. */
        portArg: z.number().int().optional(),
        run: behaviourSchema,
      }),
    )
    .default([]),
  /** How long the main program takes to exit after SIGTERM. */
  stopMs: z.number().nonnegative().default(200),
  /** What the running server uses at rest, as `kubectl top` shows it (millicores, MiB). */
  usage: z.object({ cpuMillis: z.number().nonnegative(), memoryMiB: z.number().nonnegative() }).optional(),
});

const extrasSchema = z.object({
  /** Other official Docker Hub images: they exist (no typo error) but run as generic servers. */
  otherOfficial: z.array(z.string()),
});

export type Condition = z.infer<typeof conditionSchema>;
export type LineSpec = z.infer<typeof lineSchema>;
export type Behaviour = z.infer<typeof behaviourSchema>;
export type Userland = z.infer<typeof userlandSchema>;
export type CatalogImage = z.infer<typeof imageSchema>;

const catalogDir = new URL("./catalog/", import.meta.url);

function loadYaml(name: string): unknown {
  return parseYaml(readFileSync(new URL(name, catalogDir), "utf8"));
}

function loadImages(): Map<string, CatalogImage> {
  const images = new Map<string, CatalogImage>();
  for (const file of readdirSync(catalogDir).sort()) {
    if (!file.endsWith(".yaml") || file.startsWith("_")) continue;
    const parsed = imageSchema.safeParse(loadYaml(file));
    if (!parsed.success) throw new Error(`image catalog ${file}: ${parsed.error.message}`);
    images.set(parsed.data.repository, parsed.data);
  }
  return images;
}

const images = loadImages();
const extras = extrasSchema.parse(loadYaml("_other-official.yaml"));
const otherOfficial = new Set(extras.otherOfficial.map((name) => `docker.io/library/${name}`));

/** The catalog entry of a fully qualified repository (`docker.io/library/nginx`). */
export function catalogImage(repository: string): CatalogImage | undefined {
  return images.get(repository);
}

export function catalogRepositories(): string[] {
  return [...images.keys()];
}

/** An official image this catalog does not describe, but which exists on Docker Hub. */
export function isOtherOfficialImage(repository: string): boolean {
  return otherOfficial.has(repository);
}
