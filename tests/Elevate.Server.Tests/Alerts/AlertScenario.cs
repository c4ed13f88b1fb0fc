using System.Text.Json;
using Elevate.Server.Tests.Infrastructure;

namespace Elevate.Server.Tests.Alerts;

/// <summary>Short ways to evaluate, read and act on security alerts through the public API.</summary>
public static class AlertScenario
{
    public const string AlertsPath = "/api/v1/alerts";

    public const string Settings = "/api/v1/alert-settings";

    public static async Task<JsonElement> EvaluateAsync(this ApiClient admin) => (await admin.PostAsync($"{AlertsPath}/evaluate")).ShouldBe(200).Body;

    /// <summary>The alerts listed (open and dismissed by default, or those of <paramref name="status"/>).</summary>
    public static async Task<IReadOnlyList<JsonElement>> AlertsAsync(this ApiClient caller, string? status = null) =>
        [.. (await caller.GetAsync(status is null ? AlertsPath : $"{AlertsPath}?status={status}")).ShouldBe(200).Body.EnumerateArray()];

    /// <summary>The open or dismissed alert of <paramref name="type"/>, or null.</summary>
    public static async Task<JsonElement?> AlertOfAsync(this ApiClient caller, string type)
    {
        var matching = (await caller.AlertsAsync()).Where(a => a.GetProperty("type").GetString() == type).ToList();
        Assert.True(matching.Count <= 1, $"More than one unresolved {type} alert: {string.Join(", ", matching)}");
        return matching.Count == 0 ? null : matching[0];
    }

    /// <summary>Evaluates, then returns the open or dismissed alert of <paramref name="type"/>, which must exist.</summary>
    public static async Task<JsonElement> RaisedAsync(this ApiClient admin, string type)
    {
        await admin.EvaluateAsync();
        var alert = await admin.AlertOfAsync(type);
        Assert.True(alert is not null, $"No {type} alert after evaluation: {string.Join(", ", await admin.AlertsAsync())}");
        return alert.Value;
    }

    /// <summary>Evaluates, then asserts no open or dismissed alert of <paramref name="type"/> exists.</summary>
    public static async Task NotRaisedAsync(this ApiClient admin, string type)
    {
        await admin.EvaluateAsync();
        var alert = await admin.AlertOfAsync(type);
        Assert.True(alert is null, $"Unexpected {type} alert: {alert}");
    }

    public static async Task<JsonElement> AlertAsync(this ApiClient caller, Guid id) => (await caller.GetAsync($"{AlertsPath}/{id}")).ShouldBe(200).Body;

    public static Task<ApiResponse> FixAsync(this ApiClient caller, Guid id, params string[] items) =>
        caller.PostAsync($"{AlertsPath}/{id}/fix", items.Length == 0 ? new { } : new { items });

    public static Task<ApiResponse> DismissAsync(this ApiClient caller, Guid id, string? reason) => caller.PostAsync($"{AlertsPath}/{id}/dismiss", new { reason });

    public static async Task SetAlertSettingsAsync(this ApiClient admin, object settings) => (await admin.PutAsync(Settings, settings)).ShouldBe(200);

    public static Guid IdOf(JsonElement alert) => alert.GetProperty("id").GetGuid();

    public static string? StatusOf(JsonElement alert) => alert.GetProperty("status").GetString();

    public static IReadOnlyList<JsonElement> ItemsOf(JsonElement alert) => [.. alert.GetProperty("items").EnumerateArray()];

    public static IReadOnlyList<string> KeysOf(JsonElement alert) => [.. ItemsOf(alert).Select(i => i.GetProperty("key").GetString()!)];

    public static Guid? PrincipalOf(JsonElement item) =>
        item.TryGetProperty("principalId", out var p) && p.ValueKind == JsonValueKind.String ? p.GetGuid() : null;

    public static Guid? RoleOf(JsonElement item) =>
        item.TryGetProperty("roleId", out var r) && r.ValueKind == JsonValueKind.String ? r.GetGuid() : null;

    public static Guid? AssignmentOf(JsonElement item) =>
        item.TryGetProperty("assignmentId", out var a) && a.ValueKind == JsonValueKind.String ? a.GetGuid() : null;

    /// <summary>Polls (real time) until <paramref name="probe"/> returns true, evaluating first each time when asked.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> probe, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!await probe())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}.");
            }

            await Task.Delay(100);
        }
    }
}
