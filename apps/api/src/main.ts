import { boot, onShutdown } from "./boot/boot.ts";
import { startApiServer } from "./server.ts";

/** `npm run start:api`: the HTTPS API alone, as one of any number of replicas. */
const booted = await boot("api");
const server = await startApiServer(booted.runtime);
onShutdown(
  async () => {
    await server.close();
    await booted.close();
  },
  (msg) => booted.runtime.log.info(msg),
);
