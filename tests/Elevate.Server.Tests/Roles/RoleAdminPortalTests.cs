using System.Net;
using System.Text.RegularExpressions;
using Elevate.Core.Roles;
using Elevate.Server.Portal.Admin.Roles;
using Elevate.Server.Tests.Infrastructure;
using Elevate.Server.Tests.SignIn;

namespace Elevate.Server.Tests.Roles;

/// <summary>
/// Role administration in the portal: the list of roles with a filter and a form for a new one, and a role's settings
/// at a scope, changed in two steps (review the changes, then save at the version read), with impossible settings and
/// stale versions refused without changing anything.
/// </summary>
public abstract partial class RoleAdminPortalTests(DatabaseKind kind) : PortalTest(kind)
{
    [Fact]
    public async Task An_administrator_lists_filters_and_creates_roles()
    {
        var carol = await AdministratorAsync();
        var dbAdmin = await Admin.CreateRoleAsync("db-admin");
        var webAdmin = await Admin.CreateRoleAsync("web-admin");

        var list = (await carol.Browser.GetPageAsync("/admin/roles")).ShouldBe(200);
        Assert.Contains(dbAdmin, RowRoles(list));
        Assert.Contains(webAdmin, RowRoles(list));
        Assert.Contains(BuiltInRoles.IdOf(BuiltInRole.ElevateAdministrator), RowRoles(list));

        var filtered = (await carol.Browser.GetPageAsync("/admin/roles?q=DB-")).ShouldBe(200);
        Assert.Equal([dbAdmin], RowRoles(filtered));
        Assert.NotNull((await carol.Browser.GetPageAsync("/admin/roles?q=nothing-like-this")).ShouldBe(200).TextOf("no-roles"));

        var created = await carol.Browser.PostFormAsync("/admin/roles?handler=Create", new { Name = "Payments Operator", Description = "Runs the payment batch", IsPrivileged = "true" }, list);
        var id = Guid.Parse(created.ShouldBe(302).RedirectPath!.Split('/')[^1]);
        var role = (await Admin.GetAsync($"/api/v1/roles/{id}")).ShouldBe(200);
        Assert.Equal("Payments Operator", role["name"].GetString());
        Assert.Equal("Runs the payment batch", role["description"].GetString());
        Assert.True(role["isPrivileged"].GetBoolean());
        var page = (await carol.Browser.GetPageAsync($"/admin/roles/{id}")).ShouldBe(200);
        Assert.Contains("Created the role", page.Html);
    }

    [Fact]
    public async Task A_long_list_pages_by_name_and_keeps_the_filter()
    {
        var carol = await AdministratorAsync();
        var created = new List<Guid>();
        for (var i = 0; i < IndexModel.PageSize + 2; i++)
        {
            created.Add(await Admin.CreateRoleAsync($"team-{i:00}"));
        }

        var first = (await carol.Browser.GetPageAsync("/admin/roles?q=team-")).ShouldBe(200);
        Assert.Equal(created.Take(IndexModel.PageSize), RowRoles(first));
        var next = WebUtility.HtmlDecode(Regex.Match(first.Html, "<a href=\"(?<href>[^\"]*)\" id=\"next-page\"").Groups["href"].Value);
        Assert.Contains("q=team-", next);
        var second = (await carol.Browser.GetPageAsync(next)).ShouldBe(200);
        Assert.Equal(created.Skip(IndexModel.PageSize), RowRoles(second));
        Assert.DoesNotContain("id=\"next-page\"", second.Html);
    }

    [Fact]
    public async Task A_bad_or_taken_name_shows_the_error_next_to_the_field_and_creates_nothing()
    {
        var carol = await AdministratorAsync();
        await Admin.CreateRoleAsync("db-admin");
        var before = await RoleCountAsync();
        var list = (await carol.Browser.GetPageAsync("/admin/roles")).ShouldBe(200);

        var taken = (await carol.Browser.PostFormAsync("/admin/roles?handler=Create", new { Name = "DB-Admin" }, list)).ShouldBe(200);
        Assert.Contains("already called", taken.TextOf("err-Name"));
        Assert.Contains("aria-invalid=\"true\"", Regex.Match(taken.Html, "<input id=\"f-Name\"[^>]*>").Value);

        var blank = (await carol.Browser.PostFormAsync("/admin/roles?handler=Create", new { Name = "   " }, list)).ShouldBe(200);
        Assert.NotNull(blank.TextOf("err-Name"));
        var control = (await carol.Browser.PostFormAsync("/admin/roles?handler=Create", new { Name = "bad\u0007name" }, list)).ShouldBe(200);
        Assert.NotNull(control.TextOf("err-Name"));

        Assert.Equal(before, await RoleCountAsync());
    }

    [Fact]
    public async Task The_settings_form_shows_every_rule_in_groups_with_its_default()
    {
        var carol = await AdministratorAsync();
        var role = await Admin.CreateRoleAsync("db-admin");
        var page = (await carol.Browser.GetPageAsync($"/admin/roles/{role}")).ShouldBe(200);

        foreach (var legend in new[] { "Activation", "Approval", "Eligible assignments", "Active assignments", "Extensions", "Notifications" })
        {
            Assert.Contains($"<legend>{legend}</legend>", page.Html);
        }

        foreach (var entry in SettingsCatalogue.Entries.Where(e => e.Key != "Stages"))
        {
            var id = "f-" + Regex.Replace("Form." + entry.Key, "[^A-Za-z0-9]+", "-").Trim('-');
            Assert.True(page.Html.Contains($"id=\"{id}\"", StringComparison.Ordinal), $"No input for {entry.Key}");
            if (!entry.Key.StartsWith("Stages[", StringComparison.Ordinal) || entry.Key.StartsWith("Stages[0]", StringComparison.Ordinal))
            {
                Assert.Equal($"Default: {entry.Default}.", page.TextOf($"hint-{id}") is { } hint ? Regex.Match(hint, "Default: .*$").Value : null);
            }
        }

        Assert.Equal("Default: 8 hours (PT8H).", Regex.Match(page.TextOf("hint-f-Form-MaxDuration")!, "Default: .*$").Value);
        var fields = FormFields(page, "settings-form");
        Assert.Equal("PT8H", Field(fields, "Form.MaxDuration"));
        Assert.Equal("true", Field(fields, "Form.RequireJustification"));
        Assert.Null(Field(fields, "Form.RequireTicket"));
        Assert.Equal("P14D", Field(fields, "Form.ExtensionWindow"));
        Assert.Equal("all", Field(fields, "Form.Notifications[4].Level"));
        Assert.Contains("nearest scope", page.TextOf("scopes-explained"));
        Assert.Equal("true", Regex.Match(page.Html, "id=\"settings-source\" data-own=\"(?<own>[a-z]+)\"").Groups["own"].Value);
    }

    [Fact]
    public async Task Changing_two_rules_reviews_exactly_those_two_and_saving_shows_them_in_the_api()
    {
        var carol = await AdministratorAsync();
        var role = await Admin.CreateRoleAsync("db-admin");
        var stored = await SettingsAsync(role);
        var page = (await carol.Browser.GetPageAsync($"/admin/roles/{role}")).ShouldBe(200);

        var fields = With(FormFields(page, "settings-form"), ("Form.MaxDuration", "pt4h"), ("Form.RequireTicket", "true"));
        var review = (await carol.Browser.PostAsync(Action(page, "settings-form"), fields)).ShouldBe(200);
        Assert.Empty(review.Errors);
        Assert.Equal(["MaxDuration", "RequireTicket"], Changes(review));
        Assert.Contains("8 hours (PT8H)", review.Html);
        Assert.Contains("4 hours (PT4H)", review.Html);
        Assert.Equal(stored.Version, (await SettingsAsync(role)).Version);

        var saved = await carol.Browser.PostAsync(Action(review, "review-form"), FormFields(review, "review-form"));
        saved.ShouldRedirectTo($"/admin/roles/{role}");
        var after = await SettingsAsync(role);
        Assert.Equal("PT4H", after.Body["settings"].GetProperty("activation").GetProperty("maxDuration").GetString());
        Assert.True(after.Body["settings"].GetProperty("activation").GetProperty("requireTicket").GetBoolean());
        Assert.True(after.Body["settings"].GetProperty("activation").GetProperty("requireJustification").GetBoolean());
        Assert.Equal(stored.Version + 1, after.Version);
        Assert.Contains("2 rules changed", (await carol.Browser.GetPageAsync(saved.Location!)).ShouldBe(200).Html);
    }

    [Fact]
    public async Task Approvers_and_stages_are_named_and_stored_by_id()
    {
        var carol = await AdministratorAsync();
        var dave = await UserAsync("dave");
        var erin = await UserAsync("erin");
        var leads = await Admin.CreateGroupAsync("security-leads", dave.Id, erin.Id);
        var role = await Admin.CreateRoleAsync("db-admin");
        var page = (await carol.Browser.GetPageAsync($"/admin/roles/{role}")).ShouldBe(200);

        var unknown = With(FormFields(page, "settings-form"), ("Form.ApprovalRequired", "true"), ("Form.Approvers", "dave, nobody-here"));
        var refused = (await carol.Browser.PostAsync(Action(page, "settings-form"), unknown)).ShouldBe(200);
        Assert.Contains("nobody-here", refused.TextOf("err-Form-Approvers"));

        var fields = With(FormFields(page, "settings-form"), ("Form.ApprovalRequired", "true"), ("Form.Approvers", "dave"),
            ("Form.Stages[0].Used", "true"), ("Form.Stages[0].Approvers", "Security-Leads, erin"), ("Form.Stages[0].Quorum", "2"), ("Form.Stages[0].Timeout", "PT4H"));
        var review = (await carol.Browser.PostAsync(Action(page, "settings-form"), fields)).ShouldBe(200);
        Assert.Empty(review.Errors);
        Assert.Equal(["ApprovalRequired", "Approvers", "Stages[0]"], Changes(review));
        Assert.Contains("erin, security-leads", review.Html);
        Assert.Contains("needs every one of its 2 approvers", review.SectionText("settings"));
        (await carol.Browser.PostAsync(Action(review, "review-form"), FormFields(review, "review-form"))).ShouldRedirectTo($"/admin/roles/{role}");

        var approval = (await SettingsAsync(role)).Body["settings"].GetProperty("activation").GetProperty("approval");
        Assert.Equal([dave.Id], approval.GetProperty("approvers").EnumerateArray().Select(a => a.GetGuid()));
        var stage = Assert.Single(approval.GetProperty("stages").EnumerateArray());
        Assert.Equal([leads, erin.Id], stage.GetProperty("approvers").EnumerateArray().Select(a => a.GetGuid()));
        Assert.Equal(2, stage.GetProperty("quorum").GetInt32());
        Assert.Equal("PT4H", stage.GetProperty("timeout").GetString());

        var again = FormFields((await carol.Browser.GetPageAsync($"/admin/roles/{role}")).ShouldBe(200), "settings-form");
        Assert.Equal("security-leads, erin", Field(again, "Form.Stages[0].Approvers"));
    }

    [Fact]
    public async Task An_impossible_setting_is_refused_next_to_its_field_and_nothing_is_saved()
    {
        var carol = await AdministratorAsync();
        var role = await Admin.CreateRoleAsync("db-admin");
        var stored = await SettingsAsync(role);
        var page = (await carol.Browser.GetPageAsync($"/admin/roles/{role}")).ShouldBe(200);

        var fields = With(FormFields(page, "settings-form"), ("Form.MaxDuration", "PT0S"), ("Form.ApprovalRequired", "true"), ("Form.ExtensionWindow", "soon"));
        var refused = (await carol.Browser.PostAsync(Action(page, "settings-form"), fields)).ShouldBe(200);
        Assert.Contains("between PT5M and P1D", refused.TextOf("err-Form-MaxDuration"));
        Assert.Contains("no approvers", refused.TextOf("err-Form-Approvers"));
        Assert.Contains("not a duration", refused.TextOf("err-Form-ExtensionWindow"));
        Assert.NotNull(refused.TextOf("form-problems"));
        Assert.Null(refused.TextOf("changes"));
        Assert.Equal("PT0S", Field(FormFields(refused, "settings-form"), "Form.MaxDuration"));

        // A stage's own problems show on the row they are in (here the second, the first left unused).
        var stage = With(FormFields(page, "settings-form"), ("Form.ApprovalRequired", "true"), ("Form.Stages[1].Used", "true"), ("Form.Stages[1].RequesterManager", "true"),
            ("Form.Stages[1].Timeout", "P30D"), ("Form.Stages[1].Quorum", "0"), ("Form.Stages[1].EscalateAfter", "PT1H"));
        var stageRefused = (await carol.Browser.PostAsync(Action(page, "settings-form"), stage)).ShouldBe(200);
        Assert.Contains("timeout is between", stageRefused.TextOf("err-Form-Stages-1-Timeout"));
        Assert.Contains("quorum is between", stageRefused.TextOf("err-Form-Stages-1-Quorum"));
        Assert.Contains("Escalation needs both", stageRefused.TextOf("err-Form-Stages-1-EscalationApprovers"));

        // A reviewed document altered on the way is refused by the core, next to the field, too.
        var review = (await carol.Browser.PostAsync(Action(page, "settings-form"), With(FormFields(page, "settings-form"), ("Form.RequireMfa", "true")))).ShouldBe(200);
        var tampered = With(FormFields(review, "review-form"), ("Proposed", """{"activation":{"maxDuration":"P2D"}}"""));
        var core = (await carol.Browser.PostAsync(Action(review, "review-form"), tampered)).ShouldBe(200);
        Assert.Contains("between PT5M and P1D", core.TextOf("err-Form-MaxDuration"));

        var after = await SettingsAsync(role);
        Assert.Equal(stored.Version, after.Version);
        Assert.Equal("PT8H", after.Body["settings"].GetProperty("activation").GetProperty("maxDuration").GetString());
        Assert.False(after.Body["settings"].GetProperty("activation").GetProperty("requireMfa").GetBoolean());
    }

    [Fact]
    public async Task A_change_saved_meanwhile_is_reported_and_not_overwritten()
    {
        var carol = await AdministratorAsync();
        var role = await Admin.CreateRoleAsync("db-admin");
        var page = (await carol.Browser.GetPageAsync($"/admin/roles/{role}")).ShouldBe(200);
        var review = (await carol.Browser.PostAsync(Action(page, "settings-form"), With(FormFields(page, "settings-form"), ("Form.MaxDuration", "PT2H")))).ShouldBe(200);
        Assert.Equal(["MaxDuration"], Changes(review));

        var stored = await SettingsAsync(role);
        (await Admin.PutAsync($"/api/v1/roles/{role}/settings", new { extensionWindow = "P3D" }, new Dictionary<string, string> { ["If-Match"] = $"\"{stored.Version}\"" })).ShouldBe(200);
        var theirs = await SettingsAsync(role);

        var conflict = (await carol.Browser.PostAsync(Action(review, "review-form"), FormFields(review, "review-form"))).ShouldShowError("Someone changed the settings");
        Assert.Contains("Nothing was saved", conflict.Html);
        Assert.Equal("P3D", Field(FormFields(conflict, "settings-form"), "Form.ExtensionWindow"));
        var after = await SettingsAsync(role);
        Assert.Equal(theirs.Version, after.Version);
        Assert.Equal("P3D", after.Body["settings"].GetProperty("extensionWindow").GetString());
        Assert.Equal("PT8H", after.Body["settings"].GetProperty("activation").GetProperty("maxDuration").GetString());
    }

    [Fact]
    public async Task A_narrower_scope_gets_settings_of_its_own_and_loses_them_after_a_confirmation()
    {
        var carol = await AdministratorAsync();
        var role = await Admin.CreateRoleAsync("db-admin");
        var page = (await carol.Browser.GetPageAsync($"/admin/roles/{role}?scope=/prod")).ShouldBe(200);
        Assert.Contains("no settings of its own", page.TextOf("settings-source"));

        var review = (await carol.Browser.PostAsync(Action(page, "settings-form"), With(FormFields(page, "settings-form"), ("Form.RequireMfa", "true")))).ShouldBe(200);
        Assert.Equal(["RequireMfa"], Changes(review));
        (await carol.Browser.PostAsync(Action(review, "review-form"), FormFields(review, "review-form"))).ShouldRedirectTo($"/admin/roles/{role}");
        var own = (await Admin.GetAsync($"/api/v1/roles/{role}/settings?scope=/prod")).ShouldBe(200);
        Assert.True(own["settings"].GetProperty("activation").GetProperty("requireMfa").GetBoolean());
        Assert.False((await SettingsAsync(role)).Body["settings"].GetProperty("activation").GetProperty("requireMfa").GetBoolean());

        var root = (await carol.Browser.GetPageAsync($"/admin/roles/{role}")).ShouldBe(200);
        Assert.Contains("data-scope=\"/prod\"", root.Section("scopes"));
        Assert.Null(root.Section("revert"));

        var confirm = (await carol.Browser.GetPageAsync($"/admin/roles/{role}?scope=%2Fprod&confirm=revert")).ShouldBe(200);
        Assert.NotNull(confirm.TextOf("revert-confirm"));
        var revertForm = Regex.Match(confirm.Section("revert")!, "action=\"(?<action>[^\"]*)\"[^>]*>(?<body>.*?)</form>", RegexOptions.Singleline);
        var reverted = await carol.Browser.PostFormAsync(WebUtility.HtmlDecode(revertForm.Groups["action"].Value), new { SettingsVersion = own["version"].GetInt32() }, confirm);
        reverted.ShouldRedirectTo($"/admin/roles/{role}");
        (await Admin.GetAsync($"/api/v1/roles/{role}/settings?scope=/prod")).ShouldBe(404);
    }

    [Fact]
    public async Task An_administrator_renames_and_describes_a_role()
    {
        var carol = await AdministratorAsync();
        var role = await Admin.CreateRoleAsync("db-admin");
        var page = (await carol.Browser.GetPageAsync($"/admin/roles/{role}")).ShouldBe(200);
        var version = (await Admin.GetAsync($"/api/v1/roles/{role}")).ShouldBe(200)["version"].GetInt32();

        var saved = await carol.Browser.PostFormAsync($"/admin/roles/{role}?handler=UpdateRole", new { RoleName = "Database Administrator", RoleDescription = "Owns the databases", RolePrivileged = "true", RoleVersion = version }, page);
        saved.ShouldRedirectTo($"/admin/roles/{role}");
        var after = (await Admin.GetAsync($"/api/v1/roles/{role}")).ShouldBe(200);
        Assert.Equal("Database Administrator", after["name"].GetString());
        Assert.Equal("Owns the databases", after["description"].GetString());

        var stale = (await carol.Browser.PostFormAsync($"/admin/roles/{role}?handler=UpdateRole", new { RoleName = "Other", RoleVersion = version }, page)).ShouldShowError("Someone changed this role");
        Assert.Equal("Database Administrator", (await Admin.GetAsync($"/api/v1/roles/{role}")).ShouldBe(200)["name"].GetString());
        Assert.NotNull(stale);
    }

    [Fact]
    public async Task Someone_who_does_not_manage_roles_is_refused()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var stored = await SettingsAsync(role);
        var dave = await UserWithTotpAsync("dave");
        var home = (await dave.Browser.GetPageAsync("/")).ShouldBe(200);

        (await dave.Browser.GetPageAsync("/admin/roles")).ShouldBe(403);
        (await dave.Browser.GetPageAsync($"/admin/roles/{role}")).ShouldBe(403);
        (await dave.Browser.PostFormAsync("/admin/roles?handler=Create", new { Name = "mine" }, home)).ShouldBe(403);
        (await dave.Browser.PostAsync($"/admin/roles/{role}?handler=Review", [new("Form.MaxDuration", "PT1H"), new("__RequestVerificationToken", home.AntiforgeryToken!)])).ShouldBe(403);
        (await dave.Browser.PostFormAsync($"/admin/roles/{role}?handler=Save", new { Proposed = """{"activation":{"maxDuration":"PT1H"}}""", SettingsVersion = stored.Version }, home)).ShouldBe(403);
        Assert.Equal(stored.Version, (await SettingsAsync(role)).Version);
        (await Browser().GetPageAsync("/admin/roles")).ShouldRedirectTo("/signin");
    }

    /// <summary>Carol, signed in to the portal, with Elevate Administrator active.</summary>
    private async Task<PortalUser> AdministratorAsync()
    {
        var carol = await UserWithTotpAsync("carol");
        (await Admin.AssignAsync("active", carol.Id, BuiltInRoles.IdOf(BuiltInRole.ElevateAdministrator), "/", Scenario.Permanent)).ShouldBe(201);
        return carol;
    }

    private sealed record Stored(int Version, ApiResponse Body);

    private async Task<Stored> SettingsAsync(Guid role)
    {
        var response = (await Admin.GetAsync($"/api/v1/roles/{role}/settings")).ShouldBe(200);
        return new Stored(response["version"].GetInt32(), response);
    }

    private async Task<int> RoleCountAsync() => (await Admin.GetAsync("/api/v1/roles?limit=200")).ShouldBe(200)["items"].GetArrayLength();

    private static List<Guid> RowRoles(PortalPage page) => [.. RolePattern().Matches(page.Html).Select(m => Guid.Parse(m.Groups["id"].Value))];

    private static List<string> Changes(PortalPage page) => [.. ChangePattern().Matches(page.Html).Select(m => WebUtility.HtmlDecode(m.Groups["key"].Value))];

    private static string Action(PortalPage page, string formId) =>
        WebUtility.HtmlDecode(Regex.Match(page.Html, $"<form\\b[^>]*action=\"(?<action>[^\"]*)\"[^>]*id=\"{formId}\"").Groups["action"].Value);

    private static string? Field(List<KeyValuePair<string, string>> fields, string name) =>
        fields.Where(f => f.Key == name).Select(f => f.Value).FirstOrDefault();

    /// <summary>The fields with these replaced (or added); a value of null leaves a field out, as an unticked box.</summary>
    private static List<KeyValuePair<string, string>> With(List<KeyValuePair<string, string>> fields, params (string Name, string? Value)[] changes)
    {
        var result = fields.Where(f => !changes.Any(c => c.Name == f.Key)).ToList();
        result.AddRange(changes.Where(c => c.Value is not null).Select(c => new KeyValuePair<string, string>(c.Name, c.Value!)));
        return result;
    }

    /// <summary>What a browser sends from the form with this id: inputs (ticked boxes only), chosen options, text areas.</summary>
    private static List<KeyValuePair<string, string>> FormFields(PortalPage page, string formId)
    {
        var form = Regex.Match(page.Html, $"<form\\b[^>]*id=\"{formId}\"[^>]*>(?<body>.*?)</form>", RegexOptions.Singleline);
        Assert.True(form.Success, $"The page has no form '{formId}'.");
        var body = form.Groups["body"].Value;
        var fields = new List<KeyValuePair<string, string>>();
        foreach (Match input in InputPattern().Matches(body))
        {
            var attributes = input.Groups["attrs"].Value;
            var name = Attribute(attributes, "name");
            var type = Attribute(attributes, "type") ?? "text";
            if (name is null || (type == "checkbox" && !attributes.Contains("checked=\"checked\"", StringComparison.Ordinal)))
            {
                continue;
            }

            fields.Add(new(name, Attribute(attributes, "value") ?? (type == "checkbox" ? "on" : "")));
        }

        foreach (Match select in SelectPattern().Matches(body))
        {
            var chosen = Regex.Match(select.Groups["body"].Value, "<option value=\"(?<value>[^\"]*)\" selected=\"selected\"");
            fields.Add(new(WebUtility.HtmlDecode(select.Groups["name"].Value), WebUtility.HtmlDecode(chosen.Groups["value"].Value)));
        }

        foreach (Match area in TextAreaPattern().Matches(body))
        {
            fields.Add(new(WebUtility.HtmlDecode(area.Groups["name"].Value), WebUtility.HtmlDecode(area.Groups["text"].Value)));
        }

        return fields;
    }

    private static string? Attribute(string attributes, string name) =>
        Regex.Match(attributes, $"\\b{name}=\"(?<value>[^\"]*)\"") is { Success: true } m ? WebUtility.HtmlDecode(m.Groups["value"].Value) : null;

    [GeneratedRegex("<tr data-role=\"(?<id>[0-9a-f-]{36})\"")]
    private static partial Regex RolePattern();

    [GeneratedRegex("<tr data-change=\"(?<key>[^\"]*)\"")]
    private static partial Regex ChangePattern();

    [GeneratedRegex("<input\\b(?<attrs>[^>]*)>")]
    private static partial Regex InputPattern();

    [GeneratedRegex("<select\\b[^>]*\\bname=\"(?<name>[^\"]*)\"[^>]*>(?<body>.*?)</select>", RegexOptions.Singleline)]
    private static partial Regex SelectPattern();

    [GeneratedRegex("<textarea\\b[^>]*\\bname=\"(?<name>[^\"]*)\"[^>]*>(?<text>.*?)</textarea>", RegexOptions.Singleline)]
    private static partial Regex TextAreaPattern();
}

public sealed class RoleAdminPortalTestsOnSqlite() : RoleAdminPortalTests(DatabaseKind.Sqlite);

public sealed class RoleAdminPortalTestsOnPostgres() : RoleAdminPortalTests(DatabaseKind.Postgres);
