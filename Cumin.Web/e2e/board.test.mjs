// The projects page and the board: creating, moving by mouse and by keyboard, counts, filter, stale edits, XSS.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { apiAs, assertAccessible, assertNoPageProblems, card, column, eventually, launch, projectWithTasks, registeredUser, signedInPage, withoutLiveEvents } from "./harness.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test("an owner creates a project and tasks, drags one to Done, and the projects page counts it", async () => {
  const user = await registeredUser("Ada");
  const { context, page } = await signedInPage(browser, user);
  await page.getByLabel("Project name").fill("Garden");
  await page.getByLabel("Description (optional)").fill("Spring planting");
  await page.getByRole("button", { name: "Create project" }).click();
  await page.getByRole("link", { name: "Garden" }).click();
  await page.getByRole("heading", { name: "Garden", level: 1 }).waitFor();
  await assertAccessible(page, "board (empty)");

  for (const title of ["Sow basil", "Water tomatoes", "Buy compost"]) {
    await page.getByLabel("Add a task to To Do").fill(title);
    await page.getByLabel("Add a task to To Do").press("Enter");
    await card(page, "To Do", title).waitFor();
  }
  await page.getByLabel("Add a task to In Progress").fill("Dig the bed");
  await page.getByLabel("Add a task to In Progress").press("Enter");
  await card(page, "In Progress", "Dig the bed").waitFor();
  await assertAccessible(page, "board");

  await card(page, "To Do", "Sow basil").dragTo(page.getByRole("region", { name: "Done", exact: true }));
  await card(page, "Done", "Sow basil").waitFor();
  assert.equal(await column(page, "To Do").getByRole("listitem").count(), 2);

  // The card moves at once; the server's answer follows.
  const projectId = new URL(page.url()).pathname.split("/")[2];
  await eventually(async () => (await apiAs(user).get(`/api/projects/${projectId}/tasks`)).body.items.find((t) => t.title === "Sow basil").status === "done", { message: "the move stored" });

  await page.getByRole("link", { name: "Projects" }).first().click();
  const garden = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "Garden" }) });
  await eventually(async () => (await garden.getByRole("definition").allTextContents()).join(",") === "2,1,1,4", { message: "counts 2,1,1,4 on the projects page" });
  await assertAccessible(page, "projects");
  assertNoPageProblems(context);
  await context.close();
});

test("counts on the projects page follow another member's changes without a reload", async () => {
  const user = await registeredUser("Ada");
  const { project, tasks } = await projectWithTasks(user, "Live counts", ["One", "Two"]);
  const { context, page } = await signedInPage(browser, user);
  const item = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "Live counts" }) });
  await eventually(async () => (await item.getByRole("definition").allTextContents()).join(",") === "2,0,0,2", { message: "initial counts" });
  const moved = await apiAs(user).patch(`/api/projects/${project.id}/tasks/${tasks[0].id}`, { status: "done" }, { "If-Match": `"${tasks[0].version}"` });
  assert.equal(moved.status, 200);
  await eventually(async () => (await item.getByRole("definition").allTextContents()).join(",") === "1,0,1,2", { timeout: 10_000, message: "counts after another client's change" });
  await context.close();
});

test("while the hub is connected the projects page does not poll: counts move by its events alone", async () => {
  const user = await registeredUser("Ada");
  const { project, tasks } = await projectWithTasks(user, "Quiet counts", ["One", "Two"]);
  const { context, page } = await signedInPage(browser, user);
  const reads = [];
  page.on("request", (request) => {
    if (request.method() === "GET" && new URL(request.url()).pathname === "/api/projects") reads.push(Date.now());
  });
  const item = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "Quiet counts" }) });
  await eventually(async () => (await item.getByRole("definition").allTextContents()).join(",") === "2,0,0,2", { message: "initial counts" });
  // Once connected and watching (one read follows the watch), the list is not read again: a 2-second poll never rests 4.
  const since = Date.now();
  await eventually(async () => Date.now() - Math.max(since, reads.at(-1) ?? 0) > 4000, { timeout: 30_000, interval: 250, message: "4 s without a read of the list" });
  const settled = reads.length;
  const moved = await apiAs(user).patch(`/api/projects/${project.id}/tasks/${tasks[0].id}`, { status: "done" }, { "If-Match": `"${tasks[0].version}"` });
  assert.equal(moved.status, 200);
  await eventually(async () => (await item.getByRole("definition").allTextContents()).join(",") === "1,0,1,2", { message: "counts from counts.updated" });
  await page.waitForTimeout(2500);
  assert.equal(reads.length, settled, "the counts moved without the list being read again");
  assertNoPageProblems(context);
  await context.close();
});

test("a card moves without a mouse: Shift+Arrow and the status menu", async () => {
  const user = await registeredUser("Ada");
  const { project } = await projectWithTasks(user, "Keyboard", ["Plan", "Build"]);
  const { context, page } = await signedInPage(browser, user, `/projects/${project.id}`);
  const plan = card(page, "To Do", "Plan").getByRole("link", { name: "Plan" });
  await plan.focus();
  await page.keyboard.press("Shift+ArrowRight");
  await card(page, "In Progress", "Plan").waitFor();
  // Focus follows the card into its new column, so it can go on moving.
  await eventually(async () => (await page.evaluate(() => document.activeElement?.textContent)) === "Plan", { message: "focus on the moved card" });
  await page.keyboard.press("Shift+ArrowRight");
  await card(page, "Done", "Plan").waitFor();

  await card(page, "To Do", "Build").getByRole("combobox", { name: "Status of Build" }).selectOption("in_progress");
  await card(page, "In Progress", "Build").waitFor();
  const stored = async () => (await apiAs(user).get(`/api/projects/${project.id}/tasks`)).body.items.map((t) => [t.title, t.status]).sort();
  await eventually(async () => JSON.stringify(await stored()) === JSON.stringify([["Build", "in_progress"], ["Plan", "done"]]), { message: "both moves stored" });
  assertNoPageProblems(context);
  await context.close();
});

test("the filter keeps the cards whose title contains the text, and priority shows on the card", async () => {
  const user = await registeredUser("Ada");
  const { project, tasks } = await projectWithTasks(user, "Filter", ["Sow basil", "Water basil", "Weed"]);
  await apiAs(user).patch(`/api/projects/${project.id}/tasks/${tasks[2].id}`, { priority: "high" });
  const { context, page } = await signedInPage(browser, user, `/projects/${project.id}`);
  await card(page, "To Do", "Weed").getByText("High").waitFor();
  await page.getByRole("searchbox", { name: "Filter tasks by title" }).fill("BASIL");
  await eventually(async () => (await column(page, "To Do").getByRole("listitem").count()) === 2, { message: "two basil cards" });
  await page.getByText("2 of 3").waitFor();
  await page.getByRole("searchbox", { name: "Filter tasks by title" }).fill("");
  await eventually(async () => (await column(page, "To Do").getByRole("listitem").count()) === 3, { message: "all cards again" });
  await context.close();
});

test("a stale edit in the drawer gets the 412 message and shows the other person's version", async () => {
  const user = await registeredUser("Ada");
  const { project, tasks } = await projectWithTasks(user, "Stale", ["Original title"]);
  const { context, page } = await signedInPage(browser, user, `/projects/${project.id}`);
  // Without live events, so the drawer still shows the version it read when the other save lands.
  await withoutLiveEvents(page);
  await page.reload();
  await card(page, "To Do", "Original title").getByRole("link").click();
  await page.getByRole("dialog", { name: "Edit task" }).waitFor();
  await assertAccessible(page, "task drawer");
  // Someone else saves first.
  const theirs = await apiAs(user).patch(`/api/projects/${project.id}/tasks/${tasks[0].id}`, { title: "Their title" }, { "If-Match": `"${tasks[0].version}"` });
  assert.equal(theirs.status, 200);
  await page.getByLabel("Title", { exact: true }).fill("My title");
  await page.getByLabel("Description", { exact: true }).fill("Line one\nLine two");
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.getByText("Someone else changed this task while you were editing it.").waitFor();
  await eventually(async () => (await page.getByLabel("Title", { exact: true }).inputValue()) === "Their title", { message: "their version shown" });
  assert.equal((await apiAs(user).get(`/api/projects/${project.id}/tasks/${tasks[0].id}`)).body.title, "Their title");

  // Saved again on top of their version, it goes through, multi-line description included.
  await page.getByLabel("Description", { exact: true }).fill("Line one\nLine two");
  await page.getByRole("button", { name: "Save changes" }).click();
  await eventually(async () => (await apiAs(user).get(`/api/projects/${project.id}/tasks/${tasks[0].id}`)).body.description === "Line one\nLine two", { message: "description saved" });
  assertNoPageProblems(context);
  await context.close();
});

test("a drag on a stale board puts the card back and says someone else changed it", async () => {
  const user = await registeredUser("Ada");
  const { project, tasks } = await projectWithTasks(user, "Stale drag", ["Contested"]);
  const { context, page } = await signedInPage(browser, user, `/projects/${project.id}`);
  await withoutLiveEvents(page);
  await page.reload();
  await card(page, "To Do", "Contested").waitFor();
  const theirs = await apiAs(user).patch(`/api/projects/${project.id}/tasks/${tasks[0].id}`, { title: "Contested!" }, { "If-Match": `"${tasks[0].version}"` });
  assert.equal(theirs.status, 200);
  await card(page, "To Do", "Contested").dragTo(page.getByRole("region", { name: "Done", exact: true }));
  await page.getByText(/Someone else changed “Contested”, so it was not moved/).waitFor();
  await card(page, "To Do", "Contested!").waitFor();
  assert.equal(await column(page, "Done").getByRole("listitem").count(), 0);
  assert.equal((await apiAs(user).get(`/api/projects/${project.id}/tasks/${tasks[0].id}`)).body.status, "todo");
  await context.close();
});

test("a title that looks like HTML is shown as text and runs nothing", async () => {
  const user = await registeredUser("Mallory");
  const title = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>`;
  const { project, tasks } = await projectWithTasks(user, `<b>bold</b> project`, [title]);
  const { context, page } = await signedInPage(browser, user);
  await page.getByRole("link", { name: "<b>bold</b> project" }).waitFor();
  await page.goto(`/projects/${project.id}`);
  await card(page, "To Do", title).waitFor();
  assert.equal(await card(page, "To Do", title).getByRole("link").textContent(), title);
  await page.goto(`/projects/${project.id}/tasks/${tasks[0].id}`);
  await page.getByRole("dialog").waitFor();
  assert.equal(await page.getByLabel("Title", { exact: true }).inputValue(), title);
  assert.equal(await page.locator("img[src=x]").count(), 0);
  assert.equal(await page.evaluate(() => window.__pwned ?? null), null);
  assertNoPageProblems(context);
  await context.close();
});

test("the task drawer deletes a task after confirmation", async () => {
  const user = await registeredUser("Ada");
  const { project } = await projectWithTasks(user, "Deleting", ["Keep", "Remove me"]);
  const { context, page } = await signedInPage(browser, user, `/projects/${project.id}`);
  await card(page, "To Do", "Remove me").getByRole("link").click();
  await page.getByRole("button", { name: "Delete task" }).click();
  await page.getByRole("dialog", { name: "Delete “Remove me”?" }).waitFor();
  await assertAccessible(page, "confirm delete");
  await page.getByRole("dialog", { name: "Delete “Remove me”?" }).getByRole("button", { name: "Delete task" }).click();
  await eventually(async () => (await column(page, "To Do").getByRole("listitem").count()) === 1, { message: "one card left" });
  assert.equal(new URL(page.url()).pathname, `/projects/${project.id}`);
  assert.deepEqual((await apiAs(user).get(`/api/projects/${project.id}/tasks`)).body.items.map((t) => t.title), ["Keep"]);
  await context.close();
});

test("an owner renames and deletes a project from its card", async () => {
  const user = await registeredUser("Ada");
  const { project } = await projectWithTasks(user, "Old name", ["A task"]);
  const { context, page } = await signedInPage(browser, user);
  await page.getByRole("button", { name: "Rename Old name" }).click();
  const form = page.getByRole("form", { name: "Rename Old name" });
  await form.getByLabel("Project name").fill("New name");
  await form.getByRole("button", { name: "Save" }).click();
  await page.getByRole("link", { name: "New name" }).waitFor();
  assert.equal((await apiAs(user).get(`/api/projects/${project.id}`)).body.name, "New name");

  await page.getByRole("button", { name: "Delete New name" }).click();
  await page.getByRole("dialog", { name: "Delete “New name”?" }).getByRole("button", { name: "Delete project" }).click();
  await page.getByRole("heading", { name: "No projects yet" }).waitFor();
  assert.equal((await apiAs(user).get(`/api/projects/${project.id}`)).status, 404);
  assertNoPageProblems(context);
  await context.close();
});

test("a dependency that is down shows a banner with retry, never the raw answer", async () => {
  const user = await registeredUser("Ada");
  await projectWithTasks(user, "Resilient", []);
  const { context, page } = await signedInPage(browser, user);
  await page.getByRole("link", { name: "Resilient" }).waitFor();
  // The API's own 503 answer, as it gives it when PostgreSQL is unreachable (OperationsTests checks that part).
  const problem = { type: "https://tools.ietf.org/html/rfc9110#section-15.6.4", title: "Service unavailable", status: 503, detail: "A dependency is unavailable.", traceId: "00-abc" };
  await page.route("**/api/projects", (route) => route.fulfill({ status: 503, headers: { "Retry-After": "5" }, contentType: "application/problem+json", body: JSON.stringify(problem) }));
  const banner = page.getByRole("alert").filter({ hasText: "Cumin cannot reach one of its services right now." });
  await banner.waitFor();
  assert.doesNotMatch(await page.locator("body").innerText(), /traceId|rfc9110|\{"/);
  await assertAccessible(page, "outage banner");
  // Retry reads again (still refused here, so the banner stays).
  const retry = banner.getByRole("button", { name: "Retry" });
  const reread = page.waitForRequest((request) => new URL(request.url()).pathname === "/api/projects");
  await retry.click();
  await reread;
  await banner.waitFor();
  // Back again: the banner goes at the next read, the person's Retry or the page's own poll (while the hub is not yet
  // connected the page polls every 2 s, and such a poll may beat a click to it: then there is nothing left to click).
  await page.unroute("**/api/projects");
  await eventually(async () => {
    if ((await banner.count()) === 0) return true;
    await retry.click({ timeout: 2_000 }).catch(() => {});
    return false;
  }, { message: "banner gone once the API answers again" });
  await page.getByRole("link", { name: "Resilient" }).waitFor();
  await context.close();
});
