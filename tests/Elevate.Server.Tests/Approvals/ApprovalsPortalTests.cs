using System.Text.RegularExpressions;
using Elevate.Server.Tests.Infrastructure;
using Elevate.Server.Tests.SignIn;

namespace Elevate.Server.Tests.Approvals;

/// <summary>
/// The approvals page: bob sees the requests waiting for his decision (and no others), with what he should weigh, and
/// approves or denies them one at a time or several at once; the core refuses what is not his to decide, his own
/// requests above all, and the page says so per request.
/// </summary>
public abstract partial class ApprovalsPortalTests(DatabaseKind kind) : PortalTest(kind)
{
    [Fact]
    public async Task The_list_shows_only_requests_waiting_for_me_with_justification_ticket_and_history()
    {
        var bob = await UserWithTotpAsync("bob");
        var carol = await UserAsync("carol");
        var alice = await UserAsync("alice");
        var mine = await Admin.RoleNeedingApprovalAsync(alice.Id, "db-admin", null, false, ApprovalScenario.Stage(bob.Id));
        var carols = await Admin.RoleNeedingApprovalAsync(alice.Id, "web-admin", null, false, ApprovalScenario.Stage(carol.Id));

        // A past activation of the role, approved and ended, is the history bob sees.
        var earlier = await alice.Client.ActivatePendingAsync(mine, "PT1H");
        Assert.Equal("provisioned", ApprovalScenario.StatusAfter(await (await ApiOfAsync(bob)).ApproveAsync(earlier)));
        (await alice.Client.DeactivateAsync((await alice.Client.RequestAsync(earlier))["resultAssignmentId"].GetGuid())).ShouldBe(201);
        App.Time.Advance(TimeSpan.FromMinutes(5));

        var waiting = (await alice.Client.ActivateAsync(mine, "/", Scenario.For("PT2H"), "Fix the <replica> lag", new { system = "jira", number = "OPS-77" })).ShouldBe(201).Id;
        var notMine = await alice.Client.ActivatePendingAsync(carols);

        var page = (await bob.Browser.GetPageAsync("/approvals")).ShouldBe(200);
        Assert.Equal([waiting], Cards(page));
        Assert.DoesNotContain(notMine.ToString(), page.Html);
        var card = page.SectionText($"request-{waiting}");
        Assert.NotNull(card);
        Assert.Contains("alice", card);
        Assert.Contains("db-admin", card);
        Assert.Contains("Fix the <replica> lag", card);
        Assert.DoesNotContain("<replica>", page.Html);
        Assert.Contains("OPS-77", card);
        Assert.Contains("1 of 1", card);
        Assert.Contains("2h", card);
        Assert.DoesNotContain("this would be the first", card);
        Assert.Contains($"href=\"/approvals/{waiting}\"", page.Section($"request-{waiting}"));

        var empty = (await (await UserWithTotpAsync("dave")).Browser.GetPageAsync("/approvals")).ShouldBe(200);
        Assert.Empty(Cards(empty));
        Assert.Contains("Nothing is waiting for you.", empty.SectionText("no-approvals"));
    }

    [Fact]
    public async Task Approving_one_provisions_it_and_denying_without_a_reason_shows_the_field_error_and_changes_nothing()
    {
        var bob = await UserWithTotpAsync("bob");
        var alice = await UserAsync("alice");
        var first = await Admin.RoleNeedingApprovalAsync(alice.Id, "db-admin", null, false, ApprovalScenario.Stage(bob.Id));
        var second = await Admin.RoleNeedingApprovalAsync(alice.Id, "web-admin", null, false, ApprovalScenario.Stage(bob.Id));
        var approve = await alice.Client.ActivatePendingAsync(first);
        var deny = await alice.Client.ActivatePendingAsync(second);
        var page = (await bob.Browser.GetPageAsync("/approvals")).ShouldBe(200);

        var refused = (await bob.Browser.PostFormAsync("/approvals?handler=Decide", new { RequestId = deny, Verdict = "deny", Reason = " " }, page)).ShouldBe(200);
        Assert.Contains("Say why you deny it", refused.TextOf("err-Reason"));
        Assert.Contains("err-Reason", refused.Section($"request-{deny}"));
        Assert.DoesNotContain("err-Reason", refused.Section($"request-{approve}"));
        Assert.Equal("pendingApproval", await Admin.StatusOfAsync(deny));
        Assert.Empty(await Admin.DecisionsAsync(deny));

        (await bob.Browser.PostFormAsync("/approvals?handler=Decide", new { RequestId = approve, Verdict = "approve", Reason = "" }, page)).ShouldRedirectTo("/approvals");
        Assert.Equal("provisioned", await Admin.StatusOfAsync(approve));
        var after = (await bob.Browser.GetPageAsync("/approvals")).ShouldBe(200);
        Assert.Contains("You approved the request", Notice(after));
        Assert.Equal([deny], Cards(after));

        (await bob.Browser.PostFormAsync("/approvals?handler=Decide", new { RequestId = deny, Verdict = "deny", Reason = "Change freeze" }, after)).ShouldRedirectTo("/approvals");
        Assert.Equal("denied", await Admin.StatusOfAsync(deny));
        Assert.Equal("Change freeze", (await Admin.DecisionsAsync(deny)).Single().GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Approving_several_at_once_decides_each_and_reports_the_ones_that_could_not_be_decided()
    {
        var bob = await UserWithTotpAsync("bob");
        var alice = await UserAsync("alice");
        var carol = await UserAsync("carol");
        var first = await Admin.RoleNeedingApprovalAsync(alice.Id, "db-admin", null, false, ApprovalScenario.Stage(bob.Id));
        var second = await Admin.RoleNeedingApprovalAsync(alice.Id, "web-admin", null, false, ApprovalScenario.Stage(bob.Id));
        var others = await Admin.RoleNeedingApprovalAsync(alice.Id, "net-admin", null, false, ApprovalScenario.Stage(carol.Id));
        var one = await alice.Client.ActivatePendingAsync(first);
        var two = await alice.Client.ActivatePendingAsync(second);
        var notBobs = await alice.Client.ActivatePendingAsync(others);
        var page = (await bob.Browser.GetPageAsync("/approvals")).ShouldBe(200);
        Assert.Contains("Approve selected", page.SectionText("bulk"));
        Assert.Contains("data-confirm", page.Section("bulk"));

        // Denying several needs a reason: nothing is decided without one.
        var noReason = (await bob.Browser.PostAsync("/approvals?handler=Bulk", Form(page, ("Verdict", "deny"), ("BulkReason", ""), ("Selected", one.ToString()), ("Selected", two.ToString())))).ShouldBe(200);
        Assert.NotNull(noReason.TextOf("err-BulkReason"));
        Assert.Equal("pendingApproval", await Admin.StatusOfAsync(one));
        Assert.Equal("pendingApproval", await Admin.StatusOfAsync(two));

        var done = await bob.Browser.PostAsync("/approvals?handler=Bulk", Form(page,
            ("Verdict", "approve"), ("BulkReason", "Planned work"), ("Selected", one.ToString()), ("Selected", two.ToString()), ("Selected", notBobs.ToString())));
        done.ShouldRedirectTo("/approvals");
        Assert.Equal("provisioned", await Admin.StatusOfAsync(one));
        Assert.Equal("provisioned", await Admin.StatusOfAsync(two));
        Assert.Equal("pendingApproval", await Admin.StatusOfAsync(notBobs));
        Assert.Empty(await Admin.DecisionsAsync(notBobs));

        var after = (await bob.Browser.GetPageAsync("/approvals")).ShouldBe(200);
        var notice = Notice(after);
        Assert.NotNull(notice);
        Assert.Contains("Approved 2", notice);
        Assert.Contains("a request that is not waiting for you: not decided", notice);
        Assert.DoesNotContain("net-admin", notice); // a request waiting for someone else is not named to bob
        Assert.Empty(Cards(after));
    }

    [Fact]
    public async Task My_own_request_never_shows_and_cannot_be_decided_here_nor_can_anothers_request_by_someone_it_does_not_wait_for()
    {
        var bob = await UserWithTotpAsync("bob");
        var carol = await UserAsync("carol");
        var alice = await UserAsync("alice");
        var role = await Admin.RoleNeedingApprovalAsync(bob.Id, "db-admin", null, false, ApprovalScenario.Stage(bob.Id, carol.Id));
        await Admin.MakeEligibleAsync(alice.Id, role);
        var bobsOwn = await (await ApiOfAsync(bob)).ActivatePendingAsync(role);
        var alices = await alice.Client.ActivatePendingAsync(role);

        var page = (await bob.Browser.GetPageAsync("/approvals")).ShouldBe(200);
        Assert.Equal([alices], Cards(page));
        Assert.DoesNotContain(bobsOwn.ToString(), page.Html);

        (await bob.Browser.PostFormAsync("/approvals?handler=Decide", new { RequestId = bobsOwn, Verdict = "approve", Reason = "" }, page)).ShouldShowError("Nobody approves their own request");
        var bulk = await bob.Browser.PostAsync("/approvals?handler=Bulk", Form(page, ("Verdict", "approve"), ("BulkReason", ""), ("Selected", bobsOwn.ToString())));
        bulk.ShouldRedirectTo("/approvals");
        Assert.Contains("not decided: Nobody approves their own request", Notice((await bob.Browser.GetPageAsync("/approvals")).ShouldBe(200)));
        Assert.Equal("pendingApproval", await Admin.StatusOfAsync(bobsOwn));
        Assert.Empty(await Admin.DecisionsAsync(bobsOwn));

        // Dave is no approver: his posts decide nothing.
        var dave = await UserWithTotpAsync("dave");
        var davesPage = (await dave.Browser.GetPageAsync("/approvals")).ShouldBe(200);
        Assert.Empty(Cards(davesPage));
        (await dave.Browser.PostFormAsync("/approvals?handler=Decide", new { RequestId = alices, Verdict = "approve", Reason = "" }, davesPage)).ShouldShowError("No request");
        (await dave.Browser.PostAsync("/approvals?handler=Bulk", Form(davesPage, ("Verdict", "approve"), ("BulkReason", ""), ("Selected", alices.ToString())))).ShouldRedirectTo("/approvals");
        var refusal = Notice((await dave.Browser.GetPageAsync("/approvals")).ShouldBe(200));
        Assert.Contains("a request that is not waiting for you: not decided", refusal);
        Assert.DoesNotContain("db-admin", refusal); // the refusal names neither the role nor the requester
        Assert.DoesNotContain("alice", refusal);
        Assert.Equal("pendingApproval", await Admin.StatusOfAsync(alices));
        Assert.Empty(await Admin.DecisionsAsync(alices));
    }

    [Fact]
    public async Task A_role_that_requires_a_second_factor_to_approve_is_sent_to_its_own_page()
    {
        var bob = await UserWithTotpAsync("bob");
        var alice = await UserAsync("alice");
        var role = await Admin.RoleNeedingApprovalAsync(alice.Id, "db-admin", null, true, ApprovalScenario.Stage(bob.Id));
        var request = await alice.Client.ActivatePendingAsync(role);

        var page = (await bob.Browser.GetPageAsync("/approvals")).ShouldBe(200);
        var card = page.Section($"request-{request}");
        Assert.NotNull(card);
        Assert.Contains("decide it on", page.TextOf($"mfa-{request:N}"));
        Assert.DoesNotContain("name=\"Selected\"", card);
        Assert.DoesNotContain("handler=Decide", card);

        (await bob.Browser.PostAsync("/approvals?handler=Bulk", Form(page, ("Verdict", "approve"), ("BulkReason", ""), ("Selected", request.ToString())))).ShouldRedirectTo("/approvals");
        Assert.Contains("not decided", Notice((await bob.Browser.GetPageAsync("/approvals")).ShouldBe(200)));
        Assert.Equal("pendingApproval", await Admin.StatusOfAsync(request));
    }

    [Fact]
    public async Task More_than_a_page_is_reached_through_the_next_link()
    {
        var bob = await UserWithTotpAsync("bob");
        var alice = await UserAsync("alice");
        var expected = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            var role = await Admin.RoleNeedingApprovalAsync(alice.Id, $"role-{i}", null, false, ApprovalScenario.Stage(bob.Id));
            expected.Add(await alice.Client.ActivatePendingAsync(role));
            App.Time.Advance(TimeSpan.FromSeconds(1));
        }

        var seen = new List<Guid>();
        string? path = "/approvals?limit=2";
        while (path is not null)
        {
            var page = (await bob.Browser.GetPageAsync(path)).ShouldBe(200);
            seen.AddRange(Cards(page));
            path = NextPattern().Match(page.Html) is { Success: true } m ? System.Net.WebUtility.HtmlDecode(m.Groups["href"].Value) : null;
        }

        Assert.Equal(expected, seen);
    }

    private async Task<ApiClient> ApiOfAsync(PortalUser user)
    {
        var token = (await App.Anonymous().PostAsync("/api/v1/setup/redeem", new { secret = await SetupSecretAsync(user.Id) })).ShouldBe(201)["secret"].GetString()!;
        return App.Client(token);
    }

    /// <summary>Form fields as posted, repeated names included, with the page's antiforgery token.</summary>
    private static List<KeyValuePair<string, string>> Form(PortalPage page, params (string Name, string Value)[] fields) =>
        [.. fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)), new("__RequestVerificationToken", page.AntiforgeryToken!)];

    /// <summary>The notice carried across the redirect after a decision.</summary>
    private static string? Notice(PortalPage page) =>
        NoticePattern().Match(page.Html) is { Success: true } m ? System.Net.WebUtility.HtmlDecode(m.Groups["text"].Value) : null;

    private static List<Guid> Cards(PortalPage page) => [.. CardPattern().Matches(page.Html).Select(m => Guid.Parse(m.Groups["id"].Value))];

    [GeneratedRegex("<section class=\"card approvals-card\" id=\"request-[0-9a-f-]{36}\" data-request=\"(?<id>[0-9a-f-]{36})\"")]
    private static partial Regex CardPattern();

    [GeneratedRegex("<p class=\"notice\" role=\"status\">(?<text>[^<]*)</p>")]
    private static partial Regex NoticePattern();

    [GeneratedRegex("<a href=\"(?<href>[^\"]*)\" id=\"next-page\"")]
    private static partial Regex NextPattern();
}

public sealed class ApprovalsPortalTestsOnSqlite() : ApprovalsPortalTests(DatabaseKind.Sqlite);

public sealed class ApprovalsPortalTestsOnPostgres() : ApprovalsPortalTests(DatabaseKind.Postgres);
