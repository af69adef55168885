export * from "./reject-codes.ts";
export * from "./schemas/core-schemas.ts";
