// The task drawer's activity (API.md's Activity): what was done to the task, by whom and when, in sentences, following
// changes as they happen and paging back with "Show older".
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { apiAs, assertAccessible, assertNoPageProblems, card, eventually, launch, projectWithTasks, registeredUser, signedInPage } from "./harness.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

const day = (offset) => {
  const d = new Date();
  d.setDate(d.getDate() + offset);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
};

/** Each line as a screen reader reads it (the avatar's initials are hidden from it). */
const lines = (drawer) =>
  drawer
    .getByRole("list", { name: "Activity" })
    .getByRole("listitem")
    .evaluateAll((items) => items.map((li) => [...li.childNodes].filter((n) => n.getAttribute?.("aria-hidden") !== "true").map((n) => n.textContent).join("").replace(/\s+/g, " ").trim()));

test("the drawer lists the task's activity as sentences, newest first, and follows edits made in it and elsewhere", async () => {
  const ada = await registeredUser("Ada");
  const grace = await registeredUser("Grace");
  const { project, tasks } = await projectWithTasks(ada, "Activity", ["Water the seedlings"]);
  assert.equal((await apiAs(ada).post(`/api/projects/${project.id}/members`, { email: grace.email, role: "editor" })).status, 201);
  const activity = async () => (await apiAs(ada).get(`/api/projects/${project.id}/activity?taskId=${tasks[0].id}`)).body.items;
  // The creation is logged by moments after it (the log follows the tables' streams).
  await eventually(async () => (await activity()).length === 1, { message: "the creation logged" });

  const { context, page } = await signedInPage(browser, ada, `/projects/${project.id}`);
  await card(page, "To Do", "Water the seedlings").getByRole("link").click();
  const drawer = page.getByRole("dialog", { name: "Edit task" });
  await drawer.getByRole("list", { name: "Activity" }).getByText("Ada created this task").waitFor();

  // Status and due date in one save: one line saying both.
  await drawer.getByLabel("Status").selectOption({ label: "Done" });
  await drawer.getByLabel("Due date").fill(day(2));
  await drawer.getByRole("button", { name: "Save changes" }).click();
  await page.getByText("Saved “Water the seedlings”.").waitFor();
  const dueDay = String(Number(day(2).slice(8)));
  await eventually(async () => (await lines(drawer))[0]?.match(new RegExp(`^Ada moved this to Done and set the due date to \\D*${dueDay}\\b`)), {
    message: "the save's line on top",
  });

  await drawer.getByLabel("Add a comment").fill("All watered");
  await drawer.getByRole("button", { name: "Comment", exact: true }).click();
  await eventually(async () => (await lines(drawer))[0]?.startsWith("Ada commented "), { message: "the comment's line on top" });

  // Grace assigns Ada through the API (another person, another client): the line arrives live, once.
  const current = (await apiAs(grace).get(`/api/projects/${project.id}/tasks/${tasks[0].id}`)).body;
  assert.equal((await apiAs(grace).patch(`/api/projects/${project.id}/tasks/${tasks[0].id}`, { assigneeId: ada.id }, { "If-Match": `"${current.version}"` })).status, 200);
  await eventually(async () => (await lines(drawer))[0]?.startsWith("Grace assigned Ada"), { message: "Grace's change on top" });

  const shown = await lines(drawer);
  assert.equal(shown.length, 4, `one line per change, none twice: ${JSON.stringify(shown)}`);
  assert.match(shown[3], /^Ada created this task/);
  // Each says when, relatively, with the exact time as its title.
  const time = drawer.getByRole("list", { name: "Activity" }).locator("time").first();
  assert.match(await time.innerText(), /just now|minute/);
  assert.ok((await time.getAttribute("title"))?.length > 4, "the exact time as the title");
  assert.equal(await time.getAttribute("datetime"), (await activity())[0].at);
  await assertAccessible(page, "task drawer with its activity");
  assertNoPageProblems(context);
  await context.close();
});

test("a long history pages back with Show older, and a former member is named as such", async () => {
  const ada = await registeredUser("Ada");
  const bob = await registeredUser("Bob");
  const { project, tasks } = await projectWithTasks(ada, "Long history", ["Renamed often"]);
  const api = apiAs(ada);
  assert.equal((await api.post(`/api/projects/${project.id}/members`, { email: bob.email, role: "editor" })).status, 201);
  const path = `/api/projects/${project.id}/tasks/${tasks[0].id}`;
  assert.equal((await apiAs(bob).patch(path, { priority: "high" })).status, 200);
  for (let i = 1; i <= 21; i++) assert.equal((await api.patch(path, { title: `Title ${i}` })).status, 200);
  assert.equal((await api.delete(`/api/projects/${project.id}/members/${bob.id}`)).status, 204);
  await eventually(async () => (await api.get(`/api/projects/${project.id}/activity?taskId=${tasks[0].id}&limit=50`)).body.items.length === 23, {
    message: "all 23 changes logged",
    timeout: 30_000,
  });

  const { context, page } = await signedInPage(browser, ada, `/projects/${project.id}/tasks/${tasks[0].id}`);
  const drawer = page.getByRole("dialog", { name: "Edit task" });
  await drawer.getByRole("list", { name: "Activity" }).getByText("Ada renamed this to “Title 21”").waitFor();
  assert.equal((await lines(drawer)).length, 20, "a page of 20");
  await drawer.getByRole("button", { name: "Show older" }).click();
  await eventually(async () => (await lines(drawer)).length === 23, { message: "the older page appended" });
  const all = await lines(drawer);
  assert.match(all[21], /^A former member set the priority to High/);
  assert.match(all[22], /^Ada created this task/);
  assert.equal(new Set(all).size, all.length, "nothing shown twice");
  assert.equal(await drawer.getByRole("button", { name: "Show older" }).count(), 0, "the end of the history");
  assertNoPageProblems(context);
  await context.close();
});

test("a task without logged activity says so", async () => {
  const ada = await registeredUser("Ada");
  const { project, tasks } = await projectWithTasks(ada, "Quiet", ["Nothing yet"]);
  const { context, page } = await signedInPage(browser, ada, `/projects/${project.id}/tasks/${tasks[0].id}`);
  const drawer = page.getByRole("dialog", { name: "Edit task" });
  // Either the creation is logged already, or the empty state is shown: never an error, never a spinner that stays.
  await eventually(async () => (await drawer.getByText("No activity yet.", { exact: false }).count()) + (await drawer.getByText("Ada created this task").count()) > 0, {
    message: "the empty state or the creation",
  });
  await drawer.getByText("Ada created this task").waitFor({ timeout: 20_000 });
  assertNoPageProblems(context);
  await context.close();
});
