import { expect, test } from "./fixtures";
import { createStudent, open, uniqueEmail } from "./helpers";

test("the dashboard is first in the navigation, and its charts are labelled and lead to their lists", async ({ page }, info) => {
  // A student added now counts in this month's bar and in the last 30 days.
  const email = uniqueEmail("dana");
  await createStudent(page, info, { firstname: "Dana", lastname: "Dashboard", email });
  await open(page, info, "/");
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link").nth(1)).toHaveText("Dashboard");
  await nav.getByRole("link", { name: "Dashboard" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();

  const totals = page.getByRole("list", { name: "Totals" });
  await expect(totals.locator("li.students .figure")).toHaveText(/^\d+$/);
  await expect(totals.locator("li.students .lately")).toHaveText(/^\+[1-9]\d* in 30 days$/);

  // Each chart is an image with its title and description, and its numbers
  // as a table on request.
  const months = page.getByRole("img", { name: /Students added in each of the last twelve months/ });
  await expect(months).toBeVisible();
  await expect(page.getByRole("img", { name: /How every grade falls/ }).or(page.getByText("No grades yet."))).toBeVisible();
  const panel = page.locator("section", { has: page.getByRole("heading", { name: "Students added, month by month" }) });
  await panel.getByText("The months as a table").click();
  const thisMonth = panel.locator("table.chart-data tbody tr").last();
  await expect(thisMonth.locator("td.num")).not.toHaveText("0");

  // A month's row opens the student list narrowed to that month.
  await thisMonth.getByRole("link").click();
  await expect(page).toHaveURL(/\/\?added_from=\d{4}-\d{2}-01/);
  await expect(page.getByRole("heading", { level: 1, name: "Students" })).toBeVisible();
  await expect(page.locator("tbody tr", { hasText: email })).toBeVisible();
});
