using Elevate.Core.Access;
using Elevate.Core.Common;
using Elevate.Core.Persistence;
using Elevate.Core.Roles;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Server.Portal.Admin.Roles;

/// <summary>
/// Roles for those who manage them: every role by name a page at a time (filtered by part of the name), whether it is
/// one of Elevate's own and whether it is privileged, and a form for a new role (which starts with the default settings).
/// </summary>
public sealed class IndexModel(RoleService roles, ElevateDbContext db, Authorizer authorizer, TimeProvider time) : RoleAdminPage(authorizer, time)
{
    public const int PageSize = 50;

    /// <summary>Part of a role's name, any case.</summary>
    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Filter { get; set; }

    [BindProperty(SupportsGet = true, Name = "cursor")]
    public string? Cursor { get; set; }

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? Description { get; set; }

    [BindProperty]
    public bool IsPrivileged { get; set; }

    public IReadOnlyList<Role> Roles { get; private set; } = [];

    public string? NextCursor { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!MayManageSomewhere)
        {
            return Refused();
        }

        IsPrivileged = true;
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        if (!MayManageSomewhere)
        {
            return Refused();
        }

        var name = string.IsNullOrWhiteSpace(Name) ? null : Name.Trim();
        var description = string.IsNullOrWhiteSpace(Description) ? null : Description.Trim();
        var created = await roles.CreateAsync(new NewRole(name, description, IsPrivileged), Actor, ct);
        if (created.IsSuccess)
        {
            Notice = $"Created the role \u201c{created.Value.Name}\u201d with Elevate's default settings. Review them below.";
            return RedirectToPage("/Admin/Roles/Role", new { roleId = created.Value.Id });
        }

        if (created.Error.Kind == ErrorKind.Forbidden)
        {
            return Refused(created.Error);
        }

        foreach (var e in created.Error.Others.Prepend(created.Error))
        {
            ModelState.AddModelError(e.Field switch { "name" => nameof(Name), "description" => nameof(Description), "isPrivileged" => nameof(IsPrivileged), _ => "" }, e.Message);
        }

        await LoadAsync(ct);
        return Page();
    }

    /// <summary>A page of roles by normalized name (the indexed, unique column), after the cursor's name.</summary>
    private async Task LoadAsync(CancellationToken ct)
    {
        var query = db.Roles.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(Filter))
        {
            var part = Role.Normalize(Filter.Trim());
            query = query.Where(r => r.NormalizedName.Contains(part));
        }

        var after = Core.Common.Cursor.Decode(Cursor, 1);
        if (!after.IsSuccess)
        {
            Cursor = null;
        }
        else if (after.Value is [var lastName])
        {
            query = query.Where(r => string.Compare(r.NormalizedName, lastName) > 0);
        }

        var items = await query.OrderBy(r => r.NormalizedName).Take(PageSize + 1).ToListAsync(ct);
        NextCursor = items.Count > PageSize ? Core.Common.Cursor.Encode(items[PageSize - 1].NormalizedName) : null;
        Roles = [.. items.Take(PageSize)];
    }
}
