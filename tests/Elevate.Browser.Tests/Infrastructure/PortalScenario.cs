using Elevate.Core.Roles;
using Elevate.Server.Tests.Infrastructure;

namespace Elevate.Browser.Tests.Infrastructure;

/// <summary>What portal tests set up through the administrator's API before a person opens the browser.</summary>
public static class PortalScenario
{
    /// <summary>A password long and uncommon enough for the password policy.</summary>
    public const string Password = "violet-harbour-lantern-91";

    /// <summary>Creates a user and issues their setup link, as an administrator inviting someone does.</summary>
    public static async Task<InvitedUser> InviteUserAsync(this ApiClient admin, string name)
    {
        var id = (await admin.PostAsync("/api/v1/users", new { name, displayName = name, email = $"{name}@example.com" })).ShouldBe(201).Id;
        var issued = (await admin.PostAsync($"/api/v1/users/{id}/setup-secret")).ShouldBe(201);
        return new InvitedUser(id, name, issued["link"].GetString()!);
    }

    /// <summary>
    /// A user who works through the API only: created, and their setup secret exchanged for an API token (so the
    /// setup link no longer works; invite with <see cref="InviteUserAsync"/> for someone who uses the portal).
    /// </summary>
    public static async Task<(Guid Id, ApiClient Client)> CreateApiUserAsync(this LiveElevate elevate, ApiClient admin, string name)
    {
        var id = (await admin.PostAsync("/api/v1/users", new { name, displayName = name, email = $"{name}@example.com" })).ShouldBe(201).Id;
        var secret = (await admin.PostAsync($"/api/v1/users/{id}/setup-secret")).ShouldBe(201)["secret"].GetString();
        var token = (await elevate.Api().PostAsync("/api/v1/setup/redeem", new { secret })).ShouldBe(201)["secret"].GetString()!;
        return (id, elevate.Api(token));
    }

    /// <summary>
    /// A second administrator (Privileged Role Administrator, active for a day) working through the API: administrators
    /// may not grant themselves anything, so the first one's own eligibilities come from this one.
    /// </summary>
    public static async Task<(Guid Id, ApiClient Client)> CreateApiAdministratorAsync(this LiveElevate elevate, ApiClient admin, string name)
    {
        var (id, client) = await elevate.CreateApiUserAsync(admin, name);
        var role = BuiltInRoles.IdOf(BuiltInRole.PrivilegedRoleAdministrator);
        (await admin.AssignAsync("active", id, role, "/", Scenario.For("P1D"), "Second administrator for the tests")).ShouldBe(201);
        return (id, client);
    }

    /// <summary>A role whose activations need a justification and a fresh second factor, up to eight hours.</summary>
    public static async Task<Guid> CreateRoleRequiringMfaAsync(this ApiClient admin, string name)
    {
        var role = await admin.CreateRoleAsync(name);
        var settings = new { activation = new { maxDuration = "PT8H", requireJustification = true, requireMfa = true } };
        (await admin.PutAsync($"/api/v1/roles/{role}/settings", settings)).ShouldBe(200);
        return role;
    }

    /// <summary>
    /// The step-up setting: a role that requires MFA and a newly invited user permanently eligible for it at "/".
    /// Uses the first administrator's setup secret for an API token.
    /// </summary>
    public static async Task<(ApiClient Admin, InvitedUser User, Guid RoleId)> InviteEligibleUserAsync(this LiveElevate elevate, string userName, string roleName)
    {
        var admin = await elevate.RedeemAdministratorAsync();
        var role = await admin.CreateRoleRequiringMfaAsync(roleName);
        var user = await admin.InviteUserAsync(userName);
        await admin.MakeEligibleAsync(user.Id, role);
        return (admin, user, role);
    }
}
