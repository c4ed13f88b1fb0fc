using System.Text.RegularExpressions;
using Elevate.Browser.Tests.Infrastructure;
using Elevate.Core.Roles;
using Elevate.Server.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Elevate.Browser.Tests;

/// <summary>
/// The portal from first sign-in to a first approved activation, every step through the pages in Chromium: the
/// administrator sets up people and a role that needs a justification, a fresh second factor and bob's approval; alice
/// activates; bob approves from the link in his e-mail (caught by a loopback SMTP server); alice sees the role active
/// and gives it back; the auditor finds every step of that request in the audit trail (submitted, approved,
/// activated, provisioned), downloads them, and sees the activation end among alice's events.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class FirstApprovedActivationTests(BrowserFixture browser)
{
    private const string Role = "Payments Database Administrator";
    private const string Justification = "CHG-2201: rotate the payments database credentials";

    [Fact]
    public async Task A_role_needing_justification_mfa_and_approval_goes_from_setup_to_an_audited_activation()
    {
        await using var elevate = await LiveElevate.StartWithMailAsync();

        // 1. The administrator signs in, invites alice and bob, creates the role with its rules and makes alice eligible.
        await using var admin = await PortalSession.AdministratorAsync(browser, elevate);
        var alice = await InviteAsync(admin, "alice", "Alice Example");
        var bob = await InviteAsync(admin, "bob", "Bob Example");
        var carol = await InviteAsync(admin, "carol", "Carol Auditor");
        var roleId = await CreateRoleAsync(admin);
        await RequireJustificationMfaAndApprovalByAsync(admin, roleId, "bob");
        await MakeEligibleAsync(admin, "alice");

        // 2. Alice, in a browser of her own, activates with a justification and a code from her app: pending.
        await using var alicePortal = await PortalSession.InvitedAsync(browser, elevate, alice);
        await alicePortal.GotoAsync("/roles?tab=eligible");
        var card = alicePortal.Eligibility(Role);
        await Assertions.Expect(card.Locator(".requirements")).ToContainTextAsync("Justification required");
        await Assertions.Expect(card.Locator(".requirements")).ToContainTextAsync("Fresh second factor required");
        await Assertions.Expect(card.Locator(".requirements")).ToContainTextAsync("Needs approval by bob");
        await Screenshots.SaveAsync(alicePortal.Page, "my-roles-activate");
        await alicePortal.ActivateAsync(Role, Justification, alicePortal.NextCode());
        await Assertions.Expect(alicePortal.Page.Locator("p.notice")).ToHaveTextAsync("Your request is pending approval.");
        await alicePortal.GotoAsync("/requests");
        var requestRow = alicePortal.Page.Locator("tr[data-request][data-status=pendingApproval]");
        await Assertions.Expect(requestRow).ToHaveCountAsync(1);
        var requestId = Guid.Parse((await requestRow.GetAttributeAsync("data-request"))!);
        await Assertions.Expect(requestRow).ToContainTextAsync(Justification);

        // 3. Bob opens the link in his e-mail, signs in on the way, and approves.
        var mail = await elevate.MailToAsync("bob@example.com", "alice");
        var link = elevate.ApprovalLinkIn(mail);
        Assert.StartsWith(elevate.Url($"/approvals/{requestId}?"), link, StringComparison.Ordinal);
        await using var bobPortal = await PortalSession.InvitedAsync(browser, elevate, bob);
        await bobPortal.SignOutAsync();
        await bobPortal.Page.GotoAsync(link);
        await Assertions.Expect(bobPortal.Page).ToHaveURLAsync(SignInPage());
        await bobPortal.Page.FillAsync("#username", "bob");
        await bobPortal.Page.FillAsync("#password", PortalScenario.Password);
        await bobPortal.Page.ClickAsync("#signin");
        await bobPortal.Page.FillAsync("#code", bobPortal.NextCode());
        await bobPortal.Page.ClickAsync("#verify");
        await Assertions.Expect(bobPortal.Page).ToHaveURLAsync(new Regex($"/approvals/{requestId}"));
        await Assertions.Expect(bobPortal.Page.Locator("#request")).ToContainTextAsync("alice");
        await Assertions.Expect(bobPortal.Page.Locator("#request")).ToContainTextAsync(Justification);
        await Screenshots.SaveAsync(bobPortal.Page, "approve-from-mail");
        await bobPortal.Page.Locator("#decide input[name=Verdict][value=approve]").CheckAsync();
        await bobPortal.Page.GetByRole(AriaRole.Button, new() { Name = "Confirm decision" }).ClickAsync();
        await Assertions.Expect(bobPortal.Page.Locator("#decisions")).ToContainTextAsync("bob approved");

        // 4. Alice's page shows the role active for the full hour she asked for; she deactivates it.
        var api = await admin.ApiAsync("end-to-end");
        var request = (await api.GetAsync($"/api/v1/requests/{requestId}")).ShouldBe(200);
        Assert.Equal("provisioned", request["status"].GetString());
        var granted = (await api.GetAsync($"/api/v1/assignments/{request["resultAssignmentId"].GetGuid()}")).ShouldBe(200);
        var startsAt = granted["startsAt"].GetDateTimeOffset();
        var endsAt = granted["endsAt"].GetDateTimeOffset();
        Assert.Equal(TimeSpan.FromHours(1), endsAt - startsAt);
        await alicePortal.GotoAsync("/roles?tab=active");
        var active = alicePortal.ActiveRole(Role);
        await Assertions.Expect(active).ToHaveCountAsync(1);
        await Assertions.Expect(active).ToContainTextAsync(Utc(startsAt));
        await Assertions.Expect(active).ToContainTextAsync(Utc(endsAt));
        await Assertions.Expect(active.Locator("[data-countdown]")).ToContainTextAsync("left");
        await Screenshots.SaveAsync(alicePortal.Page, "my-roles-active");
        await active.GetByRole(AriaRole.Button, new() { Name = "Deactivate" }).ClickAsync();
        await Assertions.Expect(alicePortal.Page.Locator("p.notice")).ToHaveTextAsync("The role is deactivated.");
        await Assertions.Expect(alicePortal.ActiveRole(Role)).ToHaveCountAsync(0);

        // 5. Carol, an auditor, filters the trail to that request, sees every step, and downloads them.
        (await api.AssignAsync("active", carol.Id, BuiltInRoles.IdOf(BuiltInRole.Auditor), "/", Scenario.For("P1D"), "Quarterly audit")).ShouldBe(201);
        await using var carolPortal = await PortalSession.InvitedAsync(browser, elevate, carol);
        await carolPortal.GotoAsync("/audit");
        await carolPortal.Page.FillAsync("#f-RequestId", requestId.ToString());
        await carolPortal.Page.ClickAsync("#apply-filter");
        var rows = carolPortal.Page.Locator("tr[data-sequence]");
        var expected = (await api.AuditTrailAsync($"&requestId={requestId}")).Select(e => e.GetProperty("action").GetString()!).ToList();
        Assert.Equal(["request.submitted", "request.approval_given", "assignment.activated", "request.provisioned"], expected);
        await Assertions.Expect(rows).ToHaveCountAsync(expected.Count);
        var shown = await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.getAttribute('data-action'))");
        Assert.Equal(expected.AsEnumerable().Reverse(), shown);
        await Screenshots.SaveAsync(carolPortal.Page, "audit-request");

        var download = await carolPortal.Page.RunAndWaitForDownloadAsync(() => carolPortal.Page.Locator("#export-csv").ClickAsync());
        var file = await download.PathAsync();
        var csv = CsvText.Parse(await File.ReadAllTextAsync(file!), strict: true);
        var actionColumn = csv[0].ToList().IndexOf("action");
        Assert.Equal(expected, csv.Skip(1).Select(r => r[actionColumn]).ToList());
        Assert.All(csv.Skip(1), r => Assert.Contains(requestId.ToString(), r));

        // The deactivation is a request of its own; alice's events on the role show it ending the same assignment.
        await carolPortal.GotoAsync($"/audit?principal=alice&role={Uri.EscapeDataString(Role)}");
        var ended = carolPortal.Page.Locator("tr[data-sequence][data-action=\"assignment.ended\"]");
        await Assertions.Expect(ended).ToHaveCountAsync(1);

        // The administrator's home page counts the activation in the organisation's chart of the last 30 days.
        await admin.GotoAsync("/");
        await Assertions.Expect(admin.Page.Locator("svg[role=img]")).ToContainTextAsync(Role);
        await Screenshots.SaveAsync(admin.Page, "home");
    }

    /// <summary>Creates a user on the users page; returns the one-time setup link the page shows.</summary>
    private static async Task<InvitedUser> InviteAsync(PortalSession admin, string name, string displayName)
    {
        await admin.GotoAsync("/admin/users");
        await admin.Page.FillAsync("#create #f-Name", name);
        await admin.Page.FillAsync("#create #f-DisplayName", displayName);
        await admin.Page.FillAsync("#create #f-Email", $"{name}@example.com");
        await admin.Page.ClickAsync("#create-principal");
        var link = await admin.Page.Locator("#setup-link").InputValueAsync();
        var href = await admin.Page.Locator("#created-link").GetAttributeAsync("href");
        return new InvitedUser(Guid.Parse(href!.Split('/')[^1]), name, link);
    }

    /// <summary>Creates the role on the roles page; returns its id from the role page it lands on.</summary>
    private static async Task<Guid> CreateRoleAsync(PortalSession admin)
    {
        await admin.GotoAsync("/admin/roles");
        await admin.Page.FillAsync("#f-Name", Role);
        await admin.Page.FillAsync("#f-Description", "Full rights on the payments databases");
        await admin.Page.ClickAsync("#create-role");
        await Assertions.Expect(admin.Page).ToHaveURLAsync(new Regex("/admin/roles/[0-9a-f-]{36}"));
        return Guid.Parse(new Uri(admin.Page.Url).AbsolutePath.Split('/')[^1]);
    }

    /// <summary>Sets the rules on the settings form, reviews the summary of changes and saves.</summary>
    private static async Task RequireJustificationMfaAndApprovalByAsync(PortalSession admin, Guid roleId, string approver)
    {
        await admin.GotoAsync($"/admin/roles/{roleId}");
        await admin.Page.CheckAsync("#f-Form-RequireJustification");
        await admin.Page.CheckAsync("#f-Form-RequireMfa");
        await admin.Page.CheckAsync("#f-Form-ApprovalRequired");
        await admin.Page.FillAsync("#f-Form-Approvers", approver);
        await admin.Page.ClickAsync("#review-changes");
        await Assertions.Expect(admin.Page.Locator("#save-settings")).ToBeVisibleAsync();
        await Screenshots.SaveAsync(admin.Page, "role-settings-summary");
        await admin.Page.ClickAsync("#save-settings");
        await Assertions.Expect(admin.Page.Locator("p.notice")).ToBeVisibleAsync();
    }

    /// <summary>Adds an eligible assignment on the assignments page, for the role at "/", for 90 days.</summary>
    private static async Task MakeEligibleAsync(PortalSession admin, string principal)
    {
        await admin.GotoAsync("/admin/assignments/new");
        await admin.Page.FillAsync("#f-Principal", principal);
        await admin.Page.SelectOptionAsync("#f-Role", new SelectOptionValue { Label = Role });
        await admin.Page.FillAsync("#f-Scope", "/");
        await admin.Page.Locator("input[name=EndMode][value=duration]").CheckAsync();
        await admin.Page.FillAsync("#f-Duration", "P90D");
        await admin.Page.FillAsync("#f-Justification", "Joins the payments on-call rota");
        await admin.Page.ClickAsync("#submit-add");
        await Assertions.Expect(admin.Page.Locator("p.notice")).ToBeVisibleAsync();
        await Assertions.Expect(admin.Page.Locator("main")).ToContainTextAsync(principal);
    }

    private static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex("/signin")]
    private static partial Regex SignInPage();
}
