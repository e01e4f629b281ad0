import { boot, onShutdown } from "../../apps/api/src/boot/boot.ts";
import { startWorkers, WORKER_ROLES, type WorkerRole } from "./start-workers.ts";

/** `npm run start:workers [-- --role=provisioning,…]`: the control-plane workers, any number of replicas. */
function parseRoles(argv: readonly string[]): WorkerRole[] {
  const arg = argv.find((a) => a.startsWith("--role="));
  const roles = (arg ? arg.slice("--role=".length) : "all").split(",").filter(Boolean);
  for (const role of roles) {
    if (!(WORKER_ROLES as readonly string[]).includes(role)) {
      throw new Error(`unknown worker role "${role}"; expected one of ${WORKER_ROLES.join(", ")}`);
    }
  }
  return roles as WorkerRole[];
}

const roles = parseRoles(process.argv.slice(2));
const booted = await boot("workers");
const workers = startWorkers(booted.runtime, roles);
onShutdown(
  async () => {
    await workers.close();
    await booted.close();
  },
  (msg) => booted.runtime.log.info(msg),
);
