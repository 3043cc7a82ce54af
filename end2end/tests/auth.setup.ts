import { expect, test as setup } from "@playwright/test";
import { ADMIN, ADMIN_PASSWORD } from "./helpers";

// Signs in over plain HTTP (as a browser without JavaScript would) and keeps
// the session cookie for the test projects.
setup("sign in as the administrator", async ({ request, baseURL }) => {
  const response = await request.post("/login/", {
    form: { login: ADMIN, password: ADMIN_PASSWORD, next: "/" },
    headers: { Origin: baseURL! },
    maxRedirects: 0,
  });
  expect(response.status()).toBe(303);
  await request.storageState({ path: "playwright/.auth/admin.json" });
});
