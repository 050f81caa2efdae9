// Register, sign in, sign out, deep links, and what the API's own prefixes answer a browser.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BASE, assertAccessible, assertNoPageProblems, eventually, launch, newIdentity, person, projectWithTasks, registeredUser, signInThroughUi } from "./harness.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test("a newcomer registers, sees field errors beside their fields, and lands on an empty projects page", async () => {
  const context = await person(browser);
  const page = await context.newPage();
  await page.goto("/");
  await assertAccessible(page, "sign-in");
  await page.getByRole("link", { name: "Create an account" }).click();
  await assertAccessible(page, "register");

  const me = newIdentity("Grace");
  await page.getByLabel("Name").fill(me.name);
  await page.getByLabel("E-mail").fill(me.email);
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  const passwordError = page.locator("#register-password-error");
  await passwordError.waitFor();
  assert.match(await passwordError.textContent(), /\S/);
  assert.equal(await page.getByLabel("Password").getAttribute("aria-invalid"), "true");
  assert.equal(await page.getByLabel("Password").getAttribute("aria-describedby"), "register-password-error");

  await page.getByLabel("Password").fill(me.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("heading", { name: "No projects yet" }).waitFor();
  await page.getByRole("button", { name: `Account of ${me.name}` }).waitFor();
  assert.equal(new URL(page.url()).pathname, "/");
  await assertAccessible(page, "projects (empty)");
  assertNoPageProblems(context);
  await context.close();
});

test("a wrong password gets one message that does not say which part was wrong; the right one signs in; sign out ends it", async () => {
  const user = await registeredUser("Linus");
  const context = await person(browser);
  const page = await context.newPage();
  await page.goto("/");
  await signInThroughUi(page, { ...user, password: "not the password" });
  const alert = page.getByRole("alert");
  await alert.waitFor();
  assert.equal((await alert.textContent()).trim(), "That e-mail address and password do not match an account.");
  await signInThroughUi(page, { ...user, email: `nobody-${user.email}` });
  await page.getByText("That e-mail address and password do not match an account.").waitFor();

  await signInThroughUi(page, user);
  await page.getByRole("heading", { name: "Projects", exact: true }).waitFor();
  const stored = await page.evaluate(() => Object.keys(localStorage));
  assert.ok(stored.includes("cumin.refreshToken"));
  assert.ok(!(await page.evaluate(() => JSON.stringify(localStorage))).includes(user.token.slice(0, 20)));

  await page.getByRole("button", { name: `Account of ${user.name}` }).click();
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await page.getByRole("button", { name: "Sign in" }).waitFor();
  assert.equal(await page.evaluate(() => localStorage.getItem("cumin.refreshToken")), null);
  await page.reload();
  await page.getByRole("button", { name: "Sign in" }).waitFor();
  assertNoPageProblems(context);
  await context.close();
});

test("too many failed sign-ins get a 429 that says when to try again", async () => {
  const user = await registeredUser("Grace");
  const context = await person(browser);
  const page = await context.newPage();
  const statuses = [];
  page.on("response", (response) => new URL(response.url()).pathname === "/auth/login" && statuses.push(response.status()));
  await page.goto("/");
  // The test stack allows three failed logins per e-mail address and client a minute (scripts/web.sh).
  for (let attempt = 1; attempt <= 4; attempt++) {
    await signInThroughUi(page, { ...user, password: `wrong ${attempt}` });
    await page.getByRole("alert").waitFor();
    await eventually(async () => statuses.length === attempt, { message: `answer to attempt ${attempt}` });
  }
  assert.deepEqual(statuses, [401, 401, 401, 429]);
  const message = (await page.getByRole("alert").textContent()).trim();
  assert.match(message, /^Too many attempts\. Try again in \d+ (second|seconds|minute|minutes)\.$/);
  assert.equal(await page.getByRole("button", { name: "Sign in" }).count(), 1, "still on the sign-in form");
  await context.close();
});

test("a deep link to a task opens after sign-in and survives a reload", async () => {
  const user = await registeredUser("Ada");
  const { project, tasks } = await projectWithTasks(user, "Deep links", ["Bookmark me"]);
  const url = `/projects/${project.id}/tasks/${tasks[0].id}`;
  const context = await person(browser);
  const page = await context.newPage();
  await page.goto(url);
  await signInThroughUi(page, user);
  const dialog = page.getByRole("dialog", { name: "Edit task" });
  await dialog.waitFor();
  assert.equal(await page.getByLabel("Title", { exact: true }).inputValue(), "Bookmark me");
  await page.reload();
  await page.getByRole("dialog", { name: "Edit task" }).waitFor();
  assert.equal(new URL(page.url()).pathname, url);
  assert.equal(await page.getByLabel("Title", { exact: true }).inputValue(), "Bookmark me");
  await page.goto(`/projects/${project.id}`);
  await page.getByRole("heading", { name: "Deep links", level: 1 }).waitFor();
  await page.reload();
  await page.getByRole("heading", { name: "Deep links", level: 1 }).waitFor();
  assertNoPageProblems(context);
  await context.close();
});

test("the API's prefixes never answer the app's HTML, even to a browser", async () => {
  const context = await person(browser);
  const page = await context.newPage();
  for (const path of ["/api/nope", "/api/projects/x/nope", "/auth/nope", "/hubs/nope", "/health/nope", "/openapi/nope"]) {
    const response = await page.goto(path);
    assert.equal(response.status(), 404, path);
    assert.match(response.headers()["content-type"], /^application\/problem\+json/, path);
  }
  const app = await page.goto("/projects/some/tasks/thing");
  assert.equal(app.status(), 200);
  const headers = app.headers();
  assert.match(headers["content-type"], /^text\/html/);
  assert.match(headers["content-security-policy"], /script-src 'self'/);
  assert.equal(headers["x-content-type-options"], "nosniff");
  assert.ok(headers["referrer-policy"]);
  const unauthenticated = await fetch(`${BASE}/api/projects`, { headers: { Accept: "text/html" } });
  assert.equal(unauthenticated.status, 401);
  assert.doesNotMatch(unauthenticated.headers.get("content-type") ?? "", /html/);
  await context.close();
});

test("signing out everywhere ends the session on the person's other devices", async () => {
  const user = await registeredUser("Barbara");
  const laptop = await person(browser);
  const phone = await person(browser);
  const [a, b] = [await laptop.newPage(), await phone.newPage()];
  for (const page of [a, b]) {
    await page.goto("/");
    await signInThroughUi(page, user);
    await page.getByRole("heading", { name: "Projects", exact: true }).waitFor();
  }
  await a.getByRole("button", { name: `Account of ${user.name}` }).click();
  await a.getByRole("button", { name: "Sign out everywhere" }).click();
  await a.getByRole("button", { name: "Sign in" }).waitFor();
  // The phone's access token lives on until it expires; its next refresh is refused and it signs out cleanly.
  await b.getByRole("button", { name: "Sign in" }).waitFor({ timeout: 40_000 });
  assert.equal(await b.evaluate(() => localStorage.getItem("cumin.refreshToken")), null);
  await laptop.close();
  await phone.close();
});
