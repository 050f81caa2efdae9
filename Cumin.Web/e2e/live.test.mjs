// Issue 14 in the browser: two people on one board, each seeing the other's changes as they happen (projectEvents
// on the hub), and a board that ends clearly when its project goes or its viewer is removed.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { apiAs, assertNoPageProblems, card, column, eventually, launch, projectWithTasks, registeredUser, signedInPage } from "./harness.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

async function sharedBoard(name, titles = []) {
  const ada = await registeredUser("Ada");
  const bob = await registeredUser("Bob");
  const { project, tasks } = await projectWithTasks(ada, name, titles);
  assert.equal((await apiAs(ada).post(`/api/projects/${project.id}/members`, { email: bob.email, role: "editor" })).status, 201);
  const one = await signedInPage(browser, ada, `/projects/${project.id}`);
  const two = await signedInPage(browser, bob, `/projects/${project.id}`);
  return { ada, bob, project, tasks, one, two };
}

const titles = async (page, name) => (await column(page, name).locator(".task-title").allInnerTexts()).join("|");

test("a create, a move, an edit and a delete in one browser appear in the other, without duplicates", async () => {
  const { ada, project, one, two } = await sharedBoard("Live board", ["Existing"]);
  await card(one.page, "To Do", "Existing").waitFor();
  await card(two.page, "To Do", "Existing").waitFor();
  // A board is first read once its watch holds, so from here on every change reaches both.

  // Bob creates a card through his board; Ada's shows it once.
  await two.page.getByLabel("Add a task to To Do").fill("From Bob");
  await two.page.getByLabel("Add a task to To Do").press("Enter");
  await card(one.page, "To Do", "From Bob").waitFor({ timeout: 20_000 });
  assert.equal(await titles(one.page, "To Do"), "Existing|From Bob");
  assert.equal(await titles(two.page, "To Do"), "Existing|From Bob", "the creator's own board shows it once");

  // Ada drags it to Done; Bob's board follows.
  await card(one.page, "To Do", "From Bob").dragTo(one.page.getByRole("region", { name: "Done", exact: true }));
  await card(two.page, "Done", "From Bob").waitFor({ timeout: 20_000 });
  assert.equal(await titles(two.page, "To Do"), "Existing");

  // Reordering shows too: Bob drags Existing into Done, above From Bob.
  await card(two.page, "To Do", "Existing").dragTo(card(two.page, "Done", "From Bob"), { targetPosition: { x: 40, y: 8 } });
  await eventually(async () => (await titles(one.page, "Done")) === "Existing|From Bob", { message: "order followed live" });

  // Bob renames a card and gives it to Ada in the drawer; Ada's card changes.
  await card(two.page, "Done", "From Bob").getByRole("link").click();
  const drawer = two.page.getByRole("dialog", { name: "Edit task" });
  await drawer.getByLabel("Title", { exact: true }).fill("Renamed by Bob");
  await drawer.getByLabel("Assignee").selectOption({ label: "Ada" });
  await drawer.getByRole("button", { name: "Save changes" }).click();
  const renamed = card(one.page, "Done", "Renamed by Bob");
  await renamed.waitFor({ timeout: 20_000 });
  await renamed.getByText("Assigned to Ada").waitFor({ state: "attached" });

  // A comment Bob adds counts on Ada's card.
  await drawer.getByLabel("Add a comment").fill("Done it");
  await drawer.getByRole("button", { name: "Comment", exact: true }).click();
  await renamed.getByText("1 comments").waitFor({ state: "attached", timeout: 20_000 });

  // Ada deletes it through the API (as a third client would); it vanishes from both boards, and Bob's open drawer says so.
  const id = await renamed.getAttribute("data-task-id");
  assert.equal((await apiAs(ada).delete(`/api/projects/${project.id}/tasks/${id}`)).status, 204);
  await eventually(async () => (await column(one.page, "Done").getByRole("listitem").count()) === 1, { message: "gone from Ada's board" });
  await eventually(async () => (await column(two.page, "Done").getByRole("listitem").count()) === 1, { message: "gone from Bob's board" });
  await drawer.getByText("This task no longer exists").waitFor();
  assertNoPageProblems(one.context);
  assertNoPageProblems(two.context);
  await one.context.close();
  await two.context.close();
});

test("quick edits elsewhere end with the last one shown, on one card", async () => {
  const { ada, project, tasks, one, two } = await sharedBoard("Versions", ["Counted"]);
  await card(one.page, "To Do", "Counted").waitFor();
  let version = tasks[0].version;
  for (const title of ["One", "Two", "Three", "Four", "Five"]) {
    const answer = await apiAs(ada).patch(`/api/projects/${project.id}/tasks/${tasks[0].id}`, { title }, { "If-Match": `"${version}"` });
    assert.equal(answer.status, 200);
    version = answer.body.version;
  }
  await card(one.page, "To Do", "Five").waitFor({ timeout: 20_000 });
  await card(two.page, "To Do", "Five").waitFor({ timeout: 20_000 });
  assert.equal(await column(one.page, "To Do").getByRole("listitem").count(), 1);
  await one.context.close();
  await two.context.close();
});

test("a card held in a drag stays under the pointer while someone else moves it; the drop then meets their version", async () => {
  const { ada, project, tasks, one, two } = await sharedBoard("Held", ["Held card", "Other"]);
  const held = card(one.page, "To Do", "Held card");
  await held.waitFor();
  await card(two.page, "To Do", "Held card").waitFor();
  const box = await held.boundingBox();
  await one.page.mouse.move(box.x + 40, box.y + 20);
  await one.page.mouse.down();
  const target = await one.page.getByRole("region", { name: "In Progress", exact: true }).boundingBox();
  await one.page.mouse.move(target.x + 60, target.y + 200, { steps: 8 });
  // Bob moves it to Done meanwhile: his board shows it there, Ada's keeps it where her drag began.
  assert.equal((await apiAs(ada).post(`/api/projects/${project.id}/tasks/${tasks[0].id}/move`, { status: "done" })).status, 200);
  await card(two.page, "Done", "Held card").waitFor({ timeout: 20_000 });
  assert.equal(await card(one.page, "To Do", "Held card").count(), 1, "not yanked away mid-drag");
  assert.equal(await card(one.page, "Done", "Held card").count(), 0);
  await one.page.mouse.up();
  // Her drop was made on the version she held: refused with 412, and the board shows where it really is.
  await one.page.getByText(/Someone else changed “Held card”, so it was not moved/).waitFor();
  await card(one.page, "Done", "Held card").waitFor();
  assert.equal(await one.page.locator(".task-card", { hasText: "Held card" }).count(), 1);
  await one.context.close();
  await two.context.close();
});

test("a member removed while on the board, and a board whose project is deleted, end with a clear message", async () => {
  const { ada, bob, project, one, two } = await sharedBoard("Ending", ["Anything"]);
  await card(two.page, "To Do", "Anything").waitFor();
  await card(one.page, "To Do", "Anything").waitFor();
  assert.equal((await apiAs(ada).delete(`/api/projects/${project.id}/members/${bob.id}`)).status, 204);
  await two.page.getByText("You were removed from this project").waitFor({ timeout: 20_000 });
  await two.page.getByRole("heading", { name: "This board is no longer available" }).waitFor();
  assert.equal(await two.page.locator(".task-card").count(), 0);

  assert.equal((await apiAs(ada).delete(`/api/projects/${project.id}`)).status, 204);
  await one.page.getByText("This project was deleted").waitFor({ timeout: 20_000 });
  await one.page.getByRole("link", { name: "Back to projects" }).click();
  await one.page.getByRole("heading", { name: "No projects yet" }).waitFor();
  await one.context.close();
  await two.context.close();
});

test("after its hub connection drops, the board watches again and shows what it missed meanwhile", async () => {
  const ada = await registeredUser("Ada");
  const { project } = await projectWithTasks(ada, "Reconnect", ["Before"]);
  const { context, page } = await signedInPage(browser, ada, `/projects/${project.id}`);
  await card(page, "To Do", "Before").waitFor();
  // The API closes a hub connection when its access token expires (after 20 s in the browser tests); hold back the
  // reconnection that follows, and make a change the board cannot hear of meanwhile.
  let refused = 0;
  await page.route("**/hubs/notifications/negotiate*", (route) => {
    refused++;
    return route.abort();
  });
  await eventually(async () => refused > 0, { timeout: 60_000, message: "the hub connection closed and tried to come back" });
  assert.equal((await apiAs(ada).post(`/api/projects/${project.id}/tasks`, { title: "While away" })).status, 201);
  await page.waitForTimeout(1500);
  assert.equal(await card(page, "To Do", "While away").count(), 0, "nothing heard while disconnected");
  await page.unroute("**/hubs/notifications/negotiate*");
  // Connected again: it watches the project again and reads the board, so the missed card shows, and later ones live.
  await card(page, "To Do", "While away").waitFor({ timeout: 30_000 });
  assert.equal((await apiAs(ada).post(`/api/projects/${project.id}/tasks`, { title: "After" })).status, 201);
  await card(page, "To Do", "After").waitFor({ timeout: 20_000 });
  assert.equal(await column(page, "To Do").getByRole("listitem").count(), 3);
  assertNoPageProblems(context);
  await context.close();
});
