import type { Context } from "hono";
import type { z } from "zod";
import { badRequest } from "../errors.ts";

/** Reads and checks a JSON body; every problem becomes a 400 that says what is wrong. */
export async function parseJsonBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  const text = await c.req.text();
  let value: unknown;
  try {
    value = text.trim() === "" ? {} : JSON.parse(text);
  } catch (err) {
    throw badRequest(`request body is not valid JSON: ${(err as Error).message}`, "invalid_json");
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const path = issue.path.join(".");
      if (issue.code === "unrecognized_keys")
        return `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(", ")}${path ? ` in ${path}` : ""}`;
      return path && !issue.message.startsWith(path) ? `${path}: ${issue.message}` : issue.message;
    });
    throw badRequest(problems.join("; "), "invalid_request");
  }
  return parsed.data;
}
