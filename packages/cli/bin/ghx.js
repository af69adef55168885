#!/usr/bin/env node
// The `ghx` executable. There is no build step: register tsx's loader, then run the TypeScript entry.
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");
