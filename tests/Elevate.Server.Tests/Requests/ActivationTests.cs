using Elevate.Server.Tests.Infrastructure;

namespace Elevate.Server.Tests.Requests;

/// <summary>The rules of self-activation, end to end through the API.</summary>
public abstract class ActivationTests(DatabaseKind kind) : AppTest(kind)
{
    [Fact]
    public async Task Activation_under_an_eligibility_at_a_parent_scope_grants_the_role_at_once()
    {
        var alice = await UserAsync("alice");
        var role = await Admin.CreateRoleAsync("db-admin");
        await Admin.MakeEligibleAsync(alice.Id, role, "/prod");

        var activated = (await alice.Client.ActivateAsync(role, "/prod/payments", Scenario.For("PT2H"))).ShouldBe(201);

        Assert.Equal("provisioned", activated["status"].GetString());
        Assert.Equal(App.Time.GetUtcNow(), activated["assignment"].GetProperty("startsAt").GetDateTimeOffset());
        Assert.Equal(App.Time.GetUtcNow().AddHours(2), activated["assignment"].GetProperty("endsAt").GetDateTimeOffset());
        Assert.True(await Admin.IsAllowedAsync("alice", role, "/prod/payments"));
        Assert.True(await Admin.IsAllowedAsync("alice", role, "/prod/payments/ledger"));
        Assert.False(await Admin.IsAllowedAsync("alice", role, "/prod"));
    }

    [Fact]
    public async Task Activation_through_a_group_eligibility_is_allowed_for_its_members()
    {
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");
        var role = await Admin.CreateRoleAsync("db-admin");
        var oncall = await Admin.CreateGroupAsync("oncall", alice.Id);
        await Admin.MakeEligibleAsync(oncall, role, "/prod");

        var activated = (await alice.Client.ActivateAsync(role, "/prod", Scenario.For("PT1H"))).ShouldBe(201);
        (await bob.Client.ActivateAsync(role, "/prod", Scenario.For("PT1H"))).ShouldFail(403, "not_eligible");

        Assert.Equal(alice.Id, activated["assignment"].GetProperty("principalId").GetGuid());
        Assert.True(await Admin.IsAllowedAsync("alice", role, "/prod"));
        Assert.False(await Admin.IsAllowedAsync("oncall", role, "/prod"));
    }

    [Fact]
    public async Task Activation_without_eligibility_is_rejected_and_the_attempt_is_audited()
    {
        var alice = await UserAsync("alice");
        var role = await Admin.CreateRoleAsync("db-admin");

        var rejected = (await alice.Client.ActivateAsync(role, "/prod", Scenario.For("PT1H"))).ShouldFail(403, "not_eligible");

        Assert.Equal("roleId", rejected.Field);
        var trail = await Admin.AuditTrailAsync($"&principalId={alice.Id}&action=request.rejected");
        var attempt = Assert.Single(trail);
        Assert.Equal("Rejected", attempt.GetProperty("outcome").GetString(), ignoreCase: true);
        Assert.Contains("not_eligible", attempt.GetProperty("details").GetString(), StringComparison.Ordinal);
        Assert.Empty((await alice.Client.GetAsync("/api/v1/assignments?kind=active")).ShouldBe(200)["items"].EnumerateArray());
    }

    [Fact]
    public async Task Activation_at_a_scope_above_the_eligibility_is_rejected()
    {
        var alice = await UserAsync("alice");
        var role = await Admin.CreateRoleAsync("db-admin");
        await Admin.MakeEligibleAsync(alice.Id, role, "/prod/payments");

        (await alice.Client.ActivateAsync(role, "/prod", Scenario.For("PT1H"))).ShouldFail(403, "not_eligible");
        (await alice.Client.ActivateAsync(role, "/production", Scenario.For("PT1H"))).ShouldFail(403, "not_eligible");
    }

    [Fact]
    public async Task Activation_before_the_eligibility_starts_is_rejected()
    {
        var alice = await UserAsync("alice");
        var role = await Admin.CreateRoleAsync("db-admin");
        var start = App.Time.GetUtcNow().AddDays(1);
        await Admin.MakeEligibleAsync(alice.Id, role, "/", Scenario.For("P30D", start));

        (await alice.Client.ActivateAsync(role, "/", Scenario.For("PT1H"))).ShouldFail(422, "outside_eligibility_window");
        (await alice.Client.ActivateAsync(role, "/", Scenario.For("PT1H", start))).ShouldBe(201);
    }

    [Fact]
    public async Task Activation_ending_after_the_eligibility_ends_is_rejected()
    {
        var alice = await UserAsync("alice");
        var role = await Admin.CreateRoleAsync("db-admin");
        await Admin.MakeEligibleAsync(alice.Id, role, "/", Scenario.For("PT3H"));

        (await alice.Client.ActivateAsync(role, "/", Scenario.For("PT4H"))).ShouldFail(422, "outside_eligibility_window");
        (await alice.Client.ActivateAsync(role, "/", Scenario.For("PT3H"))).ShouldBe(201);
    }

    [Fact]
    public async Task Activation_longer_than_the_role_maximum_is_rejected_with_the_rule_named()
    {
        var alice = await UserAsync("alice");
        var role = await Admin.CreateRoleAsync("db-admin");
        await Admin.MakeEligibleAsync(alice.Id, role);
        (await Admin.PutAsync($"/api/v1/roles/{role}/settings", new { activation = new { maxDuration = "PT2H" } })).ShouldBe(200);

        var rejected = (await alice.Client.ActivateAsync(role, "/", Scenario.For("PT2H1M"))).ShouldFail(422, "exceeds_max_duration");

        Assert.Contains("PT2H", rejected["detail"].GetString(), StringComparison.Ordinal);
        (await alice.Client.ActivateAsync(role, "/", Scenario.For("PT2H"))).ShouldBe(201);
    }

    [Fact]
    public async Task Activation_with_a_future_start_is_scheduled_and_takes_effect_at_its_start()
    {
        var alice = await UserAsync("alice");
        var role = await Admin.CreateRoleAsync("db-admin");
        await Admin.MakeEligibleAsync(alice.Id, role);
        var start = App.Time.GetUtcNow().AddMinutes(30);

        var scheduled = (await alice.Client.ActivateAsync(role, "/", Scenario.For("PT1H", start))).ShouldBe(201);
        var requestId = scheduled.Id;
        var assignmentId = scheduled["resultAssignmentId"].GetGuid();

        Assert.Equal("scheduled", scheduled["status"].GetString());
        Assert.Equal("scheduled", scheduled["assignment"].GetProperty("status").GetString());
        Assert.False(await Admin.IsAllowedAsync("alice", role, "/"));

        await App.AdvanceAsync(TimeSpan.FromMinutes(30));

        Assert.True(await Admin.IsAllowedAsync("alice", role, "/"));
        Assert.Equal("active", (await Admin.AssignmentAsync(assignmentId))["status"].GetString());
        Assert.Equal("provisioned", (await Admin.RequestAsync(requestId))["status"].GetString());
    }

    [Fact]
    public async Task Only_one_activation_per_principal_role_and_scope_is_open_and_extending_is_the_way_to_more_time()
    {
        var alice = await UserAsync("alice");
        var role = await Admin.CreateRoleAsync("db-admin");
        await Admin.MakeEligibleAsync(alice.Id, role);
        var first = (await alice.Client.ActivateAsync(role, "/prod", Scenario.For("PT1H"))).ShouldBe(201);
        var assignmentId = first["resultAssignmentId"].GetGuid();

        (await alice.Client.ActivateAsync(role, "/prod", Scenario.For("PT1H"))).ShouldFail(409, "activation_already_open");
        (await alice.Client.ActivateAsync(role, "/dev", Scenario.For("PT1H"))).ShouldBe(201);

        var extended = (await alice.Client.PostAsync("/api/v1/requests", new
        {
            action = "selfExtend",
            targetAssignmentId = assignmentId,
            schedule = Scenario.For("PT3H"),
            justification = "Failover is taking longer",
        })).ShouldBe(201);
        Assert.Equal(App.Time.GetUtcNow().AddHours(3), extended["assignment"].GetProperty("endsAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Deactivation_ends_access_at_once()
    {
        var alice = await UserAsync("alice");
        var role = await Admin.CreateRoleAsync("db-admin");
        await Admin.MakeEligibleAsync(alice.Id, role);
        var assignmentId = (await alice.Client.ActivateAsync(role, "/", Scenario.For("PT8H"))).ShouldBe(201)["resultAssignmentId"].GetGuid();

        var deactivated = (await alice.Client.DeactivateAsync(assignmentId)).ShouldBe(201);

        Assert.Equal("provisioned", deactivated["status"].GetString());
        Assert.False(await Admin.IsAllowedAsync("alice", role, "/"));
        var assignment = await Admin.AssignmentAsync(assignmentId);
        Assert.Equal("ended", assignment["status"].GetString());
        Assert.Equal("deactivated", assignment["endReason"].GetString());
        Assert.Equal(App.Time.GetUtcNow(), assignment["endedAt"].GetDateTimeOffset());
        (await alice.Client.DeactivateAsync(assignmentId)).ShouldFail(409, "assignment_ended");
    }

    [Fact]
    public async Task Removing_an_eligibility_ends_the_active_and_scheduled_activations_made_from_it()
    {
        var alice = await UserAsync("alice");
        var role = await Admin.CreateRoleAsync("db-admin");
        var eligibility = await Admin.MakeEligibleAsync(alice.Id, role, "/prod");
        var active = (await alice.Client.ActivateAsync(role, "/prod", Scenario.For("PT2H"))).ShouldBe(201)["resultAssignmentId"].GetGuid();
        var scheduled = (await alice.Client.ActivateAsync(role, "/prod/payments", Scenario.For("PT1H", App.Time.GetUtcNow().AddHours(1)))).ShouldBe(201);

        (await Admin.RemoveAsync(eligibility)).ShouldBe(201);

        Assert.False(await Admin.IsAllowedAsync("alice", role, "/prod"));
        Assert.Equal("eligibilityRemoved", (await Admin.AssignmentAsync(active))["endReason"].GetString());
        Assert.Equal("ended", (await Admin.AssignmentAsync(scheduled["resultAssignmentId"].GetGuid()))["status"].GetString());
        Assert.Equal("revoked", (await Admin.RequestAsync(scheduled.Id))["status"].GetString());

        await App.AdvanceAsync(TimeSpan.FromHours(1));
        Assert.False(await Admin.IsAllowedAsync("alice", role, "/prod/payments"));
        (await alice.Client.ActivateAsync(role, "/prod", Scenario.For("PT1H"))).ShouldFail(403, "not_eligible");
    }

    [Fact]
    public async Task Two_overlapping_grants_keep_the_role_until_the_later_one_ends()
    {
        var alice = await UserAsync("alice");
        var role = await Admin.CreateRoleAsync("db-admin");
        await Admin.MakeEligibleAsync(alice.Id, role);
        (await Admin.AssignAsync("active", alice.Id, role, "/", Scenario.For("PT1H"))).ShouldBe(201);
        (await alice.Client.ActivateAsync(role, "/", Scenario.For("PT3H"))).ShouldBe(201);

        await App.AdvanceAsync(TimeSpan.FromHours(1));
        var check = (await Admin.CheckAsync("alice", role.ToString(), "/")).ShouldBe(200);
        Assert.True(check["allowed"].GetBoolean());
        Assert.Equal(App.Time.GetUtcNow().AddHours(2), check["until"].GetDateTimeOffset());

        await App.AdvanceAsync(TimeSpan.FromHours(2));
        Assert.False(await Admin.IsAllowedAsync("alice", role, "/"));
    }

    [Fact]
    public async Task Access_is_computed_from_the_clock_to_the_millisecond_even_when_no_job_ran()
    {
        await using var app = new ElevateApp(await TestDatabase.CreateAsync(Kind), ElevateApp.NewClock(), runScheduler: false);
        try
        {
            var admin = await app.RedeemAdministratorAsync();
            var alice = await app.CreateUserAsync(admin, "alice");
            var role = await admin.CreateRoleAsync("db-admin");
            await admin.MakeEligibleAsync(alice.Id, role);
            (await alice.Client.ActivateAsync(role, "/", Scenario.For("PT1H"))).ShouldBe(201);

            app.Time.Advance(TimeSpan.FromHours(1) - TimeSpan.FromMilliseconds(1));
            Assert.True(await admin.IsAllowedAsync("alice", role, "/"));
            app.Time.Advance(TimeSpan.FromMilliseconds(1));
            Assert.False(await admin.IsAllowedAsync("alice", role, "/"));
            Assert.Null(app.Scheduler.LastPass);
        }
        finally
        {
            await app.Database.DisposeAsync();
        }
    }

    [Fact]
    public async Task Two_concurrent_identical_activations_produce_exactly_one_grant()
    {
        var alice = await UserAsync("alice");
        var role = await Admin.CreateRoleAsync("db-admin");
        await Admin.MakeEligibleAsync(alice.Id, role);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => alice.Client.ActivateAsync(role, "/", Scenario.For("PT1H"))));

        Assert.Equal(1, attempts.Count(a => a.Status == 201));
        Assert.All(attempts.Where(a => a.Status != 201), a => a.ShouldFail(409, "activation_already_open"));
        var open = (await Admin.GetAsync($"/api/v1/assignments?kind=active&principalId={alice.Id}&state=open")).ShouldBe(200);
        Assert.Single(open["items"].EnumerateArray());
    }

    [Fact]
    public async Task Approval_required_leaves_the_request_pending_without_any_grant()
    {
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");
        var role = await Admin.CreateRoleAsync("db-admin");
        await Admin.MakeEligibleAsync(alice.Id, role);
        (await Admin.PutAsync($"/api/v1/roles/{role}/settings", new { activation = new { approval = new { required = true, approvers = new[] { bob.Id } } } })).ShouldBe(200);

        var pending = (await alice.Client.ActivateAsync(role, "/", Scenario.For("PT1H"))).ShouldBe(201);

        Assert.Equal("pendingApproval", pending["status"].GetString());
        Assert.True(pending["requiresApproval"].GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, pending["assignment"].ValueKind);
        Assert.False(await Admin.IsAllowedAsync("alice", role, "/"));
        var canceled = (await alice.Client.PostAsync($"/api/v1/requests/{pending.Id}/cancel")).ShouldBe(200);
        Assert.Equal("canceled", canceled["status"].GetString());
        (await alice.Client.PostAsync($"/api/v1/requests/{pending.Id}/cancel")).ShouldFail(409, "invalid_transition");
    }

    [Fact]
    public async Task A_role_requiring_mfa_refuses_an_activation_without_a_fresh_factor_and_the_dry_run_says_so()
    {
        var alice = await UserAsync("alice");
        var role = await Admin.CreateRoleAsync("db-admin");
        await Admin.MakeEligibleAsync(alice.Id, role);
        (await Admin.PutAsync($"/api/v1/roles/{role}/settings", new { activation = new { requireMfa = true, requireTicket = true, ticketPattern = "INC-[0-9]+" } })).ShouldBe(200);

        var dryRun = (await alice.Client.PostAsync("/api/v1/requests", new
        {
            action = "selfActivate",
            roleId = role,
            scope = "/",
            schedule = Scenario.For("PT1H"),
            justification = "INC-1",
            validateOnly = true,
        })).ShouldBe(200);

        Assert.False(dryRun["wouldSucceed"].GetBoolean());
        Assert.True(dryRun["requirements"].GetProperty("mfa").GetBoolean());
        Assert.True(dryRun["requirements"].GetProperty("ticket").GetBoolean());
        var codes = dryRun["problems"].EnumerateArray().Select(p => p.GetProperty("code").GetString()).ToList();
        Assert.Contains("mfa_required", codes);
        Assert.Contains("ticket_required", codes);
        (await alice.Client.ActivateAsync(role, "/", Scenario.For("PT1H"), ticket: new { system = "jira", number = "INC-42" })).ShouldFail(403, "mfa_required");
        var requests = (await Admin.GetAsync($"/api/v1/requests?principalId={alice.Id}")).ShouldBe(200)["items"].EnumerateArray();
        Assert.DoesNotContain(requests, r => r.GetProperty("action").GetString() == "selfActivate");
    }

    [Fact]
    public async Task Settings_narrowed_at_a_scope_apply_below_it_and_nowhere_else()
    {
        var alice = await UserAsync("alice");
        var role = await Admin.CreateRoleAsync("db-admin");
        await Admin.MakeEligibleAsync(alice.Id, role);
        (await Admin.PutAsync($"/api/v1/roles/{role}/settings?scope=/prod", new { activation = new { maxDuration = "PT1H" } })).ShouldBe(201);

        (await alice.Client.ActivateAsync(role, "/prod/payments", Scenario.For("PT2H"))).ShouldFail(422, "exceeds_max_duration");
        (await alice.Client.ActivateAsync(role, "/dev", Scenario.For("PT2H"))).ShouldBe(201);
        var effective = (await alice.Client.GetAsync($"/api/v1/roles/{role}/settings/effective?scope=/prod/payments")).ShouldBe(200);
        Assert.Equal("/prod", effective["scope"].GetString());
    }
}

public sealed class ActivationTestsOnSqlite() : ActivationTests(DatabaseKind.Sqlite);

public sealed class ActivationTestsOnPostgres() : ActivationTests(DatabaseKind.Postgres);
