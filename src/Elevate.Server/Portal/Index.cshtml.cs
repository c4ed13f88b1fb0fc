using Elevate.Core.Access;

namespace Elevate.Server.Portal;

/// <summary>The home page: a greeting and how many roles are active now.</summary>
public sealed class HomeModel(AccessIndex index, TimeProvider time) : PortalPage
{
    public string Name => Session.DisplayName.Length > 0 ? Session.DisplayName : Session.Name;

    public int ActiveCount => index.GrantsInForce(Session.PrincipalId, time.GetUtcNow()).Count;
}
