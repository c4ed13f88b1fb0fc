using Elevate.Core.Roles;
using Elevate.Server.Tests.Infrastructure;

namespace Elevate.Server.Tests.Assignments;

/// <summary>What administrators do to assignments, and the safeguards around it.</summary>
public abstract class AdministrationTests(DatabaseKind kind) : AppTest(kind)
{
    private static readonly Guid ElevateAdministrator = new("0e1e0a7e-0000-4000-8000-000000000001");

    [Fact]
    public async Task The_last_Elevate_Administrator_cannot_be_removed_until_another_holds_the_role_permanently()
    {
        var me = (await Admin.GetAsync("/api/v1/me")).ShouldBe(200);
        var mine = me["active"].EnumerateArray().Single(g => g.GetProperty("role").GetProperty("id").GetGuid() == ElevateAdministrator)
            .GetProperty("assignmentId").GetGuid();

        (await Admin.RemoveAsync(mine)).ShouldFail(422, "last_administrator");
        (await Admin.PatchAsync($"/api/v1/principals/{me["principal"].GetProperty("id").GetGuid()}", new { enabled = false })).ShouldFail(422, "last_administrator");

        var carol = await UserAsync("carol");
        (await Admin.AssignAsync("active", carol.Id, ElevateAdministrator, "/", Scenario.For("P30D"))).ShouldBe(201);
        (await Admin.RemoveAsync(mine)).ShouldFail(422, "last_administrator");

        (await Admin.AssignAsync("active", carol.Id, ElevateAdministrator, "/", Scenario.Permanent)).ShouldFail(409, "assignment_already_exists");
        var dave = await UserAsync("dave");
        (await Admin.AssignAsync("active", dave.Id, ElevateAdministrator, "/", Scenario.Permanent)).ShouldBe(201);
        (await Admin.RemoveAsync(mine)).ShouldBe(201);

        Assert.Contains("manageDirectory", (await dave.Client.GetAsync("/api/v1/me")).ShouldBe(200)["permissions"].EnumerateArray().Select(p => p.GetString()));
        (await Admin.PostAsync("/api/v1/roles", new { name = "too-late" })).ShouldFail(403, "forbidden");
    }

    [Fact]
    public async Task Disabling_a_user_ends_their_grants_and_refuses_their_tokens()
    {
        var alice = await UserAsync("alice");
        var role = await Admin.CreateRoleAsync("db-admin");
        await Admin.MakeEligibleAsync(alice.Id, role);
        var activation = (await alice.Client.ActivateAsync(role, "/", Scenario.For("PT4H"))).ShouldBe(201)["resultAssignmentId"].GetGuid();
        var direct = (await Admin.AssignAsync("active", alice.Id, role, "/other", Scenario.For("P1D"))).ShouldBe(201)["resultAssignmentId"].GetGuid();

        var disabled = (await Admin.PatchAsync($"/api/v1/principals/{alice.Id}", new { enabled = false })).ShouldBe(200);

        Assert.False(disabled["enabled"].GetBoolean());
        Assert.False(await Admin.IsAllowedAsync("alice", role, "/"));
        Assert.Equal("principalDisabled", (await Admin.AssignmentAsync(activation))["endReason"].GetString());
        Assert.Equal("principalDisabled", (await Admin.AssignmentAsync(direct))["endReason"].GetString());
        (await alice.Client.ActivateAsync(role, "/", Scenario.For("PT1H"))).ShouldFail(401, "unauthenticated");

        (await Admin.PatchAsync($"/api/v1/principals/{alice.Id}", new { enabled = true })).ShouldBe(200);
        Assert.False(await Admin.IsAllowedAsync("alice", role, "/"));
        (await alice.Client.ActivateAsync(role, "/", Scenario.For("PT1H"))).ShouldBe(201);
    }

    [Fact]
    public async Task Removing_an_eligibility_settles_the_pending_requests_that_depended_on_it()
    {
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");
        var role = await Admin.CreateRoleAsync("db-admin");
        var eligibility = await Admin.MakeEligibleAsync(alice.Id, role);
        var activation = (await alice.Client.ActivateAsync(role, "/", Scenario.For("PT1H"))).ShouldBe(201)["resultAssignmentId"].GetGuid();
        (await Admin.PutAsync($"/api/v1/roles/{role}/settings", new { activation = new { approval = new { required = true, approvers = new[] { bob.Id } } } })).ShouldBe(200);
        var extension = (await alice.Client.PostAsync("/api/v1/requests", new
        {
            action = "selfExtend",
            targetAssignmentId = activation,
            schedule = Scenario.For("PT4H"),
            justification = "Longer outage",
        })).ShouldBe(201);
        var second = (await alice.Client.ActivateAsync(role, "/other", Scenario.For("PT1H"))).ShouldBe(201);
        Assert.Equal("pendingApproval", extension["status"].GetString());
        Assert.Equal("pendingApproval", second["status"].GetString());

        (await Admin.RemoveAsync(eligibility)).ShouldBe(201);

        Assert.Equal("canceled", (await Admin.RequestAsync(extension.Id))["status"].GetString());
        Assert.Equal("revoked", (await Admin.RequestAsync(second.Id))["status"].GetString());
        Assert.Equal("eligibilityRemoved", (await Admin.AssignmentAsync(activation))["endReason"].GetString());
        var settled = await Admin.AuditTrailAsync($"&principalId={alice.Id}");
        Assert.Contains(settled, e => e.GetProperty("action").GetString() == "request.canceled" && e.GetProperty("requestId").GetGuid() == extension.Id);
        Assert.Contains(settled, e => e.GetProperty("action").GetString() == "request.revoked" && e.GetProperty("requestId").GetGuid() == second.Id);
        var ended = settled.Single(e => e.GetProperty("action").GetString() == "assignment.ended" && e.GetProperty("assignmentId").GetGuid() == activation);
        Assert.Equal("No longer needed", ended.GetProperty("justification").GetString());
    }

    [Fact]
    public async Task Disabling_a_user_with_pending_requests_cancels_them()
    {
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");
        var role = await Admin.CreateRoleAsync("db-admin");
        await Admin.MakeEligibleAsync(alice.Id, role);
        var activation = (await alice.Client.ActivateAsync(role, "/", Scenario.For("PT1H"))).ShouldBe(201)["resultAssignmentId"].GetGuid();
        (await Admin.PutAsync($"/api/v1/roles/{role}/settings", new { activation = new { approval = new { required = true, approvers = new[] { bob.Id } } } })).ShouldBe(200);
        var extension = (await alice.Client.PostAsync("/api/v1/requests", new
        {
            action = "selfExtend",
            targetAssignmentId = activation,
            schedule = Scenario.For("PT4H"),
            justification = "Longer outage",
        })).ShouldBe(201);

        (await Admin.PatchAsync($"/api/v1/principals/{alice.Id}", new { enabled = false })).ShouldBe(200);

        Assert.Equal("canceled", (await Admin.RequestAsync(extension.Id))["status"].GetString());
        Assert.Equal("principalDisabled", (await Admin.AssignmentAsync(activation))["endReason"].GetString());
    }

    [Fact]
    public async Task Disabling_a_group_ends_what_its_members_activated_through_it()
    {
        var alice = await UserAsync("alice");
        var role = await Admin.CreateRoleAsync("db-admin");
        var oncall = await Admin.CreateGroupAsync("oncall", alice.Id);
        await Admin.MakeEligibleAsync(oncall, role);
        var activation = (await alice.Client.ActivateAsync(role, "/", Scenario.For("PT4H"))).ShouldBe(201)["resultAssignmentId"].GetGuid();

        (await Admin.PatchAsync($"/api/v1/principals/{oncall}", new { enabled = false })).ShouldBe(200);

        Assert.False(await Admin.IsAllowedAsync("alice", role, "/"));
        Assert.Equal("principalDisabled", (await Admin.AssignmentAsync(activation))["endReason"].GetString());
        (await alice.Client.ActivateAsync(role, "/", Scenario.For("PT1H"))).ShouldFail(403, "not_eligible");
        Assert.Empty((await alice.Client.GetAsync("/api/v1/me")).ShouldBe(200)["eligible"].EnumerateArray());
    }

    [Fact]
    public async Task An_update_takes_effect_when_accepted_and_cannot_end_a_window_in_the_past()
    {
        var alice = await UserAsync("alice");
        var role = await Admin.CreateRoleAsync("db-admin");
        var eligibility = await Admin.MakeEligibleAsync(alice.Id, role, "/", Scenario.For("P10D"));
        App.Time.Advance(TimeSpan.FromHours(2));

        (await Admin.PostAsync("/api/v1/requests", new { action = "adminUpdate", targetAssignmentId = eligibility, schedule = Scenario.For("PT1H"), justification = "x" }))
            .ShouldFail(400, "invalid_schedule");
        var moved = (await Admin.PostAsync("/api/v1/requests", new
        {
            action = "adminUpdate",
            targetAssignmentId = eligibility,
            schedule = Scenario.For("P5D", App.Time.GetUtcNow().AddDays(1)),
            justification = "Starts next week",
        })).ShouldBe(201);

        Assert.Equal("provisioned", moved["status"].GetString());
        Assert.Equal("scheduled", moved["assignment"].GetProperty("status").GetString());
        (await Admin.PostAsync($"/api/v1/requests/{moved.Id}/cancel")).ShouldFail(409, "invalid_transition");
        Assert.Equal("scheduled", (await Admin.AssignmentAsync(eligibility))["status"].GetString());
    }

    [Fact]
    public async Task Leaving_a_group_ends_the_activations_made_through_it()
    {
        var alice = await UserAsync("alice");
        var role = await Admin.CreateRoleAsync("db-admin");
        var oncall = await Admin.CreateGroupAsync("oncall", alice.Id);
        await Admin.MakeEligibleAsync(oncall, role);
        var activation = (await alice.Client.ActivateAsync(role, "/", Scenario.For("PT4H"))).ShouldBe(201)["resultAssignmentId"].GetGuid();

        (await Admin.DeleteAsync($"/api/v1/groups/{oncall}/members/{alice.Id}")).ShouldBe(204);

        Assert.False(await Admin.IsAllowedAsync("alice", role, "/"));
        Assert.Equal("groupMembershipRemoved", (await Admin.AssignmentAsync(activation))["endReason"].GetString());
        (await alice.Client.ActivateAsync(role, "/", Scenario.For("PT1H"))).ShouldFail(403, "not_eligible");
    }

    [Fact]
    public async Task A_group_given_a_role_actively_gives_it_to_its_enabled_members_only()
    {
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");
        var role = await Admin.CreateRoleAsync("reader");
        var team = await Admin.CreateGroupAsync("team", alice.Id, bob.Id);
        (await Admin.AssignAsync("active", team, role, "/prod", Scenario.For("P7D"))).ShouldBe(201);

        var check = (await Admin.CheckAsync("alice", "reader", "/prod/x")).ShouldBe(200);
        Assert.True(check["allowed"].GetBoolean());
        Assert.Equal("team", check["grant"].GetProperty("heldBy").GetProperty("name").GetString());

        (await Admin.PatchAsync($"/api/v1/principals/{bob.Id}", new { enabled = false })).ShouldBe(200);
        Assert.False(await Admin.IsAllowedAsync("bob", role, "/prod"));
        (await Admin.PatchAsync($"/api/v1/principals/{team}", new { enabled = false })).ShouldBe(200);
        Assert.False(await Admin.IsAllowedAsync("alice", role, "/prod"));
    }

    [Fact]
    public async Task Admin_assignment_limits_come_from_the_role_settings()
    {
        var alice = await UserAsync("alice");
        var role = await Admin.CreateRoleAsync("db-admin");
        (await Admin.PutAsync($"/api/v1/roles/{role}/settings", new
        {
            eligibleAssignments = new { allowPermanent = false, maxDuration = "P90D" },
            activeAssignments = new { allowPermanent = false, maxDuration = "P7D", requireJustification = true },
        })).ShouldBe(200);

        (await Admin.AssignAsync("eligible", alice.Id, role, "/", Scenario.Permanent)).ShouldFail(422, "permanent_not_allowed");
        (await Admin.AssignAsync("eligible", alice.Id, role, "/", Scenario.For("P91D"))).ShouldFail(422, "exceeds_max_duration");
        (await Admin.AssignAsync("active", alice.Id, role, "/", Scenario.For("P1D"), justification: null)).ShouldFail(422, "justification_required");
        (await Admin.AssignAsync("active", alice.Id, role, "/", Scenario.For("PT4M"))).ShouldFail(422, "below_min_duration");
        (await Admin.AssignAsync("eligible", alice.Id, role, "/", Scenario.For("P90D"))).ShouldBe(201);
        (await Admin.AssignAsync("active", alice.Id, role, "/", Scenario.For("P7D"))).ShouldBe(201);
    }

    [Fact]
    public async Task Update_extend_and_renew_change_windows_within_the_rules()
    {
        var alice = await UserAsync("alice");
        var role = await Admin.CreateRoleAsync("db-admin");
        var eligibility = await Admin.MakeEligibleAsync(alice.Id, role, "/", Scenario.For("P10D"));
        var activation = (await alice.Client.ActivateAsync(role, "/", Scenario.For("PT8H"))).ShouldBe(201)["resultAssignmentId"].GetGuid();

        var extended = (await Admin.PostAsync("/api/v1/requests", new
        {
            action = "adminExtend",
            targetAssignmentId = eligibility,
            schedule = Scenario.For("P30D"),
            justification = "Project extended",
        })).ShouldBe(201);
        Assert.Equal(App.Time.GetUtcNow().AddDays(30), extended["assignment"].GetProperty("endsAt").GetDateTimeOffset());

        // Shortening an eligibility pulls in activations made from it.
        var shortened = (await Admin.PostAsync("/api/v1/requests", new
        {
            action = "adminUpdate",
            targetAssignmentId = eligibility,
            schedule = Scenario.For("PT2H"),
            justification = "Project ends today",
        })).ShouldBe(201);
        Assert.Equal(App.Time.GetUtcNow().AddHours(2), shortened["assignment"].GetProperty("endsAt").GetDateTimeOffset());
        Assert.Equal(App.Time.GetUtcNow().AddHours(2), (await Admin.AssignmentAsync(activation))["endsAt"].GetDateTimeOffset());

        (await Admin.PostAsync("/api/v1/requests", new { action = "adminUpdate", targetAssignmentId = activation, schedule = Scenario.For("PT1H"), justification = "x" }))
            .ShouldFail(422, "wrong_assignment_kind");
        (await Admin.PostAsync("/api/v1/requests", new { action = "adminRenew", targetAssignmentId = eligibility, schedule = Scenario.For("P1D"), justification = "x" }))
            .ShouldFail(422, "not_expired");

        await App.AdvanceAsync(TimeSpan.FromHours(2));
        Assert.Equal("expired", (await Admin.AssignmentAsync(eligibility))["status"].GetString());
        var renewed = (await Admin.PostAsync("/api/v1/requests", new
        {
            action = "adminRenew",
            targetAssignmentId = eligibility,
            schedule = Scenario.For("P14D"),
            justification = "Back on the project",
        })).ShouldBe(201);
        Assert.Equal(eligibility, renewed["assignment"].GetProperty("renewedFromId").GetGuid());
        (await alice.Client.ActivateAsync(role, "/", Scenario.For("PT1H"))).ShouldBe(201);
    }

    [Fact]
    public async Task A_holder_may_ask_to_extend_an_assignment_only_near_its_end_and_the_ask_waits_for_approval()
    {
        var alice = await UserAsync("alice");
        var role = await Admin.CreateRoleAsync("db-admin");
        var eligibility = await Admin.MakeEligibleAsync(alice.Id, role, "/", Scenario.For("P30D"));
        var ask = new { action = "selfExtend", targetAssignmentId = eligibility, schedule = Scenario.For("P60D"), justification = "Still on the project" };

        (await alice.Client.PostAsync("/api/v1/requests", ask)).ShouldFail(422, "not_yet_extendable");
        await App.AdvanceAsync(TimeSpan.FromDays(17));
        var pending = (await alice.Client.PostAsync("/api/v1/requests", ask)).ShouldBe(201);

        Assert.Equal("pendingApproval", pending["status"].GetString());
        Assert.Equal(App.Time.GetUtcNow().AddDays(13), (await Admin.AssignmentAsync(eligibility))["endsAt"].GetDateTimeOffset());
    }

    [Fact]
    public async Task An_Idempotency_Key_makes_a_retried_request_return_the_original_once()
    {
        var alice = await UserAsync("alice");
        var role = await Admin.CreateRoleAsync("db-admin");
        await Admin.MakeEligibleAsync(alice.Id, role);
        var headers = new Dictionary<string, string> { ["Idempotency-Key"] = "retry-7f3a" };
        var body = new { action = "selfActivate", roleId = role, scope = "/", schedule = Scenario.For("PT1H"), justification = "INC-1" };

        var first = (await alice.Client.PostAsync("/api/v1/requests", body, headers)).ShouldBe(201);
        var retry = (await alice.Client.PostAsync("/api/v1/requests", body, headers)).ShouldBe(200);

        Assert.Equal(first.Id, retry.Id);
        Assert.Equal("true", retry.Header("Idempotent-Replayed"));
        Assert.Single((await Admin.GetAsync($"/api/v1/assignments?kind=active&principalId={alice.Id}")).ShouldBe(200)["items"].EnumerateArray());
        var different = new { action = "selfActivate", roleId = role, scope = "/other", schedule = Scenario.For("PT1H"), justification = "INC-1" };
        (await alice.Client.PostAsync("/api/v1/requests", different, headers)).ShouldFail(409, "idempotency_key_reused");
    }

    [Fact]
    public async Task Updates_honour_If_Match_and_a_stale_version_changes_nothing()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var current = (await Admin.GetAsync($"/api/v1/roles/{role}/settings")).ShouldBe(200);
        var etag = current.Header("ETag")!;

        var updated = (await Admin.PutAsync($"/api/v1/roles/{role}/settings", new { activation = new { maxDuration = "PT4H" } }, new Dictionary<string, string> { ["If-Match"] = etag })).ShouldBe(200);
        Assert.NotEqual(etag, updated.Header("ETag"));
        (await Admin.PutAsync($"/api/v1/roles/{role}/settings", new { activation = new { maxDuration = "PT1H" } }, new Dictionary<string, string> { ["If-Match"] = etag }))
            .ShouldFail(412, "precondition_failed");
        Assert.Equal("PT4H", (await Admin.GetAsync($"/api/v1/roles/{role}/settings")).ShouldBe(200)["settings"].GetProperty("activation").GetProperty("maxDuration").GetString());

        var alice = await UserAsync("alice");
        var eligibility = await Admin.MakeEligibleAsync(alice.Id, role, "/", Scenario.For("P10D"));
        var assignmentEtag = (await Admin.GetAsync($"/api/v1/assignments/{eligibility}")).ShouldBe(200).Header("ETag")!;
        var extend = new { action = "adminExtend", targetAssignmentId = eligibility, schedule = Scenario.For("P20D"), justification = "x" };
        (await Admin.PostAsync("/api/v1/requests", extend, new Dictionary<string, string> { ["If-Match"] = "\"99\"" })).ShouldFail(412, "precondition_failed");
        (await Admin.PostAsync("/api/v1/requests", extend, new Dictionary<string, string> { ["If-Match"] = assignmentEtag })).ShouldBe(201);
    }

    [Fact]
    public async Task Impossible_role_settings_are_refused_whole_with_every_field_named()
    {
        var role = await Admin.CreateRoleAsync("db-admin");

        var refused = (await Admin.PutAsync($"/api/v1/roles/{role}/settings", new
        {
            activation = new { maxDuration = "PT25H", ticketPattern = "(a)\\1", approval = new { required = true, approvers = Array.Empty<Guid>() } },
        })).ShouldBe(400);

        var fields = refused["errors"].EnumerateArray().Select(e => e.GetProperty("field").GetString()).ToList();
        Assert.Contains("activation.maxDuration", fields);
        Assert.Contains("activation.ticketPattern", fields);
        Assert.Contains("activation.approval.approvers", fields);
        Assert.Equal("PT8H", (await Admin.GetAsync($"/api/v1/roles/{role}/settings")).ShouldBe(200)["settings"].GetProperty("activation").GetProperty("maxDuration").GetString());
    }

    [Fact]
    public async Task Check_answers_about_others_only_for_callers_allowed_to_ask()
    {
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");
        var role = await Admin.CreateRoleAsync("db-admin");

        (await bob.Client.CheckAsync("alice", "db-admin", "/")).ShouldFail(403, "forbidden");
        (await bob.Client.CheckAsync("nobody", "db-admin", "/")).ShouldFail(403, "forbidden");
        Assert.False((await alice.Client.CheckAsync("alice", "db-admin", "/")).ShouldBe(200)["allowed"].GetBoolean());
        (await Admin.CheckAsync("nobody", "db-admin", "/")).ShouldFail(404, "principal_not_found");
        (await Admin.CheckAsync("alice", "no-such-role", "/")).ShouldFail(404, "role_not_found");

        var app = (await Admin.PostAsync("/api/v1/service-accounts", new { name = "payments-app" })).ShouldBe(201).Id;
        (await Admin.AssignAsync("active", app, new Guid("0e1e0a7e-0000-4000-8000-000000000004"), "/", Scenario.Permanent)).ShouldBe(201);
        var token = (await Admin.PostAsync($"/api/v1/service-accounts/{app}/tokens", new { name = "prod" })).ShouldBe(201)["secret"].GetString()!;
        var service = App.Client(token);
        Assert.False((await service.CheckAsync("alice", role.ToString(), "/")).ShouldBe(200)["allowed"].GetBoolean());

        (await Admin.DeleteAsync($"/api/v1/tokens/{(await Admin.GetAsync($"/api/v1/principals/{app}/tokens")).ShouldBe(200)["items"][0].GetProperty("id").GetGuid()}")).ShouldBe(200);
        (await service.CheckAsync("alice", role.ToString(), "/")).ShouldFail(401, "unauthenticated");
    }

    [Fact]
    public async Task An_auditor_at_a_scope_lists_the_assignments_at_and_below_it_and_their_own_but_nothing_elsewhere()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var alice = await UserAsync("alice");
        var erin = await UserAsync("erin");
        var atProd = await Admin.MakeEligibleAsync(alice.Id, role, "/prod");
        var below = await Admin.MakeEligibleAsync(alice.Id, role, "/prod/payments");
        var lookalike = await Admin.MakeEligibleAsync(alice.Id, role, "/production");
        var elsewhere = await Admin.MakeEligibleAsync(alice.Id, role, "/staging");
        (await Admin.AssignAsync("active", erin.Id, BuiltInRoles.IdOf(BuiltInRole.Auditor), "/prod", Scenario.For("P1D"))).ShouldBe(201);
        var erinsOwn = await Admin.MakeEligibleAsync(erin.Id, role, "/staging");

        var listed = (await erin.Client.GetAsync("/api/v1/assignments?limit=100")).ShouldBe(200)["items"].EnumerateArray()
            .Select(a => a.GetProperty("id").GetGuid()).ToHashSet();
        Assert.Contains(atProd, listed);
        Assert.Contains(below, listed);
        Assert.Contains(erinsOwn, listed);
        Assert.DoesNotContain(lookalike, listed);
        Assert.DoesNotContain(elsewhere, listed);

        // Without the role, only their own.
        var plain = (await alice.Client.GetAsync("/api/v1/assignments?limit=100")).ShouldBe(200)["items"].EnumerateArray()
            .Select(a => a.GetProperty("principalId").GetGuid()).Distinct().ToList();
        Assert.Equal([alice.Id], plain);
    }
}

public sealed class AdministrationTestsOnSqlite() : AdministrationTests(DatabaseKind.Sqlite);

public sealed class AdministrationTestsOnPostgres() : AdministrationTests(DatabaseKind.Postgres);
