// `npm start`: the whole exchange in one process. Until the gateway lands it only says what runs.
console.log("GHX embedded exchange: the gateway (REST/WS on :8080) is not built yet.");
console.log("Built so far: domain model, matching engine, event store, bus. See README.md.");
