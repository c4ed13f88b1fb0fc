using Elevate.Core.Assignments;
using Elevate.Core.Notifications;
using Elevate.Core.Persistence;
using Elevate.Core.Requests;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Server.Portal.Approvals;

/// <summary>What an approver is shown of the requester's past: their latest activations of the same role.</summary>
public static class RequesterHistory
{
    /// <summary>The requester's last activations of the request's role, newest first (as many as the approver's e-mail shows).</summary>
    public static Task<List<Assignment>> RecentActivationsAsync(ElevateDbContext db, AssignmentRequest request, CancellationToken ct) =>
        db.Assignments.AsNoTracking()
            .Where(a => a.PrincipalId == request.PrincipalId && a.RoleId == request.RoleId && a.Origin == AssignmentOrigin.Activation)
            .OrderByDescending(a => a.StartsAt).Take(NotificationPlanner.RecentActivationsShown).ToListAsync(ct);
}
