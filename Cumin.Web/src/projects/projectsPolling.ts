// When the projects page reads its list again: pure, so it is tested without a browser.

/** The hub watches at most this many projects per connection (API.md's Limits); the board needs one more. */
export const WATCHED_PROJECTS = 49;

/** Whether the hub's events do not cover the list: then it is polled. */
export const pollingNeeded = (connected: boolean, count: number) => !connected || count > WATCHED_PROJECTS;

/** While the hub's events cover the list, it is still read this often, for the projects shared with the user meanwhile. */
export const SHARED_CHECK_MS = 60_000;

/** Whether a poll's tick reads the list: always while polling is needed, else once {@link SHARED_CHECK_MS} has passed. */
export const readDue = (connected: boolean, count: number, sinceLastReadMs: number) =>
  pollingNeeded(connected, count) || sinceLastReadMs >= SHARED_CHECK_MS;
