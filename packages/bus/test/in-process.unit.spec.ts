import { beforeEach } from "vitest";
import { InProcessBroker } from "../src/index.ts";
import { busBehaviour } from "./behaviour.ts";

let broker = new InProcessBroker();
beforeEach(() => {
  broker = new InProcessBroker();
});

busBehaviour("in-process", () => ({ connect: async (options) => broker.connect(options) }));
