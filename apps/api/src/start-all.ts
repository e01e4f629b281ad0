import { startWorkers } from "../../../workers/src/start-workers.ts";
import { boot, onShutdown } from "./boot/boot.ts";
import { startApiServer } from "./server.ts";

/** `npm start`: the HTTPS API and every worker role in one process. */
const booted = await boot("all");
const server = await startApiServer(booted.runtime);
const workers = startWorkers(booted.runtime, ["all"]);
onShutdown(
  async () => {
    await server.close();
    await workers.close();
    await booted.close();
  },
  (msg) => booted.runtime.log.info(msg),
);
