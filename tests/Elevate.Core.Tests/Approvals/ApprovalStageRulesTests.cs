using Elevate.Core.Common;
using Elevate.Core.Settings;

namespace Elevate.Core.Tests.Approvals;

/// <summary>
/// What makes approval stages possible: approvers or the manager, a quorum from 1 to 50, a timeout from five minutes to
/// fourteen days, escalation that comes before the timeout and names whom it goes to, at most five stages. Each fault
/// names the stage and the field.
/// </summary>
public sealed class ApprovalStageRulesTests
{
    private static readonly Guid Bob = new("b0b00000-0000-4000-8000-000000000002");
    private static readonly Guid Carol = new("ca401000-0000-4000-8000-000000000003");

    private static readonly ApprovalStage Valid = new() { Approvers = [Bob] };

    /// <summary>Settings with approval required through <paramref name="stages"/>.</summary>
    private static RoleSettings WithStages(params ApprovalStage[] stages) =>
        RoleSettings.Default with { Activation = new ActivationSettings { Approval = new ApprovalSettings { Required = true, Stages = stages } } };

    public static TheoryData<string, string, string> Faults => new()
    {
        { "a stage without approvers or the manager", ErrorCodes.ApproversRequired, "activation.approval.stages[1].approvers" },
        { "a quorum of 0", ErrorCodes.InvalidSettings, "activation.approval.stages[1].quorum" },
        { "a quorum of 51", ErrorCodes.InvalidSettings, "activation.approval.stages[1].quorum" },
        { "a timeout under five minutes", ErrorCodes.InvalidSettings, "activation.approval.stages[1].timeout" },
        { "a timeout over fourteen days", ErrorCodes.InvalidSettings, "activation.approval.stages[1].timeout" },
        { "escalation at the timeout", ErrorCodes.InvalidSettings, "activation.approval.stages[1].escalateAfter" },
        { "escalation after no time", ErrorCodes.InvalidSettings, "activation.approval.stages[1].escalateAfter" },
        { "escalation with nobody to escalate to", ErrorCodes.InvalidSettings, "activation.approval.stages[1].escalationApprovers" },
        { "escalation approvers without escalateAfter", ErrorCodes.InvalidSettings, "activation.approval.stages[1].escalationApprovers" },
        { "an approver named twice", ErrorCodes.InvalidSettings, "activation.approval.stages[1].approvers" },
        { "an escalation approver named twice", ErrorCodes.InvalidSettings, "activation.approval.stages[1].escalationApprovers" },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public void A_faulty_second_stage_is_refused_naming_the_stage_and_field(string fault, string code, string field)
    {
        var stage = fault switch
        {
            "a stage without approvers or the manager" => Valid with { Approvers = [] },
            "a quorum of 0" => Valid with { Quorum = 0 },
            "a quorum of 51" => Valid with { Quorum = RoleSettingsRules.MaxApprovers + 1 },
            "a timeout under five minutes" => Valid with { Timeout = TimeSpan.FromMinutes(4) },
            "a timeout over fourteen days" => Valid with { Timeout = TimeSpan.FromDays(14) + TimeSpan.FromMinutes(1) },
            "escalation at the timeout" => Valid with { Timeout = TimeSpan.FromHours(2), EscalateAfter = TimeSpan.FromHours(2), EscalationApprovers = [Carol] },
            "escalation after no time" => Valid with { EscalateAfter = TimeSpan.Zero, EscalationApprovers = [Carol] },
            "escalation with nobody to escalate to" => Valid with { EscalateAfter = TimeSpan.FromHours(1) },
            "escalation approvers without escalateAfter" => Valid with { EscalationApprovers = [Carol] },
            "an approver named twice" => Valid with { Approvers = [Bob, Carol, Bob] },
            "an escalation approver named twice" => Valid with { EscalateAfter = TimeSpan.FromHours(1), EscalationApprovers = [Carol, Carol] },
            _ => throw new ArgumentOutOfRangeException(nameof(fault), fault, "No such fault."),
        };

        var error = Assert.Single(RoleSettingsRules.Validate(WithStages(Valid, stage)));

        Assert.Equal(code, error.Code);
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void Stages_at_the_limits_are_valid()
    {
        var widest = Valid with
        {
            Quorum = RoleSettingsRules.MaxApprovers,
            Timeout = TimeSpan.FromDays(14),
            EscalateAfter = TimeSpan.FromDays(14) - TimeSpan.FromMinutes(1),
            EscalationApprovers = [Carol],
        };
        var managerOnly = new ApprovalStage { RequesterManager = true, Timeout = TimeSpan.FromMinutes(5) };

        Assert.Empty(RoleSettingsRules.Validate(WithStages(widest, managerOnly, Valid, Valid, Valid)));
    }

    [Fact]
    public void More_than_five_stages_are_refused()
    {
        var error = Assert.Single(RoleSettingsRules.Validate(WithStages(Valid, Valid, Valid, Valid, Valid, Valid)));

        Assert.Equal("activation.approval.stages", error.Field);
    }

    [Fact]
    public void A_stage_waits_one_approval_for_a_day_unless_told_otherwise()
    {
        Assert.Equal(1, Valid.Quorum);
        Assert.Equal(TimeSpan.FromDays(1), Valid.Timeout);
        Assert.Null(Valid.EscalateAfter);
        Assert.False(Valid.RequesterManager);
        Assert.False(Valid.RequireReason);
    }

    [Fact]
    public void Without_stages_the_approvers_form_one_stage_and_without_approval_there_are_none()
    {
        var shorthand = new ApprovalSettings { Required = true, Approvers = [Bob, Carol] };

        Assert.Equal([Bob, Carol], Assert.Single(shorthand.EffectiveStages()).Approvers);
        Assert.Empty((shorthand with { Required = false }).EffectiveStages());
        Assert.Equal(2, (shorthand with { Stages = [Valid, Valid] }).EffectiveStages().Count);
    }
}
