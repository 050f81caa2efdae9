// What every browser test shares: Debian's Chromium driven by playwright-core, the private stack's URL, users and
// projects of each test's own (made through the API, as a teammate would have), axe, and a watch on CSP violations.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

export const BASE = process.env.CUMIN_WEB_URL ?? "http://127.0.0.1:8080";
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** Chromium as this machine runs it: as root (no sandbox), headless, no calls home, a fresh profile per launch. */
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CUMIN_CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** A browser context (one person's browser) whose pages fail the test on a CSP violation or an uncaught error. */
export async function person(browser, options = {}) {
  const context = await browser.newContext({ baseURL: BASE, viewport: { width: 1280, height: 860 }, acceptDownloads: true, ...options });
  const problems = [];
  context.on("page", (page) => watch(page, problems));
  context.problems = problems;
  return context;
}

function watch(page, problems) {
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy|Refused to/.test(message.text())) problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(`uncaught: ${error.message}`));
}

export function assertNoPageProblems(context) {
  assert.deepEqual(context.problems, [], "CSP violations or uncaught errors in the page");
}

let counter = 0;
export function newIdentity(name = "Ada") {
  const id = `${Date.now().toString(36)}${process.pid.toString(36)}${(counter++).toString(36)}`;
  return { name, email: `${name.toLowerCase()}-${id}@example.com`, password: "correct horse battery" };
}

async function call(method, path, { token, body, headers = {} } = {}) {
  const response = await fetch(BASE + path, {
    method,
    headers: { ...(body ? { "Content-Type": "application/json" } : {}), ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

/** Registers and signs in through the API; returns the identity with its tokens. */
export async function registeredUser(name = "Ada") {
  const identity = newIdentity(name);
  assert.equal((await call("POST", "/auth/register", { body: identity })).status, 201);
  const login = await call("POST", "/auth/login", { body: { email: identity.email, password: identity.password } });
  assert.equal(login.status, 200);
  return { ...identity, id: login.body.user.id, token: login.body.accessToken };
}

export const apiAs = (user) => ({
  get: (path) => call("GET", path, { token: user.token }),
  post: (path, body) => call("POST", path, { token: user.token, body }),
  patch: (path, body, headers) => call("PATCH", path, { token: user.token, body, headers }),
  delete: (path) => call("DELETE", path, { token: user.token }),
});

export async function projectWithTasks(user, name, titles = []) {
  const api = apiAs(user);
  const project = (await api.post("/api/projects", { name, description: "Made by a browser test" })).body;
  const tasks = [];
  for (const title of titles) tasks.push((await api.post(`/api/projects/${project.id}/tasks`, { title })).body);
  return { project, tasks };
}

/** Signs in through the sign-in screen of page (already on any URL of the app). */
export async function signInThroughUi(page, user) {
  await page.getByLabel("E-mail").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** A page of a new context, signed in as user, at path. */
export async function signedInPage(browser, user, path = "/") {
  const context = await person(browser);
  const page = await context.newPage();
  await page.goto(path);
  await signInThroughUi(page, user);
  await page.getByRole("button", { name: /^Account of/ }).waitFor();
  return { context, page };
}

/**
 * A page whose hub cannot connect (its negotiation refused), so the board hears of no one else's change: what a
 * board that missed an event meets when it writes.
 */
export async function withoutLiveEvents(page) {
  await page.route("**/hubs/notifications/negotiate*", (route) => route.abort());
}

/** axe-core on the page as it is: no serious or critical violation. */
export async function assertAccessible(page, screen) {
  // Evaluated through the DevTools protocol, so the page's CSP (no inline script) still holds for the app itself.
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const { violations } = await window.axe.run(document, { resultTypes: ["violations"] });
    return violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
  });
  assert.deepEqual(result, [], `axe found serious or critical violations on ${screen}`);
}

/** Waits for condition (an async function returning truthy) with a generous deadline. */
export async function eventually(condition, { timeout = 20_000, interval = 200, message = "condition" } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    last = await condition();
    if (last) return last;
    await new Promise((r) => setTimeout(r, interval));
  }
  assert.fail(`timed out waiting for ${message} (last: ${JSON.stringify(last)})`);
}

export const column = (page, name) => page.getByRole("list", { name, exact: true });
export const card = (page, columnName, title) => column(page, columnName).getByRole("listitem", { name: title, exact: true });
