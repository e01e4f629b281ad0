import { Hono } from "hono";
import type { Principal } from "../auth/tokens.ts";
import { badRequest } from "../errors.ts";
import type { Runtime } from "../platform/runtime.ts";
import type { TenantContext } from "../services/context.ts";
import { createWebhookBody, updateWebhookBody } from "../webhooks/schemas.ts";
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listDeliveries,
  listWebhooks,
  retryDelivery,
  rotateWebhookSecret,
  sendTestEvent,
  updateWebhook,
} from "../webhooks/webhook-service.ts";
import { parseJsonBody } from "./request.ts";

type Env = { Variables: { principal: Principal } };

const MAX_DELIVERIES_PAGE = 200;

/** `/v1/webhooks`: mounted behind the tenant API's authentication. */
export function webhookRoutes(runtime: Runtime): Hono<Env> {
  const app = new Hono<Env>();
  const ctx = (principal: Principal): TenantContext => ({ runtime, principal });

  app.post("/", async (c) => {
    const body = await parseJsonBody(c, createWebhookBody);
    return c.json(await createWebhook(ctx(c.get("principal")), body), 201);
  });
  app.get("/", async (c) => c.json({ items: await listWebhooks(ctx(c.get("principal"))) }));
  app.get("/:id", async (c) => c.json(await getWebhook(ctx(c.get("principal")), c.req.param("id"))));
  app.patch("/:id", async (c) => {
    const body = await parseJsonBody(c, updateWebhookBody);
    return c.json(await updateWebhook(ctx(c.get("principal")), c.req.param("id"), body));
  });
  app.delete("/:id", async (c) => {
    await deleteWebhook(ctx(c.get("principal")), c.req.param("id"));
    return c.body(null, 204);
  });
  app.post("/:id/rotate-secret", async (c) =>
    c.json(await rotateWebhookSecret(ctx(c.get("principal")), c.req.param("id"))),
  );
  app.post("/:id/test", async (c) =>
    c.json(await sendTestEvent(ctx(c.get("principal")), c.req.param("id")), 202),
  );
  app.get("/:id/deliveries", async (c) => {
    const raw = c.req.query("limit");
    const limit = raw === undefined ? 50 : Number(raw);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_DELIVERIES_PAGE) {
      throw badRequest(`limit must be an integer from 1 to ${MAX_DELIVERIES_PAGE}`, "invalid_request");
    }
    return c.json({ items: await listDeliveries(ctx(c.get("principal")), c.req.param("id"), limit) });
  });
  app.post("/:id/deliveries/:deliveryId/retry", async (c) =>
    c.json(await retryDelivery(ctx(c.get("principal")), c.req.param("id"), c.req.param("deliveryId")), 202),
  );
  return app;
}
