using Elevate.Core.Common;
using Elevate.Core.Settings;

namespace Elevate.Core.Tests.Settings;

public sealed class RoleSettingsRulesTests
{
    [Fact]
    public void The_default_settings_are_valid()
    {
        Assert.Empty(RoleSettingsRules.Validate(RoleSettings.Default));
    }

    [Fact]
    public void The_defaults_are_the_reference_defaults()
    {
        var settings = RoleSettings.Default;

        Assert.Equal(TimeSpan.FromHours(8), settings.Activation.MaxDuration);
        Assert.True(settings.Activation.RequireJustification);
        Assert.False(settings.Activation.RequireTicket);
        Assert.False(settings.Activation.RequireMfa);
        Assert.False(settings.Activation.Approval.Required);
        Assert.True(settings.EligibleAssignments.AllowPermanent);
        Assert.Equal(TimeSpan.FromDays(365), settings.EligibleAssignments.MaxDuration);
        Assert.True(settings.ActiveAssignments.AllowPermanent);
        Assert.Equal(TimeSpan.FromDays(180), settings.ActiveAssignments.MaxDuration);
        Assert.True(settings.ActiveAssignments.RequireJustification);
        Assert.Equal(TimeSpan.FromDays(14), settings.ExtensionWindow);
    }

    [Theory]
    [InlineData(5 * 60)]
    [InlineData(24 * 3600)]
    [InlineData(8 * 3600)]
    public void An_activation_maximum_from_five_minutes_to_24_hours_is_valid(int seconds)
    {
        Assert.Empty(RoleSettingsRules.Validate(WithActivation(new ActivationSettings { MaxDuration = TimeSpan.FromSeconds(seconds) })));
    }

    [Theory]
    [InlineData(5 * 60 - 1)]
    [InlineData(24 * 3600 + 1)]
    [InlineData(0)]
    public void An_activation_maximum_outside_five_minutes_to_24_hours_is_rejected(int seconds)
    {
        var errors = RoleSettingsRules.Validate(WithActivation(new ActivationSettings { MaxDuration = TimeSpan.FromSeconds(seconds) }));

        AssertSingle(errors, ErrorCodes.InvalidSettings, "activation.maxDuration");
    }

    [Fact]
    public void Required_approval_without_approvers_is_rejected()
    {
        var settings = WithActivation(new ActivationSettings { Approval = new ApprovalSettings { Required = true } });

        AssertSingle(RoleSettingsRules.Validate(settings), ErrorCodes.ApproversRequired, "activation.approval.approvers");
    }

    [Fact]
    public void Required_approval_with_an_approver_is_valid()
    {
        var settings = WithActivation(new ActivationSettings { Approval = new ApprovalSettings { Required = true, Approvers = [Guid.NewGuid()] } });

        Assert.Empty(RoleSettingsRules.Validate(settings));
    }

    [Fact]
    public void An_approver_named_twice_is_rejected()
    {
        var approver = Guid.NewGuid();
        var settings = WithActivation(new ActivationSettings { Approval = new ApprovalSettings { Required = true, Approvers = [approver, Guid.NewGuid(), approver] } });

        AssertSingle(RoleSettingsRules.Validate(settings), ErrorCodes.InvalidSettings, "activation.approval.approvers");
    }

    [Fact]
    public void More_than_50_approvers_are_rejected()
    {
        var fifty = Enumerable.Range(0, RoleSettingsRules.MaxApprovers).Select(_ => Guid.NewGuid()).ToArray();

        Assert.Empty(RoleSettingsRules.Validate(WithActivation(new ActivationSettings { Approval = new ApprovalSettings { Approvers = fifty } })));
        var settings = WithActivation(new ActivationSettings { Approval = new ApprovalSettings { Approvers = [.. fifty, Guid.NewGuid()] } });
        AssertSingle(RoleSettingsRules.Validate(settings), ErrorCodes.InvalidSettings, "activation.approval.approvers");
    }

    [Theory]
    [InlineData("INC-[0-9]+")]
    [InlineData("(CHG|INC)-\\d{3,8}")]
    [InlineData("[A-Z]{2,10}-[0-9]+: .+")]
    public void A_usable_pattern_is_valid(string pattern)
    {
        Assert.Empty(RoleSettingsRules.Validate(WithActivation(new ActivationSettings { JustificationPattern = pattern, TicketPattern = pattern })));
    }

    [Theory]
    [InlineData("(")]
    [InlineData("[a-")]
    [InlineData("a{2,1}")]
    [InlineData("(a)\\1")]
    [InlineData("(?<x>a)\\k<x>")]
    [InlineData("(?=INC)INC-1")]
    [InlineData("(?<!x)INC")]
    public void An_unusable_justification_pattern_is_rejected(string pattern)
    {
        var errors = RoleSettingsRules.Validate(WithActivation(new ActivationSettings { JustificationPattern = pattern }));

        AssertSingle(errors, ErrorCodes.InvalidPattern, "activation.justificationPattern");
    }

    [Theory]
    [InlineData("INC-[0-9]+)|(.*")]
    [InlineData("INC-[0-9]+)|(CHG-[0-9]+")]
    public void A_pattern_that_is_not_a_regular_expression_on_its_own_is_rejected(string pattern)
    {
        // Unbalanced on its own, but balanced once wrapped in ^(?:...)$: accepting it would let a pattern escape the
        // anchors, so that it no longer has to match the whole justification.
        var errors = RoleSettingsRules.Validate(WithActivation(new ActivationSettings { JustificationPattern = pattern }));

        AssertSingle(errors, ErrorCodes.InvalidPattern, "activation.justificationPattern");
    }

    [Theory]
    [InlineData("(")]
    [InlineData("(a)\\1")]
    public void An_unusable_ticket_pattern_is_rejected(string pattern)
    {
        var errors = RoleSettingsRules.Validate(WithActivation(new ActivationSettings { TicketPattern = pattern }));

        AssertSingle(errors, ErrorCodes.InvalidPattern, "activation.ticketPattern");
    }

    [Fact]
    public void A_pattern_over_500_characters_is_too_long()
    {
        var errors = RoleSettingsRules.Validate(WithActivation(new ActivationSettings { TicketPattern = new string('a', 501) }));

        AssertSingle(errors, ErrorCodes.TooLong, "activation.ticketPattern");
    }

    [Fact]
    public void A_compiled_pattern_must_match_the_whole_text()
    {
        var pattern = RoleSettingsRules.CompilePattern("INC-[0-9]+|CHG-[0-9]+")!;

        Assert.Matches(pattern, "INC-1");
        Assert.Matches(pattern, "CHG-22");
        Assert.DoesNotMatch(pattern, "INC-1 and more");
        Assert.DoesNotMatch(pattern, "see CHG-22");
        Assert.Null(RoleSettingsRules.CompilePattern(null));
    }

    [Theory]
    [InlineData("eligibleAssignments.maxDuration")]
    [InlineData("activeAssignments.maxDuration")]
    public void An_assignment_limit_from_five_minutes_to_ten_years_is_valid(string field)
    {
        Assert.Empty(RoleSettingsRules.Validate(WithAssignmentLimit(field, RoleSettingsRules.ShortestAssignment)));
        Assert.Empty(RoleSettingsRules.Validate(WithAssignmentLimit(field, TimeSpan.FromDays(3650))));
    }

    [Theory]
    [InlineData("eligibleAssignments.maxDuration", 4)]
    [InlineData("eligibleAssignments.maxDuration", 3650 * 24 * 60 + 1)]
    [InlineData("activeAssignments.maxDuration", 4)]
    [InlineData("activeAssignments.maxDuration", 3650 * 24 * 60 + 1)]
    public void An_assignment_limit_outside_five_minutes_to_ten_years_is_rejected(string field, int minutes)
    {
        AssertSingle(RoleSettingsRules.Validate(WithAssignmentLimit(field, TimeSpan.FromMinutes(minutes))), ErrorCodes.InvalidSettings, field);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(14)]
    [InlineData(90)]
    public void An_extension_window_from_zero_to_90_days_is_valid(int days)
    {
        Assert.Empty(RoleSettingsRules.Validate(RoleSettings.Default with { ExtensionWindow = TimeSpan.FromDays(days) }));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(90 * 24 * 3600 + 1)]
    public void An_extension_window_outside_zero_to_90_days_is_rejected(int seconds)
    {
        var errors = RoleSettingsRules.Validate(RoleSettings.Default with { ExtensionWindow = TimeSpan.FromSeconds(seconds) });

        AssertSingle(errors, ErrorCodes.InvalidSettings, "extensionWindow");
    }

    [Fact]
    public void A_justification_hint_with_control_characters_is_rejected()
    {
        var errors = RoleSettingsRules.Validate(WithActivation(new ActivationSettings { JustificationHint = "Name the\u0000 incident" }));

        AssertSingle(errors, ErrorCodes.InvalidCharacters, "activation.justificationHint");
    }

    [Fact]
    public void Every_problem_of_a_settings_document_is_reported()
    {
        var settings = new RoleSettings
        {
            Activation = new ActivationSettings
            {
                MaxDuration = TimeSpan.FromHours(25),
                JustificationPattern = "(",
                Approval = new ApprovalSettings { Required = true },
            },
            EligibleAssignments = new EligibleAssignmentSettings { MaxDuration = TimeSpan.Zero },
            ExtensionWindow = TimeSpan.FromDays(91),
        };

        var fields = RoleSettingsRules.Validate(settings).Select(e => e.Field).ToHashSet();

        Assert.Equal(
            new HashSet<string?>
            {
                "activation.maxDuration",
                "activation.justificationPattern",
                "activation.approval.approvers",
                "eligibleAssignments.maxDuration",
                "extensionWindow",
            },
            fields);
    }

    private static RoleSettings WithActivation(ActivationSettings activation) => RoleSettings.Default with { Activation = activation };

    private static RoleSettings WithAssignmentLimit(string field, TimeSpan max) => field switch
    {
        "eligibleAssignments.maxDuration" => RoleSettings.Default with { EligibleAssignments = new EligibleAssignmentSettings { MaxDuration = max } },
        "activeAssignments.maxDuration" => RoleSettings.Default with { ActiveAssignments = new ActiveAssignmentSettings { MaxDuration = max } },
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };

    private static void AssertSingle(IReadOnlyList<ElevateError> errors, string code, string field)
    {
        var error = Assert.Single(errors);
        Assert.Equal(code, error.Code);
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void Phishing_resistant_mfa_without_mfa_is_refused_and_named()
    {
        var errors = RoleSettingsRules.Validate(WithActivation(new ActivationSettings { RequirePhishingResistantMfa = true }));

        Assert.Contains(errors, e => e.Field == "activation.requirePhishingResistantMfa" && e.Code == ErrorCodes.InvalidSettings);
        Assert.Empty(RoleSettingsRules.Validate(WithActivation(new ActivationSettings { RequireMfa = true, RequirePhishingResistantMfa = true })));
    }
}
