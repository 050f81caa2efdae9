// Issue 13 in the browser: assignee, due date and labels on cards and in the drawer, comments, ordering by drag,
// the toolbar's filters, and My tasks.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { apiAs, assertAccessible, assertNoPageProblems, card, column, eventually, launch, projectWithTasks, registeredUser, signedInPage, withoutLiveEvents } from "./harness.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

const day = (offset) => {
  const d = new Date();
  d.setDate(d.getDate() + offset);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
};

/** Ada's project with Bob as an editor. */
async function team(name, titles) {
  const ada = await registeredUser("Ada");
  const bob = await registeredUser("Bob");
  const { project, tasks } = await projectWithTasks(ada, name, titles);
  assert.equal((await apiAs(ada).post(`/api/projects/${project.id}/members`, { email: bob.email, role: "editor" })).status, 201);
  return { ada, bob, project, tasks };
}

const order = async (user, projectId, status) =>
  (await apiAs(user).get(`/api/projects/${projectId}/tasks?status=${status}&order=rank`)).body.items.map((t) => t.title);

test("cards show the assignee's initials, the due date (overdue in red) and the labels as coloured chips", async () => {
  const { ada, bob, project, tasks } = await team("Cards", ["Late", "Later", "Plain"]);
  const api = apiAs(ada);
  const urgent = (await api.post(`/api/projects/${project.id}/labels`, { name: "Urgent", color: "#d73a4a" })).body;
  const outdoor = (await api.post(`/api/projects/${project.id}/labels`, { name: "Outdoor", color: "#fbca04" })).body;
  assert.equal((await api.patch(`/api/projects/${project.id}/tasks/${tasks[0].id}`, { assigneeId: bob.id, dueDate: day(-2), labelIds: [urgent.id, outdoor.id] })).status, 200);
  assert.equal((await api.patch(`/api/projects/${project.id}/tasks/${tasks[1].id}`, { dueDate: day(30) })).status, 200);
  const { context, page } = await signedInPage(browser, ada, `/projects/${project.id}`);

  const late = card(page, "To Do", "Late");
  await late.getByText("Assigned to Bob").waitFor({ state: "attached" });
  assert.equal((await late.locator(".avatar [aria-hidden=true]").innerText()).trim(), "B");
  const overdue = late.getByText(/^Overdue/);
  await overdue.waitFor();
  assert.equal(await overdue.evaluate((e) => getComputedStyle(e).color), "rgb(180, 35, 24)", "overdue is the theme's red");
  const chip = late.locator(".label-chip", { hasText: "Urgent" });
  assert.equal(await chip.evaluate((e) => getComputedStyle(e).backgroundColor), "rgb(215, 58, 74)");
  assert.equal(await late.locator(".label-chip", { hasText: "Outdoor" }).evaluate((e) => getComputedStyle(e).color), "rgb(0, 0, 0)", "dark text on a light label");

  const later = card(page, "To Do", "Later");
  await later.getByText(/^Due/).waitFor();
  assert.notEqual(await later.getByText(/^Due/).evaluate((e) => getComputedStyle(e).color), "rgb(180, 35, 24)");
  assert.equal(await card(page, "To Do", "Plain").locator(".avatar, .label-chip, .due").count(), 0);
  await assertAccessible(page, "board with assignees, due dates and labels");
  assertNoPageProblems(context);
  await context.close();
});

test("the drawer assigns, sets and clears a due date, creates a label and labels the task", async () => {
  const { ada, bob, project, tasks } = await team("Drawer fields", ["Prune roses"]);
  await apiAs(ada).post(`/api/projects/${project.id}/labels`, { name: "Garden", color: "#0e8a16" });
  const { context, page } = await signedInPage(browser, ada, `/projects/${project.id}`);
  await card(page, "To Do", "Prune roses").getByRole("link").click();
  const drawer = page.getByRole("dialog", { name: "Edit task" });
  await drawer.waitFor();
  await drawer.getByLabel("Assignee").selectOption({ label: "Bob" });
  await drawer.getByLabel("Due date").fill(day(3));
  await drawer.getByLabel("New label name").fill("Thorny");
  await drawer.getByLabel("New label colour").fill("#5319e7");
  await drawer.getByRole("button", { name: "Create label" }).click();
  // The new label is ticked for this task at once; the existing one is ticked by hand.
  await eventually(async () => drawer.getByRole("checkbox", { name: "Label Thorny" }).isChecked(), { message: "new label ticked" });
  await drawer.getByRole("checkbox", { name: "Label Garden" }).check();
  await assertAccessible(page, "task drawer with assignee, due date and labels");
  await drawer.getByRole("button", { name: "Save changes" }).click();
  await page.getByText("Saved “Prune roses”.").waitFor();

  const labels = (await apiAs(ada).get(`/api/projects/${project.id}/labels`)).body.items;
  const thorny = labels.find((l) => l.name === "Thorny");
  assert.equal(thorny.color, "#5319e7");
  let stored = (await apiAs(ada).get(`/api/projects/${project.id}/tasks/${tasks[0].id}`)).body;
  assert.equal(stored.assigneeId, bob.id);
  assert.equal(stored.dueDate, day(3));
  assert.deepEqual([...stored.labelIds].sort(), labels.map((l) => l.id).sort());
  const onCard = card(page, "To Do", "Prune roses");
  await onCard.locator(".label-chip", { hasText: "Thorny" }).waitFor();
  await onCard.getByText("Assigned to Bob").waitFor({ state: "attached" });

  // Unassigned again, the due date cleared, one label taken off.
  await drawer.getByLabel("Assignee").selectOption({ label: "Unassigned" });
  await drawer.getByRole("button", { name: "Clear" }).click();
  await drawer.getByRole("checkbox", { name: "Label Garden" }).uncheck();
  await drawer.getByRole("button", { name: "Save changes" }).click();
  await eventually(async () => {
    stored = (await apiAs(ada).get(`/api/projects/${project.id}/tasks/${tasks[0].id}`)).body;
    return stored.assigneeId === null && stored.dueDate === null && stored.labelIds.length === 1 && stored.labelIds[0] === thorny.id;
  }, { message: "assignee and due date cleared, one label left" });
  await eventually(async () => (await onCard.locator(".avatar, .due").count()) === 0, { message: "the card without assignee and due date" });
  assertNoPageProblems(context);
  await context.close();
});

test("a viewer sees assignee, due date and labels in the drawer but cannot create labels or comment", async () => {
  const ada = await registeredUser("Ada");
  const vera = await registeredUser("Vera");
  const { project, tasks } = await projectWithTasks(ada, "Read only", ["Look only"]);
  await apiAs(ada).post(`/api/projects/${project.id}/members`, { email: vera.email, role: "viewer" });
  const label = (await apiAs(ada).post(`/api/projects/${project.id}/labels`, { name: "Docs", color: "#1d76db" })).body;
  await apiAs(ada).patch(`/api/projects/${project.id}/tasks/${tasks[0].id}`, { assigneeId: ada.id, dueDate: day(1), labelIds: [label.id] });
  await apiAs(ada).post(`/api/projects/${project.id}/tasks/${tasks[0].id}/comments`, { body: "Owner's note" });
  const { context, page } = await signedInPage(browser, vera, `/projects/${project.id}/tasks/${tasks[0].id}`);
  const drawer = page.getByRole("dialog", { name: "Look only" });
  await drawer.getByText("Owner's note").waitFor();
  await drawer.getByText("Ada", { exact: true }).first().waitFor();
  await drawer.locator(".label-chip", { hasText: "Docs" }).waitFor();
  assert.equal(await drawer.getByRole("button", { name: "Create label" }).count(), 0);
  assert.equal(await drawer.getByLabel("Add a comment").count(), 0);
  assert.equal(await drawer.getByRole("button", { name: "Delete" }).count(), 0);
  await assertAccessible(page, "read-only drawer");
  await context.close();
});

test("comments: add, edit and delete one's own; the owner deletes anyone's; others' cannot be edited", async () => {
  const { ada, bob, project, tasks } = await team("Comments", ["Discuss"]);
  const theirs = await apiAs(bob).post(`/api/projects/${project.id}/tasks/${tasks[0].id}/comments`, { body: "Bob was here" });
  assert.equal(theirs.status, 201);
  const { context, page } = await signedInPage(browser, ada, `/projects/${project.id}/tasks/${tasks[0].id}`);
  const drawer = page.getByRole("dialog", { name: "Edit task" });
  const bobs = drawer.getByRole("listitem", { name: "Comment by Bob" });
  await bobs.getByText("Bob was here").waitFor();
  assert.equal(await bobs.getByRole("button", { name: "Edit" }).count(), 0, "nobody edits another's comment");

  await drawer.getByLabel("Add a comment").fill("First <b>thought</b>\nsecond line");
  await drawer.getByRole("button", { name: "Comment", exact: true }).click();
  const mine = drawer.getByRole("listitem", { name: "Comment by Ada" });
  await mine.getByText("second line", { exact: false }).waitFor();
  assert.equal(await mine.locator("b").count(), 0, "shown as text");
  await assertAccessible(page, "comments");

  await mine.getByRole("button", { name: "Edit" }).click();
  await mine.getByLabel("Edit comment").fill("A better thought");
  await mine.getByRole("button", { name: "Save comment" }).click();
  await mine.getByText("A better thought").waitFor();
  await mine.getByText("(edited)").waitFor();
  const list = async () => (await apiAs(ada).get(`/api/projects/${project.id}/tasks/${tasks[0].id}/comments`)).body.items.map((c) => c.body);
  assert.deepEqual(await list(), ["Bob was here", "A better thought"]);

  await mine.getByRole("button", { name: "Delete" }).click();
  await page.getByRole("dialog", { name: "Delete this comment?" }).getByRole("button", { name: "Delete comment" }).click();
  await eventually(async () => (await mine.count()) === 0, { message: "own comment gone" });
  // The drawer is still open after the confirmation (its Escape and buttons answer the dialog only).
  await drawer.waitFor();
  await bobs.getByRole("button", { name: "Delete" }).click();
  await page.getByRole("dialog", { name: "Delete this comment?" }).getByRole("button", { name: "Delete comment" }).click();
  await drawer.getByText("No comments yet.").waitFor();
  assert.deepEqual(await list(), []);
  assertNoPageProblems(context);
  await context.close();
});

test("an editor deletes their own comment but is offered no delete on the owner's", async () => {
  const { ada, bob, project, tasks } = await team("Editor comments", ["Talk"]);
  await apiAs(ada).post(`/api/projects/${project.id}/tasks/${tasks[0].id}/comments`, { body: "From the owner" });
  await apiAs(bob).post(`/api/projects/${project.id}/tasks/${tasks[0].id}/comments`, { body: "From Bob" });
  const { context, page } = await signedInPage(browser, bob, `/projects/${project.id}/tasks/${tasks[0].id}`);
  const drawer = page.getByRole("dialog", { name: "Edit task" });
  await drawer.getByText("From the owner").waitFor();
  assert.equal(await drawer.getByRole("listitem", { name: "Comment by Ada" }).getByRole("button").count(), 0);
  const own = drawer.getByRole("listitem", { name: "Comment by Bob" });
  await own.getByRole("button", { name: "Delete" }).click();
  await page.getByRole("dialog", { name: "Delete this comment?" }).getByRole("button", { name: "Delete comment" }).click();
  await eventually(async () => (await own.count()) === 0, { message: "Bob's comment gone" });
  assert.deepEqual((await apiAs(bob).get(`/api/projects/${project.id}/tasks/${tasks[0].id}/comments`)).body.items.map((c) => c.body), ["From the owner"]);
  await context.close();
});

test("dragging reorders a column, and across columns the card lands where it is dropped", async () => {
  const { ada, project } = await team("Ordering", ["A", "B", "C"]);
  const api = apiAs(ada);
  for (const title of ["X", "Y"]) assert.equal((await api.post(`/api/projects/${project.id}/tasks`, { title, status: "done" })).status, 201);
  const { context, page } = await signedInPage(browser, ada, `/projects/${project.id}`);
  await card(page, "Done", "Y").waitFor();

  // C onto the top edge of A: first in To Do.
  await card(page, "To Do", "C").dragTo(card(page, "To Do", "A"), { targetPosition: { x: 40, y: 8 } });
  await eventually(async () => (await column(page, "To Do").getByRole("listitem").allInnerTexts()).map((t) => t.split("\n")[0]).join() === "C,A,B", { message: "C first on the board" });
  await eventually(async () => (await order(ada, project.id, "todo")).join() === "C,A,B", { message: "C first as stored" });

  // A onto the top edge of Y in Done: between X and Y.
  await card(page, "To Do", "A").dragTo(card(page, "Done", "Y"), { targetPosition: { x: 40, y: 8 } });
  await eventually(async () => (await order(ada, project.id, "done")).join() === "X,A,Y", { message: "A between X and Y as stored" });
  assert.deepEqual((await column(page, "Done").getByRole("listitem").allInnerTexts()).map((t) => t.split("\n")[0]), ["X", "A", "Y"]);

  // With the keyboard: Alt+↑ puts B (last) before C; a second Alt+↑ at the top changes nothing.
  await card(page, "To Do", "B").getByRole("link").focus();
  await page.keyboard.press("Alt+ArrowUp");
  await page.keyboard.press("Alt+ArrowUp");
  await eventually(async () => (await order(ada, project.id, "todo")).join() === "B,C", { message: "B moved up twice, stored" });
  assertNoPageProblems(context);
  await context.close();
});

test("a drop next to a card that has moved on gets 409: the board changed and is reloaded", async () => {
  const { ada, project, tasks } = await team("Stale order", ["A", "B", "C"]);
  const { context, page } = await signedInPage(browser, ada, `/projects/${project.id}`);
  await withoutLiveEvents(page);
  await page.reload();
  await card(page, "To Do", "C").waitFor();
  // Elsewhere, A goes to Done; this board has not heard of it.
  const moved = await apiAs(ada).post(`/api/projects/${project.id}/tasks/${tasks[0].id}/move`, { status: "done" });
  assert.equal(moved.status, 200);
  await card(page, "To Do", "C").dragTo(card(page, "To Do", "A"), { targetPosition: { x: 40, y: 100 } });
  await page.getByText(/The board changed, so “C” was not moved\. The board was reloaded/).waitFor();
  await card(page, "Done", "A").waitFor();
  assert.deepEqual((await column(page, "To Do").getByRole("listitem").allInnerTexts()).map((t) => t.split("\n")[0]), ["B", "C"]);
  assert.deepEqual(await order(ada, project.id, "todo"), ["B", "C"]);
  await context.close();
});

test("the toolbar filters by assignee, label and due date", async () => {
  const { ada, bob, project, tasks } = await team("Filters", ["Mine overdue", "Bob's labelled", "Nobody's soon", "Nobody's far"]);
  const api = apiAs(ada);
  const urgent = (await api.post(`/api/projects/${project.id}/labels`, { name: "Urgent", color: "#d73a4a" })).body;
  await api.patch(`/api/projects/${project.id}/tasks/${tasks[0].id}`, { assigneeId: ada.id, dueDate: day(-1) });
  await api.patch(`/api/projects/${project.id}/tasks/${tasks[1].id}`, { assigneeId: bob.id, labelIds: [urgent.id], status: "in_progress" });
  await api.patch(`/api/projects/${project.id}/tasks/${tasks[2].id}`, { dueDate: day(2) });
  await api.patch(`/api/projects/${project.id}/tasks/${tasks[3].id}`, { dueDate: day(60) });
  const { context, page } = await signedInPage(browser, ada, `/projects/${project.id}`);
  await card(page, "To Do", "Nobody's far").waitFor();
  const shownTitles = async () => (await page.locator(".task-card .task-title").allInnerTexts()).sort().join("|");

  const assignee = page.getByLabel("Filter by assignee");
  await assignee.selectOption({ label: "Assigned to me" });
  await eventually(async () => (await shownTitles()) === "Mine overdue", { message: "only mine" });
  await assignee.selectOption({ label: "Bob" });
  await eventually(async () => (await shownTitles()) === "Bob's labelled", { message: "only Bob's" });
  await assignee.selectOption({ label: "Unassigned" });
  await eventually(async () => (await shownTitles()) === "Nobody's far|Nobody's soon", { message: "only unassigned" });
  await assignee.selectOption({ label: "Anyone" });

  await page.getByLabel("Filter by label").selectOption({ label: "Urgent" });
  await eventually(async () => (await shownTitles()) === "Bob's labelled", { message: "only labelled" });
  await page.getByLabel("Filter by label").selectOption({ label: "Any label" });

  const due = page.getByLabel("Filter by due date");
  await due.selectOption({ label: "Overdue" });
  await eventually(async () => (await shownTitles()) === "Mine overdue", { message: "only overdue" });
  await due.selectOption({ label: "Due within 7 days" });
  await eventually(async () => (await shownTitles()) === "Mine overdue|Nobody's soon", { message: "due within a week" });
  await assertAccessible(page, "board with filters");
  await page.getByRole("button", { name: "Clear filters" }).click();
  await eventually(async () => (await page.locator(".task-card").count()) === 4, { message: "all four again" });
  assertNoPageProblems(context);
  await context.close();
});

test("My tasks lists what is assigned to me in every project, soonest due first, and opens a task", async () => {
  const { ada, bob, project, tasks } = await team("First project", ["Due later", "Not mine", "No date"]);
  const { project: second, tasks: others } = await projectWithTasks(ada, "Second project", ["Due first"]);
  const api = apiAs(ada);
  await api.patch(`/api/projects/${project.id}/tasks/${tasks[0].id}`, { assigneeId: ada.id, dueDate: day(5) });
  await api.patch(`/api/projects/${project.id}/tasks/${tasks[1].id}`, { assigneeId: bob.id, dueDate: day(1) });
  await api.patch(`/api/projects/${project.id}/tasks/${tasks[2].id}`, { assigneeId: ada.id });
  await api.patch(`/api/projects/${second.id}/tasks/${others[0].id}`, { assigneeId: ada.id, dueDate: day(-3) });
  const { context, page } = await signedInPage(browser, ada);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My tasks" }).click();
  await page.getByRole("heading", { name: "My tasks", level: 1 }).waitFor();
  const list = page.getByRole("list", { name: "Tasks assigned to you" });
  await eventually(async () => (await list.getByRole("listitem").count()) === 3, { message: "three tasks of mine" });
  const rows = await list.getByRole("listitem").allInnerTexts();
  assert.deepEqual(rows.map((r) => r.split("\n")[0]), ["Due first", "Due later", "No date"]);
  assert.match(rows[0], /Second project/);
  assert.match(rows[0], /Overdue/);
  assert.equal(page.url().endsWith("/my-tasks"), true);
  await assertAccessible(page, "my tasks");

  await page.getByLabel("Show tasks with status").selectOption({ label: "Done" });
  await page.getByRole("heading", { name: "Nothing assigned to you" }).waitFor();
  await page.getByLabel("Show tasks with status").selectOption({ label: "Every status" });
  await list.getByRole("link", { name: "Due later" }).click();
  await page.getByRole("dialog", { name: "Edit task" }).waitFor();
  assert.equal(await page.getByLabel("Title", { exact: true }).inputValue(), "Due later");
  assert.equal(new URL(page.url()).pathname, `/projects/${project.id}/tasks/${tasks[0].id}`);
  // Reloading the page keeps the route.
  await page.goto("/my-tasks");
  await list.getByRole("listitem").first().waitFor();
  assertNoPageProblems(context);
  await context.close();
});
