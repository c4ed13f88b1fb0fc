using System.Net;
using System.Text.RegularExpressions;
using Elevate.Server.Tests.Approvals;
using Elevate.Server.Tests.Infrastructure;
using Elevate.Server.Tests.SignIn;

namespace Elevate.Server.Tests.Requests;

/// <summary>
/// The "My requests" page: alice sees the requests she made (never anyone else's, nor those an administrator made
/// about her), where each stands and why, the approval stages and decisions of those that waited, a status filter and
/// paging; she cancels a pending one through a confirmation.
/// </summary>
public abstract partial class RequestPortalTests(DatabaseKind kind) : PortalTest(kind)
{
    [Fact]
    public async Task A_pending_request_shows_its_stage_and_approvers_and_is_canceled_through_the_confirmation()
    {
        var (alice, aliceApi) = await AliceAsync();
        var bob = await UserAsync("bob");
        var role = await Admin.RoleNeedingApprovalAsync(alice.Id, ApprovalScenario.Stage(bob.Id));
        var request = await aliceApi.ActivatePendingAsync(role);

        var list = (await alice.Browser.GetPageAsync("/requests")).ShouldBe(200);
        Assert.Contains("href=\"/requests\"", list.Html);
        Assert.Equal([(request, "pendingApproval")], Rows(list));
        Assert.Contains("Pending approval", list.TextOf($"status-{request}"));
        var stages = list.TextOf($"stages-{request}");
        Assert.NotNull(stages);
        Assert.Contains("Stage 1 of 1", stages);
        Assert.Contains("bob", stages);
        Assert.Contains("Waiting for decisions", stages);
        var cancelLink = CancelLink(list, request);
        Assert.NotNull(cancelLink);

        // The link only asks: nothing is canceled until the confirmation is posted, with its antiforgery token.
        var confirm = (await alice.Browser.GetPageAsync(cancelLink)).ShouldBe(200);
        Assert.NotNull(confirm.Section("confirm-cancel"));
        Assert.Equal("pendingApproval", await Admin.StatusOfAsync(request));
        Assert.Equal(400, (await alice.Browser.PostWithoutTokenAsync("/requests?handler=Cancel", new { cancel = request })).Status);
        Assert.Equal("pendingApproval", await Admin.StatusOfAsync(request));

        (await alice.Browser.PostFormAsync("/requests?handler=Cancel", new { cancel = request }, confirm)).ShouldRedirectTo("/requests");
        var after = (await alice.Browser.GetPageAsync("/requests")).ShouldBe(200);
        Assert.Equal([(request, "canceled")], Rows(after));
        Assert.Contains("Canceled", after.TextOf($"status-{request}"));
        Assert.Contains("Canceled by the requester", after.TextOf($"status-{request}"));
        Assert.Null(CancelLink(after, request));
        Assert.Equal("canceled", await Admin.StatusOfAsync(request));
        Assert.Equal("canceled", (await aliceApi.RequestAsync(request))["status"].GetString());

        // Canceling again is refused by the core, and the page says why.
        (await alice.Browser.PostFormAsync("/requests?handler=Cancel", new { cancel = request }, after)).ShouldShowError("can no longer be canceled");
        (await alice.Browser.GetPageAsync($"/requests?cancel={request}")).ShouldShowError("can no longer be canceled");
    }

    [Fact]
    public async Task An_approved_request_shows_the_approvers_decision_and_reason()
    {
        var (alice, aliceApi) = await AliceAsync();
        var bob = await UserAsync("bob");
        var role = await Admin.RoleNeedingApprovalAsync(alice.Id, ApprovalScenario.Stage(bob.Id));
        var request = await aliceApi.ActivatePendingAsync(role);
        Assert.Equal("provisioned", ApprovalScenario.StatusAfter(await bob.Client.ApproveAsync(request, "Change CHG-12 & <approved>")));

        var page = (await alice.Browser.GetPageAsync("/requests")).ShouldBe(200);
        Assert.Equal([(request, "provisioned")], Rows(page));
        Assert.Contains("Provisioned", page.TextOf($"status-{request}"));
        var stages = page.TextOf($"stages-{request}");
        Assert.NotNull(stages);
        Assert.Contains("Stage 1 of 1", stages);
        Assert.Contains("bob approved", stages);
        Assert.Contains("Change CHG-12 & <approved>", stages);
        Assert.DoesNotContain("<approved>", page.Html);
        Assert.Null(CancelLink(page, request));
    }

    [Fact]
    public async Task Only_the_callers_own_requests_are_listed_and_others_cannot_be_canceled_here()
    {
        var (alice, aliceApi) = await AliceAsync();
        var bob = await UserAsync("bob");
        var dave = await UserAsync("dave");
        var role = await Admin.RoleNeedingApprovalAsync(alice.Id, ApprovalScenario.Stage(bob.Id));
        await Admin.MakeEligibleAsync(dave.Id, role);
        var mine = await aliceApi.ActivatePendingAsync(role);
        var daves = await dave.Client.ActivatePendingAsync(role);

        var page = (await alice.Browser.GetPageAsync("/requests")).ShouldBe(200);
        Assert.Equal([(mine, "pendingApproval")], Rows(page));
        Assert.DoesNotContain(daves.ToString(), page.Html);

        (await alice.Browser.GetPageAsync($"/requests?cancel={daves}")).ShouldShowError("no request");
        (await alice.Browser.PostFormAsync("/requests?handler=Cancel", new { cancel = daves }, page)).ShouldShowError("No such request");
        Assert.Equal("pendingApproval", await Admin.StatusOfAsync(daves));
    }

    [Fact]
    public async Task The_status_filter_shows_only_requests_in_that_status()
    {
        var (alice, aliceApi) = await AliceAsync();
        var bob = await UserAsync("bob");
        var waiting = await Admin.RoleNeedingApprovalAsync(alice.Id, "db-admin", null, false, ApprovalScenario.Stage(bob.Id));
        var pending = await aliceApi.ActivatePendingAsync(waiting);
        App.Time.Advance(TimeSpan.FromSeconds(1));
        var direct = await Admin.CreateRoleAsync("reader");
        await Admin.MakeEligibleAsync(alice.Id, direct);
        var provisioned = (await aliceApi.ActivateAsync(direct, "/", Scenario.For("PT1H"))).ShouldBe(201).Id;

        var all = (await alice.Browser.GetPageAsync("/requests")).ShouldBe(200);
        Assert.Equal([(provisioned, "provisioned"), (pending, "pendingApproval")], Rows(all));

        Assert.Equal([(pending, "pendingApproval")], Rows((await alice.Browser.GetPageAsync("/requests?status=pendingApproval")).ShouldBe(200)));
        Assert.Equal([(provisioned, "provisioned")], Rows((await alice.Browser.GetPageAsync("/requests?status=provisioned")).ShouldBe(200)));
        var none = (await alice.Browser.GetPageAsync("/requests?status=denied")).ShouldBe(200);
        Assert.Empty(Rows(none));
        Assert.NotNull(none.TextOf("no-requests"));
        Assert.NotNull((await alice.Browser.GetPageAsync("/requests?status=bogus")).ShouldBe(200).TextOf("err-Status"));
    }

    [Fact]
    public async Task Paging_with_a_small_limit_follows_next_and_keeps_the_filter()
    {
        var (alice, aliceApi) = await AliceAsync();
        var empty = (await alice.Browser.GetPageAsync("/requests")).ShouldBe(200);
        Assert.Empty(Rows(empty));
        Assert.NotNull(empty.TextOf("no-requests"));

        var expected = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            var role = await Admin.CreateRoleAsync($"role-{i}");
            await Admin.MakeEligibleAsync(alice.Id, role);
            expected.Add((await aliceApi.ActivateAsync(role, "/", Scenario.For("PT1H"))).ShouldBe(201).Id);
            App.Time.Advance(TimeSpan.FromSeconds(1));
        }

        expected.Reverse();
        var seen = new List<Guid>();
        var path = "/requests?status=provisioned&limit=2";
        var pages = 0;
        while (path is not null)
        {
            var page = (await alice.Browser.GetPageAsync(path)).ShouldBe(200);
            var rows = Rows(page);
            Assert.True(rows.Count <= 2, $"A page of limit 2 showed {rows.Count} rows.");
            seen.AddRange(rows.Select(r => r.Id));
            path = NextLink(page);
            if (path is not null)
            {
                Assert.Contains("status=provisioned", path);
                Assert.Contains("limit=2", path);
            }

            Assert.True(++pages <= expected.Count, "Paging did not end.");
        }

        Assert.Equal(expected, seen);
        Assert.Equal(3, pages);
    }

    /// <summary>Alice, signed in to the portal, with an API client of her own.</summary>
    private async Task<(PortalUser Alice, ApiClient Api)> AliceAsync()
    {
        var alice = await UserWithTotpAsync("alice");
        var token = (await App.Anonymous().PostAsync("/api/v1/setup/redeem", new { secret = await SetupSecretAsync(alice.Id) })).ShouldBe(201)["secret"].GetString()!;
        return (alice, App.Client(token));
    }

    private static List<(Guid Id, string Status)> Rows(PortalPage page) =>
        [.. RowPattern().Matches(page.Html).Select(m => (Guid.Parse(m.Groups["id"].Value), m.Groups["status"].Value))];

    private static string? CancelLink(PortalPage page, Guid request) =>
        new Regex($"<a [^>]*href=\"(?<href>[^\"]*)\" id=\"cancel-{request}\"").Match(page.Html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups["href"].Value) : null;

    private static string? NextLink(PortalPage page) =>
        NextPattern().Match(page.Html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups["href"].Value) : null;

    [GeneratedRegex("<tr data-request=\"(?<id>[0-9a-f-]{36})\" data-status=\"(?<status>[^\"]*)\"")]
    private static partial Regex RowPattern();

    [GeneratedRegex("<a href=\"(?<href>[^\"]*)\" id=\"next-page\"")]
    private static partial Regex NextPattern();
}

public sealed class RequestPortalTestsOnSqlite() : RequestPortalTests(DatabaseKind.Sqlite);

public sealed class RequestPortalTestsOnPostgres() : RequestPortalTests(DatabaseKind.Postgres);
