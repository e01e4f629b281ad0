import { z } from "zod";
import { PLATFORM_EVENT_TYPES } from "./platform-events.ts";

const eventType = z.enum(PLATFORM_EVENT_TYPES, {
  error: (issue) =>
    `unknown event type ${JSON.stringify(issue.input)}; known types: ${PLATFORM_EVENT_TYPES.join(", ")}`,
});

const events = z
  .array(eventType, { error: "events must be a list of event types" })
  .min(1, "events must name at least one event type")
  .transform((types) => [...new Set(types)]);

/** Checked for scheme and address by the service, which knows whether private addresses are allowed. */
const url = z
  .string({ error: "url must be a string" })
  .trim()
  .min(1, "url must not be empty")
  .max(2048, "url must be no more than 2048 characters");

export const createWebhookBody = z.strictObject({
  url,
  events,
  clusterId: z.string().min(1, "clusterId must not be empty").optional(),
});

export const updateWebhookBody = z.strictObject({
  url: url.optional(),
  events: events.optional(),
  enabled: z.boolean({ error: "enabled must be true or false" }).optional(),
});

export type CreateWebhookBody = z.infer<typeof createWebhookBody>;
export type UpdateWebhookBody = z.infer<typeof updateWebhookBody>;
