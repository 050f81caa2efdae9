import { describe, expect, it } from "vitest";
import { readDue, SHARED_CHECK_MS, WATCHED_PROJECTS } from "./projectsPolling";

describe("when the projects page reads its list", () => {
  it("polls at every tick while the hub is not connected", () => {
    expect(readDue(false, 3, 0)).toBe(true);
  });

  it("polls at every tick when there are more projects than the hub watches", () => {
    expect(readDue(true, WATCHED_PROJECTS + 1, 0)).toBe(true);
  });

  it("while the hub covers the list, reads it only once the shared-projects check is due", () => {
    expect(readDue(true, WATCHED_PROJECTS, 2_000)).toBe(false);
    expect(readDue(true, 3, SHARED_CHECK_MS - 1)).toBe(false);
    expect(readDue(true, 3, SHARED_CHECK_MS)).toBe(true);
  });
});
