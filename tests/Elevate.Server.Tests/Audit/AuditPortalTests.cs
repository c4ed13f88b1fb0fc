using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Elevate.Core.Roles;
using Elevate.Server.Tests.Infrastructure;
using Elevate.Server.Tests.SignIn;

namespace Elevate.Server.Tests.Audit;

/// <summary>
/// The audit page: an administrator filters the trail by principal, action, time and outcome, pages through it, opens
/// an event, exports the filter as CSV and JSON lines, and verifies the chain; nobody else may read it.
/// </summary>
public abstract partial class AuditPortalTests(DatabaseKind kind) : PortalTest(kind)
{
    private const string Justification = "Investigating INC-7 <outage> & \"failover\"";

    [Fact]
    public async Task An_administrator_filters_by_principal_and_by_action_and_sees_exactly_the_matching_events()
    {
        var (carol, alice) = await ChangesAsync();
        var expected = await SequencesAsync($"&principalId={alice.Id}");
        Assert.True(expected.Count >= 4, $"Expected several events about alice, got {expected.Count}.");

        var byPrincipal = (await carol.Browser.GetPageAsync("/audit?principal=alice")).ShouldBe(200);
        Assert.Equal(expected.AsEnumerable().Reverse(), RowSequences(byPrincipal));
        Assert.Null(NextLink(byPrincipal));
        Assert.All(RowActions(byPrincipal), a => Assert.False(string.IsNullOrEmpty(a)));

        var activated = await SequencesAsync("&action=assignment.activated");
        Assert.Single(activated);
        var byAction = (await carol.Browser.GetPageAsync("/audit?action=assignment.activated")).ShouldBe(200);
        Assert.Equal(activated, RowSequences(byAction));
        Assert.Equal(["assignment.activated"], RowActions(byAction));

        // Both at once, and a case-insensitive name.
        var both = (await carol.Browser.GetPageAsync("/audit?principal=ALICE&action=assignment.activated&outcome=succeeded")).ShouldBe(200);
        Assert.Equal(activated, RowSequences(both));

        // A time range after everything: the empty state.
        var later = App.Time.GetUtcNow().UtcDateTime.AddDays(1).ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        var empty = (await carol.Browser.GetPageAsync($"/audit?principal=alice&from={later}")).ShouldBe(200);
        Assert.Empty(RowSequences(empty));
        Assert.NotNull(empty.TextOf("no-events"));
    }

    [Fact]
    public async Task The_request_filter_shows_every_step_of_one_request_and_nothing_else()
    {
        var (carol, alice) = await ChangesAsync();
        var submitted = await Admin.AuditTrailAsync($"&principalId={alice.Id}&action=request.submitted");
        var activation = submitted[^1].GetProperty("requestId").GetGuid();
        var expected = await SequencesAsync($"&requestId={activation}");
        Assert.True(expected.Count >= 2, $"Expected the submission and the activation, got {expected.Count} events.");

        var page = (await carol.Browser.GetPageAsync($"/audit?request={activation}")).ShouldBe(200);
        Assert.Equal(expected.AsEnumerable().Reverse(), RowSequences(page));
        Assert.Contains("assignment.activated", RowActions(page));
        Assert.Contains($"request={activation}", page.Html); // the export and verify keep the filter

        var bad = (await carol.Browser.GetPageAsync("/audit?request=not-an-id")).ShouldBe(200);
        Assert.NotNull(bad.TextOf("err-RequestId"));
        Assert.Empty(RowSequences(bad));
    }

    [Fact]
    public async Task Paging_with_a_small_limit_follows_next_and_keeps_the_filter()
    {
        var (carol, alice) = await ChangesAsync();
        var expected = (await SequencesAsync($"&principalId={alice.Id}")).AsEnumerable().Reverse().ToList();
        Assert.True(expected.Count > 2);

        var seen = new List<long>();
        var path = "/audit?principal=alice&limit=2";
        var pages = 0;
        while (path is not null)
        {
            var page = (await carol.Browser.GetPageAsync(path)).ShouldBe(200);
            var rows = RowSequences(page);
            Assert.True(rows.Count <= 2, $"A page of limit 2 showed {rows.Count} rows.");
            seen.AddRange(rows);
            path = NextLink(page);
            if (path is not null)
            {
                Assert.Contains("principal=alice", path);
                Assert.Contains("limit=2", path);
            }

            Assert.True(++pages <= expected.Count, "Paging did not end.");
        }

        Assert.Equal(expected, seen);
        Assert.Equal((expected.Count + 1) / 2, pages);
    }

    [Fact]
    public async Task The_detail_page_shows_every_field_of_an_event_including_the_justification()
    {
        var (carol, alice) = await ChangesAsync();
        var submitted = (await Admin.AuditTrailAsync($"&principalId={alice.Id}&action=request.submitted"))
            .Single(e => e.GetProperty("justification").GetString() == Justification);
        var sequence = submitted.GetProperty("sequence").GetInt64();

        var list = (await carol.Browser.GetPageAsync("/audit?principal=alice&action=request.submitted")).ShouldBe(200);
        Assert.Contains($"href=\"/audit/{sequence}\"", list.Html);

        var detail = (await carol.Browser.GetPageAsync($"/audit/{sequence}")).ShouldBe(200);
        Assert.Equal(Justification, detail.TextOf("event-justification"));
        Assert.DoesNotContain("<outage>", detail.Html);
        Assert.Equal("request.submitted", detail.TextOf("event-action"));
        Assert.Contains("alice", detail.TextOf("event-principal"));
        Assert.Contains("db-admin", detail.TextOf("event-role"));
        Assert.Equal("jira INC-7", detail.TextOf("event-ticket"));
        Assert.Equal(submitted.GetProperty("hash").GetString(), detail.TextOf("event-hash"));
        Assert.Equal(submitted.GetProperty("previousHash").GetString(), detail.TextOf("event-previous-hash"));
        if (submitted.GetProperty("details").GetString() is { Length: > 0 } details)
        {
            var shown = detail.Section("event-details");
            Assert.NotNull(shown);
            var code = Regex.Match(shown, "<code>(?<json>.*?)</code>", RegexOptions.Singleline).Groups["json"].Value;
            var pretty = WebUtility.HtmlDecode(code);
            Assert.Contains('\n', pretty);
            Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(details).RootElement, JsonDocument.Parse(pretty).RootElement));
        }

        (await carol.Browser.GetPageAsync("/audit/999999")).ShouldBe(404);
    }

    [Fact]
    public async Task The_csv_and_json_lines_exports_of_the_filter_hold_exactly_its_events()
    {
        var (carol, alice) = await ChangesAsync();
        var expected = await SequencesAsync($"&principalId={alice.Id}");
        var page = (await carol.Browser.GetPageAsync("/audit?principal=alice")).ShouldBe(200);
        var csvLink = WebUtility.HtmlDecode(Regex.Match(page.Html, "href=\"(?<href>[^\"]*)\" id=\"export-csv\"").Groups["href"].Value);
        var jsonLink = WebUtility.HtmlDecode(Regex.Match(page.Html, "href=\"(?<href>[^\"]*)\" id=\"export-jsonl\"").Groups["href"].Value);
        Assert.Contains("principal=alice", csvLink);
        Assert.Contains("principal=alice", jsonLink);

        var csv = (await carol.Browser.GetPageAsync(csvLink)).ShouldBe(200);
        Assert.StartsWith("text/csv", csv.Header("Content-Type"));
        Assert.Contains("filename=", csv.Header("Content-Disposition"));
        Assert.Contains(".csv", csv.Header("Content-Disposition"));
        var rows = CsvText.Parse(csv.Html, strict: true);
        Assert.Equal("sequence", rows[0][0]);
        var principalColumn = Array.IndexOf(rows[0], "principalName");
        var justificationColumn = Array.IndexOf(rows[0], "justification");
        Assert.Equal(expected, rows.Skip(1).Select(r => long.Parse(r[0], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.All(rows.Skip(1), r => Assert.Equal(rows[0].Length, r.Length));
        Assert.All(rows.Skip(1), r => Assert.Equal("alice", r[principalColumn]));
        Assert.Contains(rows.Skip(1), r => r[justificationColumn] == Justification);

        var jsonl = (await carol.Browser.GetPageAsync(jsonLink)).ShouldBe(200);
        Assert.StartsWith("application/x-ndjson", jsonl.Header("Content-Type"));
        Assert.Contains(".jsonl", jsonl.Header("Content-Disposition"));
        var lines = jsonl.Html.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        Assert.Equal(expected, lines.Select(l => l.GetProperty("sequence").GetInt64()));
        Assert.All(lines, l => Assert.Equal(alice.Id, l.GetProperty("principalId").GetGuid()));

        var activated = (await carol.Browser.GetPageAsync("/audit?handler=Export&format=jsonl&action=assignment.activated")).ShouldBe(200);
        Assert.Equal(await SequencesAsync("&action=assignment.activated"),
            activated.Html.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("sequence").GetInt64()));
    }

    [Fact]
    public async Task The_chain_panel_shows_the_head_and_verify_reports_a_valid_chain()
    {
        var (carol, _) = await ChangesAsync();
        var page = (await carol.Browser.GetPageAsync("/audit")).ShouldBe(200);
        var head = (await Admin.GetAsync("/api/v1/audit/head")).ShouldBe(200);
        var shown = long.Parse(Regex.Match(page.Section("chain")!, "data-head-sequence=\"(?<n>\\d+)\"").Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(shown > 0 && shown <= head["lastSequence"].GetInt64());
        Assert.Contains("Verify chain", page.SectionText("chain"));

        (await carol.Browser.PostWithoutTokenAsync("/audit?handler=Verify")).ShouldBe(400);

        var verified = (await carol.Browser.PostFormAsync("/audit?handler=Verify", null, page)).ShouldBe(200);
        Assert.Contains("data-valid=\"true\"", verified.Section("chain"));
        Assert.Contains("The chain is valid", verified.TextOf("chain-verdict"));
        Assert.Single(await SequencesAsync("&action=audit.verified"));
    }

    [Fact]
    public async Task Someone_without_audit_rights_is_refused_and_sees_no_audit_link()
    {
        var (carol, _) = await ChangesAsync();
        var dave = await UserWithTotpAsync("dave");

        Assert.Contains("href=\"/audit\"", (await carol.Browser.GetPageAsync("/")).ShouldBe(200).Html);
        Assert.DoesNotContain("href=\"/audit\"", (await dave.Browser.GetPageAsync("/")).ShouldBe(200).Html);
        (await dave.Browser.GetPageAsync("/audit")).ShouldBe(403);
        (await dave.Browser.GetPageAsync("/audit?principal=alice")).ShouldBe(403);
        (await dave.Browser.GetPageAsync("/audit/1")).ShouldBe(403);
        (await dave.Browser.GetPageAsync("/audit?handler=Export&format=csv")).ShouldBe(403);
        (await dave.Browser.GetPageAsync("/audit?handler=Export&format=jsonl")).ShouldBe(403);
        var daveHome = await dave.Browser.GetPageAsync("/");
        (await dave.Browser.PostFormAsync("/audit?handler=Verify", null, daveHome)).ShouldBe(403);
        Assert.Empty(await SequencesAsync("&action=audit.verified"));
        (await Browser().GetPageAsync("/audit")).ShouldRedirectTo("/signin");
    }

    [Fact]
    public async Task An_unknown_name_or_a_bad_time_range_shows_an_error_next_to_its_field()
    {
        var (carol, _) = await ChangesAsync();

        var unknown = (await carol.Browser.GetPageAsync("/audit?principal=nobody")).ShouldShowError("There is no principal named 'nobody'");
        Assert.Contains("There is no principal named 'nobody'", unknown.TextOf("err-Principal"));
        Assert.Contains("aria-invalid=\"true\"", Regex.Match(unknown.Html, "<input type=\"text\"[^>]*name=\"principal\"[^>]*>").Value);
        Assert.Empty(RowSequences(unknown));

        (await carol.Browser.GetPageAsync("/audit?actor=nobody")).ShouldShowError("There is no actor named 'nobody'");
        Assert.Contains("no role", (await carol.Browser.GetPageAsync("/audit?role=nope")).ShouldBe(200).TextOf("err-Role"));
        Assert.NotNull((await carol.Browser.GetPageAsync("/audit?from=yesterday")).ShouldBe(200).TextOf("err-From"));
        Assert.NotNull((await carol.Browser.GetPageAsync("/audit?from=2030-01-02T00:00&to=2030-01-01T00:00")).ShouldBe(200).TextOf("err-To"));
        Assert.NotNull((await carol.Browser.GetPageAsync("/audit?handler=Export&format=csv&principal=nobody")).ShouldBe(200).TextOf("err-Principal"));
    }

    /// <summary>An administrator (carol, in the portal) and a few changes about alice: a role, eligibility, an activation.</summary>
    private async Task<(PortalUser Carol, TestUser Alice)> ChangesAsync()
    {
        var carol = await UserWithTotpAsync("carol");
        (await Admin.AssignAsync("active", carol.Id, BuiltInRoles.IdOf(BuiltInRole.ElevateAdministrator), "/", Scenario.Permanent)).ShouldBe(201);
        var alice = await UserAsync("alice");
        var role = await Admin.CreateRoleAsync("db-admin");
        await Admin.MakeEligibleAsync(alice.Id, role);
        (await alice.Client.ActivateAsync(role, "/", Scenario.For("PT1H"), Justification, new { system = "jira", number = "INC-7" })).ShouldBe(201);
        return (carol, alice);
    }

    /// <summary>The sequences (oldest first) the API's export gives for a filter.</summary>
    private async Task<List<long>> SequencesAsync(string query) =>
        [.. (await Admin.AuditTrailAsync(query)).Select(e => e.GetProperty("sequence").GetInt64())];

    private static List<long> RowSequences(PortalPage page) =>
        [.. RowPattern().Matches(page.Html).Select(m => long.Parse(m.Groups["sequence"].Value, System.Globalization.CultureInfo.InvariantCulture))];

    private static List<string> RowActions(PortalPage page) => [.. RowPattern().Matches(page.Html).Select(m => WebUtility.HtmlDecode(m.Groups["action"].Value))];

    private static string? NextLink(PortalPage page) =>
        NextPattern().Match(page.Html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups["href"].Value) : null;

    [GeneratedRegex("<tr data-sequence=\"(?<sequence>\\d+)\" data-action=\"(?<action>[^\"]*)\"")]
    private static partial Regex RowPattern();

    [GeneratedRegex("<a href=\"(?<href>[^\"]*)\" id=\"next-page\"")]
    private static partial Regex NextPattern();
}

public sealed class AuditPortalTestsOnSqlite() : AuditPortalTests(DatabaseKind.Sqlite);

public sealed class AuditPortalTestsOnPostgres() : AuditPortalTests(DatabaseKind.Postgres);
