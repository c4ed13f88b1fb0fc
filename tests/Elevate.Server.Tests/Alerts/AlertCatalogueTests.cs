using System.Text.Json;
using Elevate.Core.Roles;
using Elevate.Server.Tests.Approvals;
using Elevate.Server.Tests.Infrastructure;
using static Elevate.Server.Tests.Alerts.AlertScenario;

namespace Elevate.Server.Tests.Alerts;

/// <summary>
/// Each alert of the catalogue through the API, on the fake clock: raised on data that should raise it, not raised on
/// data that should not, fixed by its one-click fix where there is one, and resolved when the condition goes.
/// </summary>
public abstract class AlertCatalogueTests(DatabaseKind kind) : AppTest(kind)
{
    private static readonly Guid ElevateAdministrator = BuiltInRoles.IdOf(BuiltInRole.ElevateAdministrator);
    private static readonly Guid AccessChecker = BuiltInRoles.IdOf(BuiltInRole.AccessChecker);

    private DateTimeOffset Now => App.Time.GetUtcNow();

    [Fact]
    public async Task Too_many_permanent_administrators_is_raised_fixed_by_making_them_eligible_except_the_callers_own_and_resolves()
    {
        await Admin.SetAlertSettingsAsync(new { maxPermanentAdministrators = 2, maxPermanentAdministratorPercent = 10 });
        var me = await Admin.MyIdAsync();
        var users = new[] { await UserAsync("ann"), await UserAsync("ben"), await UserAsync("cid") };
        foreach (var user in users)
        {
            (await Admin.AssignAsync("active", user.Id, ElevateAdministrator, "/", Scenario.Permanent, "Runs Elevate")).ShouldBe(201);
        }

        // The bootstrap administrator is the fourth permanent one: 4 > 2, and 4 of 4 is over 10%.
        var alert = await Admin.RaisedAsync("tooManyPermanentAdministrators");
        Assert.Equal("open", StatusOf(alert));
        Assert.Equal("high", alert.GetProperty("severity").GetString());
        Assert.Equal(4, alert.GetProperty("itemCount").GetInt32());
        Assert.Equal(users.Select(u => u.Id).Append(me).ToHashSet(), ItemsOf(alert).Select(i => PrincipalOf(i)!.Value).ToHashSet());
        Assert.All(ItemsOf(alert), i => Assert.Equal(ElevateAdministrator, RoleOf(i)));

        var results = (await Admin.FixAsync(IdOf(alert))).ShouldBe(200)["results"].EnumerateArray().ToList();

        // The caller keeps their own permanent assignment: a fix never takes the caller's administration away.
        Assert.True((await Admin.OpenAssignmentsAsync(me, ElevateAdministrator, "active")).Count == 1, $"The caller lost their own Elevate Administrator assignment: {string.Join(", ", results)}");
        Assert.Equal(4, results.Count);
        var mine = ItemsOf(alert).Single(i => PrincipalOf(i) == me).GetProperty("key").GetString();
        foreach (var result in results)
        {
            if (result.GetProperty("key").GetString() == mine)
            {
                // Administrators never grant themselves, not even an eligibility through a fix.
                Assert.False(result.GetProperty("fixed").GetBoolean(), result.ToString());
                Assert.Equal("self_grant_forbidden", result.GetProperty("problem").GetProperty("code").GetString());
            }
            else
            {
                Assert.True(result.GetProperty("fixed").GetBoolean(), result.ToString());
            }
        }

        foreach (var user in users)
        {
            var eligible = Assert.Single(await Admin.OpenAssignmentsAsync(user.Id, ElevateAdministrator, "eligible"));
            Assert.Equal(JsonValueKind.Null, eligible.GetProperty("endsAt").ValueKind);
            Assert.Empty(await Admin.OpenAssignmentsAsync(user.Id, ElevateAdministrator, "active"));
        }

        Assert.Equal("resolved", StatusOf(await Admin.AlertAsync(IdOf(alert))));
        Assert.Single(await Admin.AuditTrailAsync("&action=alert.resolved"), e => ApprovalScenario.Details(e).GetProperty("alertId").GetGuid() == IdOf(alert));
    }

    [Fact]
    public async Task Two_permanent_administrators_are_not_too_many()
    {
        await Admin.SetAlertSettingsAsync(new { maxPermanentAdministrators = 2, maxPermanentAdministratorPercent = 10 });
        var ann = await UserAsync("ann");
        var ben = await UserAsync("ben");
        (await Admin.AssignAsync("active", ann.Id, ElevateAdministrator, "/", Scenario.Permanent, "Runs Elevate")).ShouldBe(201);

        // Time-bound and eligible administrators are not permanent ones.
        (await Admin.AssignAsync("active", ben.Id, ElevateAdministrator, "/", Scenario.For("PT8H"), "Runs Elevate today")).ShouldBe(201);
        await Admin.MakeEligibleAsync((await UserAsync("cid")).Id, ElevateAdministrator);

        await Admin.NotRaisedAsync("tooManyPermanentAdministrators");
    }

    [Fact]
    public async Task A_narrowed_settings_document_without_mfa_is_its_own_item_and_non_privileged_roles_and_access_checker_are_not_flagged()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        (await Admin.PutAsync($"/api/v1/roles/{role}/settings", new { activation = new { requireMfa = true } })).ShouldBe(200);
        (await Admin.PutAsync($"/api/v1/roles/{role}/settings?scope=/prod", new { activation = new { requireMfa = false } })).ShouldBe(201);
        var reader = (await Admin.PostAsync("/api/v1/roles", new { name = "db-reader", isPrivileged = false })).ShouldBe(201).Id;
        var checker = (await Admin.GetAsync($"/api/v1/roles/{AccessChecker}/settings")).ShouldBe(200);
        if (checker.Body.GetProperty("settings").GetProperty("activation").GetProperty("requireMfa").GetBoolean())
        {
            (await Admin.PutAsync($"/api/v1/roles/{AccessChecker}/settings", new { activation = new { requireMfa = false } })).ShouldBe(200);
        }

        var alert = await Admin.RaisedAsync("rolesWithoutMfa");

        var item = Assert.Single(ItemsOf(alert));
        Assert.Equal(role, RoleOf(item));
        Assert.Equal("/prod", item.GetProperty("scope").GetString());
        Assert.Equal($"settings:{role:N}:/prod", item.GetProperty("key").GetString());
        Assert.DoesNotContain(ItemsOf(alert), i => RoleOf(i) == reader || RoleOf(i) == AccessChecker);
    }

    [Fact]
    public async Task Activating_a_role_five_times_in_a_day_is_raised_four_times_is_not_and_it_resolves_when_the_window_passes()
    {
        var alice = await UserAsync("alice");
        var role = await Admin.CreateRoleAsync("db-admin");
        await Admin.MakeEligibleAsync(alice.Id, role);
        await Admin.SetAlertSettingsAsync(new { frequentActivationCount = 5, frequentActivationWindow = "P1D" });

        async Task ActivateAndDeactivateAsync()
        {
            var activation = (await alice.Client.ActivateAsync(role, "/", Scenario.For("PT1H"))).ShouldBe(201);
            (await alice.Client.DeactivateAsync(activation["resultAssignmentId"].GetGuid())).ShouldBe(201);
            await App.AdvanceAsync(TimeSpan.FromMinutes(10));
        }

        for (var i = 0; i < 4; i++)
        {
            await ActivateAndDeactivateAsync();
        }

        await Admin.NotRaisedAsync("rolesActivatedTooFrequently");

        await ActivateAndDeactivateAsync();
        var alert = await Admin.RaisedAsync("rolesActivatedTooFrequently");
        var item = Assert.Single(ItemsOf(alert));
        Assert.Equal(alice.Id, PrincipalOf(item));
        Assert.Equal("alice", item.GetProperty("principal").GetString());
        Assert.Equal(role, RoleOf(item));
        Assert.Equal("db-admin", item.GetProperty("role").GetString());
        Assert.Equal("low", alert.GetProperty("severity").GetString());
        Assert.Equal(JsonValueKind.Null, alert.GetProperty("fix").ValueKind);
        (await Admin.FixAsync(IdOf(alert))).ShouldFail(422, "no_fix");

        await App.AdvanceAsync(TimeSpan.FromDays(1));
        await Admin.EvaluateAsync();
        Assert.Equal("resolved", StatusOf(await Admin.AlertAsync(IdOf(alert))));
    }

    [Fact]
    public async Task An_eligibility_not_activated_within_the_window_is_stale_and_the_fix_removes_it()
    {
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");
        var role = await Admin.CreateRoleAsync("db-admin");
        var alices = await Admin.MakeEligibleAsync(alice.Id, role);
        await Admin.MakeEligibleAsync(bob.Id, role);
        await Admin.SetAlertSettingsAsync(new { staleEligibilityAfter = "P30D" });

        // Young eligibilities are not stale.
        await Admin.NotRaisedAsync("staleEligibility");

        await App.AdvanceAsync(TimeSpan.FromDays(31));
        (await bob.Client.ActivateAsync(role, "/", Scenario.For("PT1H"))).ShouldBe(201);

        var alert = await Admin.RaisedAsync("staleEligibility");
        var item = Assert.Single(ItemsOf(alert));
        Assert.Equal(alices, AssignmentOf(item));
        Assert.Equal(alice.Id, PrincipalOf(item));

        var result = Assert.Single((await Admin.FixAsync(IdOf(alert))).ShouldBe(200)["results"].EnumerateArray());
        Assert.True(result.GetProperty("fixed").GetBoolean(), result.ToString());

        var removal = Assert.Single((await Admin.GetAsync($"/api/v1/requests?principalId={alice.Id}&limit=100")).ShouldBe(200)["items"].EnumerateArray(),
            r => r.GetProperty("action").GetString() == "adminRemove");
        Assert.Equal(alices, removal.GetProperty("targetAssignmentId").GetGuid());
        Assert.StartsWith("Security alert fix", removal.GetProperty("justification").GetString(), StringComparison.Ordinal);
        Assert.Equal("ended", (await Admin.AssignmentAsync(alices))["status"].GetString());
        Assert.Empty(await Admin.OpenAssignmentsAsync(alice.Id, role, "eligible"));
        Assert.Equal("resolved", StatusOf(await Admin.AlertAsync(IdOf(alert))));
    }

    [Fact]
    public async Task A_privileged_user_without_sign_in_or_token_use_is_a_stale_account_until_disabled()
    {
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");
        var carol = await UserAsync("carol");
        var role = await Admin.CreateRoleAsync("db-admin");
        await Admin.MakeEligibleAsync(alice.Id, role);
        await Admin.MakeEligibleAsync(bob.Id, role);
        await Admin.SetAlertSettingsAsync(new { staleAccountAfter = "P30D" });
        foreach (var user in new[] { alice, bob, carol })
        {
            (await user.Client.GetAsync("/api/v1/me")).ShouldBe(200);
        }

        await Admin.NotRaisedAsync("staleAccounts");

        await App.AdvanceAsync(TimeSpan.FromDays(31));

        // Bob (and the administrator, whose every call here uses a token) use their tokens again; the last use is
        // written in the background, so evaluate until it has landed.
        (await bob.Client.GetAsync("/api/v1/me")).ShouldBe(200);
        JsonElement alert = default;
        await EventuallyAsync(async () =>
        {
            await Admin.EvaluateAsync();
            alert = await Admin.AlertOfAsync("staleAccounts") ?? default;
            return alert.ValueKind == JsonValueKind.Object && ItemsOf(alert).Select(i => PrincipalOf(i)).SequenceEqual([alice.Id]);
        }, "a stale-accounts alert naming only alice");

        var item = Assert.Single(ItemsOf(alert));
        Assert.Equal($"principal:{alice.Id:N}", item.GetProperty("key").GetString());
        Assert.Equal("never signed in", item.GetProperty("detail").GetString());

        (await Admin.PatchAsync($"/api/v1/principals/{alice.Id}", new { enabled = false })).ShouldBe(200);
        await Admin.EvaluateAsync();
        Assert.Equal("resolved", StatusOf(await Admin.AlertAsync(IdOf(alert))));
    }

    [Fact]
    public async Task A_standing_active_assignment_of_a_privileged_role_is_raised_and_the_fix_makes_it_an_eligibility_with_the_same_window()
    {
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");
        var role = await Admin.CreateRoleAsync("db-admin");
        var reader = (await Admin.PostAsync("/api/v1/roles", new { name = "db-reader", isPrivileged = false })).ShouldBe(201).Id;
        var until = Now.AddDays(7);
        var active = (await Admin.AssignAsync("active", alice.Id, role, "/prod", Scenario.Until(until))).ShouldBe(201)["resultAssignmentId"].GetGuid();
        (await Admin.AssignAsync("active", bob.Id, reader, "/", Scenario.Permanent)).ShouldBe(201);

        // An activation is not a standing assignment.
        await Admin.MakeEligibleAsync(bob.Id, role);
        (await bob.Client.ActivateAsync(role, "/", Scenario.For("PT1H"))).ShouldBe(201);

        var alert = await Admin.RaisedAsync("standingAdministratorAssignments");
        var item = Assert.Single(ItemsOf(alert));
        Assert.Equal(active, AssignmentOf(item));
        Assert.Equal(alice.Id, PrincipalOf(item));
        Assert.Equal("/prod", item.GetProperty("scope").GetString());

        var result = Assert.Single((await Admin.FixAsync(IdOf(alert))).ShouldBe(200)["results"].EnumerateArray());
        Assert.True(result.GetProperty("fixed").GetBoolean(), result.ToString());

        var eligible = Assert.Single(await Admin.OpenAssignmentsAsync(alice.Id, role, "eligible"));
        Assert.Equal("/prod", eligible.GetProperty("scope").GetString());
        Assert.Equal(until, eligible.GetProperty("endsAt").GetDateTimeOffset());
        Assert.Empty(await Admin.OpenAssignmentsAsync(alice.Id, role, "active"));
        Assert.Equal("ended", (await Admin.AssignmentAsync(active))["status"].GetString());
        Assert.Equal("resolved", StatusOf(await Admin.AlertAsync(IdOf(alert))));
    }

    [Fact]
    public async Task Grants_outside_elevate_is_in_the_catalogue_as_high_but_never_raised_by_evaluation()
    {
        await Admin.CreateRoleAsync("db-admin");
        await Admin.EvaluateAsync();

        var all = new[] { "open", "dismissed", "resolved" };
        foreach (var status in all)
        {
            Assert.DoesNotContain(await Admin.AlertsAsync(status), a => a.GetProperty("type").GetString() == "grantsOutsideElevate");
        }

        var catalogue = (await Admin.GetAsync($"{AlertScenario.AlertsPath}/catalogue")).ShouldBe(200).Body.EnumerateArray().ToList();
        Assert.Equal(8, catalogue.Count);
        var grants = Assert.Single(catalogue, d => d.GetProperty("type").GetString() == "grantsOutsideElevate");
        Assert.Equal("high", grants.GetProperty("severity").GetString());
        Assert.Equal(JsonValueKind.Null, grants.GetProperty("fix").ValueKind);
    }
}

public sealed class AlertCatalogueTestsOnSqlite() : AlertCatalogueTests(DatabaseKind.Sqlite);

public sealed class AlertCatalogueTestsOnPostgres() : AlertCatalogueTests(DatabaseKind.Postgres);
