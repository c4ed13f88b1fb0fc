using System.Text;
using System.Text.RegularExpressions;
using Elevate.Browser.Tests.Infrastructure;
using Elevate.Server.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Elevate.Browser.Tests;

/// <summary>
/// Administration pages in Chromium where a mistake is easy: a CSV file with a row that cannot be added (the preview
/// names it and only the good rows are added), and a role setting that cannot work (refused next to its field, and
/// nothing saved).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PortalAdministrationTests(BrowserFixture browser)
{
    private const string Role = "Reporting Reader";

    [Fact]
    public async Task A_csv_file_with_an_unknown_user_adds_only_its_good_rows_after_the_preview_names_the_bad_one()
    {
        await using var elevate = await LiveElevate.StartAsync();
        await using var admin = await PortalSession.AdministratorAsync(browser, elevate);
        var api = await admin.ApiAsync("bulk-setup");
        var people = new List<Guid>();
        foreach (var name in new[] { "alice", "bob", "dave" })
        {
            people.Add((await api.InviteUserAsync(name)).Id);
        }

        var role = await api.CreateRoleAsync(Role);
        const string csv = $"""
            principal,role,kind,scope,duration,justification
            alice,{Role},eligible,/,P90D,Reporting on-call
            bob,{Role},eligible,/,P90D,Reporting on-call
            nobody-here,{Role},eligible,/,P90D,Reporting on-call
            dave,{Role},eligible,/,P90D,Reporting on-call
            """;

        await admin.GotoAsync("/admin/assignments/bulk");
        await admin.Page.Locator("#f-CsvFile").SetInputFilesAsync(new FilePayload
        {
            Name = "reporting.csv",
            MimeType = "text/csv",
            Buffer = Encoding.UTF8.GetBytes(csv.ReplaceLineEndings("\n")),
        });
        await admin.Page.ClickAsync("#submit-preview");

        await Assertions.Expect(admin.Page.Locator("#preview-summary")).ToHaveTextAsync("4 rows: 3 can be added, 1 has problems and will be left out.");
        var bad = admin.Page.Locator("tr[data-row=\"3\"]");
        await Assertions.Expect(bad).ToHaveAttributeAsync("data-valid", "false");
        await Assertions.Expect(bad.Locator("td").First).ToContainTextAsync("3");
        await Assertions.Expect(bad.Locator(".assign-problems li[data-column=principal]")).ToHaveTextAsync("principal: No user or group is named 'nobody-here'.");
        await Assertions.Expect(admin.Page.Locator("tr[data-valid=true]")).ToHaveCountAsync(3);
        await Assertions.Expect(admin.Page.Locator("tr[data-valid=true] .badge")).ToHaveTextAsync(["OK", "OK", "OK"]);
        Assert.Empty(await EligibleAsync(api, role)); // nothing is added before the confirmation
        await Screenshots.SaveAsync(admin.Page, "bulk-assignments-preview");

        await admin.Page.GetByRole(AriaRole.Button, new() { Name = "Add 3 valid rows" }).ClickAsync();

        await Assertions.Expect(admin.Page.Locator("#results-summary")).ToHaveTextAsync("3 of 4 rows added.");
        await Assertions.Expect(admin.Page.Locator("tr[data-added=true]")).ToHaveCountAsync(3);
        await Assertions.Expect(admin.Page.Locator("tr[data-row=\"3\"]")).ToHaveAttributeAsync("data-added", "false");
        await Assertions.Expect(admin.Page.Locator("tr[data-row=\"3\"]")).ToContainTextAsync("Not added: No user or group is named 'nobody-here'.");
        await Screenshots.SaveAsync(admin.Page, "bulk-assignments-result");

        var added = await EligibleAsync(api, role);
        Assert.Equal(people.Order(), added.Select(a => a.GetProperty("principalId").GetGuid()).Order());
        Assert.All(added, a => Assert.Equal("/", a.GetProperty("scope").GetString()));
    }

    [Fact]
    public async Task An_impossible_role_setting_is_shown_next_to_its_field_and_in_the_summary_and_nothing_is_saved()
    {
        await using var elevate = await LiveElevate.StartAsync();
        await using var admin = await PortalSession.AdministratorAsync(browser, elevate);
        var api = await admin.ApiAsync("settings-check");
        var role = await api.CreateRoleAsync(Role);
        var before = (await api.GetAsync($"/api/v1/roles/{role}/settings")).ShouldBe(200);

        await admin.GotoAsync($"/admin/roles/{role}");
        await admin.Page.FillAsync("#f-Form-MaxDuration", "PT0S");
        await admin.Page.CheckAsync("#f-Form-ApprovalRequired");
        await admin.Page.ClickAsync("#review-changes");

        var maxDuration = admin.Page.Locator("#f-Form-MaxDuration");
        await Assertions.Expect(maxDuration).ToHaveValueAsync("PT0S");
        await Assertions.Expect(maxDuration).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(maxDuration).ToHaveAttributeAsync("aria-describedby", new Regex("err-Form-MaxDuration"));
        await Assertions.Expect(admin.Page.Locator("#err-Form-MaxDuration")).ToContainTextAsync("between PT5M and P1D");
        await Assertions.Expect(admin.Page.Locator("#err-Form-Approvers")).ToContainTextAsync("no approvers");
        var summary = admin.Page.Locator("#form-problems");
        await Assertions.Expect(summary).ToHaveAttributeAsync("role", "alert");
        await Assertions.Expect(summary).ToContainTextAsync("Nothing was saved");
        await Assertions.Expect(summary.Locator("a[href=\"#f-Form-MaxDuration\"]")).ToHaveCountAsync(1);
        await Assertions.Expect(summary.Locator("a[href=\"#f-Form-Approvers\"]")).ToHaveCountAsync(1);
        await Assertions.Expect(admin.Page.Locator("#save-settings")).ToHaveCountAsync(0);
        await Screenshots.SaveAsync(admin.Page, "role-settings-refused");

        // The summary's link takes the keyboard to the field to correct.
        await summary.Locator("a[href=\"#f-Form-MaxDuration\"]").ClickAsync();
        await Assertions.Expect(admin.Page).ToHaveURLAsync(new Regex("#f-Form-MaxDuration$"));

        var after = (await api.GetAsync($"/api/v1/roles/{role}/settings")).ShouldBe(200);
        Assert.Equal(before["version"].GetInt32(), after["version"].GetInt32());
        Assert.Equal(before["settings"].GetRawText(), after["settings"].GetRawText());
        Assert.Equal("PT8H", after["settings"].GetProperty("activation").GetProperty("maxDuration").GetString());
        Assert.False(after["settings"].GetProperty("activation").GetProperty("approval").GetProperty("required").GetBoolean());
    }

    /// <summary>The role's eligible assignments, read through the API.</summary>
    private static async Task<List<System.Text.Json.JsonElement>> EligibleAsync(ApiClient api, Guid role) =>
        [.. (await api.GetAsync($"/api/v1/assignments?roleId={role}&kind=eligible")).ShouldBe(200)["items"].EnumerateArray()];
}
