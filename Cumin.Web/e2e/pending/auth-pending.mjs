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
