namespace Elevate.Server.Tests.Infrastructure;

/// <summary>A user created for a test, with a client that acts as them.</summary>
public sealed record TestUser(Guid Id, string Name, ApiClient Client);

/// <summary>Short ways to set up what a test needs through the public API (never behind its back).</summary>
public static class Scenario
{
    public static object Permanent => new { expiration = "noExpiration" };

    public static object For(string duration, DateTimeOffset? startsAt = null) =>
        new { startsAt, expiration = "afterDuration", duration };

    public static object Until(DateTimeOffset endsAt, DateTimeOffset? startsAt = null) =>
        new { startsAt, expiration = "afterDateTime", endsAt };

    public static async Task<Guid> CreateRoleAsync(this ApiClient admin, string name)
    {
        var created = await admin.PostAsync("/api/v1/roles", new { name, description = $"{name} for tests" });
        return created.ShouldBe(201).Id;
    }

    public static async Task<TestUser> CreateUserAsync(this ElevateApp app, ApiClient admin, string name)
    {
        var created = await admin.PostAsync("/api/v1/users", new { name, displayName = name, email = $"{name}@example.com" });
        var id = created.ShouldBe(201).Id;
        var secret = (await admin.PostAsync($"/api/v1/users/{id}/setup-secret")).ShouldBe(201)["secret"].GetString();
        var token = (await app.Anonymous().PostAsync("/api/v1/setup/redeem", new { secret })).ShouldBe(201)["secret"].GetString()!;
        return new TestUser(id, name, app.Client(token));
    }

    public static async Task<Guid> CreateGroupAsync(this ApiClient admin, string name, params Guid[] members)
    {
        var id = (await admin.PostAsync("/api/v1/groups", new { name })).ShouldBe(201).Id;
        foreach (var member in members)
        {
            (await admin.PutAsync($"/api/v1/groups/{id}/members/{member}")).ShouldBe(204);
        }

        return id;
    }

    public static Task<ApiResponse> AssignAsync(this ApiClient admin, string kind, Guid principalId, Guid roleId, string scope, object schedule, string? justification = "Assigned in a test") =>
        admin.PostAsync("/api/v1/requests", new { action = "adminAssign", kind, principalId, roleId, scope, schedule, justification });

    public static async Task<Guid> MakeEligibleAsync(this ApiClient admin, Guid principalId, Guid roleId, string scope = "/", object? schedule = null)
    {
        var response = await admin.AssignAsync("eligible", principalId, roleId, scope, schedule ?? Permanent);
        return response.ShouldBe(201)["resultAssignmentId"].GetGuid();
    }

    public static Task<ApiResponse> ActivateAsync(this ApiClient user, Guid roleId, string scope, object schedule, string? justification = "Investigating INC-4411", object? ticket = null) =>
        user.PostAsync("/api/v1/requests", new { action = "selfActivate", roleId, scope, schedule, justification, ticket });

    public static Task<ApiResponse> DeactivateAsync(this ApiClient user, Guid assignmentId) =>
        user.PostAsync("/api/v1/requests", new { action = "selfDeactivate", targetAssignmentId = assignmentId });

    public static Task<ApiResponse> RemoveAsync(this ApiClient admin, Guid assignmentId, string justification = "No longer needed") =>
        admin.PostAsync("/api/v1/requests", new { action = "adminRemove", targetAssignmentId = assignmentId, justification });

    public static Task<ApiResponse> CheckAsync(this ApiClient caller, string principal, string role, string scope) =>
        caller.GetAsync($"/api/v1/check?principal={Uri.EscapeDataString(principal)}&role={Uri.EscapeDataString(role)}&scope={Uri.EscapeDataString(scope)}");

    public static async Task<bool> IsAllowedAsync(this ApiClient caller, string principal, Guid roleId, string scope) =>
        (await caller.CheckAsync(principal, roleId.ToString(), scope)).ShouldBe(200)["allowed"].GetBoolean();

    public static async Task<ApiResponse> AssignmentAsync(this ApiClient caller, Guid id) => (await caller.GetAsync($"/api/v1/assignments/{id}")).ShouldBe(200);

    public static async Task<ApiResponse> RequestAsync(this ApiClient caller, Guid id) => (await caller.GetAsync($"/api/v1/requests/{id}")).ShouldBe(200);

    /// <summary>Every audit event (oldest first), read through the export API.</summary>
    public static async Task<IReadOnlyList<System.Text.Json.JsonElement>> AuditTrailAsync(this ApiClient admin, string query = "")
    {
        var response = await admin.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/audit/export?format=jsonl{query}")
        {
            Headers = { Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", admin.Token) },
        });
        Assert.Equal(200, (int)response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => System.Text.Json.JsonDocument.Parse(line).RootElement.Clone()).ToList();
    }
}
