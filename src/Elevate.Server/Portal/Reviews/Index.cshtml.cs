using Elevate.Core.Access;
using Elevate.Core.Reviews;

namespace Elevate.Server.Portal.Reviews;

/// <summary>
/// My reviews: the running review instances with items waiting for the signed-in person's decision, how many, and
/// until when; and the reviews they own (whose progress they follow).
/// </summary>
public sealed class IndexModel(ReviewService reviews, Authorizer authorizer) : PortalPage
{
    public IReadOnlyList<PendingReview> Pending { get; private set; } = [];

    /// <summary>The reviews the signed-in person owns, when they may not read every review (administrators have "Manage reviews").</summary>
    public IReadOnlyList<AccessReview> Owned { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var pending = await reviews.MyPendingAsync(Actor, ct);
        if (pending.IsSuccess)
        {
            Pending = pending.Value;
        }

        if (!authorizer.Can(Actor, Permission.ReadAudit) && !authorizer.Can(Actor, Permission.ReadAssignments))
        {
            var owned = await reviews.ListAsync(Actor, ct);
            if (owned.IsSuccess)
            {
                Owned = [.. owned.Value.Where(r => r.OwnerId == Session.PrincipalId)];
            }
        }
    }
}
