using Elevate.Core.Access;
using Elevate.Core.Persistence;
using Elevate.Core.Reviews;
using Elevate.Core.Roles;
using Microsoft.AspNetCore.Mvc;

namespace Elevate.Server.Portal.Admin.Reviews;

/// <summary>
/// Access review definitions: the list (all of them for auditors and administrators, one's own for an owner) and the
/// form for a new review, for those who may manage assignments.
/// </summary>
public sealed class IndexModel(ReviewService reviews, Authorizer authorizer, ElevateDbContext db, TimeProvider time) : ReviewFormPage(db, time)
{
    public IReadOnlyList<AccessReview> Reviews { get; private set; } = [];

    /// <summary>Whether the signed-in person holds, anywhere, a role that manages assignments (the core checks the review's scope).</summary>
    public bool MayCreate => authorizer.ScopesWhere(Actor, Permission.ManageAssignments).Count > 0;

    public async Task OnGetAsync(CancellationToken ct)
    {
        await FillDefaultsAsync(ct);
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        var read = await ReadAsync(ct);
        if (read is not null)
        {
            var created = await reviews.CreateAsync(read.Input, Actor, ct);
            if (created.IsSuccess)
            {
                Notice = Summary("Created", created.Value);
                return RedirectToPage("/Admin/Reviews/Edit", new { reviewId = created.Value.Id });
            }

            AddFormErrors(created.Error, read);
        }

        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var list = await reviews.ListAsync(Actor, ct);
        Reviews = list.IsSuccess ? list.Value : [];
        await LoadFormAsync(ct);
    }
}
