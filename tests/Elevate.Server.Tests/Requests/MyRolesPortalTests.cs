using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Elevate.Server.Tests.Approvals;
using Elevate.Server.Tests.Infrastructure;
using Elevate.Server.Tests.SignIn;

namespace Elevate.Server.Tests.Requests;

/// <summary>
/// The "My roles" page: alice's eligibilities, what is active and what ended recently, each in its tab; activating
/// with exactly what the role asks for (a later start, a narrower scope, durations within the eligibility), the dry
/// run that says what is wrong before anything is sent, and deactivating, extending near the end and renewing.
/// </summary>
public abstract partial class MyRolesPortalTests(DatabaseKind kind) : PortalTest(kind)
{
    [Fact]
    public async Task Each_tab_shows_its_own_rows_and_an_empty_state_when_there_are_none()
    {
        var (alice, aliceApi) = await AliceAsync();
        var empty = (await alice.Browser.GetPageAsync("/roles")).ShouldBe(200);
        Assert.Contains("aria-current=\"page\"", Tab(empty, "eligible"));
        Assert.NotNull(empty.TextOf("no-eligible"));
        Assert.NotNull((await alice.Browser.GetPageAsync("/roles?tab=active")).ShouldBe(200).TextOf("no-active"));
        Assert.NotNull((await alice.Browser.GetPageAsync("/roles?tab=expired")).ShouldBe(200).TextOf("no-expired"));

        var reader = await Admin.CreateRoleAsync("reader");
        var operatorRole = await Admin.CreateRoleAsync("operator");
        var auditor = await Admin.CreateRoleAsync("log-reader");
        await Admin.MakeEligibleAsync(alice.Id, reader);
        await Admin.MakeEligibleAsync(alice.Id, operatorRole);
        (await Admin.AssignAsync("active", alice.Id, auditor, "/", Scenario.For("PT1H"))).ShouldBe(201);
        (await aliceApi.ActivateAsync(reader, "/", Scenario.For("PT30M"))).ShouldBe(201);

        // Something is active, so the page opens on the Active tab.
        var active = (await alice.Browser.GetPageAsync("/roles")).ShouldBe(200);
        Assert.Contains("aria-current=\"page\"", Tab(active, "active"));
        Assert.Equal(["log-reader", "reader"], Roles(active, "active"));
        Assert.Null(active.Section("eligible"));

        var eligible = (await alice.Browser.GetPageAsync("/roles?tab=eligible")).ShouldBe(200);
        Assert.Equal(["operator", "reader"], Cards(eligible));
        Assert.Null(eligible.Section("active"));

        // Later, the log-reader assignment and the activation have run out; they are listed under Expired.
        await WaitAsync(alice, TimeSpan.FromMinutes(80));
        Assert.Equal(["operator", "reader"], Cards((await alice.Browser.GetPageAsync("/roles")).ShouldBe(200)));
        var expired = (await alice.Browser.GetPageAsync("/roles?tab=expired")).ShouldBe(200);
        Assert.Equal(["log-reader", "reader"], Roles(expired, "expired").Order().ToList());
    }

    [Fact]
    public async Task An_activation_with_a_later_start_is_scheduled()
    {
        var (alice, _) = await AliceAsync();
        var role = await Admin.CreateRoleAsync("reader");
        await Admin.MakeEligibleAsync(alice.Id, role);
        var page = (await alice.Browser.GetPageAsync("/roles")).ShouldBe(200);
        var start = App.Time.GetUtcNow().AddHours(3);

        var posted = await PostAsync(alice, "Activate", page, Activation(page, role, "/", start.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture)));
        posted.ShouldRedirectTo("/roles");
        var after = (await alice.Browser.GetPageAsync("/roles")).ShouldBe(200);
        Assert.Contains("scheduled from", after.Html);
        Assert.Contains("data-state=\"scheduled\"", after.Section("active"));

        var made = Assert.Single(await Admin.OpenAssignmentsAsync(alice.Id, role, "active"));
        Assert.Equal("scheduled", made.GetProperty("status").GetString());
        Assert.Equal(new DateTimeOffset(start.Year, start.Month, start.Day, start.Hour, start.Minute, 0, TimeSpan.Zero), made.GetProperty("startsAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_narrower_scope_is_accepted_and_a_wider_one_is_refused_next_to_the_field()
    {
        var (alice, _) = await AliceAsync();
        var narrow = await Admin.CreateRoleAsync("reader");
        var wide = await Admin.CreateRoleAsync("operator");
        await Admin.MakeEligibleAsync(alice.Id, narrow, "/prod");
        await Admin.MakeEligibleAsync(alice.Id, wide, "/prod");
        var page = (await alice.Browser.GetPageAsync("/roles")).ShouldBe(200);

        (await PostAsync(alice, "Activate", page, Activation(page, narrow, "/prod/db"))).ShouldRedirectTo("/roles");
        Assert.Equal("/prod/db", Assert.Single(await Admin.OpenAssignmentsAsync(alice.Id, narrow, "active")).GetProperty("scope").GetString());

        var refused = (await PostAsync(alice, "Activate", page, Activation(page, wide, "/"))).ShouldShowError("not eligible");
        Assert.Contains("not eligible", ProblemFor(refused, "Scope"));
        Assert.Empty(await Admin.OpenAssignmentsAsync(alice.Id, wide, "active"));
    }

    [Fact]
    public async Task Durations_never_reach_past_the_end_of_the_eligibility()
    {
        var (alice, _) = await AliceAsync();
        var role = await Admin.CreateRoleAsync("reader");
        await Admin.MakeEligibleAsync(alice.Id, role, "/", Scenario.Until(App.Time.GetUtcNow().AddMinutes(150)));

        var page = (await alice.Browser.GetPageAsync("/roles")).ShouldBe(200);
        var durations = OptionValues(page.Html);
        Assert.NotEmpty(durations);
        Assert.All(durations, minutes => Assert.True(minutes <= 150, $"{minutes} min reaches past the eligibility."));
        Assert.Equal(150, durations.Max());
    }

    [Fact]
    public async Task The_check_reports_a_missing_justification_and_who_must_approve_without_creating_anything()
    {
        var (alice, _) = await AliceAsync();
        var bob = await UserAsync("bob");
        var approval = await Admin.RoleNeedingApprovalAsync(alice.Id, ApprovalScenario.Stage(bob.Id));
        var page = (await alice.Browser.GetPageAsync("/roles")).ShouldBe(200);
        Assert.Contains("Needs approval by bob", page.SectionText("eligible"));
        var before = await RequestCountAsync(alice.Id);

        var missing = await CheckAsync(alice, page, Activation(page, approval, "/", justification: ""));
        Assert.False(missing.GetProperty("accepted").GetBoolean());
        Assert.Contains(missing.GetProperty("problems").EnumerateArray(),
            p => p.GetProperty("field").GetString() == "Justification" && p.GetProperty("message").GetString()!.Contains("justification is required", StringComparison.Ordinal));

        var fine = await CheckAsync(alice, page, Activation(page, approval, "/"));
        Assert.True(fine.GetProperty("accepted").GetBoolean());
        Assert.Equal("pendingApproval", fine.GetProperty("wouldBe").GetString());
        Assert.True(fine.GetProperty("needs").GetProperty("approval").GetBoolean());
        Assert.Equal(["bob"], fine.GetProperty("needs").GetProperty("approvers").EnumerateArray().Select(a => a.GetString()).ToList());
        Assert.Contains(fine.GetProperty("notes").EnumerateArray(), n => n.GetString() == "Needs approval by bob.");

        Assert.Equal(before, await RequestCountAsync(alice.Id));
        Assert.Empty(await Admin.OpenAssignmentsAsync(alice.Id, approval, "active"));
    }

    [Fact]
    public async Task Deactivating_ends_the_activation()
    {
        var (alice, aliceApi) = await AliceAsync();
        var role = await Admin.CreateRoleAsync("reader");
        await Admin.MakeEligibleAsync(alice.Id, role);
        var assignment = (await aliceApi.ActivateAsync(role, "/", Scenario.For("PT2H"))).ShouldBe(201)["resultAssignmentId"].GetGuid();

        var page = (await alice.Browser.GetPageAsync("/roles")).ShouldBe(200);
        Assert.Contains("data-confirm=\"Deactivate reader now?\"", page.Section("active"));
        (await alice.Browser.PostFormAsync("/roles?handler=Deactivate", new { AssignmentId = assignment }, page)).ShouldRedirectTo("/roles");

        Assert.Equal("ended", (await Admin.AssignmentAsync(assignment))["status"].GetString());
        Assert.NotNull((await alice.Browser.GetPageAsync("/roles?tab=active")).ShouldBe(200).TextOf("no-active"));
    }

    [Fact]
    public async Task Extending_is_offered_only_near_the_end_and_moves_the_end()
    {
        var (alice, aliceApi) = await AliceAsync();
        var role = await Admin.CreateRoleAsync("reader");
        (await Admin.PutAsync($"/api/v1/roles/{role}/settings", new { extensionWindow = "PT1H" })).ShouldBe(200);
        await Admin.MakeEligibleAsync(alice.Id, role);
        var assignment = (await aliceApi.ActivateAsync(role, "/", Scenario.For("PT2H"))).ShouldBe(201)["resultAssignmentId"].GetGuid();

        // Until the last hour the form is not offered (the clock moves in steps short of the session's idle timeout).
        for (var step = 0; step < 4; step++)
        {
            var early = (await alice.Browser.GetPageAsync("/roles")).ShouldBe(200);
            Assert.DoesNotContain($"id=\"extend-{assignment:N}\"", early.Html);
            App.Time.Advance(TimeSpan.FromMinutes(15));
        }

        App.Time.Advance(TimeSpan.FromMinutes(10));
        var late = (await alice.Browser.GetPageAsync("/roles")).ShouldBe(200);
        Assert.Contains($"id=\"extend-{assignment:N}\"", late.Html);
        Assert.DoesNotContain("<option value=\"30\"", late.Html);

        // The core's refusal comes back next to the form: without the justification the role requires.
        var refused = await alice.Browser.PostFormAsync("/roles?handler=Extend",
            new { Form = $"extend-{assignment:N}", AssignmentId = assignment, DurationMinutes = 240, Justification = "" }, late);
        refused.ShouldShowError("justification is required");
        Assert.Contains("justification is required", ProblemFor(refused, "Justification"));
        Assert.Equal(App.Time.GetUtcNow().AddMinutes(50), (await Admin.AssignmentAsync(assignment))["endsAt"].GetDateTimeOffset(), TimeSpan.FromSeconds(1));

        var posted = await alice.Browser.PostFormAsync("/roles?handler=Extend",
            new { Form = $"extend-{assignment:N}", AssignmentId = assignment, DurationMinutes = 120, Justification = "Failover still running" }, late);
        posted.ShouldRedirectTo("/roles");
        var ends = (await Admin.AssignmentAsync(assignment))["endsAt"].GetDateTimeOffset();
        Assert.Equal(App.Time.GetUtcNow().AddHours(2), ends, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task An_expired_assignment_is_renewed_by_asking_an_administrator()
    {
        var (alice, _) = await AliceAsync();
        var role = await Admin.CreateRoleAsync("log-reader");
        var assignment = (await Admin.AssignAsync("active", alice.Id, role, "/", Scenario.For("PT1H"))).ShouldBe(201)["resultAssignmentId"].GetGuid();
        var before = (await alice.Browser.GetPageAsync("/roles?tab=expired")).ShouldBe(200);
        Assert.DoesNotContain($"id=\"renew-{assignment:N}\"", before.Html);

        await WaitAsync(alice, TimeSpan.FromMinutes(80));
        var page = (await alice.Browser.GetPageAsync("/roles?tab=expired")).ShouldBe(200);
        Assert.Contains($"id=\"renew-{assignment:N}\"", page.Html);
        var requests = await RequestCountAsync(alice.Id);

        var refused = await alice.Browser.PostFormAsync("/roles?handler=Renew",
            new { Form = $"renew-{assignment:N}", AssignmentId = assignment, DurationMinutes = 30 * 1440, Justification = " " }, page);
        refused.ShouldShowError("justification is required");
        Assert.Equal(requests, await RequestCountAsync(alice.Id));

        var posted = await alice.Browser.PostFormAsync("/roles?handler=Renew",
            new { Form = $"renew-{assignment:N}", AssignmentId = assignment, DurationMinutes = 30 * 1440, Justification = "Quarterly audit again" }, page);
        posted.ShouldRedirectTo("/roles");
        var renewal = Assert.Single((await Admin.GetAsync($"/api/v1/requests?principalId={alice.Id}&limit=100")).ShouldBe(200)["items"].EnumerateArray(),
            r => r.GetProperty("action").GetString() == "selfRenew");
        Assert.Equal("pendingApproval", renewal.GetProperty("status").GetString());
        Assert.Equal(assignment, renewal.GetProperty("targetAssignmentId").GetGuid());
    }

    /// <summary>Alice, signed in to the portal, with an API client of her own.</summary>
    private async Task<(PortalUser Alice, ApiClient Api)> AliceAsync()
    {
        var alice = await UserWithTotpAsync("alice");
        var token = (await App.Anonymous().PostAsync("/api/v1/setup/redeem", new { secret = await SetupSecretAsync(alice.Id) })).ShouldBe(201)["secret"].GetString()!;
        return (alice, App.Client(token));
    }

    /// <summary>Moves the clock on in steps short of the session's idle timeout, using the portal in between.</summary>
    private async Task WaitAsync(PortalUser user, TimeSpan time)
    {
        for (var passed = TimeSpan.Zero; passed < time; passed += TimeSpan.FromMinutes(20))
        {
            (await user.Browser.GetPageAsync("/roles")).ShouldBe(200);
            App.Time.Advance(TimeSpan.FromMinutes(20));
        }
    }

    /// <summary>The fields of the activation form for <paramref name="role"/> on <paramref name="page"/>, as a browser sends them.</summary>
    private static Dictionary<string, string> Activation(PortalPage page, Guid role, string scope, string startsAt = "", string justification = "Investigating INC-4411")
    {
        var form = Regex.Match(page.Html, "<input type=\"hidden\" name=\"Form\" value=\"(?<form>activate-[0-9a-f]{32})\">\\s*<input type=\"hidden\" name=\"RoleId\" value=\"" + role + "\">");
        Assert.True(form.Success, $"No activation form for {role}.");
        return new()
        {
            ["Form"] = form.Groups["form"].Value,
            ["RoleId"] = role.ToString(),
            ["Scope"] = scope,
            ["DurationMinutes"] = "60",
            ["StartsAt"] = startsAt,
            ["Justification"] = justification,
            ["TicketSystem"] = "",
            ["TicketNumber"] = "",
        };
    }

    private static async Task<JsonElement> CheckAsync(PortalUser user, PortalPage page, Dictionary<string, string> fields)
    {
        var answer = (await PostAsync(user, "Check&check=activate", page, fields)).ShouldBe(200);
        return JsonDocument.Parse(answer.Html).RootElement.Clone();
    }

    private static Task<PortalPage> PostAsync(PortalUser user, string handler, PortalPage page, Dictionary<string, string> fields) =>
        user.Browser.PostAsync($"/roles?handler={handler}", [.. fields, new("__RequestVerificationToken", page.AntiforgeryToken!)]);

    private async Task<int> RequestCountAsync(Guid principalId) =>
        (await Admin.GetAsync($"/api/v1/requests?principalId={principalId}&limit=100")).ShouldBe(200)["items"].GetArrayLength();

    private static string Tab(PortalPage page, string tab) =>
        Regex.Match(page.Html, $"""<a href="/roles\?tab={tab}" id="tab-{tab}"[^>]*>""").Value;

    private static List<string> Roles(PortalPage page, string section) =>
        [.. RowRole().Matches(page.Section(section) ?? "").Select(m => m.Groups["role"].Value)];

    private static List<string> Cards(PortalPage page) =>
        [.. CardRole().Matches(page.Section("eligible") ?? "").Select(m => m.Groups["role"].Value)];

    /// <summary>What the page says next to every field of this name (only the failed form says anything).</summary>
    private static string ProblemFor(PortalPage page, string field) =>
        string.Concat(Regex.Matches(page.Html, $"""<span class="field-error" data-problem-for="{field}">(?<text>.*?)</span>""", RegexOptions.Singleline).Select(m => m.Groups["text"].Value));

    private static List<int> OptionValues(string html) =>
        [.. Regex.Match(html, """<select id="activate-[0-9a-f]{32}-duration" name="DurationMinutes">(?<options>.*?)</select>""", RegexOptions.Singleline)
            .Groups["options"].Value.Split("<option").Skip(1)
            .Select(o => int.Parse(Regex.Match(o, "value=\"(?<v>[0-9]+)\"").Groups["v"].Value, CultureInfo.InvariantCulture))];

    [GeneratedRegex("<tr data-role=\"(?<role>[^\"]*)\"")]
    private static partial Regex RowRole();

    [GeneratedRegex("<article class=\"card\" data-role=\"(?<role>[^\"]*)\"")]
    private static partial Regex CardRole();
}

public sealed class MyRolesPortalTestsOnSqlite() : MyRolesPortalTests(DatabaseKind.Sqlite);

public sealed class MyRolesPortalTestsOnPostgres() : MyRolesPortalTests(DatabaseKind.Postgres);
