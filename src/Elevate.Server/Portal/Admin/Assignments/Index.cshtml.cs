using System.Globalization;
using Elevate.Core.Access;
using Elevate.Core.Assignments;
using Elevate.Core.Common;
using Elevate.Core.Persistence;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Server.Portal.Admin.Assignments;

/// <summary>
/// Everyone's assignments, newest first, a page at a time: filtered on the server by role, principal, scope (exactly
/// or with everything below it), kind and state. Names are resolved to ids through the access index; an unknown name
/// is an error on its field and nothing is listed.
/// </summary>
public sealed class IndexModel(AssignmentQueries queries, AccessIndex index, Authorizer authorizer, ElevateDbContext db, TimeProvider time)
    : AssignmentAdminPage(index, authorizer, time)
{
    /// <summary>The roles the filter offers by name; a longer list is typed instead.</summary>
    public const int RoleChoices = 300;

    [BindProperty(SupportsGet = true, Name = "role")]
    public string? Role { get; set; }

    [BindProperty(SupportsGet = true, Name = "principal")]
    public string? Principal { get; set; }

    [BindProperty(SupportsGet = true, Name = "scope")]
    public string? Scope { get; set; }

    [BindProperty(SupportsGet = true, Name = "below")]
    public bool Below { get; set; }

    /// <summary>eligible or active; empty for both.</summary>
    [BindProperty(SupportsGet = true, Name = "kind")]
    public string? Kind { get; set; }

    /// <summary>open, scheduled, active or ended; empty for any.</summary>
    [BindProperty(SupportsGet = true, Name = "state")]
    public string? State { get; set; }

    [BindProperty(SupportsGet = true, Name = "cursor")]
    public string? Cursor { get; set; }

    [BindProperty(SupportsGet = true, Name = "limit")]
    public int? Limit { get; set; }

    public IReadOnlyList<Assignment> Items { get; private set; } = [];

    public string? NextCursor { get; private set; }

    public bool Searched { get; private set; }

    /// <summary>Role names for the filter's list; empty when there are too many to list.</summary>
    public IReadOnlyList<string> RoleNames { get; private set; } = [];

    public static readonly (string Value, string Label)[] States =
        [("open", "Open (scheduled or in force)"), ("scheduled", "Scheduled"), ("active", "In force now"), ("ended", "Ended or expired")];

    /// <summary>The filter as query parameters (cursor aside), for the paging link.</summary>
    public string FilterQuery
    {
        get
        {
            var parts = new List<string>();
            void Add(string name, string? value)
            {
                if (!string.IsNullOrWhiteSpace(value))
                {
                    parts.Add($"{name}={Uri.EscapeDataString(value.Trim())}");
                }
            }

            Add("role", Role);
            Add("principal", Principal);
            Add("scope", Scope);
            Add("below", Below ? "true" : null);
            Add("kind", Kind);
            Add("state", State);
            Add("limit", Limit?.ToString(CultureInfo.InvariantCulture));
            return string.Join('&', parts);
        }
    }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!MayAdminister)
        {
            return Refused();
        }

        var roleCount = await db.Roles.CountAsync(ct);
        RoleNames = roleCount <= RoleChoices ? await db.Roles.AsNoTracking().OrderBy(r => r.NormalizedName).Select(r => r.Name).ToListAsync(ct) : [];
        var filter = Filter();
        if (filter is null)
        {
            return Page();
        }

        var page = await queries.ListAsync(filter, Actor, ct);
        if (!page.IsSuccess)
        {
            if (page.Error.Kind is ErrorKind.Forbidden)
            {
                return Refused(page.Error);
            }

            foreach (var e in page.Error.Others.Prepend(page.Error))
            {
                ModelState.AddModelError(e.Field switch { "scope" => nameof(Scope), _ => "" }, e.Message);
            }

            return Page();
        }

        Items = page.Value.Items;
        NextCursor = page.Value.NextCursor;
        Searched = true;
        return Page();
    }

    /// <summary>The form's filter as the core takes it; null (with field errors) when a name or choice is unknown.</summary>
    private AssignmentFilter? Filter()
    {
        Guid? roleId = null;
        if (!string.IsNullOrWhiteSpace(Role))
        {
            roleId = Index.FindRole(Role.Trim()) is { } role && !Guid.TryParse(Role, out _) ? role.Id : null;
            if (roleId is null)
            {
                ModelState.AddModelError(nameof(Role), $"There is no role named '{Role.Trim()}'.");
            }
        }

        Guid? principalId = null;
        if (!string.IsNullOrWhiteSpace(Principal))
        {
            principalId = Index.FindPrincipal(Principal.Trim()) is { } principal && !Guid.TryParse(Principal, out _) ? principal.Id : null;
            if (principalId is null)
            {
                ModelState.AddModelError(nameof(Principal), $"There is no user, group or service account named '{Principal.Trim()}'.");
            }
        }

        AssignmentKind? kind = Kind switch
        {
            null or "" => null,
            "eligible" => AssignmentKind.Eligible,
            "active" => AssignmentKind.Active,
            _ => Invalid<AssignmentKind>(nameof(Kind)),
        };
        AssignmentState? state = State switch
        {
            null or "" => null,
            "open" => AssignmentState.Open,
            "scheduled" => AssignmentState.Scheduled,
            "active" => AssignmentState.InForce,
            "ended" => AssignmentState.Closed,
            _ => Invalid<AssignmentState>(nameof(State)),
        };
        var scope = string.IsNullOrWhiteSpace(Scope) ? null : Scope.Trim();
        return ModelState.ErrorCount > 0 ? null : new AssignmentFilter(kind, principalId, roleId, scope, Below, state, Cursor, Limit);
    }

    private T? Invalid<T>(string key)
        where T : struct
    {
        ModelState.AddModelError(key, "Choose one of the options.");
        return null;
    }
}
