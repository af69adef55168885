// Order entry shared by REST and WebSocket: validate the wire form with the domain schemas,
// convert decimal prices to ticks, submit to the core, and turn the journaled outcome into an
// acknowledgement or a problem. An account can only ever name itself: the account id comes from
// the authenticated key, never from the body.
import type { SubmitResult } from "@ghx/core-service";
import {
  amendOrderRequestSchema,
  type CoreCommand,
  cancelOrderRequestSchema,
  massCancelRequestSchema,
  placeOrderRequestSchema,
  replaceOrderRequestSchema,
  zodErrorToProblem,
} from "@ghx/domain";
import type { z } from "zod";
import type { CorePort } from "./core-port.ts";
import type { Market } from "./market.ts";
import type { GatewayMetrics } from "./metrics.ts";
import { ApiProblem, type Problem, type ProblemCode, validationProblem } from "./problem.ts";
import { rejectDetail } from "./reject-detail.ts";
import type { orderAckSchema } from "./schemas.ts";

export type OrderAck = z.infer<typeof orderAckSchema>;
export type BatchResult = { ok: true; result: OrderAck } | { ok: false; problem: Problem };

/** Parses `input` (an object from the wire) with the account id filled in from the key. */
export function parseOwned<S extends z.ZodType>(
  schema: S,
  input: unknown,
  accountId: string,
  prefix = "",
): z.infer<S> {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new ApiProblem("INVALID_COMMAND", "expected a JSON object", prefix.replace(/\.$/, ""));
  }
  const claimed = (input as { accountId?: unknown }).accountId;
  if (claimed !== undefined && claimed !== accountId) {
    throw new ApiProblem("FORBIDDEN", "an API key acts only for its own account", `${prefix}accountId`);
  }
  // The account id first: V8 copies the rest of the wire object onto that shape cheaply, while
  // appending a key after a spread took ~3 µs per order.
  return parseWith(schema, { accountId, ...input }, prefix);
}

export function parseWith<S extends z.ZodType>(schema: S, input: unknown, prefix = ""): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw validationProblem(zodErrorToProblem(parsed.error), prefix);
  return parsed.data;
}

/** Which field a core reject blames, for the problem's `field`. */
const rejectFields: Partial<Record<string, string>> = {
  INVALID_PRICE: "price",
  PRICE_NOT_ON_TICK: "price",
  PRICE_OUT_OF_BAND: "price",
  INVALID_QUANTITY: "quantityLots",
  QUANTITY_BELOW_MIN: "quantityLots",
  QUANTITY_ABOVE_MAX: "quantityLots",
  ORDER_SIZE_LIMIT: "quantityLots",
  AMEND_NOT_DOWN: "newQuantityLots",
  UNKNOWN_PRODUCT: "symbol",
  MARKET_CLOSED: "symbol",
  MARKET_HALTED: "symbol",
  DUPLICATE_CLIENT_ID: "clientOrderId",
  EXPIRY_IN_PAST: "expireAtMs",
  INVALID_TIME_IN_FORCE: "timeInForce",
  ORDER_NOT_FOUND: "orderId",
};

export class CommandSubmitter {
  constructor(
    private readonly core: CorePort,
    private readonly market: Market,
    private readonly metrics: GatewayMetrics,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /**
   * Submits and waits for the journal; a core reject becomes an ApiProblem whose detail shows the
   * prices and amounts of the command's product (`symbol` when the command names none) in decimals.
   */
  async submit(command: CoreCommand, prefix = "", symbol?: string): Promise<SubmitResult> {
    const started = this.nowMs();
    let result: SubmitResult;
    try {
      result = await this.core.submit(command);
    } catch (error) {
      const problem = unanswered(error);
      this.metrics.rejects.inc({ code: problem.problem.code });
      throw problem;
    }
    this.metrics.journalLag.observe((this.nowMs() - started) / 1000);
    const { outcome } = result;
    this.metrics.coreSeq.set(outcome.seq);
    if (outcome.status === "rejected") {
      this.metrics.orders.inc({ command: command.type, result: "rejected" });
      this.metrics.rejects.inc({ code: outcome.code });
      // Never reveal that another account's order exists: not yours reads as not found.
      const code: ProblemCode = outcome.code === "NOT_ORDER_OWNER" ? "ORDER_NOT_FOUND" : outcome.code;
      const named = symbol ?? ("symbol" in command ? command.symbol : undefined);
      const message =
        code === "ORDER_NOT_FOUND"
          ? "no such open order"
          : rejectDetail(code, outcome.message, this.market, named);
      const field = rejectFields[code];
      throw new ApiProblem(code, message, field === undefined ? undefined : `${prefix}${field}`);
    }
    this.metrics.orders.inc({ command: command.type, result: "accepted" });
    return result;
  }
}

export class OrderEntry {
  constructor(
    private readonly submitter: CommandSubmitter,
    private readonly core: CorePort,
    private readonly market: Market,
  ) {}

  async place(accountId: string, input: unknown, commandId: string, prefix = ""): Promise<OrderAck> {
    const data = parseOwned(placeOrderRequestSchema, input, accountId, prefix);
    const result = await this.submitter.submit(this.placeCommand(data, accountId, commandId, prefix), prefix);
    return this.placedAck(result, data.symbol, data.clientOrderId, data.quantityLots);
  }

  /**
   * Places up to batchCommandsMax orders in one go: all are submitted in the same tick (one group
   * commit in the core), each answered on its own; one refusal does not stop the others.
   */
  placeBatch(accountId: string, orders: readonly unknown[], commandId: string): Promise<BatchResult[]> {
    return Promise.all(
      orders.map((order, i) =>
        this.place(accountId, order, `${commandId}.${i}`, `orders.${i}.`).then(
          (result): BatchResult => ({ ok: true, result }),
          (error: unknown): BatchResult => {
            if (error instanceof ApiProblem) return { ok: false, problem: error.problem };
            throw error;
          },
        ),
      ),
    );
  }

  /**
   * Limit orders carry their price; a market order with a collar is an IOC/FOK limit at it.
   * Every command has the same keys (absent ones undefined, as the journal encodes them), so the
   * hot path builds one object shape and no spreads.
   */
  private placeCommand(
    data: z.infer<typeof placeOrderRequestSchema>,
    accountId: string,
    commandId: string,
    prefix: string,
  ): CoreCommand {
    const limit = data.orderType === "limit";
    let price: number | undefined;
    if (limit) price = this.market.priceToTicks(data.symbol, data.price, "price", prefix);
    else if (data.collarPrice !== undefined) {
      price = this.market.priceToTicks(data.symbol, data.collarPrice, "collarPrice", prefix);
    } else this.market.spec(data.symbol, "symbol", prefix);
    return {
      type: "PlaceOrder",
      commandId,
      accountId,
      clientOrderId: data.clientOrderId,
      symbol: data.symbol,
      side: data.side,
      orderType: price === undefined ? "market" : "limit",
      price,
      qty: data.quantityLots,
      tif: data.timeInForce,
      expiry: limit ? data.expireAtMs : undefined,
      postOnly: limit ? data.postOnly : undefined,
      stpMode: data.stpMode,
    };
  }

  async cancel(accountId: string, target: OrderTarget, commandId: string, prefix = ""): Promise<OrderAck> {
    const result = await this.submitter.submit(
      { type: "CancelOrder", commandId, accountId, ...target },
      prefix,
    );
    return this.changedAck(result);
  }

  /** WS form: the domain's cancel schema (symbol and one of orderId / clientOrderId). */
  cancelFromWire(accountId: string, input: unknown, commandId: string, prefix = ""): Promise<OrderAck> {
    const data = parseOwned(cancelOrderRequestSchema, input, accountId, prefix);
    return this.cancel(accountId, targetOf(data, prefix), commandId, prefix);
  }

  async replace(accountId: string, input: unknown, commandId: string, prefix = ""): Promise<OrderAck> {
    const data = parseOwned(replaceOrderRequestSchema, input, accountId, prefix);
    const price = this.market.priceToTicks(data.symbol, data.price, "price", prefix);
    const target = targetOf(data, prefix);
    if (data.newClientOrderId !== undefined) {
      await this.checkClientOrderIdKept(accountId, target, data.newClientOrderId, prefix);
    }
    const command: CoreCommand = {
      type: "ReplaceOrder",
      commandId,
      accountId,
      ...target,
      price,
      qty: data.quantityLots,
    };
    return this.changedAck(await this.submitter.submit(command, prefix, data.symbol));
  }

  /**
   * The core's ReplaceOrder keeps the order's ids, so an optional `newClientOrderId` can only be
   * the current client order id; anything else is refused rather than silently ignored.
   */
  private async checkClientOrderIdKept(
    accountId: string,
    target: OrderTarget,
    newId: string,
    prefix: string,
  ) {
    const current =
      "clientOrderId" in target
        ? target.clientOrderId
        : (await this.core.openOrders(accountId)).find((o) => o.orderId === target.orderId)?.clientOrderId;
    if (current === undefined)
      throw new ApiProblem("ORDER_NOT_FOUND", "no such open order", `${prefix}orderId`);
    if (newId !== current) {
      const detail = `replace keeps the client order id: newClientOrderId must be ${current}`;
      throw new ApiProblem("INVALID_COMMAND", detail, `${prefix}newClientOrderId`);
    }
  }

  async amend(accountId: string, input: unknown, commandId: string, prefix = ""): Promise<OrderAck> {
    const data = parseOwned(amendOrderRequestSchema, input, accountId, prefix);
    const command: CoreCommand = {
      type: "AmendOrder",
      commandId,
      accountId,
      ...targetOf(data, prefix),
      qty: data.newQuantityLots,
    };
    return this.changedAck(await this.submitter.submit(command, prefix));
  }

  /** Cancels the account's open orders, optionally in one product and/or on one side: one core command. */
  async massCancel(accountId: string, input: unknown, commandId: string, prefix = ""): Promise<OrderAck> {
    const data = parseOwned(massCancelRequestSchema, input, accountId, prefix);
    const command: CoreCommand = {
      type: "MassCancel",
      commandId,
      accountId,
      ...(data.symbol !== undefined ? { symbol: data.symbol } : {}),
      ...(data.side !== undefined ? { side: data.side } : {}),
    };
    return this.changedAck(await this.submitter.submit(command, prefix));
  }

  private placedAck(result: SubmitResult, symbol: string, clientOrderId: string, qty: number): OrderAck {
    const orderId = acceptedOrderId(result);
    const seq = result.outcome.seq;
    if (orderId === undefined) return { seq, symbol, clientOrderId };
    // A retried command id: the core answers with the first outcome but no events to describe.
    if (result.duplicate) return { seq, symbol, clientOrderId, orderId: String(orderId) };
    const fills: { price: string; quantityLots: number }[] = [];
    let filledLots = 0;
    let cancelled = false;
    for (const event of result.events) {
      if (
        event.type === "TradeExecuted" &&
        (event.takerOrderId === orderId || event.makerOrderId === orderId)
      ) {
        filledLots += event.qty;
        fills.push({ price: this.market.ticksToPrice(event.symbol, event.price), quantityLots: event.qty });
      } else if (event.type === "OrderCancelled" && event.orderId === orderId) {
        cancelled = true;
      }
    }
    const remainingLots = cancelled ? 0 : qty - filledLots;
    return {
      seq,
      symbol,
      clientOrderId,
      orderId: String(orderId),
      status: statusOf(cancelled, remainingLots, filledLots),
      filledLots,
      remainingLots,
      fills,
    };
  }

  private changedAck(result: SubmitResult): OrderAck {
    const { outcome, events } = result;
    const cancelledOrders = events.filter((e) => e.type === "OrderCancelled").length;
    return {
      seq: outcome.seq,
      ...(acceptedOrderId(result) !== undefined ? { orderId: String(acceptedOrderId(result)) } : {}),
      ...(cancelledOrders > 0 ? { cancelledOrders } : {}),
    };
  }
}

function statusOf(cancelled: boolean, remainingLots: number, filledLots: number): OrderAck["status"] {
  if (cancelled) return "cancelled";
  if (remainingLots === 0) return "filled";
  return filledLots > 0 ? "partially_filled" : "new";
}

function acceptedOrderId({ outcome }: SubmitResult): number | undefined {
  return outcome.status === "accepted" ? outcome.orderId : undefined;
}

export type OrderTarget = { orderId: number } | { clientOrderId: string };

function targetOf(
  data: { orderId?: string | undefined; clientOrderId?: string | undefined },
  prefix: string,
): OrderTarget {
  if (data.clientOrderId !== undefined) return { clientOrderId: data.clientOrderId };
  return { orderId: orderIdFromWire(data.orderId ?? "", `${prefix}orderId`) };
}

/** Order ids are decimal strings on the wire; anything else cannot name an order. */
export function orderIdFromWire(orderId: string, field = "orderId"): number {
  const id = /^[1-9]\d{0,15}$/.test(orderId) ? Number(orderId) : Number.NaN;
  if (!Number.isSafeInteger(id)) throw new ApiProblem("ORDER_NOT_FOUND", "no such open order", field);
  return id;
}

/**
 * A submit the core did not answer with an outcome: refused as overloaded (in process the core's
 * CoreOverloaded, over the bus a BusRemoteError, both with code CORE_OVERLOADED), in which case
 * nothing was applied; or no answer at all, which says nothing about whether it was.
 */
function unanswered(error: unknown): ApiProblem {
  const { code, message, remoteMessage } = error as {
    code?: unknown;
    message?: string;
    remoteMessage?: string;
  };
  if (code === "CORE_OVERLOADED") {
    return new ApiProblem(
      "CORE_OVERLOADED",
      `the core is overloaded (${remoteMessage ?? message}): nothing was applied; retry after a moment`,
    );
  }
  return new ApiProblem(
    "CORE_UNAVAILABLE",
    // A timeout says nothing about whether the core applied it: say so, and how to find out.
    `no answer from the core (${message}); the command may or may not have been applied: a retry with the same Idempotency-Key returns its outcome`,
  );
}
