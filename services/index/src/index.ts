// @ghx/index: the GHX price index (METHODOLOGY.md). Pure methodology over integers, a projection
// of the core's events that publishes IndexPublished (with its inputs), and REST history.
//
//   core events ──► IndexProjection.apply ──► IndexPublished[] ──► feed.publishIndex (index channel)
//                                                               └─► store stream `ghx-index` (optional)

export { IndexJournal } from "./journal.ts";
export * from "./methodology.ts";
export { historyPerKeyMax, IndexProjection } from "./projection.ts";
export { indexPlugin } from "./routes.ts";
export * from "./schemas.ts";
