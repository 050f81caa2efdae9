// Exports: the button, the exports panel, the notification in the bell and the CSV it links to.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { readFile } from "node:fs/promises";
import { assertAccessible, assertNoPageProblems, eventually, launch, projectWithTasks, registeredUser, signedInPage } from "./harness.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test("an export reaches the bell and its CSV downloads with the project's tasks", async () => {
  const user = await registeredUser("Ada");
  const { project } = await projectWithTasks(user, "Exported", ["First, with a comma", 'Second "quoted"', "Third"]);
  const { context, page } = await signedInPage(browser, user, `/projects/${project.id}`);
  await page.getByRole("button", { name: "Notifications" }).waitFor();
  await page.getByRole("button", { name: "Export CSV" }).click();
  const panel = page.getByRole("region", { name: "Exports" });
  await panel.waitFor();
  await panel.getByText("Exported").waitFor();

  await page.getByRole("button", { name: "Notifications, 1 unread" }).waitFor({ timeout: 30_000 });
  await page.getByRole("status").getByText(/export/i).first().waitFor();
  await panel.getByText("Ready").waitFor({ timeout: 10_000 });
  await assertAccessible(page, "exports panel");
  await page.keyboard.press("Escape");

  await page.getByRole("button", { name: "Notifications, 1 unread" }).click();
  const bell = page.getByRole("region", { name: "Notifications" });
  await bell.waitFor();
  await page.getByRole("button", { name: "Notifications", exact: true }).waitFor();
  await assertAccessible(page, "notifications");
  const [download] = await Promise.all([page.waitForEvent("download"), bell.getByRole("link", { name: "Download CSV" }).click()]);
  const csv = await readFile(await download.path(), "utf8");
  const lines = csv.trim().split(/\r?\n/);
  assert.match(lines[0], /^id,title,description,status,priority,createdAt,updatedAt/);
  assert.equal(lines.length, 4);
  assert.ok(csv.includes('"First, with a comma"'));
  assert.ok(csv.includes('"Second ""quoted"""'));
  assert.ok(csv.includes("Third"));

  // After a reload the inbox comes from GET /api/notifications, once, already seen.
  await page.reload();
  await page.getByRole("button", { name: "Notifications", exact: true }).click();
  await eventually(async () => (await page.getByRole("region", { name: "Notifications" }).getByRole("listitem").count()) === 1, { message: "one notification after reload" });
  assertNoPageProblems(context);
  await context.close();
});
