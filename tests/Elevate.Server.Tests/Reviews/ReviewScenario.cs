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
