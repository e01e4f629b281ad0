import { Hono } from "hono";
import type { Runtime } from "../../platform/runtime.ts";
import { authorizeCluster, type ClusterAccess } from "./cluster-access.ts";
import { KUBERNETES_VERSION } from "./version.ts";

type Env = { Variables: { access: ClusterAccess } };

/** One Kubernetes API per cluster, mounted at /k8s/:clusterId. */
export function kubeRoutes(runtime: Runtime): Hono<Env> {
  const app = new Hono<Env>();
  app.use("/:clusterId/*", async (c, next) => {
    c.set("access", await authorizeCluster(runtime, c.req.header("authorization"), c.req.param("clusterId")));
    await next();
  });
  app.get("/:clusterId/version", (c) => c.json(KUBERNETES_VERSION));
  return app;
}
