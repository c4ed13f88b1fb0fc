using Elevate.Core.Access;
using Elevate.Core.Common;
using Elevate.Core.Persistence;
using Elevate.Core.Principals;
using Elevate.Core.Reviews;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Server.Portal.Admin.Reviews;

/// <summary>
/// One review definition: what it is (read-only for owners and auditors), the same form as "New review" prefilled for
/// administrators (the version it was read at is sent back as If-Match), "Stop review" with a reason after a
/// confirmation, and its instances.
/// </summary>
public sealed class EditModel(ReviewService reviews, Authorizer authorizer, ElevateDbContext db, TimeProvider time) : ReviewFormPage(db, time)
{
    [BindProperty(SupportsGet = true)]
    public Guid ReviewId { get; set; }

    /// <summary>The version the form was read at: the If-Match of the update.</summary>
    [BindProperty]
    public int? Version { get; set; }

    [BindProperty]
    public string? StopReason { get; set; }

    /// <summary>"stop" to ask for confirmation (and a reason) before stopping the review.</summary>
    [BindProperty(SupportsGet = true, Name = "confirm")]
    public string? Confirm { get; set; }

    public AccessReview Review { get; private set; } = null!;

    public ReviewDefinition Definition { get; private set; } = new();

    public string OwnerName { get; private set; } = "";

    /// <summary>The names of the reviewers and roles the definition refers to.</summary>
    public IReadOnlyDictionary<Guid, string> Names { get; private set; } = new Dictionary<Guid, string>();

    public IReadOnlyList<ReviewInstance> InstanceList { get; private set; } = [];

    /// <summary>Whether the signed-in person may change and stop this review (the core decides again on every change).</summary>
    public bool MayManage { get; private set; }

    public bool IsActive => Review.Status == ReviewStatus.Active;

    public bool ConfirmingStop => string.Equals(Confirm, "stop", StringComparison.OrdinalIgnoreCase);

    public Task<IActionResult> OnGetAsync(CancellationToken ct) => ShowAsync(ct);

    public async Task<IActionResult> OnPostSaveAsync(CancellationToken ct)
    {
        var read = await ReadAsync(ct);
        if (read is not null)
        {
            var updated = await reviews.UpdateAsync(ReviewId, read.Input, Version, Actor, ct);
            if (updated.IsSuccess)
            {
                Notice = Summary("Saved", updated.Value);
                return RedirectToPage("/Admin/Reviews/Edit", new { reviewId = ReviewId });
            }

            if (updated.Error.Kind == ErrorKind.NotFound && updated.Error.Field == "id")
            {
                return NotFound();
            }

            AddFormErrors(updated.Error, read);
        }

        if (!await LoadAsync(ct))
        {
            return NotFound();
        }

        await LoadFormAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostStopAsync(CancellationToken ct)
    {
        var stopped = await reviews.StopAsync(ReviewId, StopReason, Actor, ct);
        if (stopped.IsSuccess)
        {
            Notice = $"Stopped \u201c{stopped.Value.Name}\u201d: no further instance starts, and a running one was closed with the default for undecided items.";
            return RedirectToPage("/Admin/Reviews/Edit", new { reviewId = ReviewId });
        }

        if (stopped.Error.Kind == ErrorKind.NotFound)
        {
            return NotFound();
        }

        foreach (var e in stopped.Error.Others.Prepend(stopped.Error))
        {
            ModelState.AddModelError(e.Field == "reason" ? nameof(StopReason) : "", e.Message);
        }

        Confirm = "stop";
        return await ShowAsync(ct);
    }

    /// <summary>The page with the review as stored: its form filled in at the current version.</summary>
    private async Task<IActionResult> ShowAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return NotFound();
        }

        await FillAsync(Review.Name, Review.Description, Review.OwnerId, Definition, ct);
        Version = Review.Version;
        await LoadFormAsync(ct);
        return Page();
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        var found = await reviews.GetAsync(ReviewId, Actor, ct);
        if (!found.IsSuccess)
        {
            return false;
        }

        Review = found.Value;
        Definition = Review.Read();
        var instances = await reviews.InstancesAsync(ReviewId, Actor, ct);
        InstanceList = instances.IsSuccess ? instances.Value : [];
        var ids = Definition.NamedPrincipals().Append(Review.OwnerId).ToList();
        var principals = await Db.Principals.AsNoTracking().Where(p => ids.Contains(p.Id)).Select(p => new { p.Id, p.Name, p.Kind }).ToListAsync(ct);
        var roleIds = Definition.Scope.RoleIds.ToList();
        var roles = await Db.Roles.AsNoTracking().Where(r => roleIds.Contains(r.Id)).Select(r => new { r.Id, r.Name }).ToListAsync(ct);
        Names = principals.Select(p => (p.Id, Name: p.Kind == PrincipalKind.Group ? $"{p.Name} (group)" : p.Name)).Concat(roles.Select(r => (r.Id, r.Name)))
            .ToDictionary(p => p.Id, p => p.Name);
        OwnerName = principals.FirstOrDefault(p => p.Id == Review.OwnerId)?.Name ?? Review.OwnerId.ToString();
        var scope = Definition.Scope.ScopePath is { } path && Core.Roles.ScopePath.TryParse(path, out var parsed, out _) ? parsed : Core.Roles.ScopePath.Root;
        MayManage = authorizer.Can(Actor, Permission.ManageAssignments, scope);
        return true;
    }

    public string NameOf(Guid id) => Names.GetValueOrDefault(id, id.ToString());
}
