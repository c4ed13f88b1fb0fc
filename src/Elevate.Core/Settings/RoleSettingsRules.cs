using System.Text.RegularExpressions;
using Elevate.Core.Common;

namespace Elevate.Core.Settings;

/// <summary>What makes a settings document possible; an impossible one is refused whole, with every field named.</summary>
public static class RoleSettingsRules
{
    public static readonly TimeSpan ShortestAssignment = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan LongestAssignment = TimeSpan.FromDays(3650);
    public static readonly TimeSpan LongestExtensionWindow = TimeSpan.FromDays(90);
    public const int MaxApprovers = 50;
    public const int MaxStages = 5;
    public static readonly TimeSpan ShortestStageTimeout = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan LongestStageTimeout = TimeSpan.FromDays(14);

    public static IReadOnlyList<ElevateError> Validate(RoleSettings settings)
    {
        var errors = new List<ElevateError>();
        var activation = settings.Activation;
        if (activation.MaxDuration < ActivationSettings.MinMaxDuration || activation.MaxDuration > ActivationSettings.MaxMaxDuration)
        {
            errors.Add(Invalid("activation.maxDuration", $"The activation maximum is between {IsoDuration.Format(ActivationSettings.MinMaxDuration)} and {IsoDuration.Format(ActivationSettings.MaxMaxDuration)}."));
        }

        AddPatternErrors(errors, activation.JustificationPattern, "activation.justificationPattern");
        AddPatternErrors(errors, activation.TicketPattern, "activation.ticketPattern");
        AddIfError(errors, TextRules.Check(activation.JustificationHint, "activation.justificationHint", TextRules.DescriptionMaxLength, required: false, multiline: true));

        if (activation.RequirePhishingResistantMfa && !activation.RequireMfa)
        {
            errors.Add(Invalid("activation.requirePhishingResistantMfa", "Phishing-resistant MFA narrows which factor is accepted; turn on activation.requireMfa as well."));
        }

        var approval = activation.Approval;
        if (approval.Required && approval.Stages.Count == 0 && approval.Approvers.Count == 0)
        {
            errors.Add(ElevateError.Rule(ErrorCodes.ApproversRequired, "Approval is required but no approvers are named.", "activation.approval.approvers"));
        }

        CheckApproverList(errors, approval.Approvers, "activation.approval.approvers");
        if (approval.Stages.Count > MaxStages)
        {
            errors.Add(Invalid("activation.approval.stages", $"At most {MaxStages} stages."));
        }

        for (var i = 0; i < approval.Stages.Count; i++)
        {
            CheckStage(errors, approval.Stages[i], $"activation.approval.stages[{i}]");
        }

        CheckAssignmentLimit(errors, settings.EligibleAssignments.MaxDuration, "eligibleAssignments.maxDuration");
        CheckAssignmentLimit(errors, settings.ActiveAssignments.MaxDuration, "activeAssignments.maxDuration");

        if (settings.ExtensionWindow < TimeSpan.Zero || settings.ExtensionWindow > LongestExtensionWindow)
        {
            errors.Add(Invalid("extensionWindow", $"The extension window is between PT0S and {IsoDuration.Format(LongestExtensionWindow)}."));
        }

        var notifications = settings.Notifications;
        CheckAudience(errors, notifications.EligibleAssigned.Admins, "notifications.eligibleAssigned.admins");
        CheckAudience(errors, notifications.EligibleAssigned.Assignee, "notifications.eligibleAssigned.assignee");
        CheckAudience(errors, notifications.ActiveAssigned.Admins, "notifications.activeAssigned.admins");
        CheckAudience(errors, notifications.ActiveAssigned.Assignee, "notifications.activeAssigned.assignee");
        CheckAudience(errors, notifications.Activated.Admins, "notifications.activated.admins");
        CheckAudience(errors, notifications.Activated.Requester, "notifications.activated.requester");
        CheckAudience(errors, notifications.Activated.Approvers, "notifications.activated.approvers");
        return errors;
    }

    /// <summary>Compiles a settings pattern. Non-backtracking, so no pattern can make a request hang.</summary>
    public static Regex? CompilePattern(string? pattern) =>
        pattern is null ? null : new Regex($"^(?:{pattern})$", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);

    private static void CheckApproverList(List<ElevateError> errors, IReadOnlyList<Guid> approvers, string field)
    {
        if (approvers.Count > MaxApprovers || approvers.Distinct().Count() != approvers.Count)
        {
            errors.Add(Invalid(field, $"Name each approver once, at most {MaxApprovers}."));
        }
    }

    private static void CheckStage(List<ElevateError> errors, ApprovalStage stage, string at)
    {
        if (stage.Approvers.Count == 0 && !stage.RequesterManager)
        {
            errors.Add(ElevateError.Rule(ErrorCodes.ApproversRequired, "A stage needs approvers, the requester's manager, or both.", $"{at}.approvers"));
        }

        CheckApproverList(errors, stage.Approvers, $"{at}.approvers");
        CheckApproverList(errors, stage.EscalationApprovers, $"{at}.escalationApprovers");
        if (stage.Quorum < 1 || stage.Quorum > MaxApprovers)
        {
            errors.Add(Invalid($"{at}.quorum", $"A quorum is between 1 and {MaxApprovers} approvals."));
        }

        if (stage.Timeout < ShortestStageTimeout || stage.Timeout > LongestStageTimeout)
        {
            errors.Add(Invalid($"{at}.timeout", $"A stage's timeout is between {IsoDuration.Format(ShortestStageTimeout)} and {IsoDuration.Format(LongestStageTimeout)}."));
        }

        if (stage.EscalateAfter is { } after && (after <= TimeSpan.Zero || after >= stage.Timeout))
        {
            errors.Add(Invalid($"{at}.escalateAfter", "Escalation comes after some time and before the stage times out."));
        }

        if ((stage.EscalateAfter is null) != (stage.EscalationApprovers.Count == 0))
        {
            errors.Add(Invalid($"{at}.escalationApprovers", "Escalation needs both escalateAfter and escalationApprovers."));
        }
    }

    private static void CheckAssignmentLimit(List<ElevateError> errors, TimeSpan value, string field)
    {
        if (value < ShortestAssignment || value > LongestAssignment)
        {
            errors.Add(Invalid(field, $"An assignment limit is between {IsoDuration.Format(ShortestAssignment)} and {IsoDuration.Format(LongestAssignment)}."));
        }
    }

    private static void AddPatternErrors(List<ElevateError> errors, string? pattern, string field)
    {
        if (pattern is null)
        {
            return;
        }

        var textError = TextRules.Check(pattern, field, TextRules.PatternMaxLength, required: false);
        if (textError is not null)
        {
            errors.Add(textError);
            return;
        }

        try
        {
            // On its own first: "a)|(b" only becomes valid once wrapped, and would then no longer match as a whole.
            _ = new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
            _ = CompilePattern(pattern);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            errors.Add(ElevateError.Validation(ErrorCodes.InvalidPattern, field, $"Not a usable regular expression: {e.Message}"));
        }
    }

    private static void AddIfError(List<ElevateError> errors, ElevateError? error)
    {
        if (error is not null)
        {
            errors.Add(error);
        }
    }

    private static ElevateError Invalid(string field, string message) => ElevateError.Validation(ErrorCodes.InvalidSettings, field, message);

    private static void CheckAudience(List<ElevateError> errors, Notifications.AudienceNotifications audience, string field)
    {
        if (audience.AdditionalRecipients.Count > Notifications.AudienceNotifications.MaxAdditionalRecipients)
        {
            errors.Add(Invalid($"{field}.additionalRecipients", $"At most {Notifications.AudienceNotifications.MaxAdditionalRecipients} additional recipients."));
            return;
        }

        for (var i = 0; i < audience.AdditionalRecipients.Count; i++)
        {
            if (!Principals.PrincipalInput.IsEmailAddress(audience.AdditionalRecipients[i]))
            {
                errors.Add(Invalid($"{field}.additionalRecipients[{i}]", "Not an e-mail address (name@example.org)."));
            }
        }
    }
}
