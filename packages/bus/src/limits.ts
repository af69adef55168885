// Every bound of the bus in one place (see STYLE.md, TigerBeetle): defaults a caller may override.

/** A request without its own timeout gives up after this long. */
export const requestTimeoutMsDefault = 5_000;

/** Messages an iterable subscription buffers for a slow consumer before it drops new ones. */
export const streamPendingMax = 10_000;
