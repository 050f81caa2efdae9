// Webhooks in the project's settings (API.md's Webhooks), as the owner manages them: add one and copy its secret (shown
// once), ping it and see the signed delivery reach a receiver this test runs, switch it off, delete it; nobody else is
// offered them. The stack allows http:// and loopback targets for this (scripts/web.sh).
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import { after, before, test } from "node:test";
import { apiAs, assertAccessible, assertNoPageProblems, eventually, launch, projectWithTasks, registeredUser, signedInPage } from "./harness.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

/** An HTTP receiver on 127.0.0.1 that answers 200 and keeps what it received. */
async function receiver() {
  const received = [];
  const server = createServer((request, response) => {
    const chunks = [];
    request.on("data", (c) => chunks.push(c));
    request.on("end", () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString("utf8") });
      response.writeHead(200).end();
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${server.address().port}/hook`, received, close: () => new Promise((resolve) => {
    // The deliverer keeps its connection alive: closed here, or close() waits for it.
    server.close(resolve);
    server.closeAllConnections();
  }) };
}

/** Cumin-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body" keyed with the secret>. */
function signedWith(secret, { headers, body }) {
  const parts = Object.fromEntries(String(headers["cumin-signature"]).split(",").map((p) => p.split("=")));
  const expected = createHmac("sha256", secret).update(`${parts.t}.${body}`).digest("hex");
  return parts.v1 === expected;
}

test("the owner adds a webhook, copies its secret once, pings it, sees the delivery, switches it off and deletes it", async () => {
  const ada = await registeredUser("Ada");
  const { project } = await projectWithTasks(ada, "Hooked", ["One"]);
  const target = await receiver();
  const { context, page } = await signedInPage(browser, ada, `/projects/${project.id}`);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.getByRole("link", { name: "Settings" }).click();
  const panel = page.getByRole("dialog", { name: "Settings of Hooked" });
  await panel.getByText("No webhooks yet.").waitFor();

  // A URL the server refuses is a field error beside the URL.
  await panel.getByLabel("Payload URL").fill("ftp://example.com/hook");
  await panel.getByRole("button", { name: "Add webhook" }).click();
  const url = panel.getByLabel("Payload URL");
  await eventually(async () => (await url.getAttribute("aria-invalid")) === "true", { message: "the URL marked invalid" });
  assert.match(await panel.locator(`#${await url.getAttribute("aria-describedby").then((ids) => ids.split(" ").at(-1))}`).innerText(), /\S/);

  // Only two kinds of event, then created: the secret is shown once.
  await url.fill(target.url);
  await panel.getByRole("radio", { name: "Only the events I choose" }).check();
  await panel.getByRole("checkbox", { name: "task.created" }).check();
  await panel.getByRole("checkbox", { name: "task.moved" }).check();
  await panel.getByRole("button", { name: "Add webhook" }).click();
  const secretBox = panel.getByRole("region", { name: "Webhook created: copy its secret now" });
  await secretBox.getByText("You will not see it again.").waitFor();
  const secret = await secretBox.getByRole("textbox").inputValue();
  assert.ok(secret.length >= 16, "a secret is shown");
  await secretBox.getByRole("button", { name: "Copy secret" }).click();
  await secretBox.getByRole("button", { name: "Copied", exact: true }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret, "copied to the clipboard");
  const stored = (await apiAs(ada).get(`/api/projects/${project.id}/webhooks`)).body.items;
  assert.equal(stored.length, 1);
  assert.deepEqual(stored[0].events, ["task.created", "task.moved"]);
  assert.equal(stored[0].url, target.url);
  assert.equal(JSON.stringify(stored).includes(secret), false, "the list never carries the secret");

  const hook = panel.getByRole("listitem", { name: `Webhook to ${target.url}` });
  await hook.getByText("task.created, task.moved").waitFor();
  await hook.getByText("Active", { exact: true }).waitFor();
  await hook.getByText("Never", { exact: true }).waitFor();
  await assertAccessible(page, "webhooks settings with the secret shown");
  await secretBox.getByRole("button", { name: "I have copied it" }).click();
  assert.equal(await panel.getByText(secret).count(), 0);
  assert.equal(await secretBox.count(), 0, "the secret is gone from the page");

  // A ping reaches the receiver, signed with that secret; the last delivery and the deliveries log say so.
  await hook.getByRole("button", { name: "Send ping" }).click();
  const ping = await eventually(async () => target.received.find((r) => r.headers["cumin-event"] === "ping"), { timeout: 30_000, message: "the ping at the receiver" });
  assert.ok(signedWith(secret, ping), "Cumin-Signature is the HMAC of t.body under the secret");
  assert.equal(JSON.parse(ping.body).type, "ping");
  await hook.getByRole("definition").filter({ hasText: /^Delivered \(200\)/ }).waitFor({ timeout: 30_000 });
  const deliveries = hook.getByRole("table", { name: `Recent deliveries to ${target.url}` });
  await deliveries.getByRole("cell", { name: "ping" }).waitFor({ timeout: 30_000 });
  await deliveries.getByText("Delivered (200)").first().waitFor();
  await assertAccessible(page, "webhooks settings with deliveries");

  // Switched off, then deleted after a confirmation.
  await hook.getByRole("checkbox", { name: "Deliver events" }).uncheck();
  await hook.getByText("Inactive", { exact: true }).waitFor();
  assert.equal((await apiAs(ada).get(`/api/projects/${project.id}/webhooks`)).body.items[0].active, false);
  await hook.getByRole("button", { name: `Delete the webhook to ${target.url}` }).click();
  await page.getByRole("dialog", { name: "Delete this webhook?" }).getByRole("button", { name: "Delete webhook" }).click();
  await panel.getByText("No webhooks yet.").waitFor();
  assert.deepEqual((await apiAs(ada).get(`/api/projects/${project.id}/webhooks`)).body.items, []);
  assertNoPageProblems(context);
  await context.close();
  await target.close();
});

test("an eleventh webhook is refused with the limit in words", async () => {
  const ada = await registeredUser("Ada");
  const { project } = await projectWithTasks(ada, "Full of hooks");
  for (let i = 0; i < 10; i++) {
    assert.equal((await apiAs(ada).post(`/api/projects/${project.id}/webhooks`, { url: `http://127.0.0.1:9/hook/${i}`, events: ["task.deleted"] })).status, 201);
  }
  const { context, page } = await signedInPage(browser, ada, `/projects/${project.id}/settings`);
  const panel = page.getByRole("dialog", { name: "Settings of Full of hooks" });
  await panel.getByRole("listitem", { name: "Webhook to http://127.0.0.1:9/hook/9" }).waitFor();
  await panel.getByLabel("Payload URL").fill("http://127.0.0.1:9/hook/10");
  await panel.getByRole("button", { name: "Add webhook" }).click();
  await panel.getByRole("alert").getByText("This project has 10 webhooks, the most it may have.", { exact: false }).waitFor();
  assert.equal((await apiAs(ada).get(`/api/projects/${project.id}/webhooks`)).body.items.length, 10);
  assertNoPageProblems(context);
  await context.close();
});

test("a member who is not the owner is offered no settings and sees no webhooks", async () => {
  const ada = await registeredUser("Ada");
  const bob = await registeredUser("Bob");
  const { project } = await projectWithTasks(ada, "Owner's hooks", ["One"]);
  assert.equal((await apiAs(ada).post(`/api/projects/${project.id}/members`, { email: bob.email, role: "editor" })).status, 201);
  assert.equal((await apiAs(ada).post(`/api/projects/${project.id}/webhooks`, { url: "http://127.0.0.1:9/secret-hook", events: ["task.deleted"] })).status, 201);
  const { context, page } = await signedInPage(browser, bob, `/projects/${project.id}`);
  await page.getByRole("link", { name: "Members" }).waitFor();
  assert.equal(await page.getByRole("link", { name: "Settings" }).count(), 0, "no settings for an editor");
  await page.goto(`/projects/${project.id}/settings`);
  const panel = page.getByRole("dialog", { name: "Settings of Owner's hooks" });
  await panel.getByText("Only the project's owner manages its settings.").waitFor();
  assert.equal(await panel.getByRole("heading", { name: "Webhooks" }).count(), 0);
  assert.equal(await page.getByText("secret-hook").count(), 0);
  assertNoPageProblems(context);
  await context.close();
});
