import { describe, expect, it } from "vitest";
import { formatDate, formatRelative } from "../app/format";
import { activityLine, joinPhrases, mergeNewest, type ActivityEntry, type Names } from "./activityText";

const people: Record<string, string> = { ada: "Ada", grace: "Grace" };
const labels: Record<string, string> = { l1: "Urgent", l2: "Garden" };
const names: Names = { person: (id) => people[id], label: (id) => labels[id] };
const entry = (type: string, changes: unknown, actorId: string | null = "ada", id = "1", at = "2026-12-01T10:00:00Z"): ActivityEntry => ({ id, type, at, actorId, changes, taskId: "t" });

describe("an activity line", () => {
  it("says who moved the task where", () => {
    expect(activityLine(entry("task.moved", { status: { from: "todo", to: "done" }, rank: { from: "a", to: "b" } }), names)).toBe("Ada moved this to Done");
    expect(activityLine(entry("task.moved", { rank: { from: "a", to: "b" } }), names)).toBe("Ada reordered this within its column");
  });

  it("names the assignee, the due date as a calendar date, and several changes in one sentence", () => {
    const line = activityLine(entry("task.updated", { assigneeId: { from: null, to: "ada" }, dueDate: { from: null, to: "2027-12-03" } }, "grace"), names);
    expect(line).toBe(`Grace assigned Ada and set the due date to ${formatDate("2027-12-03")}`);
    expect(activityLine(entry("task.updated", { assigneeId: { from: null, to: "ada" } }), names)).toBe("Ada assigned themself");
    expect(activityLine(entry("task.updated", { assigneeId: { from: "ada", to: null } }, "grace"), names)).toBe("Grace unassigned Ada");
    expect(activityLine(entry("task.updated", { dueDate: { from: "2027-12-03", to: null } }), names)).toBe("Ada removed the due date");
  });

  it("says which labels were added and removed, a deleted one as such", () => {
    const line = activityLine(entry("task.updated", { labelIds: { from: ["l1", "gone"], to: ["l1", "l2"] } }), names);
    expect(line).toBe("Ada added the label “Garden” and removed a deleted label");
    expect(activityLine(entry("task.updated", { labelIds: { from: null, to: ["l1", "l2"] } }), names)).toBe("Ada added the labels “Urgent” and “Garden”");
  });

  it("renames, reprioritises and describes", () => {
    expect(activityLine(entry("task.updated", { title: { from: "Old", to: "x".repeat(200) } }), names)).toHaveLength("Ada renamed this to ".length + 82);
    expect(activityLine(entry("task.updated", { title: { from: "Old", to: "New" }, priority: { from: "low", to: "high" } }), names)).toBe(
      "Ada renamed this to “New” and set the priority to High",
    );
    expect(activityLine(entry("task.updated", { description: { from: null, to: "x" } }), names)).toBe("Ada added a description");
    expect(activityLine(entry("task.updated", { description: { from: "x", to: null } }), names)).toBe("Ada removed the description");
  });

  it("says a comment was added, edited or deleted", () => {
    expect(activityLine(entry("comment.created", { body: { from: null, to: "Looks good" } }), names)).toBe("Ada commented");
    expect(activityLine(entry("comment.updated", { body: { from: "a", to: "b" } }), names)).toBe("Ada edited a comment");
    expect(activityLine(entry("comment.deleted", { body: { from: "x", to: null } }), names)).toBe("Ada deleted a comment");
  });

  it("falls back for a former member, an unknown actor and an unknown type", () => {
    expect(activityLine(entry("task.created", { title: { from: null, to: "T" } }, "someone-gone"), names)).toBe("A former member created this task");
    expect(activityLine(entry("task.created", { status: { from: null, to: "done" } }, null), names)).toBe("Someone created this task in Done");
    expect(activityLine(entry("task.archived", null), names)).toBe("Ada changed this task");
  });
});

describe("joining phrases", () => {
  it("reads as English", () => {
    expect(joinPhrases([])).toBe("");
    expect(joinPhrases(["a"])).toBe("a");
    expect(joinPhrases(["a", "b", "c"])).toBe("a, b and c");
  });
});

describe("merging the newest page", () => {
  const e = (id: string, at: string) => entry("task.updated", {}, "ada", id, at);
  it("puts new entries on top once and keeps what was shown", () => {
    const shown = [e("2", "2026-12-01T10:00:02Z"), e("1", "2026-12-01T10:00:01Z")];
    const page = [e("3", "2026-12-01T10:00:03Z"), e("2", "2026-12-01T10:00:02Z")];
    expect(mergeNewest(shown, page, true).items.map((x) => x.id)).toEqual(["3", "2", "1"]);
    expect(mergeNewest(shown, shown, false).items.map((x) => x.id)).toEqual(["2", "1"]);
  });

  it("replaces the list when the page does not reach what is shown", () => {
    const shown = [e("1", "2026-12-01T10:00:01Z")];
    const page = [e("9", "2026-12-01T10:00:09Z"), e("8", "2026-12-01T10:00:08Z")];
    expect(mergeNewest(shown, page, true)).toEqual({ items: page, replaced: true });
    expect(mergeNewest(shown, page, false).items.map((x) => x.id)).toEqual(["9", "8", "1"]);
  });

  it("orders ids of different lengths as numbers", () => {
    const at = "2026-12-01T10:00:00Z";
    expect(mergeNewest([e("9", at)], [e("10", at), e("9", at)], false).items.map((x) => x.id)).toEqual(["10", "9"]);
  });
});

describe("relative time", () => {
  const now = new Date("2026-12-01T12:00:00Z");
  it("is just now, minutes, hours, days, then a date", () => {
    expect(formatRelative("2026-12-01T11:59:30Z", now)).toBe("just now");
    expect(formatRelative("2026-12-01T11:55:00Z", now)).toMatch(/5 minutes ago|5 min/);
    expect(formatRelative("2026-12-01T09:00:00Z", now)).toMatch(/3 hours ago|3 hr/);
    expect(formatRelative("2026-11-30T11:00:00Z", now)).toMatch(/yesterday/i);
    expect(formatRelative("2026-11-01T11:00:00Z", now)).toMatch(/2026/);
  });
});
