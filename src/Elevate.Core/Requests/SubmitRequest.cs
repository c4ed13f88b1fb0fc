using Elevate.Core.Assignments;
using Elevate.Core.Common;
using Elevate.Core.Mfa;
using Elevate.Core.Roles;

namespace Elevate.Core.Requests;

/// <summary>A request as submitted (the body of <c>POST /api/v1/requests</c>).</summary>
public sealed record SubmitRequest
{
    public RequestAction? Action { get; init; }

    /// <summary>Eligible or active; for adminAssign only (other actions take it from their target).</summary>
    public AssignmentKind? Kind { get; init; }

    public Guid? PrincipalId { get; init; }

    public Guid? RoleId { get; init; }

    public string? Scope { get; init; }

    public Guid? TargetAssignmentId { get; init; }

    public ScheduleInput? Schedule { get; init; }

    public string? Justification { get; init; }

    public TicketInput? Ticket { get; init; }

    /// <summary>A dry run: answer what the request would need and whether it would pass, change nothing.</summary>
    public bool ValidateOnly { get; init; }

    /// <summary>A fresh second factor for this request, when its role's settings require one.</summary>
    public StepUpProof? Mfa { get; init; }

    /// <summary>Checks the shape of the input for its action; names every field at fault.</summary>
    public IReadOnlyList<ElevateError> Validate()
    {
        var errors = new List<ElevateError>();
        if (Action is not { } action)
        {
            errors.Add(ElevateError.Validation(ErrorCodes.Required, "action", "Say what the request is for: selfActivate, adminAssign, ..."));
            return errors;
        }

        var (needs, allows) = Fields(action);
        Require(errors, needs, allows, RequestField.Kind, Kind is not null, "kind");
        Require(errors, needs, allows, RequestField.Principal, PrincipalId is not null, "principalId");
        Require(errors, needs, allows, RequestField.Role, RoleId is not null, "roleId");
        Require(errors, needs, allows, RequestField.Scope, Scope is not null, "scope");
        Require(errors, needs, allows, RequestField.Target, TargetAssignmentId is not null, "targetAssignmentId");
        Require(errors, needs, allows, RequestField.Schedule, Schedule is not null, "schedule");

        if (Scope is not null && ScopePath.FromInput(Scope, "scope") is { IsSuccess: false } scope)
        {
            errors.Add(scope.Error!);
        }

        if (Schedule is { StartsAt: not null } && action is RequestAction.SelfExtend or RequestAction.AdminExtend)
        {
            errors.Add(ElevateError.Validation(ErrorCodes.InvalidSchedule, "schedule.startsAt", "An extension keeps the start; give only the new end."));
        }

        AddIfError(errors, TextRules.Check(Justification, "justification", TextRules.JustificationMaxLength, required: false, multiline: true));
        if (Ticket is not null)
        {
            AddIfError(errors, TextRules.Check(Ticket.System, "ticket.system", TextRules.TicketMaxLength, required: false));
            AddIfError(errors, TextRules.Check(Ticket.Number, "ticket.number", TextRules.TicketMaxLength, required: true));
        }

        AddIfError(errors, Mfa?.Validate());

        return errors;
    }

    [Flags]
    private enum RequestField
    {
        None = 0,
        Kind = 1,
        Principal = 2,
        Role = 4,
        Scope = 8,
        Target = 16,
        Schedule = 32,
    }

    private static (RequestField Needs, RequestField Allows) Fields(RequestAction action) => action switch
    {
        RequestAction.AdminAssign => (RequestField.Kind | RequestField.Principal | RequestField.Role | RequestField.Scope | RequestField.Schedule, RequestField.None),
        RequestAction.AdminUpdate or RequestAction.AdminExtend or RequestAction.AdminRenew
            or RequestAction.SelfExtend or RequestAction.SelfRenew => (RequestField.Target | RequestField.Schedule, RequestField.None),
        RequestAction.AdminRemove or RequestAction.SelfDeactivate => (RequestField.Target, RequestField.None),
        RequestAction.SelfActivate => (RequestField.Role | RequestField.Scope | RequestField.Schedule, RequestField.Principal),
    };

    private static void Require(List<ElevateError> errors, RequestField needs, RequestField allows, RequestField field, bool present, string name)
    {
        if (needs.HasFlag(field) && !present)
        {
            errors.Add(ElevateError.Validation(ErrorCodes.Required, name, $"'{name}' is required for this action."));
        }
        else if (!needs.HasFlag(field) && !allows.HasFlag(field) && present)
        {
            errors.Add(ElevateError.Validation(ErrorCodes.InvalidValue, name, $"'{name}' is not used by this action; leave it out."));
        }
    }

    private static void AddIfError(List<ElevateError> errors, ElevateError? error)
    {
        if (error is not null)
        {
            errors.Add(error);
        }
    }
}
