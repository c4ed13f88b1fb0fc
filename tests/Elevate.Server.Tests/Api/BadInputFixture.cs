using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Elevate.Server.Tests.Infrastructure;
using Elevate.Server.Tests.Reviews;

namespace Elevate.Server.Tests.Api;

/// <summary>
/// What a bad-input case aims at: a role alice is eligible for, two groups, and callers whose tokens have already been
/// used once (a token's first use is audited, and that must not be mistaken for a change made by the case). A case
/// about access reviews may ask for a review of that role too, in which alice reviews her own eligibility, with its
/// instance running.
/// </summary>
public sealed class BadInputFixture : IAsyncDisposable
{
    private RealServerInstance? _realServer;

    private BadInputFixture(ElevateApp app, ApiClient admin, TestUser alice, Guid roleId, Guid groupId, Guid otherGroupId, Guid eligibilityId)
    {
        App = app;
        Admin = admin;
        Alice = alice;
        RoleId = roleId;
        GroupId = groupId;
        OtherGroupId = otherGroupId;
        EligibilityId = eligibilityId;
    }

    public ElevateApp App { get; }

    /// <summary>The administrator; on a real server when the case asked for one.</summary>
    public ApiClient Admin { get; private set; }

    /// <summary>A plain user, eligible for <see cref="RoleId"/> at '/'.</summary>
    public TestUser Alice { get; }

    public Guid RoleId { get; }

    /// <summary>A group with alice in it.</summary>
    public Guid GroupId { get; }

    /// <summary>An empty group.</summary>
    public Guid OtherGroupId { get; }

    public Guid EligibilityId { get; }

    /// <summary>The name of the review a case asked for.</summary>
    public const string ReviewName = "db-admin review";

    /// <summary>The review a case asked for (a self-review of <see cref="RoleId"/>), or empty.</summary>
    public Guid ReviewId { get; private set; }

    /// <summary>The review's running instance, or empty.</summary>
    public Guid ReviewInstanceId { get; private set; }

    /// <summary>The instance's one item: alice's eligibility, which she reviews herself.</summary>
    public Guid ReviewItemId { get; private set; }

    public DateTimeOffset Now => App.Time.GetUtcNow();

    public static async Task<BadInputFixture> CreateAsync(ElevateApp app, ApiClient admin, bool onRealServer, bool withReview = false)
    {
        var alice = await app.CreateUserAsync(admin, "alice");
        var role = await admin.CreateRoleAsync("db-admin");
        var eligibility = await admin.MakeEligibleAsync(alice.Id, role);
        var group = await admin.CreateGroupAsync("oncall", alice.Id);
        var other = await admin.CreateGroupAsync("dba");
        (await alice.Client.GetAsync("/api/v1/me")).ShouldBe(200);
        var fixture = new BadInputFixture(app, admin, alice, role, group, other, eligibility);
        if (withReview)
        {
            // The suite's scheduler is off: one pass run by hand starts the instance.
            (fixture.ReviewId, fixture.ReviewInstanceId) = await admin.StartReviewNowAsync(app, ReviewName,
                ReviewScenario.Definition([role], [ReviewScenario.Self()], app.Time.GetUtcNow(), recurrence: "quarterly"), schedulerRuns: false);
            fixture.ReviewItemId = Assert.Single(await alice.Client.MyItemsAsync(fixture.ReviewInstanceId)).GetProperty("id").GetGuid();
        }

        if (onRealServer)
        {
            fixture._realServer = new RealServerInstance(app);
            fixture.Admin = fixture._realServer.Client(admin.Token!);
            (await fixture.Admin.GetAsync("/api/v1/me")).ShouldBe(200);
        }

        return fixture;
    }

    /// <summary>An activation alice may make, to be spoiled one field at a time.</summary>
    public JsonObject Activation() => new()
    {
        ["action"] = "selfActivate",
        ["roleId"] = RoleId.ToString(),
        ["scope"] = "/prod",
        ["schedule"] = new JsonObject { ["expiration"] = "afterDuration", ["duration"] = "PT1H" },
        ["justification"] = "Investigating INC-4411",
    };

    /// <summary>An eligible assignment the administrator may make, to be spoiled one field at a time.</summary>
    public static JsonObject Assignment(Guid principalId, Guid roleId) => new()
    {
        ["action"] = "adminAssign",
        ["kind"] = "eligible",
        ["principalId"] = principalId.ToString(),
        ["roleId"] = roleId.ToString(),
        ["scope"] = "/prod",
        ["schedule"] = new JsonObject { ["expiration"] = "noExpiration" },
        ["justification"] = "On call for payments",
    };

    /// <summary>An access review the administrator may define (alice reviews the role quarterly), to be spoiled one field at a time.</summary>
    public JsonObject Review() => new()
    {
        ["name"] = "db-admin quarterly",
        ["description"] = "Who still needs db-admin",
        ["definition"] = new JsonObject
        {
            ["scope"] = new JsonObject { ["roleIds"] = new JsonArray(RoleId.ToString()), ["assignmentTypes"] = "eligible" },
            ["stages"] = new JsonArray(Stage("named", Alice.Id)),
            ["schedule"] = new JsonObject { ["recurrence"] = "quarterly", ["startsAt"] = At(TimeSpan.FromDays(1)), ["durationDays"] = 14 },
            ["defaultDecision"] = "noChange",
            ["autoApply"] = false,
            ["reminders"] = new JsonArray("P3D"),
        },
    };

    /// <summary>A stage of a review definition: its kind of reviewers and the reviewers named.</summary>
    public static JsonObject Stage(string reviewers, params Guid[] reviewerIds) => new()
    {
        ["reviewers"] = reviewers,
        ["reviewerIds"] = new JsonArray([.. reviewerIds.Select(id => (JsonNode)id.ToString())]),
    };

    /// <summary>A review decision body with one item.</summary>
    public static string Decisions(JsonObject item) => new JsonObject { ["items"] = new JsonArray(item) }.ToJsonString();

    /// <summary>One decision on an item of a review, with whatever members are given (null: left out).</summary>
    public static JsonObject Decision(Guid? itemId, JsonNode? decision, string? reason)
    {
        var item = new JsonObject();
        if (itemId is { } id)
        {
            item["itemId"] = id.ToString();
        }

        if (decision is not null)
        {
            item["decision"] = decision;
        }

        if (reason is not null)
        {
            item["reason"] = reason;
        }

        return item;
    }

    /// <summary>An RFC 3339 time relative to the test clock.</summary>
    public string At(TimeSpan fromNow) => (Now + fromNow).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static Task<ApiResponse> SendJsonAsync(ApiClient caller, HttpMethod method, string path, string json, IDictionary<string, string>? headers = null) =>
        caller.SendAsync(method, path, new StringContent(json, Encoding.UTF8, "application/json"), headers);

    public static Task<ApiResponse> SendJsonAsync(ApiClient caller, HttpMethod method, string path, JsonNode json, IDictionary<string, string>? headers = null) =>
        SendJsonAsync(caller, method, path, json.ToJsonString(), headers);

    public async ValueTask DisposeAsync()
    {
        if (_realServer is not null)
        {
            Admin.Http.Dispose();
            await _realServer.DisposeAsync();
        }
    }
}
