import { describe, expect, it } from "vitest";
import { applyTask, applyTasks, columns, compareTasks, filterColumns, matches, neighbourStatus, placeAt, removeTask, shown, slotAt, stepWithin, type BoardTask } from "./boardState";

const task = (id: string, over: Partial<BoardTask> = {}): BoardTask => ({ id, status: "todo", title: `Task ${id}`, version: 1, ...over });
const ids = (list: BoardTask[]) => list.map((t) => t.id);

describe("applyTask", () => {
  it("applies a newer version and ignores an equal or older one", () => {
    let tasks: ReadonlyMap<string, BoardTask> = new Map();
    tasks = applyTask(tasks, task("a", { version: 2, title: "two" }));
    const same = applyTask(tasks, task("a", { version: 2, title: "two again" }));
    const older = applyTask(tasks, task("a", { version: 1, title: "one" }));
    expect(same).toBe(tasks);
    expect(older).toBe(tasks);
    expect(tasks.get("a")!.title).toBe("two");
    expect(applyTask(tasks, task("a", { version: 3, title: "three" })).get("a")!.title).toBe("three");
  });

  it("applies a page by the same rule and returns the same map when nothing is newer", () => {
    const tasks = applyTasks(new Map(), [task("a", { version: 3 }), task("b")]);
    expect(applyTasks(tasks, [task("a", { version: 2 }), task("b")])).toBe(tasks);
    const next = applyTasks(tasks, [task("a", { version: 2, title: "old" }), task("b", { version: 2, title: "new" })]);
    expect(next.get("a")!.version).toBe(3);
    expect(next.get("b")!.title).toBe("new");
  });

  it("removes a task", () => {
    const tasks = applyTask(new Map(), task("a"));
    expect(removeTask(tasks, "a").size).toBe(0);
    expect(removeTask(tasks, "missing")).toBe(tasks);
  });
});

describe("ordering", () => {
  it("orders by rank ordinally (byte order, not locale), then by id", () => {
    const list = [task("1", { rank: "b" }), task("2", { rank: "B" }), task("3", { rank: "a0" }), task("4", { rank: "a" })];
    expect(ids(list.sort(compareTasks))).toEqual(["2", "4", "3", "1"]);
    expect(ids([task("02"), task("01"), task("10")].sort(compareTasks))).toEqual(["01", "02", "10"]);
  });

  it("puts ranked tasks before unranked ones", () => {
    const list = [task("1"), task("2", { rank: "m" }), task("3")];
    expect(ids(list.sort(compareTasks))).toEqual(["2", "1", "3"]);
  });

  it("splits into columns, filters by title regardless of case and shows pending moves on top of confirmed state", () => {
    let tasks: ReadonlyMap<string, BoardTask> = new Map();
    tasks = applyTasks(tasks, [task("a", { title: "Sow Basil" }), task("b", { title: "Water" }), task("c", { status: "done", title: "basil pesto" })]);
    const overlay = new Map([["b", { status: "in_progress" as const, seq: 1 }]]);
    const all = columns(tasks, overlay);
    expect(ids(all.todo)).toEqual(["a"]);
    expect(ids(all.in_progress)).toEqual(["b"]);
    expect(ids(all.done)).toEqual(["c"]);
    const basil = filterColumns(all, {}, "  BASIL ");
    expect(ids(basil.todo)).toEqual(["a"]);
    expect(ids(basil.done)).toEqual(["c"]);
    expect(basil.in_progress).toEqual([]);
    expect(shown(tasks, overlay, "b")!.version).toBe(1);
    expect(tasks.get("b")!.status).toBe("todo");
  });

  it("a newer confirmed version underneath a pending move does not yank the card back", () => {
    let tasks = applyTask(new Map(), task("a"));
    const overlay = new Map([["a", { status: "done" as const, seq: 1 }]]);
    tasks = applyTask(tasks, task("a", { version: 2, title: "renamed elsewhere" }));
    const shownTask = shown(tasks, overlay, "a")!;
    expect(shownTask.status).toBe("done");
    expect(shownTask.title).toBe("renamed elsewhere");
  });

  it("places pending cards after their anchor, before it, or at the end, in the order they were placed", () => {
    const tasks = applyTasks(new Map(), [task("a", { rank: "a" }), task("b", { rank: "b" }), task("c", { rank: "c" }), task("d", { rank: "d" })]);
    expect(ids(columns(tasks, new Map([["d", { status: "todo" as const, afterId: "a", seq: 1 }]])).todo)).toEqual(["a", "d", "b", "c"]);
    expect(ids(columns(tasks, new Map([["a", { status: "todo" as const, beforeId: "d", seq: 1 }]])).todo)).toEqual(["b", "c", "a", "d"]);
    expect(ids(columns(tasks, new Map([["b", { status: "done" as const, seq: 1 }]])).done)).toEqual(["b"]);
    const chained = new Map([
      ["c", { status: "todo" as const, beforeId: "a", seq: 1 }],
      ["d", { status: "todo" as const, afterId: "c", seq: 2 }],
    ]);
    expect(ids(columns(tasks, chained).todo)).toEqual(["c", "d", "a", "b"]);
  });

  it("names the neighbouring columns", () => {
    expect(neighbourStatus("todo", 1)).toBe("in_progress");
    expect(neighbourStatus("done", 1)).toBeNull();
    expect(neighbourStatus("todo", -1)).toBeNull();
  });
});

describe("placing a dropped card", () => {
  const col = [task("a"), task("b"), task("c")];
  it("goes after the card above the slot, else before the one below, and nowhere when it stays", () => {
    expect(placeAt(col, "todo", "c", 0)).toEqual({ status: "todo", beforeId: "a" });
    expect(placeAt(col, "todo", "a", 3)).toEqual({ status: "todo", afterId: "c" });
    expect(placeAt(col, "todo", "a", 2)).toEqual({ status: "todo", afterId: "b" });
    expect(placeAt(col, "todo", "b", 1)).toBeNull();
    expect(placeAt(col, "todo", "b", 2)).toBeNull();
    expect(placeAt(col, "done", "x", 1)).toEqual({ status: "done", afterId: "a" });
    expect(placeAt([], "done", "x", 0)).toEqual({ status: "done" });
  });

  it("steps one place with Alt+arrows, and not past either end", () => {
    expect(stepWithin(col, "todo", "b", -1)).toEqual({ status: "todo", beforeId: "a" });
    expect(stepWithin(col, "todo", "b", 1)).toEqual({ status: "todo", afterId: "c" });
    expect(stepWithin(col, "todo", "a", -1)).toBeNull();
    expect(stepWithin(col, "todo", "c", 1)).toBeNull();
  });

  it("finds the gap nearest the pointer", () => {
    expect(slotAt(-20, 100, 3)).toBe(0);
    expect(slotAt(140, 100, 3)).toBe(1);
    expect(slotAt(160, 100, 3)).toBe(2);
    expect(slotAt(900, 100, 3)).toBe(3);
  });
});

describe("toolbar filters", () => {
  it("match as the server would: assignee (or none), label, due on or before", () => {
    const t = task("a", { assigneeId: "u1", labelIds: ["l1"], dueDate: "2026-12-03" });
    expect(matches(t, { assigneeId: "u1" })).toBe(true);
    expect(matches(t, { assigneeId: "none" })).toBe(false);
    expect(matches(task("b"), { assigneeId: "none" })).toBe(true);
    expect(matches(t, { labelId: "l2" })).toBe(false);
    expect(matches(t, { dueBefore: "2026-12-03" })).toBe(true);
    expect(matches(t, { dueBefore: "2026-12-02" })).toBe(false);
    expect(matches(task("c"), { dueBefore: "2026-12-02" })).toBe(false);
  });
});
