export * from "./reject-codes.ts";
