import { z } from "zod";
import { lotsMax } from "../limits.ts";
import { unsignedDecimalPattern } from "../price.ts";
import type { sideSchema } from "./core-orders.ts";

// Field schemas of the API edge, where prices are decimal strings; the core's integer forms are in
// core-*.ts.

/** A price or amount as a decimal string: "12.34". Checked against the product's tick by priceToTicks. */
export const priceStringSchema = z
  .string()
  .regex(unsignedDecimalPattern, "must be a decimal string like 12.34");

/** Lots in an order: a whole number from 1. */
export const lotsSchema = z.int().min(1).max(lotsMax);

export type Side = z.infer<typeof sideSchema>;
