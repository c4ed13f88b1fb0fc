using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Elevate.Server.Tests.Infrastructure;

namespace Elevate.Server.Tests.Api;

/// <summary>
/// What a bad-input case aims at: a role alice is eligible for, two groups, and callers whose tokens have already been
/// used once (a token's first use is audited, and that must not be mistaken for a change made by the case).
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

    public DateTimeOffset Now => App.Time.GetUtcNow();

    public static async Task<BadInputFixture> CreateAsync(ElevateApp app, ApiClient admin, bool onRealServer)
    {
        var alice = await app.CreateUserAsync(admin, "alice");
        var role = await admin.CreateRoleAsync("db-admin");
        var eligibility = await admin.MakeEligibleAsync(alice.Id, role);
        var group = await admin.CreateGroupAsync("oncall", alice.Id);
        var other = await admin.CreateGroupAsync("dba");
        (await alice.Client.GetAsync("/api/v1/me")).ShouldBe(200);
        var fixture = new BadInputFixture(app, admin, alice, role, group, other, eligibility);
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
