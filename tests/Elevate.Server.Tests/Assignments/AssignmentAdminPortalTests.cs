using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Elevate.Core.Roles;
using Elevate.Server.Tests.Infrastructure;
using Elevate.Server.Tests.SignIn;

namespace Elevate.Server.Tests.Assignments;

/// <summary>
/// Administration of assignments in the portal: the filtered, paged list; adding one for a user or a group; extending
/// and removing one (a removal needs a justification); adding many from a CSV file through a preview, where a bad
/// row is shown and never submitted and a second confirmation adds nothing; and nobody else gets in.
/// </summary>
public abstract partial class AssignmentAdminPortalTests(DatabaseKind kind) : PortalTest(kind)
{
    [Fact]
    public async Task The_list_filters_by_role_principal_kind_and_state()
    {
        var (carol, alice, bob) = await PeopleAsync();
        var dbAdmin = await Admin.CreateRoleAsync("db-admin");
        var dbReader = await Admin.CreateRoleAsync("db-reader");
        var aliceAdmin = await Admin.MakeEligibleAsync(alice.Id, dbAdmin);
        App.Time.Advance(TimeSpan.FromSeconds(1));
        var bobActive = (await Admin.AssignAsync("active", bob.Id, dbReader, "/prod", Scenario.For("PT8H"))).ShouldBe(201)["resultAssignmentId"].GetGuid();
        App.Time.Advance(TimeSpan.FromSeconds(1));
        var later = (await Admin.AssignAsync("eligible", alice.Id, dbReader, "/prod/payments", Scenario.For("P30D", App.Time.GetUtcNow().AddDays(2))))
            .ShouldBe(201)["resultAssignmentId"].GetGuid();
        App.Time.Advance(TimeSpan.FromSeconds(1));
        var removed = await Admin.MakeEligibleAsync(bob.Id, dbAdmin, "/test");
        (await Admin.RemoveAsync(removed)).ShouldBe(201);

        Assert.Equal([aliceAdmin], await RowsAsync(carol, "role=db-admin&state=open"));
        Assert.Equal([removed, aliceAdmin], await RowsAsync(carol, "role=DB-ADMIN"));
        Assert.Equal([later, aliceAdmin], await RowsAsync(carol, "principal=alice"));
        Assert.Equal([bobActive], await RowsAsync(carol, "kind=active&principal=bob"));
        Assert.Equal([later], await RowsAsync(carol, "state=scheduled&role=db-reader"));
        Assert.Equal([removed], await RowsAsync(carol, "state=ended&principal=bob"));
        Assert.Equal([bobActive, aliceAdmin], (await RowsAsync(carol, "state=active")).Where(id => id == bobActive || id == aliceAdmin).ToList());
        Assert.Equal([later, bobActive], await RowsAsync(carol, "scope=/prod&below=true&role=db-reader"));
        Assert.Equal([bobActive], await RowsAsync(carol, "scope=/prod&role=db-reader"));

        var page = (await carol.Browser.GetPageAsync("/admin/assignments?principal=alice&role=db-admin")).ShouldBe(200);
        Assert.Single(RowPattern().Matches(page.Html));
        Assert.Contains(">alice<", page.Html);
        Assert.Contains("Eligible", page.Html);

        var unknown = (await carol.Browser.GetPageAsync("/admin/assignments?role=nope&principal=nobody")).ShouldBe(200);
        Assert.Contains("no role named 'nope'", unknown.TextOf("err-Role"));
        Assert.Contains("named 'nobody'", unknown.TextOf("err-Principal"));
        Assert.Empty(RowPattern().Matches(unknown.Html));
        Assert.NotNull((await carol.Browser.GetPageAsync("/admin/assignments?scope=prod")).ShouldBe(200).TextOf("err-Scope"));
    }

    [Fact]
    public async Task Paging_with_a_small_limit_follows_next_and_keeps_the_filter()
    {
        var (carol, alice, bob) = await PeopleAsync();
        var made = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            var role = await Admin.CreateRoleAsync($"role-{i}");
            made.Add(await Admin.MakeEligibleAsync(alice.Id, role));
            await Admin.MakeEligibleAsync(bob.Id, role);
            App.Time.Advance(TimeSpan.FromSeconds(1));
        }

        var seen = new List<Guid>();
        var path = "/admin/assignments?principal=alice&limit=2";
        var pages = 0;
        while (path is not null)
        {
            var page = (await carol.Browser.GetPageAsync(path)).ShouldBe(200);
            var rows = Rows(page);
            Assert.True(rows.Count <= 2);
            seen.AddRange(rows);
            path = NextPattern().Match(page.Html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups["href"].Value) : null;
            if (path is not null)
            {
                Assert.Contains("principal=alice", path);
                Assert.Contains("limit=2", path);
            }

            Assert.True(++pages <= 5, "Paging did not end.");
        }

        Assert.Equal(made.AsEnumerable().Reverse(), seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task An_administrator_adds_an_eligible_assignment_for_a_user_and_for_a_group()
    {
        var (carol, alice, bob) = await PeopleAsync();
        var role = await Admin.CreateRoleAsync("db-admin");
        var group = await Admin.CreateGroupAsync("dba-team", bob.Id);

        var added = await carol.Browser.PostFormAsync("/admin/assignments/new", new
        {
            Principal = "alice",
            Role = "db-admin",
            Kind = "eligible",
            Scope = "/prod",
            StartMode = "now",
            EndMode = "duration",
            Duration = "P30D",
            Justification = "On call",
            Ticket = "",
            Code = "",
            StartsAt = "",
            EndsAt = "",
        });
        added.ShouldBe(302);
        var mine = await ListAsync($"principalId={alice.Id}&roleId={role}");
        var assignment = Assert.Single(mine);
        Assert.Equal("eligible", assignment.GetProperty("kind").GetString());
        Assert.Equal("/prod", assignment.GetProperty("scope").GetString());
        Assert.Equal(App.Time.GetUtcNow().AddDays(30), assignment.GetProperty("endsAt").GetDateTimeOffset(), TimeSpan.FromSeconds(2));
        Assert.Equal($"/admin/assignments/{assignment.GetProperty("id").GetGuid()}", added.RedirectPath);
        var detail = (await carol.Browser.GetPageAsync(added.Location!)).ShouldBe(200);
        Assert.Contains("done", detail.Html);
        Assert.Equal("alice", detail.TextOf("a-principal"));

        var until = App.Time.GetUtcNow().AddDays(10).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);
        (await carol.Browser.PostFormAsync("/admin/assignments/new", new
        {
            Principal = "DBA-team",
            Role = "db-admin",
            Kind = "eligible",
            Scope = "/",
            StartMode = "now",
            EndMode = "date",
            EndsAt = until,
            Duration = "",
        })).ShouldBe(302);
        var groups = await ListAsync($"principalId={group}");
        Assert.Equal("eligible", Assert.Single(groups).GetProperty("kind").GetString());

        // Bad input: each problem next to its field, and nothing added.
        var bad = await carol.Browser.PostFormAsync("/admin/assignments/new", new
        {
            Principal = "nobody",
            Role = "db-admin",
            Kind = "eligible",
            Scope = "/",
            StartMode = "now",
            EndMode = "duration",
            Duration = "soon",
        });
        bad.ShouldBe(200);
        Assert.Contains("nobody", bad.TextOf("err-Principal"));
        Assert.NotNull(bad.TextOf("err-Duration"));
        var duplicate = await carol.Browser.PostFormAsync("/admin/assignments/new", new
        {
            Principal = "alice",
            Role = "db-admin",
            Kind = "eligible",
            Scope = "/prod",
            StartMode = "now",
            EndMode = "permanent",
        });
        Assert.Contains("already has an open eligible assignment", duplicate.ShouldBe(200).TextOf("err-Principal"));
        var active = await carol.Browser.PostFormAsync("/admin/assignments/new", new
        {
            Principal = "alice",
            Role = "db-admin",
            Kind = "active",
            Scope = "/prod",
            StartMode = "now",
            EndMode = "duration",
            Duration = "PT8H",
            Justification = "",
        });
        Assert.NotNull(active.ShouldBe(200).TextOf("err-Justification"));
        Assert.Single(await ListAsync($"principalId={alice.Id}"));
    }

    [Fact]
    public async Task Removing_needs_a_justification_and_then_ends_the_assignment()
    {
        var (carol, alice, _) = await PeopleAsync();
        var role = await Admin.CreateRoleAsync("db-admin");
        var id = await Admin.MakeEligibleAsync(alice.Id, role);
        var path = $"/admin/assignments/{id}";
        var page = (await carol.Browser.GetPageAsync(path)).ShouldBe(200);
        Assert.Contains("data-confirm=", page.Section("remove"));

        var refused = await carol.Browser.PostFormAsync($"{path}?handler=Remove", new { RemoveJustification = "  " }, page);
        Assert.Contains("Say why", refused.ShouldBe(200).TextOf("err-RemoveJustification"));
        Assert.Equal("active", (await Admin.AssignmentAsync(id))["status"].GetString());

        (await carol.Browser.PostFormAsync($"{path}?handler=Remove", new { RemoveJustification = "Left the team" }, page)).ShouldRedirectTo(path);
        var ended = await Admin.AssignmentAsync(id);
        Assert.Equal("ended", ended["status"].GetString());
        Assert.Equal("removedByAdministrator", ended["endReason"].GetString());
        var shown = (await carol.Browser.GetPageAsync(path)).ShouldBe(200);
        Assert.Contains("Removed", shown.TextOf("a-status"));
        Assert.Null(shown.Section("remove"));
        var removal = (await AuditAsync("request.submitted", alice.Id))[^1];
        Assert.Equal("Left the team", removal.GetProperty("justification").GetString());
    }

    [Fact]
    public async Task Extending_moves_the_end_and_changing_the_window_goes_through_a_request()
    {
        var (carol, alice, _) = await PeopleAsync();
        var role = await Admin.CreateRoleAsync("db-admin");
        var id = (await Admin.AssignAsync("eligible", alice.Id, role, "/", Scenario.For("P30D"))).ShouldBe(201)["resultAssignmentId"].GetGuid();
        var path = $"/admin/assignments/{id}";
        var page = (await carol.Browser.GetPageAsync(path)).ShouldBe(200);

        var newEnd = new DateTimeOffset(App.Time.GetUtcNow().UtcDateTime.Date.AddDays(60).AddHours(12), TimeSpan.Zero);
        var text = newEnd.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);
        (await carol.Browser.PostFormAsync($"{path}?handler=Extend", new { ExtendEndsAt = text, ExtendJustification = "Project extended" }, page)).ShouldRedirectTo(path);
        Assert.Equal(newEnd, (await Admin.AssignmentAsync(id))["endsAt"].GetDateTimeOffset());

        var earlier = newEnd.AddDays(-50).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);
        var notLater = await carol.Browser.PostFormAsync($"{path}?handler=Extend", new { ExtendEndsAt = earlier }, page);
        Assert.NotNull(notLater.ShouldBe(200).TextOf("err-ExtendEndsAt"));
        Assert.Equal(newEnd, (await Admin.AssignmentAsync(id))["endsAt"].GetDateTimeOffset());

        (await carol.Browser.PostFormAsync($"{path}?handler=Update", new { StartMode = "now", EndMode = "permanent" }, page)).ShouldRedirectTo(path);
        Assert.Equal(JsonValueKindNull, (await Admin.AssignmentAsync(id))["endsAt"].ValueKind);
    }

    [Fact]
    public async Task A_csv_with_a_bad_row_previews_it_adds_only_the_good_rows_and_a_second_confirmation_adds_none()
    {
        var (carol, alice, bob) = await PeopleAsync();
        var role = await Admin.CreateRoleAsync("db-admin");
        var group = await Admin.CreateGroupAsync("dba-team");
        var end = App.Time.GetUtcNow().AddDays(40).UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var csv = "principal,role,kind,scope,ends,duration,justification,ticket\r\n"
            + $"alice,db-admin,eligible,/prod,{end},,\"On call, payments\",INC-1\r\n"
            + "bob,db-admin,eligible,/,,P90D,,\r\n"
            + "dba-team,db-admin,eligible,/,,,Standing,\r\n"
            + "zed,db-admin,eligible,/,,P90D,,\r\n";

        var preview = (await UploadAsync(carol.Browser, csv)).ShouldBe(200);
        Assert.Equal(["true", "true", "true", "false"], PreviewRows(preview).Select(r => r.Valid));
        Assert.Contains("principal: No user or group is named 'zed'", preview.SectionText("preview"));
        Assert.Contains("data-row=\"4\" data-valid=\"false\"", preview.Html);
        Assert.Contains("3 can be added", preview.TextOf("preview-summary"));
        Assert.Empty(await ListAsync($"roleId={role}"));

        var content = WebUtility.HtmlDecode(ContentPattern().Match(preview.Html).Groups["value"].Value);
        var done = (await carol.Browser.PostFormAsync("/admin/assignments/bulk?handler=Confirm", new { FileContent = content }, preview)).ShouldBe(200);
        Assert.Contains("3 of 4 rows added", done.TextOf("results-summary"));
        var made = await ListAsync($"roleId={role}");
        Assert.Equal(3, made.Count);
        Assert.Equal(new[] { alice.Id, bob.Id, group }.Order(), made.Select(a => a.GetProperty("principalId").GetGuid()).Order());
        var aliceRow = made.Single(a => a.GetProperty("principalId").GetGuid() == alice.Id);
        Assert.Equal("/prod", aliceRow.GetProperty("scope").GetString());
        Assert.Equal(new DateTimeOffset(DateTime.ParseExact(end, "yyyy-MM-dd", CultureInfo.InvariantCulture), TimeSpan.Zero).AddDays(1), aliceRow.GetProperty("endsAt").GetDateTimeOffset());
        Assert.Equal(JsonValueKindNull, made.Single(a => a.GetProperty("principalId").GetGuid() == group).GetProperty("endsAt").ValueKind);

        var again = (await carol.Browser.PostFormAsync("/admin/assignments/bulk?handler=Confirm", new { FileContent = content }, preview)).ShouldBe(200);
        Assert.Contains("0 of 4 rows added", again.TextOf("results-summary"));
        Assert.Contains("Already added", again.SectionText("results"));
        Assert.Equal(3, (await ListAsync($"roleId={role}")).Count);

        // The same file uploaded again: the rows now clash with what they added, so nothing can be added.
        var reupload = (await UploadAsync(carol.Browser, csv)).ShouldBe(200);
        Assert.All(PreviewRows(reupload), r => Assert.Equal("false", r.Valid));
        Assert.NotNull(reupload.TextOf("nothing-valid"));
    }

    [Fact]
    public async Task Two_rows_asking_for_the_same_assignment_are_caught_in_the_preview_not_on_confirmation()
    {
        var (carol, _, _) = await PeopleAsync();
        var role = await Admin.CreateRoleAsync("db-admin");
        var csv = "principal,role,kind,scope,duration\r\n"
            + "alice,db-admin,eligible,/prod,P90D\r\n"
            + "ALICE,DB-ADMIN,eligible,/prod,P30D\r\n"
            + "alice,db-admin,eligible,/staging,P90D\r\n";

        var preview = (await UploadAsync(carol.Browser, csv)).ShouldBe(200);
        Assert.Equal(["true", "false", "true"], PreviewRows(preview).Select(r => r.Valid));
        Assert.Contains("Row 1 already asks for this assignment.", preview.SectionText("preview"));
        Assert.Contains("2 can be added", preview.TextOf("preview-summary"));

        var content = WebUtility.HtmlDecode(ContentPattern().Match(preview.Html).Groups["value"].Value);
        var done = (await carol.Browser.PostFormAsync("/admin/assignments/bulk?handler=Confirm", new { FileContent = content }, preview)).ShouldBe(200);
        Assert.Contains("2 of 3 rows added", done.TextOf("results-summary"));
        Assert.Equal(2, (await ListAsync($"roleId={role}")).Count);
    }

    [Fact]
    public async Task A_malformed_csv_is_refused_with_a_clear_error_and_nothing_is_added()
    {
        var (carol, _, _) = await PeopleAsync();
        var role = await Admin.CreateRoleAsync("db-admin");

        var quotes = (await UploadAsync(carol.Browser, "principal,role,kind\r\nalice,\"db-admin,eligible\r\n")).ShouldBe(200);
        Assert.Contains("not closed", quotes.TextOf("err-CsvFile"));
        var stray = (await UploadAsync(carol.Browser, "principal,role,kind\r\nal\"ice,db-admin,eligible\r\n")).ShouldBe(200);
        Assert.Contains("Line 2", stray.TextOf("err-CsvFile"));
        var header = (await UploadAsync(carol.Browser, "alice,db-admin,eligible\r\n")).ShouldBe(200);
        Assert.Contains("first line must name the columns", header.TextOf("err-CsvFile"));
        var empty = (await UploadAsync(carol.Browser, "")).ShouldBe(200);
        Assert.NotNull(empty.TextOf("err-CsvFile"));
        var tampered = (await carol.Browser.PostFormAsync("/admin/assignments/bulk?handler=Confirm", new { FileContent = "not base64!" })).ShouldBe(200);
        Assert.NotNull(tampered.TextOf("err-CsvFile"));
        Assert.Empty(await ListAsync($"roleId={role}"));
    }

    [Fact]
    public async Task Someone_who_does_not_administer_assignments_is_refused()
    {
        var (_, alice, _) = await PeopleAsync();
        var role = await Admin.CreateRoleAsync("db-admin");
        var id = await Admin.MakeEligibleAsync(alice.Id, role);
        var dave = await UserWithTotpAsync("dave");

        (await dave.Browser.GetPageAsync("/admin/assignments")).ShouldBe(403);
        (await dave.Browser.GetPageAsync("/admin/assignments/new")).ShouldBe(403);
        (await dave.Browser.GetPageAsync("/admin/assignments/bulk")).ShouldBe(403);
        (await dave.Browser.GetPageAsync($"/admin/assignments/{id}")).ShouldBe(403);
        var home = await dave.Browser.GetPageAsync("/");
        (await dave.Browser.PostFormAsync($"/admin/assignments/{id}?handler=Remove", new { RemoveJustification = "x" }, home)).ShouldBe(403);
        (await dave.Browser.PostFormAsync("/admin/assignments/new", new { Principal = "alice", Role = "db-admin", Kind = "eligible", EndMode = "permanent" }, home)).ShouldBe(403);
        Assert.Equal("active", (await Admin.AssignmentAsync(id))["status"].GetString());
        Assert.Single(await ListAsync($"roleId={role}"));
        (await Browser().GetPageAsync("/admin/assignments")).ShouldRedirectTo("/signin");
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;

    /// <summary>An administrator (carol, signed in to the portal) and two users.</summary>
    private async Task<(PortalUser Carol, TestUser Alice, TestUser Bob)> PeopleAsync()
    {
        var carol = await UserWithTotpAsync("carol");
        (await Admin.AssignAsync("active", carol.Id, BuiltInRoles.IdOf(BuiltInRole.ElevateAdministrator), "/", Scenario.Permanent)).ShouldBe(201);
        return (carol, await UserAsync("alice"), await UserAsync("bob"));
    }

    private async Task<List<System.Text.Json.JsonElement>> ListAsync(string query) =>
        [.. (await Admin.GetAsync($"/api/v1/assignments?{query}&limit=200")).ShouldBe(200)["items"].EnumerateArray()];

    private static async Task<List<Guid>> RowsAsync(PortalUser user, string query) => Rows((await user.Browser.GetPageAsync($"/admin/assignments?{query}")).ShouldBe(200));

    private static List<Guid> Rows(PortalPage page) => [.. RowPattern().Matches(page.Html).Select(m => Guid.Parse(m.Groups["id"].Value))];

    private static List<(string Row, string Valid)> PreviewRows(PortalPage page) =>
        [.. PreviewPattern().Matches(page.Html).Select(m => (m.Groups["row"].Value, m.Groups["valid"].Value))];

    private static async Task<PortalPage> UploadAsync(PortalClient browser, string csv)
    {
        var form = (await browser.GetPageAsync("/admin/assignments/bulk")).ShouldBe(200);
        using var content = new MultipartFormDataContent();
        content.Add(new StringContent(form.AntiforgeryToken!), "__RequestVerificationToken");
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        content.Add(file, "file", "assignments.csv");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/assignments/bulk?handler=Preview") { Content = content };
        var response = await browser.Http.SendAsync(request);
        return new PortalPage((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    [GeneratedRegex("<tr data-assignment=\"(?<id>[0-9a-f-]{36})\"")]
    private static partial Regex RowPattern();

    [GeneratedRegex("<a href=\"(?<href>[^\"]*)\" id=\"next-page\"")]
    private static partial Regex NextPattern();

    [GeneratedRegex("<tr data-row=\"(?<row>\\d+)\" data-valid=\"(?<valid>true|false)\"")]
    private static partial Regex PreviewPattern();

    [GeneratedRegex("<input type=\"hidden\" name=\"FileContent\" value=\"(?<value>[^\"]*)\"")]
    private static partial Regex ContentPattern();
}

public sealed class AssignmentAdminPortalTestsOnSqlite() : AssignmentAdminPortalTests(DatabaseKind.Sqlite);

public sealed class AssignmentAdminPortalTestsOnPostgres() : AssignmentAdminPortalTests(DatabaseKind.Postgres);
