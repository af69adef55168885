// The caller's account (balances, positions, provider capacity) and the operator's account
// commands (list and create accounts, deposit) that make a fresh exchange usable.
import type { Account, Balance, Capability, Position } from "@ghx/sdk";
import type { Command } from "commander";
import { decimal, instant, list, parse, positiveInteger } from "../args.ts";
import type { Kit } from "../kit.ts";
import { table } from "../output.ts";

const capabilities: readonly Capability[] = ["trade", "provide", "operate", "read"];

export function accountCommands(program: Command, kit: Kit): void {
  program
    .command("balances")
    .description("cash and vouchers per currency")
    .action(
      kit.action(async (ctx) => {
        const balances = await ctx.output.progress("loading balances", (await ctx.client()).balances());
        ctx.output.result(balances, renderBalances);
      }),
    );

  program
    .command("positions")
    .description("positions per product")
    .action(
      kit.action(async (ctx) => {
        const positions = await ctx.output.progress("loading positions", (await ctx.client()).positions());
        ctx.output.result(positions, renderPositions);
      }),
    );

  const capacity = program.command("capacity").description("provider capacity");
  capacity
    .command("declare <accelerator> <zone> <gpus>")
    .description(
      "declare GPUs of a class in a zone for a period: ghx capacity declare H100 WUHU 64 --from ... --to ...",
    )
    .requiredOption("--from <time>", "start, a whole UTC hour (ISO 8601 or epoch ms)", instant)
    .requiredOption("--to <time>", "end, a whole UTC hour (ISO 8601 or epoch ms)", instant)
    .action(
      kit.action(
        async (ctx, accelerator: string, zone: string, gpusText: string, o: { from: number; to: number }) => {
          const request = {
            accelerator,
            zone,
            gpus: parse(positiveInteger, gpusText, "gpus"),
            fromMs: o.from,
            toMs: o.to,
          };
          const ack = await ctx.output.progress(
            "declaring capacity",
            (await ctx.client()).declareCapacity(request),
          );
          ctx.output.result(
            { ...request, seq: ack.seq },
            (r) =>
              `declared ${r.gpus} × ${r.accelerator} in ${r.zone} from ${new Date(r.fromMs).toISOString()} to ${new Date(r.toMs).toISOString()}`,
          );
        },
      ),
    );

  const accounts = program.command("accounts").description("accounts (operator): list (default), create");
  accounts
    .command("list", { isDefault: true })
    .description("accounts in creation order, a page at a time")
    .option("--after <accountId>", "start after this account (the last one of the previous page)")
    .option("--limit <n>", "accounts per page (default 100, at most 1000)", positiveInteger)
    .action(
      kit.action(async (ctx, o: { after?: string; limit?: number }) => {
        const page = await ctx.output.progress("loading accounts", (await ctx.client()).accounts(o));
        ctx.output.result(page, renderAccounts);
      }),
    );
  accounts
    .command("create <accountId>")
    .description("create an account")
    .option("--owner <owner>", "the legal party (default: the account id)")
    .option("--capabilities <list>", "comma-separated: trade,provide,operate,read", list(capabilities), [
      "trade",
      "read",
    ])
    .action(
      kit.action(async (ctx, accountId: string, o: { owner?: string; capabilities: Capability[] }) => {
        const request = { accountId, owner: o.owner ?? accountId, capabilities: o.capabilities };
        const ack = await ctx.output.progress(
          `creating ${accountId}`,
          (await ctx.client()).createAccount(request),
        );
        ctx.output.result(
          { ...request, seq: ack.seq },
          (r) => `created ${r.accountId} (${r.capabilities.join(",")})`,
        );
      }),
    );

  program
    .command("deposit <accountId> <amount>")
    .description("credit a confirmed deposit to an account (operator)")
    .option("--currency <code>", "currency", "CNY")
    .action(
      kit.action(async (ctx, accountId: string, amountText: string, o: { currency: string }) => {
        const request = { accountId, currency: o.currency, amount: parse(decimal, amountText, "amount") };
        const ack = await ctx.output.progress("depositing", (await ctx.client()).deposit(request));
        ctx.output.result(
          { ...request, seq: ack.seq },
          (r) => `deposited ${r.amount} ${r.currency} to ${r.accountId}`,
        );
      }),
    );
}

function renderAccounts(accounts: readonly Account[]): string {
  return table(
    ["account", "owner", "capabilities", "blocked", "keys"],
    accounts.map((a) => [
      a.accountId,
      a.owner,
      a.capabilities.join(","),
      a.blocked ? "yes" : "no",
      a.apiKeyCount,
    ]),
  );
}

function renderBalances(balances: readonly Balance[]): string {
  return table(
    ["ccy", "available", "held", "escrow", "margin", "bond", "vouchers"],
    balances.map((b) => [b.currency, b.available, b.held, b.escrow, b.margin, b.bond, b.voucherAvailable]),
  );
}

function renderPositions(positions: readonly Position[]): string {
  return table(
    ["symbol", "lots", "open bids", "open asks", "margin"],
    positions.map((p) => [p.symbol, p.quantityLots, p.openBidLots, p.openAskLots, p.margin]),
  );
}
