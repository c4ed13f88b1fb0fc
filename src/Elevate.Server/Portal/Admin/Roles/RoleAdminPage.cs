using Elevate.Core.Access;
using Elevate.Core.Common;
using Elevate.Core.Roles;
using Microsoft.AspNetCore.Mvc;

namespace Elevate.Server.Portal.Admin.Roles;

/// <summary>
/// What the role administration pages share: who may open them (someone with a role that manages roles active
/// somewhere; the core checks the scope of every change again) and how a refusal reads.
/// </summary>
public abstract class RoleAdminPage(Authorizer authorizer, TimeProvider time) : PortalPage
{
    protected Authorizer Authorizer { get; } = authorizer;

    protected TimeProvider Time { get; } = time;

    /// <summary>Whether the signed-in person may create, rename and describe roles (Permission.ManageRoles at /).</summary>
    public bool MayEditRoles => Authorizer.Can(Actor, Permission.ManageRoles);

    /// <summary>Whether the signed-in person manages roles anywhere: at /, or at a narrower scope.</summary>
    protected bool MayManageSomewhere => Authorizer.ScopesWhere(Actor, Permission.ManageRoles).Count > 0;

    /// <summary>The portal's refusal: the "Not allowed" page (or "There is no page here" for a missing role).</summary>
    protected StatusCodeResult Refused(ElevateError? error = null) =>
        StatusCode(error?.Kind == ErrorKind.NotFound ? StatusCodes.Status404NotFound : StatusCodes.Status403Forbidden);
}
