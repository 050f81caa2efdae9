// Members: the owner shares, a viewer sees everything and can change nothing, a member leaves.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { apiAs, assertAccessible, assertNoPageProblems, card, column, eventually, launch, projectWithTasks, registeredUser, signedInPage } from "./harness.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test("the owner shares the project and the viewer, in another browser, sees it without edit controls", async () => {
  const owner = await registeredUser("Ada");
  const viewer = await registeredUser("Vera");
  const { project, tasks } = await projectWithTasks(owner, "Shared garden", ["Prune roses", "Rake leaves"]);
  const { context: ownerContext, page } = await signedInPage(browser, owner, `/projects/${project.id}`);
  await page.getByRole("link", { name: "Members" }).click();
  const panel = page.getByRole("dialog", { name: "Members of Shared garden" });
  await panel.waitFor();
  await panel.getByLabel("E-mail of the person to add").fill(`nobody-${viewer.email}`);
  await panel.getByRole("button", { name: "Add member" }).click();
  await panel.getByText("Nobody has a Cumin account with that e-mail address.").waitFor();
  await panel.getByLabel("E-mail of the person to add").fill(viewer.email);
  await panel.getByLabel("Role").selectOption("viewer");
  await panel.getByRole("button", { name: "Add member" }).click();
  await panel.getByRole("list", { name: "Members" }).getByText(viewer.email).waitFor();
  await assertAccessible(page, "members (owner)");

  const { context: viewerContext, page: theirs } = await signedInPage(browser, viewer);
  const shared = theirs.getByRole("listitem").filter({ has: theirs.getByRole("heading", { name: "Shared garden" }) });
  await shared.getByText("Viewer").waitFor();
  assert.equal(await shared.getByRole("button").count(), 0, "no rename or delete for a viewer");
  await shared.getByRole("link", { name: "Shared garden" }).click();
  await card(theirs, "To Do", "Prune roses").waitFor();
  assert.equal(await theirs.getByRole("textbox", { name: /Add a task/ }).count(), 0, "no quick-add");
  assert.equal(await theirs.getByRole("combobox", { name: /Status of/ }).count(), 0, "no status menus");
  assert.equal(await column(theirs, "To Do").getByRole("listitem").first().getAttribute("draggable"), "false");
  await assertAccessible(theirs, "board (viewer)");

  await card(theirs, "To Do", "Prune roses").getByRole("link").click();
  const drawer = theirs.getByRole("dialog", { name: "Prune roses" });
  await drawer.waitFor();
  await drawer.getByText("To Do").waitFor();
  assert.equal(await drawer.getByRole("textbox").count(), 0);
  assert.equal(await drawer.getByRole("combobox").count(), 0);
  assert.equal(await drawer.getByRole("button", { name: /Save|Delete/ }).count(), 0);
  await assertAccessible(theirs, "task drawer (viewer)");

  // Keyboard moves do nothing for a viewer either, and the API agrees.
  await theirs.keyboard.press("Escape");
  await card(theirs, "To Do", "Prune roses").getByRole("link").focus();
  await theirs.keyboard.press("Shift+ArrowRight");
  assert.equal(await column(theirs, "In Progress").getByRole("listitem").count(), 0);
  assert.equal((await apiAs(viewer).patch(`/api/projects/${project.id}/tasks/${tasks[0].id}`, { status: "done" })).status, 403);

  await theirs.getByRole("link", { name: "Members" }).click();
  const theirPanel = theirs.getByRole("dialog", { name: "Members of Shared garden" });
  await theirPanel.getByRole("list", { name: "Members" }).getByText(owner.email).waitFor();
  assert.equal(await theirPanel.getByRole("button", { name: /^Remove/ }).count(), 0);
  assert.equal(await theirPanel.getByRole("button", { name: "Add member" }).count(), 0);
  await assertAccessible(theirs, "members (viewer)");

  // The owner removes the viewer; the project leaves the viewer's list.
  await panel.getByRole("button", { name: `Remove ${viewer.name}` }).click();
  await page.getByRole("dialog", { name: `Remove ${viewer.name}?` }).getByRole("button", { name: "Remove member" }).click();
  await eventually(async () => (await panel.getByRole("list", { name: "Members" }).getByText(viewer.email).count()) === 0, { message: "viewer removed" });
  await theirs.goto("/");
  await theirs.getByRole("heading", { name: "No projects yet" }).waitFor();
  assertNoPageProblems(ownerContext);
  assertNoPageProblems(viewerContext);
  await ownerContext.close();
  await viewerContext.close();
});

test("an editor leaves a project they were added to", async () => {
  const owner = await registeredUser("Ada");
  const editor = await registeredUser("Eddie");
  const { project } = await projectWithTasks(owner, "Leaving", ["Anything"]);
  assert.equal((await apiAs(owner).post(`/api/projects/${project.id}/members`, { email: editor.email, role: "editor" })).status, 201);
  const { context, page } = await signedInPage(browser, editor, `/projects/${project.id}/members`);
  const panel = page.getByRole("dialog", { name: "Members of Leaving" });
  await panel.getByRole("button", { name: "Leave project" }).click();
  await page.getByRole("dialog", { name: "Leave “Leaving”?" }).getByRole("button", { name: "Leave project" }).click();
  await page.getByRole("heading", { name: "Projects", exact: true }).waitFor();
  await eventually(async () => (await apiAs(owner).get(`/api/projects/${project.id}/members`)).body.items.length === 1, { message: "the editor is no longer a member" });
  assert.equal((await apiAs(editor).get(`/api/projects/${project.id}`)).status, 404);
  await context.close();
});
