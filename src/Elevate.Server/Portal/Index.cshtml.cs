using Elevate.Core.Access;
using Elevate.Core.Alerts;

namespace Elevate.Server.Portal;

/// <summary>The home page: a greeting, how many roles are active now, and the open security alerts for those who may read them.</summary>
public sealed class HomeModel(AccessIndex index, AlertService alerts, TimeProvider time) : PortalPage
{
    public string Name => Session.DisplayName.Length > 0 ? Session.DisplayName : Session.Name;

    public int ActiveCount => index.GrantsInForce(Session.PrincipalId, time.GetUtcNow()).Count;

    /// <summary>Open alerts, most severe first; null when the signed-in user may not read alerts (nothing is shown then).</summary>
    public IReadOnlyList<SecurityAlert>? OpenAlerts { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var open = await alerts.ListAsync(AlertStatus.Open, Actor, ct);
        OpenAlerts = open.IsSuccess ? open.Value : null;
    }
}
