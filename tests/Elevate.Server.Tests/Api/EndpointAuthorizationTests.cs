using Elevate.Core.Roles;
using Elevate.Server.Tests.Approvals;
using Elevate.Server.Tests.Infrastructure;
using Elevate.Server.Tests.Reviews;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Elevate.Server.Tests.Api;

/// <summary>
/// Who may call what. Every endpoint the running app maps is walked as an anonymous caller, as a plain user (no
/// built-in role active) and as the administrator (Elevate Administrator active); an endpoint with no expectation in
/// the table below fails the walk, so a new endpoint cannot ship without someone deciding who may call it. Then the
/// finer rules: what Privileged Role Administrators and Auditors may do, that nobody grants themselves, and that a
/// plain user cannot see or end another user's access. The portal's pages are walked too: the API's bearer tokens
/// open none of them (every caller here is sent to sign in), since the portal knows only its own session cookie.
/// </summary>
public abstract class EndpointAuthorizationTests(DatabaseKind kind) : AppTest(kind)
{
    private const int Ok = 200;
    private const int Created = 201;
    private const int NoContent = 204;
    private const int Unauthenticated = 401;
    private const int Forbidden = 403;
    private const int NotFound = 404;
    private const int UnprocessableEntity = 422;
    private const int ToSignIn = 302;

    /// <summary>How the app lists a Razor page's route: one endpoint for every method.</summary>
    private const string AnyMethod = "(any method)";

    private static readonly Guid ElevateAdministrator = BuiltInRoles.IdOf(BuiltInRole.ElevateAdministrator);
    private static readonly Guid PrivilegedRoleAdministrator = BuiltInRoles.IdOf(BuiltInRole.PrivilegedRoleAdministrator);
    private static readonly Guid Auditor = BuiltInRoles.IdOf(BuiltInRole.Auditor);

    protected override bool RunScheduler => false;

    private enum Caller
    {
        Anonymous,
        PlainUser,
        Administrator,
    }

    /// <summary>The concrete request for a route: its path with real ids, and a body where it takes one.</summary>
    private sealed record Call(string Path, object? Body = null);

    /// <summary>The status each caller must get from one endpoint.</summary>
    private sealed record EndpointRule(string Method, string Route, int Anonymous, int PlainUser, int Administrator, Func<World, Caller, Task<Call>> Call)
    {
        /// <summary>The method the walk sends: a page is fetched as a browser first opens it.</summary>
        public string SentMethod => Method == AnyMethod ? "GET" : Method;

        public int ExpectedFor(Caller caller) => caller switch
        {
            Caller.Anonymous => Anonymous,
            Caller.PlainUser => PlainUser,
            Caller.Administrator => Administrator,
        };
    }

    /// <summary>
    /// What the walk aims at: alice is the plain user; bob is another user, eligible for a role, with a scheduled
    /// activation (a request) and a spare token; a group with bob in it; a service account; a narrowed settings
    /// document at /prod for the administrator to delete; an access review of that role, owned and reviewed by the
    /// administrator, with its instance running and bob's eligibility as its item.
    /// </summary>
    private sealed record World(
        ApiClient Admin, TestUser Alice, TestUser Bob, Guid RoleId, Guid GroupId, Guid ServiceAccountId, Guid BobEligibilityId, Guid BobRequestId, Guid BobTokenId,
        ElevateApp App, Guid AdminId, Guid ReviewId, Guid ReviewInstanceId, Guid ReviewItemId);

    /// <summary>Who may call each endpoint. Keys are the route patterns as mapped (a trailing '/' ignored).</summary>
    private static readonly EndpointRule[] Rules =
    [
        // Deliberately anonymous
        Open("GET", "/healthz", Ok, Fixed("/healthz")),
        Open("GET", "/openapi/{documentName}.json", Ok, Fixed("/openapi/v1.json")),
        Open("GET", "/docs/{documentName?}", Ok, Fixed("/docs/")),
        Open("GET", "/docs/scalar.js", Ok, Fixed("/docs/scalar.js")),
        Open("GET", "/docs/scalar.aspnetcore.js", Ok, Fixed("/docs/scalar.aspnetcore.js")),
        Open("GET", "/docs/favicon.svg", Ok, Fixed("/docs/favicon.svg")),
        Open("POST", "/api/v1/setup/redeem", Created, async (w, c) =>
        {
            var newcomer = (await w.Admin.PostAsync("/api/v1/users", new { name = $"newcomer-{c}" })).ShouldBe(Created).Id;
            var secret = (await w.Admin.PostAsync($"/api/v1/users/{newcomer}/setup-secret")).ShouldBe(Created)["secret"].GetString();
            return new Call("/api/v1/setup/redeem", new { secret });
        }),

        // Self-service: any signed-in principal, about themselves
        SelfService("GET", "/api/v1/me", Ok, Ok, Fixed("/api/v1/me")),
        SelfService("GET", "/api/v1/check", Ok, Ok, (w, c) => Task.FromResult(new Call(
            $"/api/v1/check?principal={(c == Caller.PlainUser ? w.Alice.Name : w.Bob.Name)}&role={w.RoleId}&scope=/prod"))),
        SelfService("GET", "/api/v1/tokens", Ok, Ok, Fixed("/api/v1/tokens")),
        SelfService("POST", "/api/v1/tokens", Created, Created, Fixed("/api/v1/tokens", new { name = "walk" })),
        SelfService("DELETE", "/api/v1/tokens/{id:guid}", NotFound, Ok, (w, _) => Task.FromResult(new Call($"/api/v1/tokens/{w.BobTokenId}"))),
        SelfService("GET", "/api/v1/roles", Ok, Ok, Fixed("/api/v1/roles")),
        SelfService("GET", "/api/v1/roles/{id:guid}", Ok, Ok, (w, _) => Task.FromResult(new Call($"/api/v1/roles/{w.RoleId}"))),
        SelfService("GET", "/api/v1/roles/{id:guid}/settings", Ok, Ok, (w, _) => Task.FromResult(new Call($"/api/v1/roles/{w.RoleId}/settings"))),
        SelfService("GET", "/api/v1/roles/{id:guid}/settings/effective", Ok, Ok, (w, _) => Task.FromResult(new Call($"/api/v1/roles/{w.RoleId}/settings/effective?scope=/prod/payments"))),
        SelfService("GET", "/api/v1/roles/{id:guid}/settings/all", Ok, Ok, (w, _) => Task.FromResult(new Call($"/api/v1/roles/{w.RoleId}/settings/all"))),
        SelfService("GET", "/api/v1/assignments", Ok, Ok, Fixed("/api/v1/assignments")),
        SelfService("GET", "/api/v1/assignments/{id:guid}", NotFound, Ok, (w, _) => Task.FromResult(new Call($"/api/v1/assignments/{w.BobEligibilityId}"))),
        SelfService("GET", "/api/v1/requests", Ok, Ok, Fixed("/api/v1/requests")),
        SelfService("GET", "/api/v1/requests/{id:guid}", NotFound, Ok, (w, _) => Task.FromResult(new Call($"/api/v1/requests/{w.BobRequestId}"))),
        SelfService("POST", "/api/v1/requests/{id:guid}/cancel", NotFound, Ok, (w, _) => Task.FromResult(new Call($"/api/v1/requests/{w.BobRequestId}/cancel"))),

        // A passkey challenge for one's own request: past authentication, neither caller has a passkey to answer it with
        SelfService("POST", "/api/v1/requests/challenge", NotFound, NotFound, (w, _) => Task.FromResult(new Call("/api/v1/requests/challenge", new
        {
            action = "selfActivate",
            roleId = w.RoleId,
            scope = "/",
            schedule = Scenario.For("PT1H"),
            justification = "Walking every endpoint",
        }))),

        // Deciding what waits for approval: bob's pending activation names the administrator as its approver, so the
        // plain user (no approver of it) is not even told it exists, and the administrator decides it
        SelfService("GET", "/api/v1/requests/awaiting-me", Ok, Ok, Fixed("/api/v1/requests/awaiting-me")),
        SelfService("GET", "/api/v1/requests/{id:guid}/approval", NotFound, Ok, async (w, c) => new Call($"/api/v1/requests/{await BobsPendingApprovalAsync(w, c, "read")}/approval")),
        SelfService("POST", "/api/v1/requests/{id:guid}/approve", NotFound, Ok, async (w, c) => new Call($"/api/v1/requests/{await BobsPendingApprovalAsync(w, c, "approve")}/approve", new { })),
        SelfService("POST", "/api/v1/requests/{id:guid}/deny", NotFound, Ok, async (w, c) => new Call(
            $"/api/v1/requests/{await BobsPendingApprovalAsync(w, c, "deny")}/deny", new { reason = "Walking every endpoint" })),
        SelfService("POST", "/api/v1/requests/decisions", Ok, Ok, async (w, c) => new Call("/api/v1/requests/decisions", new
        {
            decisions = new[] { new { requestId = await BobsPendingApprovalAsync(w, c, "bulk"), verdict = "approve" } },
        })),

        // A passkey challenge for a decision: past authentication, neither caller has a passkey to answer it with
        SelfService("POST", "/api/v1/requests/{id:guid}/decision-challenge", NotFound, NotFound, async (w, c) => new Call(
            $"/api/v1/requests/{await BobsPendingApprovalAsync(w, c, "challenge")}/decision-challenge", new { verdict = "approve" })),

        // An administrator's request (adminAssign): refused to a plain user, whose own requests are self-service
        AdminOnly("POST", "/api/v1/requests", Created, (w, c) => Task.FromResult(new Call("/api/v1/requests", new
        {
            action = "adminAssign",
            kind = "eligible",
            principalId = w.Bob.Id,
            roleId = w.RoleId,
            scope = $"/walk-{c}",
            schedule = Scenario.Permanent,
            justification = "Walking every endpoint",
        }))),

        // The directory
        AdminOnly("GET", "/api/v1/users", Ok, Fixed("/api/v1/users")),
        AdminOnly("POST", "/api/v1/users", Created, (_, c) => Task.FromResult(new Call("/api/v1/users", new { name = $"user-{c}" }))),
        AdminOnly("GET", "/api/v1/groups", Ok, Fixed("/api/v1/groups")),
        AdminOnly("POST", "/api/v1/groups", Created, (_, c) => Task.FromResult(new Call("/api/v1/groups", new { name = $"group-{c}" }))),
        AdminOnly("GET", "/api/v1/service-accounts", Ok, Fixed("/api/v1/service-accounts")),
        AdminOnly("POST", "/api/v1/service-accounts", Created, (_, c) => Task.FromResult(new Call("/api/v1/service-accounts", new { name = $"robot-{c}" }))),
        AdminOnly("GET", "/api/v1/principals/{id:guid}", Ok, (w, _) => Task.FromResult(new Call($"/api/v1/principals/{w.Bob.Id}"))),
        AdminOnly("PATCH", "/api/v1/principals/{id:guid}", Ok, (w, _) => Task.FromResult(new Call($"/api/v1/principals/{w.Bob.Id}", new { description = "On call for payments" }))),
        AdminOnly("GET", "/api/v1/principals/{id:guid}/tokens", Ok, (w, _) => Task.FromResult(new Call($"/api/v1/principals/{w.Bob.Id}/tokens"))),
        AdminOnly("GET", "/api/v1/groups/{id:guid}/members", Ok, (w, _) => Task.FromResult(new Call($"/api/v1/groups/{w.GroupId}/members"))),
        AdminOnly("PUT", "/api/v1/groups/{id:guid}/members/{memberId:guid}", NoContent, (w, _) => Task.FromResult(new Call($"/api/v1/groups/{w.GroupId}/members/{w.Alice.Id}"))),
        AdminOnly("DELETE", "/api/v1/groups/{id:guid}/members/{memberId:guid}", NoContent, (w, _) => Task.FromResult(new Call($"/api/v1/groups/{w.GroupId}/members/{w.Bob.Id}"))),
        AdminOnly("POST", "/api/v1/users/{id:guid}/setup-secret", Created, (w, _) => Task.FromResult(new Call($"/api/v1/users/{w.Bob.Id}/setup-secret"))),
        AdminOnly("DELETE", "/api/v1/users/{id:guid}/factors", Ok, (w, _) => Task.FromResult(new Call($"/api/v1/users/{w.Bob.Id}/factors"))),
        AdminOnly("DELETE", "/api/v1/users/{id:guid}/sessions", Ok, (w, _) => Task.FromResult(new Call($"/api/v1/users/{w.Bob.Id}/sessions"))),
        AdminOnly("POST", "/api/v1/service-accounts/{id:guid}/tokens", Created, (w, _) => Task.FromResult(new Call($"/api/v1/service-accounts/{w.ServiceAccountId}/tokens", new { name = "ci" }))),

        // Roles and their settings
        AdminOnly("POST", "/api/v1/roles", Created, (_, c) => Task.FromResult(new Call("/api/v1/roles", new { name = $"role-{c}" }))),
        AdminOnly("PATCH", "/api/v1/roles/{id:guid}", Ok, (w, _) => Task.FromResult(new Call($"/api/v1/roles/{w.RoleId}", new { description = "Owns the databases" }))),
        AdminOnly("PUT", "/api/v1/roles/{id:guid}/settings", Ok, (w, _) => Task.FromResult(new Call($"/api/v1/roles/{w.RoleId}/settings", new { activation = new { maxDuration = "PT4H" } }))),
        AdminOnly("DELETE", "/api/v1/roles/{id:guid}/settings", NoContent, (w, _) => Task.FromResult(new Call($"/api/v1/roles/{w.RoleId}/settings?scope=/prod"))),

        // Notifications: each user's own preferences; the outbox and channel tests are the administrator's (no channel is
        // configured here, so no message exists to find or retry, and a test has nowhere to go)
        SelfService("GET", "/api/v1/me/notification-preferences", Ok, Ok, Fixed("/api/v1/me/notification-preferences")),
        SelfService("PUT", "/api/v1/me/notification-preferences", Ok, Ok, Fixed("/api/v1/me/notification-preferences", new { mode = "criticalOnly", digestTime = "PT8H" })),
        AdminOnly("GET", "/api/v1/notifications/outbox", Ok, Fixed("/api/v1/notifications/outbox?status=pending")),
        AdminOnly("GET", "/api/v1/notifications/outbox/{id:guid}", NotFound, (_, _) => Task.FromResult(new Call($"/api/v1/notifications/outbox/{Guid.NewGuid()}"))),
        AdminOnly("POST", "/api/v1/notifications/outbox/{id:guid}/retry", NotFound, (_, _) => Task.FromResult(new Call($"/api/v1/notifications/outbox/{Guid.NewGuid()}/retry"))),
        AdminOnly("POST", "/api/v1/notifications/test", UnprocessableEntity, Fixed("/api/v1/notifications/test", new { channel = "email" })),

        // Security alerts: reading them (and the thresholds) is for auditors and administrators, acting on them for
        // administrators; the catalogue is the same fixed descriptions for everyone signed in (it has no check beyond
        // sign-in). No alert exists here, so one to read, dismiss or fix is not found.
        AdminOnly("GET", "/api/v1/alerts", Ok, Fixed("/api/v1/alerts?status=open")),
        SelfService("GET", "/api/v1/alerts/catalogue", Ok, Ok, Fixed("/api/v1/alerts/catalogue")),
        AdminOnly("GET", "/api/v1/alerts/{id:guid}", NotFound, (_, _) => Task.FromResult(new Call($"/api/v1/alerts/{Guid.NewGuid()}"))),
        AdminOnly("POST", "/api/v1/alerts/{id:guid}/dismiss", NotFound, (_, _) => Task.FromResult(new Call($"/api/v1/alerts/{Guid.NewGuid()}/dismiss", new { reason = "Walking every endpoint" }))),
        AdminOnly("POST", "/api/v1/alerts/{id:guid}/fix", NotFound, (_, _) => Task.FromResult(new Call($"/api/v1/alerts/{Guid.NewGuid()}/fix", new { }))),
        AdminOnly("POST", "/api/v1/alerts/evaluate", Ok, Fixed("/api/v1/alerts/evaluate")),
        AdminOnly("GET", "/api/v1/alert-settings", Ok, Fixed("/api/v1/alert-settings")),
        AdminOnly("PUT", "/api/v1/alert-settings", Ok, Fixed("/api/v1/alert-settings", new { staleAccountAfter = "P60D" })),

        // Access reviews: defining, running and reading them is for administrators (and a review's owner); a plain
        // user, neither owner nor reviewer of the review at hand, is not even told it exists. The reviewer's own lists
        // answer anyone signed in, and accepting recommendations accepts what waits for the caller (for the plain user,
        // nothing). Whatever the administrator's call changes (stop, close, apply) is a review of its own.
        SelfService("GET", "/api/v1/access-reviews", Ok, Ok, Fixed("/api/v1/access-reviews")),
        AdminOnly("POST", "/api/v1/access-reviews", Created, (w, c) => Task.FromResult(new Call("/api/v1/access-reviews", ReviewBody(w, $"walk-create-{c}")))),
        SelfService("GET", "/api/v1/access-reviews/{id:guid}", NotFound, Ok, (w, _) => Task.FromResult(new Call($"/api/v1/access-reviews/{w.ReviewId}"))),
        SelfService("PUT", "/api/v1/access-reviews/{id:guid}", NotFound, Ok, async (w, c) =>
        {
            var review = (await w.Admin.PostAsync("/api/v1/access-reviews", ReviewBody(w, $"walk-edit-{c}"))).ShouldBe(Created).Id;
            return new Call($"/api/v1/access-reviews/{review}", ReviewBody(w, $"walk-edited-{c}"));
        }),
        SelfService("POST", "/api/v1/access-reviews/{id:guid}/stop", NotFound, Ok, async (w, c) => new Call(
            $"/api/v1/access-reviews/{(await RunningReviewAsync(w, c, "stop")).ReviewId}/stop", new { reason = "Walking every endpoint" })),
        SelfService("GET", "/api/v1/access-reviews/{id:guid}/instances", NotFound, Ok, (w, _) => Task.FromResult(new Call($"/api/v1/access-reviews/{w.ReviewId}/instances"))),
        SelfService("GET", "/api/v1/access-review-instances/{id:guid}", NotFound, Ok, (w, _) => Task.FromResult(new Call($"/api/v1/access-review-instances/{w.ReviewInstanceId}"))),
        SelfService("GET", "/api/v1/access-review-instances/{id:guid}/items", NotFound, Ok, (w, _) => Task.FromResult(new Call(
            $"/api/v1/access-review-instances/{w.ReviewInstanceId}/items?decision=all"))),
        SelfService("GET", "/api/v1/access-review-instances/{id:guid}/export", NotFound, Ok, (w, _) => Task.FromResult(new Call(
            $"/api/v1/access-review-instances/{w.ReviewInstanceId}/export"))),
        SelfService("POST", "/api/v1/access-review-instances/{id:guid}/close", NotFound, Ok, async (w, c) => new Call(
            $"/api/v1/access-review-instances/{(await RunningReviewAsync(w, c, "close")).InstanceId}/close")),
        SelfService("POST", "/api/v1/access-review-instances/{id:guid}/apply", NotFound, Ok, async (w, c) =>
        {
            // A closed instance with a denial left to apply: the administrator, its reviewer, denies bob's access and closes it.
            var (_, instance) = await RunningReviewAsync(w, c, "apply");
            var item = Assert.Single(await w.Admin.ItemsAsync(instance)).GetProperty("id").GetGuid();
            (await w.Admin.DecideAsync(instance, ReviewScenario.Decision(item, "deny", "Walking every endpoint"))).ShouldBe(Ok);
            (await w.Admin.PostAsync($"/api/v1/access-review-instances/{instance}/close")).ShouldBe(Ok);
            return new Call($"/api/v1/access-review-instances/{instance}/apply");
        }),
        // A decision by someone who neither reviews nor may read the instance: not found, as the reviewer's item list
        // and an approval answer such a stranger; a refusal naming whose access to which role is at stake tells them
        // what they may not see.
        SelfService("POST", "/api/v1/access-review-instances/{id:guid}/decisions", NotFound, Ok, (w, _) => Task.FromResult(new Call(
            $"/api/v1/access-review-instances/{w.ReviewInstanceId}/decisions", new { items = new[] { ReviewScenario.Decision(w.ReviewItemId, "approve", "Walking every endpoint") } }))),
        // Likewise: to a stranger, nothing to accept is an instance that does not exist.
        SelfService("POST", "/api/v1/access-review-instances/{id:guid}/accept-recommendations", NotFound, Ok, (w, _) => Task.FromResult(new Call(
            $"/api/v1/access-review-instances/{w.ReviewInstanceId}/accept-recommendations"))),
        SelfService("GET", "/api/v1/me/access-reviews", Ok, Ok, Fixed("/api/v1/me/access-reviews")),
        SelfService("GET", "/api/v1/me/access-reviews/{id:guid}/items", NotFound, Ok, (w, _) => Task.FromResult(new Call(
            $"/api/v1/me/access-reviews/{w.ReviewInstanceId}/items?pending=false"))),

        // The audit trail and the scheduler
        AdminOnly("GET", "/api/v1/audit/events", Ok, Fixed("/api/v1/audit/events")),
        AdminOnly("GET", "/api/v1/audit/events/{sequence:long}", Ok, Fixed("/api/v1/audit/events/1")),
        AdminOnly("GET", "/api/v1/audit/export", Ok, Fixed("/api/v1/audit/export?format=csv")),
        AdminOnly("POST", "/api/v1/audit/verify", Ok, Fixed("/api/v1/audit/verify")),
        AdminOnly("GET", "/api/v1/audit/head", Ok, Fixed("/api/v1/audit/head")),
        AdminOnly("GET", "/api/v1/system/scheduler", Ok, Fixed("/api/v1/system/scheduler")),

        // The portal: a bearer token is no portal session, so the administrator is sent to sign in like a stranger
        Page("signin", Ok),
        Page("setup", Ok),
        Page("signin/factor", ToSignIn),
        Page("", ToSignIn),
        Page("roles", ToSignIn),
        Page("requests", ToSignIn),
        Page("account", ToSignIn),
        Page("account/security", ToSignIn),
        Page("account/tokens", ToSignIn),
        Page("signout", ToSignIn),
        Page("approvals", ToSignIn),
        new(AnyMethod, "approvals/{id:guid}", ToSignIn, ToSignIn, ToSignIn, (w, _) => Task.FromResult(new Call($"/approvals/{w.BobRequestId}"))),
        Page("reviews", ToSignIn),
        new(AnyMethod, "reviews/{instanceId:guid}", ToSignIn, ToSignIn, ToSignIn, (w, _) => Task.FromResult(new Call($"/reviews/{w.ReviewInstanceId}"))),
        Page("admin/reviews", ToSignIn),
        new(AnyMethod, "admin/reviews/{reviewId:guid}", ToSignIn, ToSignIn, ToSignIn, (w, _) => Task.FromResult(new Call($"/admin/reviews/{w.ReviewId}"))),
        new(AnyMethod, "admin/reviews/instances/{instanceId:guid}", ToSignIn, ToSignIn, ToSignIn, (w, _) => Task.FromResult(new Call(
            $"/admin/reviews/instances/{w.ReviewInstanceId}"))),
        Page("audit", ToSignIn),
        Page("admin/roles", ToSignIn),
        new(AnyMethod, "admin/roles/{roleId:guid}", ToSignIn, ToSignIn, ToSignIn, (w, _) => Task.FromResult(new Call($"/admin/roles/{w.RoleId}"))),
        new(AnyMethod, "audit/{sequence:long}", ToSignIn, ToSignIn, ToSignIn, Fixed("/audit/1")),
        Page("admin/users", ToSignIn),
        new(AnyMethod, "admin/users/{id:guid}", ToSignIn, ToSignIn, ToSignIn, (w, _) => Task.FromResult(new Call($"/admin/users/{w.Alice.Id}"))),
        Page("admin/notifications", ToSignIn),
        Page("admin/sign-in", ToSignIn),
        Page("admin/assignments", ToSignIn),
        Page("admin/assignments/new", ToSignIn),
        Page("admin/assignments/bulk", ToSignIn),
        new(AnyMethod, "admin/assignments/{id:guid}", ToSignIn, ToSignIn, ToSignIn, Fixed("/admin/assignments/00000000-0000-0000-0000-000000000001")),
        Page("admin", ToSignIn),
        Open("GET", "/signin/sso/{provider}", ToSignIn, Fixed("/signin/sso/nowhere")),
        Open("GET", "/signin/sso/{provider}/complete", ToSignIn, Fixed("/signin/sso/nowhere/complete")),
    ];

    [Fact]
    public async Task Every_endpoint_has_an_authorization_expectation_and_each_caller_gets_exactly_what_it_says()
    {
        var world = await WorldAsync();
        var failures = new List<string>();
        var expected = Rules.ToDictionary(r => Key(r.Method, r.Route));
        var mapped = MappedEndpoints();
        failures.AddRange(mapped.Where(k => !expected.ContainsKey(k)).Select(k => $"{k}: no authorization expectation; add one to the table"));
        failures.AddRange(expected.Keys.Where(k => !mapped.Contains(k)).Select(k => $"{k}: in the table but not mapped by the app"));

        var callers = new[] { (Caller.Anonymous, App.Anonymous()), (Caller.PlainUser, world.Alice.Client), (Caller.Administrator, Admin) };
        foreach (var (caller, client) in callers)
        {
            foreach (var rule in Rules)
            {
                var call = await rule.Call(world, caller);
                var response = await client.SendAsync(new HttpMethod(rule.SentMethod), call.Path, call.Body, null);
                if (Mismatch(rule.ExpectedFor(caller), response) is { } problem)
                {
                    failures.Add($"{caller,-13} {rule.SentMethod} {call.Path}: {problem}");
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} authorization expectation(s) not met:{Environment.NewLine}{string.Join(Environment.NewLine, failures)}");
    }

    [Fact]
    public async Task A_privileged_role_administrator_manages_roles_and_assignments_but_not_the_directory_nor_elevate_administrators()
    {
        var pra = await UserAsync("pra");
        var bob = await UserAsync("bob");
        (await Admin.AssignAsync("active", pra.Id, PrivilegedRoleAdministrator, "/", Scenario.Permanent, "Runs the role catalogue")).ShouldBe(201);

        var role = (await pra.Client.PostAsync("/api/v1/roles", new { name = "db-admin" })).ShouldBe(201).Id;
        (await pra.Client.AssignAsync("eligible", bob.Id, role, "/prod", Scenario.Permanent)).ShouldBe(201);
        (await pra.Client.AssignAsync("active", bob.Id, role, "/dev", Scenario.For("PT8H"))).ShouldBe(201);

        (await pra.Client.PostAsync("/api/v1/users", new { name = "mallory" })).ShouldFail(403, "forbidden");
        (await pra.Client.AssignAsync("active", bob.Id, ElevateAdministrator, "/", Scenario.Permanent)).ShouldFail(403, "forbidden");
        (await pra.Client.AssignAsync("eligible", bob.Id, ElevateAdministrator, "/", Scenario.Permanent)).ShouldFail(403, "forbidden");
        Assert.False(await Admin.IsAllowedAsync("bob", ElevateAdministrator, "/"));
        var bobs = (await Admin.GetAsync($"/api/v1/assignments?principalId={bob.Id}&roleId={ElevateAdministrator}")).ShouldBe(200);
        Assert.Empty(bobs["items"].EnumerateArray());
        Assert.Empty((await Admin.GetAsync("/api/v1/users?name=mallory")).ShouldBe(200)["items"].EnumerateArray());
    }

    [Fact]
    public async Task An_auditor_reads_the_audit_trail_but_changes_nothing()
    {
        var auditor = await UserAsync("auditor");
        (await Admin.AssignAsync("active", auditor.Id, Auditor, "/", Scenario.Permanent, "Quarterly audit")).ShouldBe(201);

        (await auditor.Client.GetAsync("/api/v1/audit/events")).ShouldBe(200);
        (await auditor.Client.GetAsync("/api/v1/audit/head")).ShouldBe(200);
        (await auditor.Client.PostAsync("/api/v1/roles", new { name = "db-admin" })).ShouldFail(403, "forbidden");
        (await auditor.Client.PostAsync("/api/v1/users", new { name = "mallory" })).ShouldFail(403, "forbidden");
        Assert.DoesNotContain((await Admin.GetAsync("/api/v1/roles")).ShouldBe(200)["items"].EnumerateArray(), r => r.GetProperty("name").GetString() == "db-admin");
    }

    [Fact]
    public async Task An_administrator_cannot_assign_a_role_to_themselves()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var me = (await Admin.GetAsync("/api/v1/me")).ShouldBe(200)["principal"].GetProperty("id").GetGuid();

        (await Admin.AssignAsync("active", me, role, "/", Scenario.For("PT8H"))).ShouldFail(403, "self_grant_forbidden");
        (await Admin.AssignAsync("eligible", me, role, "/", Scenario.Permanent)).ShouldFail(403, "self_grant_forbidden");

        Assert.Empty((await Admin.GetAsync($"/api/v1/assignments?principalId={me}&roleId={role}")).ShouldBe(200)["items"].EnumerateArray());
    }

    [Fact]
    public async Task An_administrator_role_that_is_only_eligible_grants_no_administration()
    {
        var dave = await UserAsync("dave");
        await Admin.MakeEligibleAsync(dave.Id, ElevateAdministrator);

        (await dave.Client.PostAsync("/api/v1/roles", new { name = "db-admin" })).ShouldFail(403, "forbidden");
        (await dave.Client.PostAsync("/api/v1/users", new { name = "mallory" })).ShouldFail(403, "forbidden");
        (await dave.Client.GetAsync("/api/v1/audit/events")).ShouldFail(403, "forbidden");
    }

    [Fact]
    public async Task A_plain_user_can_neither_read_another_users_request_nor_end_their_activation()
    {
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");
        var role = await Admin.CreateRoleAsync("db-admin");
        await Admin.MakeEligibleAsync(bob.Id, role);
        var activation = (await bob.Client.ActivateAsync(role, "/", Scenario.For("PT2H"))).ShouldBe(201);
        var assignmentId = activation["resultAssignmentId"].GetGuid();

        (await alice.Client.GetAsync($"/api/v1/requests/{activation.Id}")).ShouldFail(404, "request_not_found");
        (await alice.Client.GetAsync($"/api/v1/assignments/{assignmentId}")).ShouldFail(404, "assignment_not_found");
        var deactivation = await alice.Client.DeactivateAsync(assignmentId);
        Assert.True(
            (deactivation.Status, deactivation.Code) is (403, "not_own_assignment") or (404, "assignment_not_found"),
            $"Expected 403 not_own_assignment or 404 assignment_not_found, got {deactivation.Status}: {deactivation.Body}");
        (await alice.Client.PostAsync($"/api/v1/requests/{activation.Id}/cancel")).ShouldFail(404, "request_not_found");

        Assert.True(await Admin.IsAllowedAsync("bob", role, "/"));
        Assert.Equal("active", (await Admin.AssignmentAsync(assignmentId))["status"].GetString());
    }

    private async Task<World> WorldAsync()
    {
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");
        var role = await Admin.CreateRoleAsync("db-admin");
        (await Admin.PutAsync($"/api/v1/roles/{role}/settings?scope=/prod", new { activation = new { maxDuration = "PT2H" } })).ShouldBe(201);
        var group = await Admin.CreateGroupAsync("oncall", bob.Id);
        var robot = (await Admin.PostAsync("/api/v1/service-accounts", new { name = "deployer" })).ShouldBe(201).Id;
        var eligibility = await Admin.MakeEligibleAsync(bob.Id, role);
        var scheduled = (await bob.Client.ActivateAsync(role, "/", Scenario.For("PT1H", App.Time.GetUtcNow().AddHours(1)))).ShouldBe(201);
        Assert.Equal("scheduled", scheduled["status"].GetString());
        var spareToken = (await bob.Client.PostAsync("/api/v1/tokens", new { name = "spare" })).ShouldBe(201)["token"].GetProperty("id").GetGuid();
        var adminId = await Admin.MyIdAsync();
        var (review, instance) = await Admin.StartReviewNowAsync(App, "db-admin review",
            ReviewScenario.Definition([role], [ReviewScenario.Named(adminId)], App.Time.GetUtcNow()), schedulerRuns: false);
        var item = Assert.Single(await Admin.ItemsAsync(instance));
        Assert.Equal(eligibility, item.GetProperty("assignmentId").GetGuid());
        return new World(Admin, alice, bob, role, group, robot, eligibility, scheduled.Id, spareToken, App, adminId, review, instance, item.GetProperty("id").GetGuid());
    }

    /// <summary>A review definition (named for <paramref name="name"/>) of the world's role, reviewed by the administrator, starting tomorrow.</summary>
    private static object ReviewBody(World w, string name) => new
    {
        name,
        description = "Walking every endpoint",
        definition = ReviewScenario.Definition([w.RoleId], [ReviewScenario.Named(w.AdminId)], w.App.Time.GetUtcNow() + TimeSpan.FromDays(1)),
    };

    /// <summary>
    /// A review of bob's eligibility for a new role (named for <paramref name="purpose"/> and the caller), reviewed by
    /// the administrator, with its instance started by a scheduler pass run by hand.
    /// </summary>
    private static async Task<(Guid ReviewId, Guid InstanceId)> RunningReviewAsync(World w, Caller caller, string purpose)
    {
        var role = await w.Admin.CreateRoleAsync($"review-{purpose}-{caller}");
        await w.Admin.MakeEligibleAsync(w.Bob.Id, role);
        return await w.Admin.StartReviewNowAsync(w.App, $"review-{purpose}-{caller}",
            ReviewScenario.Definition([role], [ReviewScenario.Named(w.AdminId)], w.App.Time.GetUtcNow()), schedulerRuns: false);
    }

    /// <summary>Bob's activation of a new role (named for <paramref name="purpose"/> and the caller) waiting for the administrator's approval.</summary>
    private static async Task<Guid> BobsPendingApprovalAsync(World w, Caller caller, string purpose)
    {
        var role = await w.Admin.RoleNeedingApprovalAsync(w.Bob.Id, $"approval-{purpose}-{caller}", null, false, ApprovalScenario.Stage(await w.Admin.MyIdAsync()));
        return await w.Bob.Client.ActivatePendingAsync(role);
    }

    /// <summary>Every method and route pattern the running app maps.</summary>
    private HashSet<string> MappedEndpoints()
    {
        var source = App.Services.GetRequiredService<EndpointDataSource>();
        return source.Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["(any method)"]).Select(m => Key(m, e.RoutePattern.RawText ?? "")))
            .ToHashSet();
    }

    private static string Key(string method, string route) => $"{method} {(route.Length > 1 ? route.TrimEnd('/') : route)}";

    /// <summary>Null when the response is what the caller must get; otherwise what is wrong with it.</summary>
    private static string? Mismatch(int expected, ApiResponse response)
    {
        if (response.Status != expected)
        {
            return $"expected {expected}, got {response.Status} {Shorten(response.Body.ToString())}";
        }

        if (expected == ToSignIn)
        {
            return PortalPage.RedirectPathOf(response.Message) == "/signin" ? null : $"expected a redirect to /signin, got one to {response.Message.Headers.Location}";
        }

        var code = expected switch
        {
            Unauthenticated => "unauthenticated",
            Forbidden => "forbidden",
            _ => null,
        };
        if (code is not null && (response.Code != code || response.Message.Content.Headers.ContentType?.MediaType != "application/problem+json"))
        {
            return $"expected a problem with code '{code}', got '{response.Code}' as {response.Message.Content.Headers.ContentType?.MediaType}";
        }

        return null;
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "...";

    private static Func<World, Caller, Task<Call>> Fixed(string path, object? body = null) => (_, _) => Task.FromResult(new Call(path, body));

    /// <summary>Served to everyone, signed in or not.</summary>
    private static EndpointRule Open(string method, string route, int status, Func<World, Caller, Task<Call>> call) =>
        new(method, route, status, status, status, call);

    /// <summary>Any signed-in principal; the plain user gets <paramref name="plainUser"/> (their own, or 404 for another's).</summary>
    private static EndpointRule SelfService(string method, string route, int plainUser, int administrator, Func<World, Caller, Task<Call>> call) =>
        new(method, route, Unauthenticated, plainUser, administrator, call);

    /// <summary>A portal page at <paramref name="route"/> (as mapped, without the leading '/'): the same for every caller.</summary>
    private static EndpointRule Page(string route, int status) => new(AnyMethod, route, status, status, status, Fixed("/" + route));

    /// <summary>Needs a built-in role active: a plain user is forbidden.</summary>
    private static EndpointRule AdminOnly(string method, string route, int administrator, Func<World, Caller, Task<Call>> call) =>
        new(method, route, Unauthenticated, Forbidden, administrator, call);
}

public sealed class EndpointAuthorizationTestsOnSqlite() : EndpointAuthorizationTests(DatabaseKind.Sqlite);

public sealed class EndpointAuthorizationTestsOnPostgres() : EndpointAuthorizationTests(DatabaseKind.Postgres);
