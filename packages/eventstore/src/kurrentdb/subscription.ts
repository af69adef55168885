// A KurrentDB $all subscription as one ordered sequence of events and caught-up markers. The
// client reports "caughtUp" as a listener event beside the data stream; both are queued in
// arrival order so the marker lands after the events that preceded it.
import type { AllStreamSubscription, ResolvedEvent } from "@kurrent/kurrentdb-client";
import { packPosition } from "./mapping.ts";

/** Queued items above which the subscription is paused until the consumer catches up. */
const queuedItemsMax = 1024;

export type RawItem =
  | { readonly kind: "event"; readonly event: ResolvedEvent }
  | { readonly kind: "caughtUp"; readonly position: bigint | undefined };

/** Items until `stop` aborts or the subscription ends; the first caughtUp only. */
export async function* subscriptionItems(
  subscription: AllStreamSubscription,
  stop: AbortSignal,
): AsyncGenerator<RawItem> {
  const queue: RawItem[] = [];
  let failure: unknown;
  let ended = stop.aborted;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  let caughtUp = false;
  subscription.on("data", (event: ResolvedEvent) => {
    queue.push({ kind: "event", event });
    if (queue.length >= queuedItemsMax) subscription.pause();
    notify();
  });
  subscription.on("caughtUp", (info) => {
    if (caughtUp) return;
    caughtUp = true;
    queue.push({ kind: "caughtUp", position: info.position && packPosition(info.position) });
    notify();
  });
  subscription.on("error", (error: unknown) => {
    failure = error;
    ended = true;
    notify();
  });
  subscription.on("end", () => {
    ended = true;
    notify();
  });
  const onStop = () => {
    ended = true;
    notify();
  };
  stop.addEventListener("abort", onStop, { once: true });
  try {
    for (;;) {
      const item = queue.shift();
      if (item && !stop.aborted) {
        if (queue.length < queuedItemsMax / 2 && subscription.isPaused()) subscription.resume();
        yield item;
        continue;
      }
      if (ended) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    if (failure !== undefined && !stop.aborted) throw failure;
  } finally {
    stop.removeEventListener("abort", onStop);
  }
}
