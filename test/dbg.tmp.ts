import { openKubectlSession } from "./fixtures/kubectl-session.ts";

const s = await openKubectlSession("dbg@example.com", { speed: "instant" });
try {
  console.log(await s.ok(["create", "deployment", "api", "--image=nginx:1.27", "--replicas=2"]));
  await new Promise((r) => setTimeout(r, 4000));
  console.log((await s.run(["get", "deploy,rs,pods", "-o", "wide"])).stdout);
  console.log((await s.run(["get", "events", "-A"])).stdout.slice(0, 3000));
  console.log(s.server.output().slice(-3000));
  console.log(await s.run(["rollout", "status", "deployment/api", "--timeout=5s"]));
} finally {
  await s.close();
}
