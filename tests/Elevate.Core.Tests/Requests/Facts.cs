using Elevate.Core.Assignments;
using Elevate.Core.Principals;
using Elevate.Core.Requests;
using Elevate.Core.Roles;
using Elevate.Core.Settings;

namespace Elevate.Core.Tests.Requests;

/// <summary>
/// Valid <see cref="RequestFacts"/> for each action, as the loader would produce them: every builder's result is
/// accepted under the default settings, so a test that varies one thing and sees a rejection proves that thing.
/// Alice is the requester of self-service actions; Carol is the administrator who makes admin requests about Alice.
/// </summary>
public static class Facts
{
    public static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    public static readonly PrincipalFacts Alice = new(new Guid("a11ce000-0000-4000-8000-000000000001"), PrincipalKind.User, "alice", true);

    public static readonly PrincipalFacts Bob = new(new Guid("b0b00000-0000-4000-8000-000000000002"), PrincipalKind.User, "bob", true);

    public static readonly PrincipalFacts Carol = new(new Guid("ca401000-0000-4000-8000-000000000003"), PrincipalKind.User, "carol", true);

    public static readonly PrincipalFacts Ops = new(new Guid("0b500000-0000-4000-8000-000000000004"), PrincipalKind.Group, "ops", true);

    public static readonly RoleFacts DbAdmin = new(new Guid("db000000-0000-4000-8000-000000000005"), "Database Administrator", null);

    public static readonly ScopePath Payments = ScopePath.Parse("/prod/payments");

    public const string Justification = "Investigating INC-4411";

    /// <summary>A window starting <paramref name="startIn"/> from <see cref="Now"/> and lasting <paramref name="length"/>.</summary>
    public static Schedule Window(TimeSpan length, TimeSpan startIn = default) => new(Now + startIn, Now + startIn + length, length);

    /// <summary>A window from <paramref name="start"/> to <paramref name="end"/>.</summary>
    public static Schedule Window(DateTimeOffset start, DateTimeOffset end) => new(start, end, end - start);

    /// <summary>A permanent window starting now.</summary>
    public static Schedule Permanent() => new(Now, null, null);

    /// <summary>An open eligibility of <paramref name="holderId"/> (a user or a group) for the role.</summary>
    public static Assignment Eligibility(Guid holderId, DateTimeOffset startsAt, DateTimeOffset? endsAt, string scope = "/prod") =>
        Make(AssignmentKind.Eligible, AssignmentOrigin.Administrator, holderId, startsAt, endsAt, scope);

    /// <summary>An open activation of <paramref name="holderId"/> at the request's scope.</summary>
    public static Assignment Activation(Guid holderId, DateTimeOffset startsAt, DateTimeOffset endsAt) =>
        Make(AssignmentKind.Active, AssignmentOrigin.Activation, holderId, startsAt, endsAt, Payments.Value);

    /// <summary>An open assignment an administrator made, of <paramref name="kind"/>, at the request's scope.</summary>
    public static Assignment Assigned(Guid holderId, AssignmentKind kind, DateTimeOffset startsAt, DateTimeOffset? endsAt) =>
        Make(kind, AssignmentOrigin.Administrator, holderId, startsAt, endsAt, Payments.Value);

    /// <summary>An assignment an administrator made whose window ran out and was marked expired.</summary>
    public static Assignment Expired(Guid holderId, AssignmentKind kind, DateTimeOffset startsAt, DateTimeOffset endsAt)
    {
        var assignment = Assigned(holderId, kind, startsAt, endsAt);
        assignment.Status = AssignmentStatus.Expired;
        assignment.EndedAt = endsAt;
        return assignment;
    }

    /// <summary>Alice activates her permanent eligibility at /prod for two hours at /prod/payments, starting now.</summary>
    public static RequestFacts SelfActivate() => Self(RequestAction.SelfActivate) with
    {
        Schedule = Window(TimeSpan.FromHours(2)),
        Justification = Justification,
        Eligibilities = [Eligibility(Alice.Id, Now - TimeSpan.FromDays(30), null)],
    };

    /// <summary>Alice ends her own running activation.</summary>
    public static RequestFacts SelfDeactivate() => Self(RequestAction.SelfDeactivate) with
    {
        Target = Activation(Alice.Id, Now - TimeSpan.FromMinutes(30), Now + TimeSpan.FromMinutes(90)),
    };

    /// <summary>
    /// Alice extends her running activation (ending in one hour) to end four hours from now. The loader resolves an
    /// extension's schedule from now, since an extension gives no start.
    /// </summary>
    public static RequestFacts SelfExtendActivation() => Self(RequestAction.SelfExtend) with
    {
        Target = Activation(Alice.Id, Now - TimeSpan.FromHours(1), Now + TimeSpan.FromHours(1)),
        Schedule = Window(TimeSpan.FromHours(4)),
        Justification = Justification,
        Eligibilities = [Eligibility(Alice.Id, Now - TimeSpan.FromDays(30), null)],
    };

    /// <summary>Alice asks to extend an active assignment an administrator gave her, which ends in ten days, by 90 days.</summary>
    public static RequestFacts SelfExtendAssignment() => Self(RequestAction.SelfExtend) with
    {
        Target = Assigned(Alice.Id, AssignmentKind.Active, Now - TimeSpan.FromDays(170), Now + TimeSpan.FromDays(10)),
        Schedule = Window(TimeSpan.FromDays(90)),
        Justification = Justification,
    };

    /// <summary>Alice asks to renew an active assignment an administrator gave her, which expired two days ago.</summary>
    public static RequestFacts SelfRenew() => Self(RequestAction.SelfRenew) with
    {
        Target = Expired(Alice.Id, AssignmentKind.Active, Now - TimeSpan.FromDays(92), Now - TimeSpan.FromDays(2)),
        Schedule = Window(TimeSpan.FromDays(90)),
        Justification = Justification,
    };

    /// <summary>Carol assigns Alice the role as <paramref name="kind"/> for 30 days from now.</summary>
    public static RequestFacts AdminAssign(AssignmentKind kind = AssignmentKind.Active) => Admin(RequestAction.AdminAssign, kind) with
    {
        Schedule = Window(TimeSpan.FromDays(30)),
    };

    /// <summary>Carol moves the end of Alice's active assignment (running for ten days, 20 to go) to 40 days from now.</summary>
    public static RequestFacts AdminUpdate()
    {
        var target = Assigned(Alice.Id, AssignmentKind.Active, Now - TimeSpan.FromDays(10), Now + TimeSpan.FromDays(20));
        return Admin(RequestAction.AdminUpdate, AssignmentKind.Active) with
        {
            Target = target,
            Schedule = Window(target.StartsAt, Now + TimeSpan.FromDays(40)),
        };
    }

    /// <summary>Carol extends Alice's active assignment (20 days to go) to end 60 days from now.</summary>
    public static RequestFacts AdminExtend() => Admin(RequestAction.AdminExtend, AssignmentKind.Active) with
    {
        Target = Assigned(Alice.Id, AssignmentKind.Active, Now - TimeSpan.FromDays(10), Now + TimeSpan.FromDays(20)),
        Schedule = Window(TimeSpan.FromDays(60)),
    };

    /// <summary>Carol removes Alice's active assignment.</summary>
    public static RequestFacts AdminRemove() => Admin(RequestAction.AdminRemove, AssignmentKind.Active) with
    {
        Target = Assigned(Alice.Id, AssignmentKind.Active, Now - TimeSpan.FromDays(10), Now + TimeSpan.FromDays(20)),
        Schedule = null,
    };

    private static RequestFacts Self(RequestAction action) => new()
    {
        Action = action,
        Requester = Alice,
        Principal = Alice,
        Role = DbAdmin,
        Scope = Payments,
        Kind = AssignmentKind.Active,
        Settings = RoleSettings.Default,
        Now = Now,
        PrincipalIncludesRequester = true,
    };

    private static RequestFacts Admin(RequestAction action, AssignmentKind kind) => new()
    {
        Action = action,
        Requester = Carol,
        Principal = Alice,
        Role = DbAdmin,
        Scope = Payments,
        Kind = kind,
        Settings = RoleSettings.Default,
        Now = Now,
        Justification = Justification,
    };

    private static Assignment Make(AssignmentKind kind, AssignmentOrigin origin, Guid holderId, DateTimeOffset startsAt, DateTimeOffset? endsAt, string scope) => new()
    {
        Id = Guid.NewGuid(),
        Kind = kind,
        Origin = origin,
        PrincipalId = holderId,
        RoleId = DbAdmin.Id,
        Scope = scope,
        StartsAt = startsAt,
        EndsAt = endsAt,
        Status = startsAt > Now ? AssignmentStatus.Scheduled : AssignmentStatus.Active,
        CreatedAt = startsAt,
    };
}
