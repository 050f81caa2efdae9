// The session: access tokens that expire (20 s on the test stack) are renewed unnoticed, once at a time across tabs.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { assertNoPageProblems, card, eventually, launch, projectWithTasks, registeredUser, signedInPage } from "./harness.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

function watchRefreshes(context) {
  const answers = [];
  context.on("response", (response) => {
    if (new URL(response.url()).pathname === "/auth/refresh") answers.push(response.status());
  });
  return answers;
}

test("an access token that expires is renewed without the person noticing", async () => {
  const user = await registeredUser("Ada");
  const { project } = await projectWithTasks(user, "Long session", ["Before"]);
  const { context, page } = await signedInPage(browser, user, `/projects/${project.id}`);
  const refreshes = watchRefreshes(context);
  await card(page, "To Do", "Before").waitFor();
  // Past a whole lifetime of the first token: it has been renewed (not waited out) and calls still go through.
  await eventually(async () => refreshes.length >= 2, { timeout: 45_000, interval: 500, message: "two renewals" });
  await page.getByLabel("Add a task to To Do").fill("After");
  await page.getByLabel("Add a task to To Do").press("Enter");
  await card(page, "To Do", "After").waitFor();
  assert.deepEqual([...new Set(refreshes)], [200]);
  assert.equal(await page.getByRole("button", { name: "Sign in" }).count(), 0);
  assertNoPageProblems(context);
  await context.close();
});

test("two tabs renewing at the same moment stay signed in", async () => {
  const user = await registeredUser("Ada");
  const { project } = await projectWithTasks(user, "Two tabs", ["Shared"]);
  const { context, page: first } = await signedInPage(browser, user, `/projects/${project.id}`);
  const refreshes = watchRefreshes(context);
  const second = await context.newPage();
  await second.goto(`/projects/${project.id}`);
  await card(second, "To Do", "Shared").waitFor();
  // The second tab renewed on opening and handed its token to the first: both now renew at the same moment.
  await eventually(async () => refreshes.length >= 3, { timeout: 50_000, interval: 500, message: "renewals in both tabs" });
  for (const [i, page] of [first, second].entries()) {
    await page.getByLabel("Add a task to To Do").fill(`From tab ${i + 1}`);
    await page.getByLabel("Add a task to To Do").press("Enter");
    await card(page, "To Do", `From tab ${i + 1}`).waitFor();
  }
  await first.reload();
  await card(first, "To Do", "From tab 2").waitFor();
  assert.deepEqual([...new Set(refreshes)], [200], "no refresh was refused (a reused refresh token revokes the session)");
  assert.ok(await first.evaluate(() => localStorage.getItem("cumin.refreshToken")));
  assertNoPageProblems(context);
  await context.close();
});
