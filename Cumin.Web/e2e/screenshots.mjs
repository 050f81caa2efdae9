// `make screenshots`: the real app in Chromium against a private stack, a board with a few tasks, as PNG files.
//   node e2e/screenshots.mjs OUT_DIR          OUT_DIR/board.png (1440 × 900, light) — the README's picture
//   node e2e/screenshots.mjs OUT_DIR --all    every screen at 390 and 1440 px, light and dark (for review)
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { BASE, apiAs, card, launch, registeredUser, signInThroughUi } from "./harness.mjs";

const [out = "docs", flag] = process.argv.slice(2);
await mkdir(out, { recursive: true });

const owner = await registeredUser("Ada");
const api = apiAs(owner);
const project = (await api.post("/api/projects", { name: "Spring garden", description: "Beds, seedlings and the greenhouse, before the last frost." })).body;
await api.post("/api/projects", { name: "Kitchen renovation", description: "Cabinets, tiles and the new window." });
const tasks = [
  ["Order seed potatoes", "todo", "high"], ["Sharpen the shears", "todo", "low"], ["Mend the cold frame lid", "todo", "medium"],
  ["Plan the crop rotation for the four beds", "todo", "medium"], ["Buy two bags of compost", "todo", "low"],
  ["Sow tomatoes indoors", "in_progress", "high"], ["Dig over the bean trench", "in_progress", "medium"], ["Prune the apple tree", "in_progress", "low"],
  ["Clean the greenhouse glass", "done", "medium"], ["Turn the compost heap", "done", "low"], ["Sow sweet peas", "done", "high"],
];
const viewer = await registeredUser("Bob");
await api.post(`/api/projects/${project.id}/members`, { email: viewer.email, role: "viewer" });
const label = async (name, color) => (await api.post(`/api/projects/${project.id}/labels`, { name, color })).body.id;
const [outdoor, indoor, buy] = [await label("Outdoor", "#0e8a16"), await label("Indoor", "#1d76db"), await label("Shopping", "#fbca04")];
const day = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
// Who, when and which labels, per title: the board shows assignees, due dates (one overdue) and chips.
const extras = {
  "Order seed potatoes": { assigneeId: owner.id, dueDate: day(-1), labelIds: [buy] },
  "Mend the cold frame lid": { assigneeId: viewer.id, labelIds: [outdoor] },
  "Buy two bags of compost": { dueDate: day(4), labelIds: [buy, outdoor] },
  "Sow tomatoes indoors": { assigneeId: owner.id, dueDate: day(2), labelIds: [indoor] },
  "Dig over the bean trench": { assigneeId: viewer.id, labelIds: [outdoor] },
  "Sow sweet peas": { labelIds: [outdoor] },
};
let first;
for (const [title, status, priority] of tasks) {
  const task = (await api.post(`/api/projects/${project.id}/tasks`, { title, status, priority, description: status === "in_progress" ? "Started on Saturday; the heated propagator is on the windowsill." : null, ...extras[title] })).body;
  first ??= task;
}
await api.post(`/api/projects/${project.id}/tasks/${first.id}/comments`, { body: "The garden centre has Charlotte and Pink Fir Apple in stock." });

const browser = await launch();
const shots = flag === "--all"
  ? [390, 1440].flatMap((width) => ["light", "dark"].map((scheme) => ({ width, scheme })))
  : [{ width: 1440, scheme: "light" }];
for (const { width, scheme } of shots) {
  const context = await browser.newContext({ baseURL: BASE, viewport: { width, height: width < 500 ? 844 : 900 }, colorScheme: scheme, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(`/projects/${project.id}`);
  await signInThroughUi(page, owner);
  await card(page, "Done", "Sow sweet peas").waitFor();
  const name = (screen) => join(out, flag === "--all" ? `${screen}-${width}-${scheme}.png` : `${screen}.png`);
  await page.screenshot({ path: name("board") });
  if (flag === "--all") {
    await page.goto(`/projects/${project.id}/tasks/${first.id}`);
    await page.getByRole("dialog").getByText("Pink Fir Apple").waitFor();
    await page.screenshot({ path: name("drawer") });
    await page.goto("/my-tasks");
    await page.getByRole("list", { name: "Tasks assigned to you" }).waitFor();
    await page.screenshot({ path: name("mytasks") });
    await page.goto(`/projects/${project.id}/members`);
    await page.getByRole("list", { name: "Members" }).waitFor();
    await page.screenshot({ path: name("members") });
    await page.goto("/");
    await page.getByRole("link", { name: "Spring garden" }).waitFor();
    await page.waitForTimeout(2500);
    await page.screenshot({ path: name("projects") });
    await page.getByRole("button", { name: "Exports" }).click();
    await page.screenshot({ path: name("exports") });
    const signedOut = await browser.newContext({ baseURL: BASE, viewport: { width, height: 844 }, colorScheme: scheme });
    const signIn = await signedOut.newPage();
    await signIn.goto("/");
    await signIn.getByRole("button", { name: "Sign in" }).waitFor();
    await signIn.screenshot({ path: name("signin") });
    await signedOut.close();
  }
  await context.close();
}
await browser.close();
console.log(`screenshots in ${out}`);
