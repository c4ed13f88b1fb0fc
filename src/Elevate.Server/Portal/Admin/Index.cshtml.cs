using Elevate.Core.Access;
using Elevate.Core.Audit;
using Microsoft.AspNetCore.Mvc;

namespace Elevate.Server.Portal.Admin;

/// <summary>
/// Administration: one page that leads to each administrative area the signed-in person may use, so the main
/// navigation stays short. Someone with no administrative permission is told so rather than shown empty links.
/// </summary>
public sealed class IndexModel(Authorizer authorizer) : PortalPage
{
    public sealed record Area(string Title, string Path, string What);

    public IReadOnlyList<Area> Areas { get; private set; } = [];

    public IActionResult OnGet()
    {
        Areas = AreasFor(authorizer, Actor);
        return Areas.Count == 0 ? StatusCode(StatusCodes.Status403Forbidden) : Page();
    }

    /// <summary>The areas <paramref name="actor"/> may open, in the order an administrator sets Elevate up.</summary>
    public static IReadOnlyList<Area> AreasFor(Authorizer authorizer, Actor actor)
    {
        // Roles, assignments and reviews are administered per scope; the directory, channels and sign-in only at "/".
        bool Can(Permission p) => authorizer.Can(actor, p);
        bool CanSomewhere(Permission p) => authorizer.ScopesWhere(actor, p).Count > 0;
        var areas = new List<Area>();
        if (CanSomewhere(Permission.ManageRoles))
        {
            areas.Add(new("Roles and settings", "/admin/roles", "Create roles and set what each activation requires: duration, justification, ticket, second factor, approval."));
        }

        if (CanSomewhere(Permission.ReadAssignments) || CanSomewhere(Permission.ManageAssignments))
        {
            areas.Add(new("Assignments", "/admin/assignments", "Who is eligible or active for which role where; add, extend and remove, or add many from a CSV file."));
        }

        if (Can(Permission.ReadDirectory))
        {
            areas.Add(new("Users, groups and service accounts", "/admin/users", "Find people, invite them with a setup link, manage group members and service-account tokens."));
        }

        if (CanSomewhere(Permission.ReadAudit) || CanSomewhere(Permission.ReadAssignments))
        {
            areas.Add(new("Access reviews", "/admin/reviews", "Recurring re-certification of who holds what."));
        }

        if (Can(Permission.ManageDirectory))
        {
            areas.Add(new("Notification channels", "/admin/notifications", "E-mail, webhooks, Slack and Teams as configured; send a test, retry undelivered messages."));
        }

        if (Can(Permission.ReadDirectory))
        {
            areas.Add(new("Sign-in providers", "/admin/sign-in", "Passwords, second factors and single sign-on as configured; try a provider."));
        }

        return areas;
    }
}
