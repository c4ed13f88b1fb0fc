using Elevate.Core.Assignments;
using Elevate.Core.Audit;
using Elevate.Core.Common;
using Elevate.Core.Persistence;
using Elevate.Core.Principals;
using Elevate.Core.Requests;
using Elevate.Core.Roles;
using Elevate.Core.Settings;
using Elevate.Core.Tokens;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Core.Setup;

/// <summary>What the first start did; <see cref="SetupSecret"/> is set while the first administrator has no token yet.</summary>
public sealed record BootstrapResult(Principal? Administrator, string? SetupSecret, DateTimeOffset? SetupSecretExpiresAt);

/// <summary>
/// Makes a database ready for use: Elevate's built-in roles exist, and an empty installation gets its first
/// administrator, who holds Elevate Administrator permanently (the break-glass holder the safeguard keeps) and receives
/// a one-time setup secret. Until a token or a password exists, every start issues a fresh secret (the older one stops working),
/// so a lost console line never locks the installation out.
/// </summary>
public sealed class Bootstrapper(ChangeSets changes)
{
    public async Task<BootstrapResult> RunAsync(string administratorName, CancellationToken ct)
    {
        await using var cs = await changes.BeginAsync(Actor.System("bootstrap"), ct);
        await EnsureBuiltInRolesAsync(cs, ct);

        Principal? admin = null;
        if (!await cs.Db.Principals.AnyAsync(ct))
        {
            admin = CreateFirstAdministrator(cs, administratorName);
        }
        else if (!await cs.Db.Tokens.AnyAsync(ct) && !await cs.Db.LocalCredentials.AnyAsync(ct))
        {
            var adminRoleId = BuiltInRoles.IdOf(BuiltInRole.ElevateAdministrator);
            admin = await (from a in cs.Db.Assignments
                           join p in cs.Db.Principals on a.PrincipalId equals p.Id
                           where a.RoleId == adminRoleId && a.Kind == AssignmentKind.Active && a.Status == AssignmentStatus.Active
                               && p.Kind == PrincipalKind.User && p.Enabled
                           orderby a.CreatedAt
                           select p).FirstOrDefaultAsync(ct);
        }

        (SetupSecret Secret, string Value)? setup = null;
        if (admin is not null)
        {
            setup = await TokenService.AddSetupSecretAsync(cs, admin, ct);
        }

        if (cs.Records.Count > 0)
        {
            var committed = await cs.CommitAsync(ct);
            if (!committed.IsSuccess)
            {
                throw new InvalidOperationException($"Bootstrapping failed: {committed.Error.Message}");
            }
        }

        return new BootstrapResult(admin, setup?.Value, setup?.Secret.ExpiresAt);
    }

    private static async Task EnsureBuiltInRolesAsync(ChangeSet cs, CancellationToken ct)
    {
        var existing = await cs.Db.Roles.Where(r => r.BuiltIn != null).Select(r => r.Id).ToListAsync(ct);
        foreach (var builtIn in BuiltInRoles.All)
        {
            var id = BuiltInRoles.IdOf(builtIn);
            if (existing.Contains(id))
            {
                continue;
            }

            var role = new Role
            {
                Id = id,
                Name = BuiltInRoles.NameOf(builtIn),
                NormalizedName = Role.Normalize(BuiltInRoles.NameOf(builtIn)),
                Description = BuiltInRoles.DescriptionOf(builtIn),
                IsPrivileged = true,
                BuiltIn = builtIn,
                CreatedAt = cs.Now,
            };
            var settings = RoleSettings.Default with
            {
                Activation = RoleSettings.Default.Activation with { RequireMfa = BuiltInRoles.RequiresMfaByDefault(builtIn) },
            };
            cs.Db.Roles.Add(role);
            cs.Db.RoleSettings.Add(new RoleSettingsRecord { Id = Ids.New(cs.Now), RoleId = id, Scope = "/", Settings = settings, UpdatedAt = cs.Now });
            cs.Audit(new AuditRecord("role.created")
            {
                RoleId = role.Id,
                RoleName = role.Name,
                Details = AuditDetails.Of(new { role.Description, role.IsPrivileged, builtIn, settings }),
            });
        }
    }

    private static Principal CreateFirstAdministrator(ChangeSet cs, string name)
    {
        var admin = new Principal
        {
            Id = Ids.New(cs.Now),
            Kind = PrincipalKind.User,
            Name = name,
            NormalizedName = Principal.Normalize(name),
            DisplayName = "Elevate Administrator",
            CreatedAt = cs.Now,
        };
        cs.Db.Principals.Add(admin);
        cs.Audit(new AuditRecord("user.created") { PrincipalId = admin.Id, PrincipalName = admin.Name, Details = AuditDetails.Of(new { firstAdministrator = true }) });

        var roleId = BuiltInRoles.IdOf(BuiltInRole.ElevateAdministrator);
        var request = new AssignmentRequest
        {
            Id = Ids.New(cs.Now),
            Action = RequestAction.AdminAssign,
            AssignmentKind = AssignmentKind.Active,
            PrincipalId = admin.Id,
            RoleId = roleId,
            Scope = "/",
            StartsAt = cs.Now,
            Expiration = ExpirationType.NoExpiration,
            Justification = "First administrator of a new installation.",
            CreatedAt = cs.Now,
            CompletedAt = cs.Now,
            Status = RequestStatus.Provisioned,
        };
        var assignment = new Assignment
        {
            Id = Ids.New(cs.Now),
            Kind = AssignmentKind.Active,
            Origin = AssignmentOrigin.Administrator,
            PrincipalId = admin.Id,
            RoleId = roleId,
            Scope = "/",
            StartsAt = cs.Now,
            Status = AssignmentStatus.Active,
            CreatedByRequestId = request.Id,
            CreatedAt = cs.Now,
        };
        request.ResultAssignmentId = assignment.Id;
        cs.Db.Requests.Add(request);
        cs.Db.Assignments.Add(assignment);
        var audit = new AssignmentAudit();
        audit.Know(admin.Id, admin.Name);
        audit.KnowRole(roleId, BuiltInRoles.NameOf(BuiltInRole.ElevateAdministrator));
        cs.Audit(RequestAudit.Record("request.submitted", request, audit));
        cs.Audit(audit.Record("assignment.created", assignment, request.Id));
        return admin;
    }
}
