using System.Text.Json;
using Elevate.Server.Tests.Infrastructure;

namespace Elevate.Server.Tests.Reviews;

/// <summary>Short ways to define, run and decide access reviews through the public API.</summary>
public static class ReviewScenario
{
    public const string Reviews = "/api/v1/access-reviews";

    public const string Instances = "/api/v1/access-review-instances";

    /// <summary>A definition document: eligible assignments of <paramref name="roleIds"/>, reviewed by <paramref name="stages"/>.</summary>
    public static object Definition(
        IEnumerable<Guid> roleIds, object[] stages, DateTimeOffset startsAt, string recurrence = "oneTime", int durationDays = 14, string defaultDecision = "noChange",
        bool autoApply = false, string assignmentTypes = "eligible", string? scopePath = null, int? inactiveDays = null, string groups = "asWhole",
        bool requireReason = false, string[]? reminders = null, string end = "never", DateTimeOffset? endsOn = null, int? instances = null) => new
        {
            scope = new { roleIds, assignmentTypes, scopePath, inactiveDays, groups },
            stages,
            schedule = new { recurrence, startsAt, durationDays, end, endsOn, instances },
            requireReason,
            defaultDecision,
            autoApply,
            reminders = reminders ?? ["P3D"],
        };

    public static object Named(params Guid[] reviewers) => new { reviewers = "named", reviewerIds = reviewers };

    public static object Self(params Guid[] fallback) => new { reviewers = "self", fallbackReviewerIds = fallback };

    public static object Manager(params Guid[] fallback) => new { reviewers = "manager", fallbackReviewerIds = fallback };

    public static Task<ApiResponse> CreateReviewAsync(this ApiClient admin, string name, object definition, Guid? ownerId = null) =>
        admin.PostAsync(Reviews, new { name, description = $"{name} for tests", ownerId, definition });

    public static async Task<IReadOnlyList<JsonElement>> InstancesOfAsync(this ApiClient caller, Guid reviewId) =>
        [.. (await caller.GetAsync($"{Reviews}/{reviewId}/instances")).ShouldBe(200).Body.EnumerateArray()];

    public static async Task<JsonElement> ProgressAsync(this ApiClient caller, Guid instanceId) =>
        (await caller.GetAsync($"{Instances}/{instanceId}")).ShouldBe(200).Body;

    public static async Task<IReadOnlyList<JsonElement>> ItemsAsync(this ApiClient caller, Guid instanceId, string decision = "all") =>
        [.. (await caller.GetAsync($"{Instances}/{instanceId}/items?decision={decision}&limit=500")).ShouldBe(200)["items"].EnumerateArray()];

    public static async Task<IReadOnlyList<JsonElement>> MyItemsAsync(this ApiClient reviewer, Guid instanceId, bool pending = true) =>
        [.. (await reviewer.GetAsync($"/api/v1/me/access-reviews/{instanceId}/items?pending={(pending ? "true" : "false")}&limit=500")).ShouldBe(200)["items"].EnumerateArray()];

    public static Task<ApiResponse> DecideAsync(this ApiClient reviewer, Guid instanceId, params object[] items) =>
        reviewer.PostAsync($"{Instances}/{instanceId}/decisions", new { items });

    public static object Decision(Guid itemId, string decision, string? reason = null) => new { itemId, decision, reason };

    public static Guid ItemIdOf(IEnumerable<JsonElement> items, Guid principalId) =>
        items.Single(i => i.GetProperty("principal").GetProperty("id").GetGuid() == principalId).GetProperty("id").GetGuid();
}

/// <summary>More short ways to drive reviews (close, apply, export, accept recommendations) and to read items.</summary>
public static class ReviewScenarioMore
{
    /// <summary>The single instance of a review that has started (waits for the scheduler first).</summary>
    public static async Task<Guid> OnlyInstanceAsync(this ApiClient admin, ElevateApp app, Guid reviewId)
    {
        await app.SettleAsync();
        return Assert.Single(await admin.InstancesOfAsync(reviewId)).GetProperty("id").GetGuid();
    }

    public static Task<ApiResponse> CloseInstanceAsync(this ApiClient admin, Guid instanceId) => admin.PostAsync($"{ReviewScenario.Instances}/{instanceId}/close");

    public static Task<ApiResponse> ApplyInstanceAsync(this ApiClient admin, Guid instanceId) => admin.PostAsync($"{ReviewScenario.Instances}/{instanceId}/apply");

    public static Task<ApiResponse> AcceptRecommendationsAsync(this ApiClient reviewer, Guid instanceId) =>
        reviewer.PostAsync($"{ReviewScenario.Instances}/{instanceId}/accept-recommendations");

    /// <summary>Sets a user's manager through the directory API.</summary>
    public static async Task SetManagerAsync(this ApiClient admin, Guid userId, Guid managerId) =>
        (await admin.PatchAsync($"/api/v1/principals/{userId}", new { managerId })).ShouldBe(200);

    /// <summary>The instance's CSV export: status, content type and text.</summary>
    public static async Task<(int Status, string? MediaType, string Text)> ExportCsvAsync(this ApiClient caller, Guid instanceId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{ReviewScenario.Instances}/{instanceId}/export");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", caller.Token);
        using var response = await caller.Http.SendAsync(request);
        return ((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The item of <paramref name="principalId"/> (the only one).</summary>
    public static JsonElement ItemOf(IEnumerable<JsonElement> items, Guid principalId) =>
        items.Single(i => i.GetProperty("principal").GetProperty("id").GetGuid() == principalId);

    /// <summary>A string property, or null when it is null or missing.</summary>
    public static string? Text(this JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Whether a property is null (or missing).</summary>
    public static bool IsNull(this JsonElement element, string property) =>
        !element.TryGetProperty(property, out var value) || value.ValueKind == JsonValueKind.Null;

    /// <summary>An audit event's details document.</summary>
    public static JsonElement DetailsOf(JsonElement auditEvent) =>
        JsonDocument.Parse(auditEvent.GetProperty("details").GetString() ?? "{}").RootElement.Clone();
}

/// <summary>Starting a review's instance now, in suites with or without the running scheduler.</summary>
public static class ReviewStarts
{
    /// <summary>
    /// Creates a review whose first instance is due now and starts that instance: by settling the running scheduler,
    /// or, in a suite that turns the scheduler off, by running one scheduler pass by hand. Returns the review and its
    /// running instance.
    /// </summary>
    public static async Task<(Guid ReviewId, Guid InstanceId)> StartReviewNowAsync(
        this ApiClient admin, ElevateApp app, string name, object definition, Guid? ownerId = null, bool schedulerRuns = true)
    {
        var reviewId = (await admin.CreateReviewAsync(name, definition, ownerId)).ShouldBe(201).Id;
        if (schedulerRuns)
        {
            await app.SettleAsync();
        }
        else
        {
            await app.Scheduler.RunPassAsync(CancellationToken.None);
        }

        var instance = Assert.Single(await admin.InstancesOfAsync(reviewId));
        return (reviewId, instance.GetProperty("id").GetGuid());
    }
}
