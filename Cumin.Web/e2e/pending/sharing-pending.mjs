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
