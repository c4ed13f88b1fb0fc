using Elevate.Core.Common;
using Elevate.Core.Requests;
using Elevate.Core.Settings;

namespace Elevate.Core.Tests.Requests;

public sealed class ActivationRulesTests
{
    private static readonly DateTimeOffset Now = Facts.Now;

    [Fact]
    public void Activation_with_a_covering_direct_eligibility_is_accepted()
    {
        var facts = Facts.SelfActivate();

        var evaluation = RequestRules.Evaluate(facts);

        Verdict.Accepted(evaluation);
        Assert.Same(facts.Eligibilities[0], evaluation.Eligibility);
        Assert.Equal(facts.Schedule, evaluation.Window);
    }

    [Fact]
    public void Activation_through_a_group_eligibility_is_accepted()
    {
        var groupEligibility = Facts.Eligibility(Facts.Ops.Id, Now - TimeSpan.FromDays(1), null);
        var facts = Facts.SelfActivate() with { Eligibilities = [groupEligibility] };

        var evaluation = RequestRules.Evaluate(facts);

        Verdict.Accepted(evaluation);
        Assert.Same(groupEligibility, evaluation.Eligibility);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/prod")]
    [InlineData("/prod/payments")]
    public void An_eligibility_at_the_scope_or_above_allows_activation_at_the_scope(string scope)
    {
        var eligibility = Facts.Eligibility(Facts.Alice.Id, Now - TimeSpan.FromDays(1), null, scope);

        var evaluation = RequestRules.Evaluate(Facts.SelfActivate() with { Eligibilities = [eligibility] });

        Verdict.Accepted(evaluation);
        Assert.Same(eligibility, evaluation.Eligibility);
    }

    [Fact]
    public void Activation_without_any_eligibility_is_rejected_as_not_eligible()
    {
        var facts = Facts.SelfActivate() with { Eligibilities = [] };

        var problem = Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts), ErrorCodes.NotEligible);

        Assert.Equal(ErrorKind.Forbidden, problem.Kind);
    }

    [Fact]
    public void Activation_starting_before_the_eligibility_starts_is_rejected()
    {
        var later = Facts.Eligibility(Facts.Alice.Id, Now + TimeSpan.FromHours(1), Now + TimeSpan.FromDays(30));
        var facts = Facts.SelfActivate() with { Eligibilities = [later] };

        var evaluation = RequestRules.Evaluate(facts);

        Verdict.RejectedOnlyFor(evaluation, ErrorCodes.OutsideEligibilityWindow);
        Assert.Null(evaluation.Eligibility);
    }

    [Fact]
    public void Activation_ending_after_the_eligibility_ends_is_rejected()
    {
        var endingSoon = Facts.Eligibility(Facts.Alice.Id, Now - TimeSpan.FromDays(30), Now + TimeSpan.FromHours(1));
        var facts = Facts.SelfActivate() with { Eligibilities = [endingSoon], Schedule = Facts.Window(TimeSpan.FromHours(2)) };

        Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts), ErrorCodes.OutsideEligibilityWindow);
    }

    [Fact]
    public void Activation_ending_exactly_when_the_eligibility_ends_is_accepted()
    {
        var endingSoon = Facts.Eligibility(Facts.Alice.Id, Now - TimeSpan.FromDays(30), Now + TimeSpan.FromHours(2));
        var facts = Facts.SelfActivate() with { Eligibilities = [endingSoon], Schedule = Facts.Window(TimeSpan.FromHours(2)) };

        Verdict.Accepted(RequestRules.Evaluate(facts));
    }

    [Fact]
    public void Activation_longer_than_the_role_maximum_is_rejected()
    {
        var settings = new ActivationSettings { MaxDuration = TimeSpan.FromHours(1) };
        var facts = WithActivation(settings) with { Schedule = Facts.Window(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1)) };

        Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts), ErrorCodes.ExceedsMaxDuration);
    }

    [Fact]
    public void Activation_of_exactly_the_role_maximum_is_accepted()
    {
        var facts = Facts.SelfActivate() with { Schedule = Facts.Window(RoleSettings.Default.Activation.MaxDuration) };

        Verdict.Accepted(RequestRules.Evaluate(facts));
    }

    [Fact]
    public void Activation_longer_than_the_default_maximum_of_eight_hours_is_rejected()
    {
        var facts = Facts.SelfActivate() with { Schedule = Facts.Window(TimeSpan.FromHours(8) + TimeSpan.FromTicks(1)) };

        Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts), ErrorCodes.ExceedsMaxDuration);
    }

    [Fact]
    public void Activation_shorter_than_five_minutes_is_rejected()
    {
        var facts = Facts.SelfActivate() with { Schedule = Facts.Window(TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1)) };

        Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts), ErrorCodes.BelowMinDuration);
    }

    [Fact]
    public void Activation_of_exactly_five_minutes_is_accepted()
    {
        var facts = Facts.SelfActivate() with { Schedule = Facts.Window(TimeSpan.FromMinutes(5)) };

        Verdict.Accepted(RequestRules.Evaluate(facts));
    }

    [Fact]
    public void Activation_without_expiration_is_rejected_as_permanent()
    {
        var facts = Facts.SelfActivate() with { Schedule = Facts.Permanent() };

        var problem = Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts), ErrorCodes.PermanentNotAllowed);

        Assert.Equal("schedule.expiration", problem.Field);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Activation_without_justification_is_rejected_by_default(string? justification)
    {
        var facts = Facts.SelfActivate() with { Justification = justification };

        var problem = Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts), ErrorCodes.JustificationRequired);

        Assert.Equal("justification", problem.Field);
    }

    [Fact]
    public void Activation_without_justification_is_accepted_when_the_role_does_not_require_one()
    {
        var facts = WithActivation(new ActivationSettings { RequireJustification = false }) with { Justification = null };

        Verdict.Accepted(RequestRules.Evaluate(facts));
    }

    [Fact]
    public void Justification_not_matching_the_role_pattern_is_rejected_with_the_hint()
    {
        var settings = new ActivationSettings { JustificationPattern = "INC-[0-9]+: .+", JustificationHint = "Start with the incident, e.g. 'INC-1: db full'." };
        var facts = WithActivation(settings) with { Justification = "because I need it" };

        var problem = Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts), ErrorCodes.JustificationPatternMismatch);

        Assert.Equal("justification", problem.Field);
        Assert.Equal(settings.JustificationHint, problem.Message);
    }

    [Fact]
    public void Justification_matching_the_role_pattern_is_accepted()
    {
        var settings = new ActivationSettings { JustificationPattern = "INC-[0-9]+: .+" };
        var facts = WithActivation(settings) with { Justification = "INC-4411: disk full on payments-db" };

        Verdict.Accepted(RequestRules.Evaluate(facts));
    }

    [Fact]
    public void Justification_pattern_must_match_the_whole_justification()
    {
        var settings = new ActivationSettings { JustificationPattern = "INC-[0-9]+" };
        var facts = WithActivation(settings) with { Justification = "see INC-4411 for details" };

        Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts), ErrorCodes.JustificationPatternMismatch);
    }

    [Theory]
    [InlineData(false, null)]
    [InlineData(true, null)]
    [InlineData(true, "  ")]
    public void Activation_without_a_ticket_number_is_rejected_when_the_role_requires_one(bool sendTicket, string? number)
    {
        var facts = WithActivation(new ActivationSettings { RequireTicket = true }) with
        {
            Ticket = sendTicket ? new TicketInput("jira", number) : null,
        };

        var problem = Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts), ErrorCodes.TicketRequired);

        Assert.Equal("ticket.number", problem.Field);
    }

    [Fact]
    public void Activation_with_a_ticket_number_is_accepted_when_the_role_requires_one()
    {
        var facts = WithActivation(new ActivationSettings { RequireTicket = true }) with { Ticket = new TicketInput("jira", "OPS-12") };

        Verdict.Accepted(RequestRules.Evaluate(facts));
    }

    [Fact]
    public void Ticket_number_not_matching_the_role_pattern_is_rejected()
    {
        var facts = WithActivation(new ActivationSettings { TicketPattern = "INC-[0-9]+" }) with { Ticket = new TicketInput("servicenow", "CHG-4411") };

        var problem = Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts), ErrorCodes.TicketPatternMismatch);

        Assert.Equal("ticket.number", problem.Field);
    }

    [Fact]
    public void Ticket_number_matching_the_role_pattern_is_accepted()
    {
        var facts = WithActivation(new ActivationSettings { TicketPattern = "INC-[0-9]+" }) with { Ticket = new TicketInput("servicenow", "INC-4411") };

        Verdict.Accepted(RequestRules.Evaluate(facts));
    }

    [Fact]
    public void Activation_while_another_activation_is_open_is_rejected_as_a_conflict()
    {
        var open = Facts.Activation(Facts.Alice.Id, Now - TimeSpan.FromMinutes(10), Now + TimeSpan.FromHours(1));
        var facts = Facts.SelfActivate() with { OpenActivation = open };

        var problem = Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts), ErrorCodes.ActivationAlreadyOpen);

        Assert.Equal(ErrorKind.Conflict, problem.Kind);
    }

    [Fact]
    public void Activation_requiring_mfa_without_a_fresh_second_factor_is_rejected()
    {
        var facts = WithActivation(new ActivationSettings { RequireMfa = true }) with { MfaPresented = false };

        var evaluation = RequestRules.Evaluate(facts);

        Verdict.RejectedOnlyFor(evaluation, ErrorCodes.MfaRequired);
        Assert.True(evaluation.Requirements.Mfa);
    }

    [Fact]
    public void Activation_requiring_mfa_with_a_fresh_second_factor_is_accepted()
    {
        var facts = WithActivation(new ActivationSettings { RequireMfa = true }) with { MfaPresented = true };

        Verdict.Accepted(RequestRules.Evaluate(facts));
    }

    [Fact]
    public void Activation_requiring_approval_is_accepted_and_waits_for_approval()
    {
        var settings = new ActivationSettings { Approval = new ApprovalSettings { Required = true, Approvers = [Facts.Bob.Id] } };
        var facts = WithActivation(settings);

        var evaluation = RequestRules.Evaluate(facts);

        Verdict.Accepted(evaluation);
        Assert.Equal(RequestStatus.PendingApproval, evaluation.OutcomeOf(RequestAction.SelfActivate, Now));
        Assert.True(evaluation.Requirements.Approval);
        Assert.Equal([Facts.Bob.Id], evaluation.Requirements.Approvers);
    }

    [Fact]
    public void Activation_requiring_approval_for_a_later_start_still_waits_for_approval()
    {
        var settings = new ActivationSettings { Approval = new ApprovalSettings { Required = true, Approvers = [Facts.Bob.Id] } };
        var facts = WithActivation(settings) with { Schedule = Facts.Window(TimeSpan.FromHours(2), startIn: TimeSpan.FromDays(1)) };

        Assert.Equal(RequestStatus.PendingApproval, RequestRules.Evaluate(facts).OutcomeOf(RequestAction.SelfActivate, Now));
    }

    [Fact]
    public void Activation_starting_later_is_scheduled()
    {
        var facts = Facts.SelfActivate() with { Schedule = Facts.Window(TimeSpan.FromHours(2), startIn: TimeSpan.FromDays(1)) };

        var evaluation = RequestRules.Evaluate(facts);

        Verdict.Accepted(evaluation);
        Assert.Equal(RequestStatus.Scheduled, evaluation.OutcomeOf(RequestAction.SelfActivate, Now));
    }

    [Fact]
    public void Activation_starting_now_is_provisioned()
    {
        var evaluation = RequestRules.Evaluate(Facts.SelfActivate());

        Verdict.Accepted(evaluation);
        Assert.Equal(RequestStatus.Provisioned, evaluation.OutcomeOf(RequestAction.SelfActivate, Now));
    }

    [Fact]
    public void Activation_inside_an_eligibility_that_starts_later_is_scheduled()
    {
        var later = Facts.Eligibility(Facts.Alice.Id, Now + TimeSpan.FromDays(1), Now + TimeSpan.FromDays(30));
        var facts = Facts.SelfActivate() with
        {
            Eligibilities = [later],
            Schedule = Facts.Window(TimeSpan.FromHours(2), startIn: TimeSpan.FromDays(1)),
        };

        var evaluation = RequestRules.Evaluate(facts);

        Verdict.Accepted(evaluation);
        Assert.Equal(RequestStatus.Scheduled, evaluation.OutcomeOf(RequestAction.SelfActivate, Now));
    }

    [Fact]
    public void Activation_by_a_disabled_principal_is_rejected()
    {
        var disabled = Facts.Alice with { Enabled = false };
        var facts = Facts.SelfActivate() with { Requester = disabled, Principal = disabled };

        var problem = Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts), ErrorCodes.PrincipalDisabled);

        Assert.Equal("principalId", problem.Field);
    }

    [Fact]
    public void A_group_cannot_activate()
    {
        var groupEligibility = Facts.Eligibility(Facts.Ops.Id, Now - TimeSpan.FromDays(1), null);
        var facts = Facts.SelfActivate() with { Requester = Facts.Ops, Principal = Facts.Ops, Eligibilities = [groupEligibility] };

        Verdict.RejectedOnlyFor(RequestRules.Evaluate(facts), ErrorCodes.WrongPrincipalKind);
    }

    [Fact]
    public void Activation_for_someone_else_is_forbidden()
    {
        var facts = Facts.SelfActivate() with { Principal = Facts.Bob };

        var problem = Verdict.RejectedFor(RequestRules.Evaluate(facts), ErrorCodes.Forbidden);

        Assert.Equal(ErrorKind.Forbidden, problem.Kind);
    }

    [Fact]
    public void Every_problem_of_an_activation_is_reported_not_just_the_first()
    {
        var open = Facts.Activation(Facts.Alice.Id, Now - TimeSpan.FromMinutes(10), Now + TimeSpan.FromHours(1));
        var facts = WithActivation(new ActivationSettings { RequireMfa = true, RequireTicket = true }) with
        {
            Schedule = Facts.Window(TimeSpan.FromHours(9)),
            Justification = null,
            OpenActivation = open,
        };

        var codes = RequestRules.Evaluate(facts).Problems.Select(p => p.Code).ToHashSet();

        Assert.Equal(
            new HashSet<string>
            {
                ErrorCodes.ExceedsMaxDuration,
                ErrorCodes.JustificationRequired,
                ErrorCodes.TicketRequired,
                ErrorCodes.ActivationAlreadyOpen,
                ErrorCodes.MfaRequired,
            },
            codes);
    }

    [Fact]
    public void A_problem_rejects_the_activation_even_when_approval_is_required()
    {
        var settings = new ActivationSettings { Approval = new ApprovalSettings { Required = true, Approvers = [Facts.Bob.Id] } };
        var facts = WithActivation(settings) with { Justification = null };

        var evaluation = RequestRules.Evaluate(facts);

        Verdict.RejectedOnlyFor(evaluation, ErrorCodes.JustificationRequired);
        Assert.False(evaluation.IsAccepted);
    }

    [Fact]
    public void Activation_requirements_describe_the_role_settings()
    {
        var settings = new ActivationSettings
        {
            MaxDuration = TimeSpan.FromHours(2),
            RequireJustification = true,
            JustificationHint = "Name the incident.",
            RequireTicket = true,
            RequireMfa = true,
            Approval = new ApprovalSettings { Required = true, Approvers = [Facts.Bob.Id] },
        };

        var requirements = RequestRules.ActivationRequirements(settings);

        Assert.Equal(new Requirements(true, "Name the incident.", true, true, true, settings.Approval.Approvers, TimeSpan.FromHours(2)), requirements);
    }

    private static RequestFacts WithActivation(ActivationSettings activation) =>
        Facts.SelfActivate() with { Settings = RoleSettings.Default with { Activation = activation } };
}
