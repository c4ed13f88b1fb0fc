using Elevate.Core.Access;
using Elevate.Core.Alerts;
using Microsoft.AspNetCore.Mvc;

namespace Elevate.Server.Portal;

/// <summary>
/// The home page: a greeting, how many roles are active now, and the open security alerts for those who may read them,
/// with the one-click fix and dismissal for those who may act on them.
/// </summary>
public sealed class HomeModel(AccessIndex index, AlertService alerts, Authorizer authorizer, TimeProvider time) : PortalPage
{
    public const int ItemsShown = 5;

    [BindProperty]
    public Guid AlertId { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    public string Name => Session.DisplayName.Length > 0 ? Session.DisplayName : Session.Name;

    public int ActiveCount => index.GrantsInForce(Session.PrincipalId, time.GetUtcNow()).Count;

    /// <summary>Open alerts, most severe first; null when the signed-in user may not read alerts (nothing is shown then).</summary>
    public IReadOnlyList<SecurityAlert>? OpenAlerts { get; private set; }

    /// <summary>Whether the signed-in user may fix and dismiss alerts (Privileged Role Administrator or Elevate Administrator, active).</summary>
    public bool MayAct => authorizer.Can(Actor, Permission.ManageRoles);

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public async Task<IActionResult> OnPostFixAsync(CancellationToken ct)
    {
        var fixedItems = await alerts.FixAsync(AlertId, null, Actor, ct);
        if (!fixedItems.IsSuccess)
        {
            AddErrors(fixedItems.Error);
            await LoadAsync(ct);
            return Page();
        }

        var failed = fixedItems.Value.Where(r => !r.Fixed).ToList();
        return Done(failed.Count == 0
            ? $"Fixed {fixedItems.Value.Count} {(fixedItems.Value.Count == 1 ? "item" : "items")}."
            : $"Fixed {fixedItems.Value.Count - failed.Count} of {fixedItems.Value.Count}; not fixed: {string.Join("; ", failed.Take(3).Select(f => f.Problem?.Message))}", "/Index");
    }

    public async Task<IActionResult> OnPostDismissAsync(CancellationToken ct)
    {
        var dismissed = await alerts.DismissAsync(AlertId, Reason, Actor, ct);
        if (!dismissed.IsSuccess)
        {
            AddErrors(dismissed.Error);
            await LoadAsync(ct);
            return Page();
        }

        return Done($"Dismissed \"{AlertCatalogue.Of(dismissed.Value.Type).Title}\"; it reopens if something new appears.", "/Index");
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var open = await alerts.ListAsync(AlertStatus.Open, Actor, ct);
        OpenAlerts = open.IsSuccess ? open.Value : null;
    }
}
