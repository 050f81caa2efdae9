import { describe, expect, it } from "vitest";
import { END_RANK, applyTask, applyTasks, columns, compareTasks, neighbourStatus, removeTask, shown, type BoardTask } from "./boardState";

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

  it("puts ranked tasks before unranked ones, and a pending move at the very end", () => {
    const list = [task("1"), task("2", { rank: "m" }), task("0", { rank: END_RANK }), task("3")];
    expect(ids(list.sort(compareTasks))).toEqual(["2", "1", "3", "0"]);
  });

  it("splits into columns, filters by title regardless of case and shows pending moves on top of confirmed state", () => {
    let tasks: ReadonlyMap<string, BoardTask> = new Map();
    tasks = applyTasks(tasks, [task("a", { title: "Sow Basil" }), task("b", { title: "Water" }), task("c", { status: "done", title: "basil pesto" })]);
    const overlay = new Map([["b", { status: "in_progress" as const, rank: END_RANK }]]);
    const all = columns(tasks, overlay);
    expect(ids(all.todo)).toEqual(["a"]);
    expect(ids(all.in_progress)).toEqual(["b"]);
    expect(ids(all.done)).toEqual(["c"]);
    const basil = columns(tasks, overlay, "  BASIL ");
    expect(ids(basil.todo)).toEqual(["a"]);
    expect(ids(basil.done)).toEqual(["c"]);
    expect(basil.in_progress).toEqual([]);
    expect(shown(tasks, overlay, "b")!.version).toBe(1);
    expect(tasks.get("b")!.status).toBe("todo");
  });

  it("a newer confirmed version underneath a pending move does not yank the card back", () => {
    let tasks = applyTask(new Map(), task("a"));
    const overlay = new Map([["a", { status: "done" as const }]]);
    tasks = applyTask(tasks, task("a", { version: 2, title: "renamed elsewhere" }));
    const shownTask = shown(tasks, overlay, "a")!;
    expect(shownTask.status).toBe("done");
    expect(shownTask.title).toBe("renamed elsewhere");
  });

  it("names the neighbouring columns", () => {
    expect(neighbourStatus("todo", 1)).toBe("in_progress");
    expect(neighbourStatus("done", 1)).toBeNull();
    expect(neighbourStatus("todo", -1)).toBeNull();
  });
});
