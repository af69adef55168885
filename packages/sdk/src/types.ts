// The shapes of GHX requests and results as the SDK exposes them. Order requests are the domain's
// wire schemas (decimal price strings, integer lots) minus what the SDK fills in itself: the
// account (always the signing key's) and, when omitted, the client order id. Results mirror the
// gateway's JSON views: prices and amounts stay decimal strings, quantities are integer lots.
import type {
  amendOrderRequestSchema,
  apiKeyScopeSchema,
  Capability,
  cancelOrderRequestSchema,
  massCancelRequestSchema,
  placeOrderRequestSchema,
  replaceOrderRequestSchema,
  Side,
  TradingState,
} from "@ghx/domain";
import type { z } from "zod";

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type ApiKeyScope = z.infer<typeof apiKeyScopeSchema>;
export type { Capability, Side, TradingState };

/** A limit or market order; `clientOrderId` is generated when omitted. */
export type PlaceOrderRequest = DistributiveOmit<
  z.input<typeof placeOrderRequestSchema>,
  "accountId" | "clientOrderId"
> & {
  readonly clientOrderId?: string;
};
/** Names one open order: `symbol` plus exactly one of `orderId` / `clientOrderId`. */
export type OrderTarget = Omit<z.input<typeof cancelOrderRequestSchema>, "accountId">;
/** New price and quantity; the order keeps its ids (`newClientOrderId`, if given, must be the current one). */
export type ReplaceOrderRequest = Omit<z.input<typeof replaceOrderRequestSchema>, "accountId">;
export type AmendOrderRequest = Omit<z.input<typeof amendOrderRequestSchema>, "accountId">;
export type MassCancelRequest = Omit<z.input<typeof massCancelRequestSchema>, "accountId">;

export type OrderStatus = "new" | "partially_filled" | "filled" | "cancelled" | "expired" | "rejected";

/** What place/cancel/replace/amend return once the core has journaled the command. */
export interface OrderAck {
  readonly seq: number;
  readonly orderId?: string;
  readonly clientOrderId?: string;
  readonly symbol?: string;
  readonly status?: OrderStatus;
  readonly filledLots?: number;
  readonly remainingLots?: number;
  readonly cancelledOrders?: number;
  readonly fills?: readonly { readonly price: string; readonly quantityLots: number }[];
}

/** Operator and account commands answer with the core sequence number that journaled them. */
export interface CommandAck {
  readonly seq: number;
}

export interface Order {
  readonly orderId: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly price: string;
  readonly quantityLots: number;
  readonly filledLots: number;
  readonly remainingLots: number;
  readonly timeInForce?: string;
  readonly status: OrderStatus;
}

export interface Fill {
  readonly orderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly price: string;
  readonly quantityLots: number;
  readonly fee: string;
  readonly liquidity: "maker" | "taker";
  readonly seq: number;
  /** ISO 8601. */
  readonly time: string;
}

export interface Balance {
  readonly currency: string;
  readonly available: string;
  readonly held: string;
  readonly escrow: string;
  readonly margin: string;
  readonly bond: string;
  readonly voucherAvailable: string;
  readonly voucherHeld: string;
  readonly voucherEscrow: string;
}

export interface Position {
  readonly symbol: string;
  readonly quantityLots: number;
  readonly openBidLots: number;
  readonly openAskLots: number;
  readonly margin: string;
}

export interface Product {
  readonly symbol: string;
  readonly kind: string;
  readonly state: TradingState | string;
  readonly currency: string;
  readonly tick: string;
  readonly bestBid: string | null;
  readonly bestAsk: string | null;
}

export interface OrderBookLevel {
  readonly price: string;
  readonly quantityLots: number;
  readonly orders: number;
}

export interface OrderBook {
  readonly symbol: string;
  readonly bids: readonly OrderBookLevel[];
  readonly asks: readonly OrderBookLevel[];
}

export interface PageQuery {
  readonly symbol?: string;
  readonly limit?: number;
}

// ---- accounts and keys ----

/** An account as an operator sees it. */
export interface Account {
  readonly accountId: string;
  readonly owner: string;
  readonly capabilities: readonly Capability[];
  readonly blocked: boolean;
  /** Self-trade-prevention group: accounts of one owner share it. */
  readonly stpGroup: number;
  readonly apiKeyCount: number;
}

/** An active API key: the exchange holds only its public half. */
export interface ApiKey {
  readonly keyId: string;
  readonly accountId: string;
  readonly publicKey: string;
  readonly scopes: readonly ApiKeyScope[];
}

/** A page of accounts in creation order: `after` is the last account id of the previous page. */
export interface AccountsQuery {
  readonly after?: string;
  readonly limit?: number;
}

// ---- operator and provider requests ----

export interface CreateAccountRequest {
  readonly accountId: string;
  /** The legal party; accounts of one owner form a self-trade-prevention group. */
  readonly owner: string;
  readonly capabilities: readonly Capability[];
}

export interface RegisterApiKeyRequest {
  readonly keyId: string;
  /** Ed25519 public key, base64url (43 chars) or hex (64 chars). */
  readonly publicKey: string;
  readonly scopes: readonly ApiKeyScope[];
}

/** An operator's deposit or voucher issue to an account. */
export interface OperatorMoneyRequest {
  readonly accountId: string;
  readonly currency: string;
  /** Decimal string, e.g. "1000.00". */
  readonly amount: string;
}

/** A withdrawal or bond post from the caller's own account. */
export interface OwnMoneyRequest {
  readonly currency: string;
  readonly amount: string;
}

export interface DeclareCapacityRequest {
  readonly accelerator: string;
  readonly zone: string;
  readonly gpus: number;
  /** Whole UTC hours, epoch ms. */
  readonly fromMs: number;
  readonly toMs: number;
}

export interface ListProductRequest {
  readonly symbol: string;
  readonly referencePrice: string;
  readonly open?: boolean;
  readonly positionLimitLots?: number;
}
