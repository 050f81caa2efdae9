// `make trace-screenshot`: one export's trace in the Aspire dashboard (CUMIN_DASHBOARD_URL), as OUT_DIR/export-trace.png.
// The export is asked for with a traceparent of our own, so its trace id is known and its page can be opened directly.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { BASE, apiAs, launch, projectWithTasks, registeredUser, signedInPage } from "./harness.mjs";

const [out = "docs"] = process.argv.slice(2);
const dashboard = process.env.CUMIN_DASHBOARD_URL ?? "http://127.0.0.1:18888";
await mkdir(out, { recursive: true });

const owner = await registeredUser("Ada");
const { project } = await projectWithTasks(owner, "Spring garden", ["Order seed potatoes", "Sow tomatoes indoors", "Prune the apple tree"]);
// The owner's app is open (its hub connection is what the notification is sent to).
const browser = await launch();
await signedInPage(browser, owner, `/projects/${project.id}`);
const traceId = randomBytes(16).toString("hex");
const started = await fetch(`${BASE}/api/projects/${project.id}/exports`, {
  method: "POST",
  headers: { Authorization: `Bearer ${owner.token}`, traceparent: `00-${traceId}-${randomBytes(8).toString("hex")}-01` },
});
assert.equal(started.status, 202);
const exportId = (await started.json()).id;
const api = apiAs(owner);
for (let i = 0; i < 300 && (await api.get(`/api/exports/${exportId}`)).body.status !== "done"; i++) await new Promise((r) => setTimeout(r, 100));
assert.equal((await api.get(`/api/exports/${exportId}`)).body.status, "done");
// The notification reaches the user grain and the API a moment after the job is done; then the batches leave.
await new Promise((r) => setTimeout(r, 4000));

// Tall enough for the whole trace (about 40 spans: each AWS call is its SDK span and its HTTP attempt).
const page = await (await browser.newContext({ viewport: { width: 1600, height: 1700 }, deviceScaleFactor: 1 })).newPage();
// The last span (the API's SignalR send) may still be on its way: reload until the page shows it.
for (let attempt = 0; ; attempt++) {
  await page.goto(`${dashboard}/traces/detail/${traceId}`);
  try {
    await page.getByText("SignalR send").first().waitFor({ timeout: 5000 });
    break;
  } catch (error) {
    if (attempt === 8) {
      await page.screenshot({ path: join(out, "export-trace-failed.png") });
      console.error((await page.locator("body").innerText()).slice(0, 3000));
      throw error;
    }
  }
}
await page.waitForTimeout(1000);
await page.screenshot({ path: join(out, "export-trace.png") });
await browser.close();
console.log(`trace ${traceId} of export ${exportId}: ${join(out, "export-trace.png")}`);
