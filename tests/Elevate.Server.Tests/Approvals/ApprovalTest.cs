using Elevate.Server.Tests.Infrastructure;

namespace Elevate.Server.Tests.Approvals;

/// <summary>
/// An approval suite: alice requests; bob, carol and dave are the people who may (or may not) decide. All four exist
/// before each test starts.
/// </summary>
public abstract class ApprovalTest(DatabaseKind kind) : AppTest(kind), IAsyncLifetime
{
    protected TestUser Alice { get; private set; } = null!;

    protected TestUser Bob { get; private set; } = null!;

    protected TestUser Carol { get; private set; } = null!;

    protected TestUser Dave { get; private set; } = null!;

    protected DateTimeOffset Now => App.Time.GetUtcNow();

    /// <summary>Starts the app (as every suite does), then creates the people.</summary>
    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        Alice = await UserAsync("alice");
        Bob = await UserAsync("bob");
        Carol = await UserAsync("carol");
        Dave = await UserAsync("dave");
    }

    /// <summary>Alice's pending activation of a new role whose activation waits for <paramref name="stages"/>.</summary>
    protected async Task<(Guid Role, Guid Request)> AlicePendingAsync(params StageBody[] stages)
    {
        var role = await Admin.RoleNeedingApprovalAsync(Alice.Id, stages);
        return (role, await Alice.Client.ActivatePendingAsync(role));
    }

    /// <summary>Asserts the request is still waiting and nobody has decided anything on it.</summary>
    protected async Task AssertUndecidedAsync(Guid requestId)
    {
        Assert.Equal("pendingApproval", await Admin.StatusOfAsync(requestId));
        Assert.Empty(await Admin.DecisionsAsync(requestId));
        Assert.Empty(await Admin.RequestAuditAsync(requestId, "request.approval_given"));
        Assert.Empty(await Admin.RequestAuditAsync(requestId, "request.approval_refused"));
    }
}
