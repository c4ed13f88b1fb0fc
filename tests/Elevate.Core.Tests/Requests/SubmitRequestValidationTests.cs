using Elevate.Core.Assignments;
using Elevate.Core.Common;
using Elevate.Core.Requests;

namespace Elevate.Core.Tests.Requests;

public sealed class SubmitRequestValidationTests
{
    private static readonly ScheduleInput TwoHours = new(null, ExpirationType.AfterDuration, null, TimeSpan.FromHours(2));

    /// <summary>The fields each action needs; every other field of the six must be left out.</summary>
    private static readonly Dictionary<RequestAction, string[]> Needs = new()
    {
        [RequestAction.AdminAssign] = ["kind", "principalId", "roleId", "scope", "schedule"],
        [RequestAction.AdminUpdate] = ["targetAssignmentId", "schedule"],
        [RequestAction.AdminExtend] = ["targetAssignmentId", "schedule"],
        [RequestAction.AdminRenew] = ["targetAssignmentId", "schedule"],
        [RequestAction.AdminRemove] = ["targetAssignmentId"],
        [RequestAction.SelfActivate] = ["roleId", "scope", "schedule"],
        [RequestAction.SelfDeactivate] = ["targetAssignmentId"],
        [RequestAction.SelfExtend] = ["targetAssignmentId", "schedule"],
        [RequestAction.SelfRenew] = ["targetAssignmentId", "schedule"],
    };

    private static readonly string[] AllFields = ["kind", "principalId", "roleId", "scope", "targetAssignmentId", "schedule"];

    public static TheoryData<RequestAction> AllActions => [.. Enum.GetValues<RequestAction>()];

    public static TheoryData<RequestAction, string> NeededFields
    {
        get
        {
            var data = new TheoryData<RequestAction, string>();
            foreach (var (action, fields) in Needs)
            {
                foreach (var name in fields)
                {
                    data.Add(action, name);
                }
            }

            return data;
        }
    }

    public static TheoryData<RequestAction, string> UnusedFields
    {
        get
        {
            var data = new TheoryData<RequestAction, string>();
            foreach (var (action, fields) in Needs)
            {
                foreach (var name in AllFields.Except(fields))
                {
                    // selfActivate may name its principal (it must be the caller; the use case checks that).
                    if (action != RequestAction.SelfActivate || name != "principalId")
                    {
                        data.Add(action, name);
                    }
                }
            }

            return data;
        }
    }

    [Fact]
    public void A_request_without_action_is_rejected()
    {
        var error = Assert.Single(new SubmitRequest { RoleId = Guid.NewGuid() }.Validate());

        Assert.Equal(ErrorCodes.Required, error.Code);
        Assert.Equal("action", error.Field);
    }

    [Theory]
    [MemberData(nameof(AllActions))]
    public void A_request_with_exactly_the_fields_its_action_needs_is_valid(RequestAction action)
    {
        Assert.Empty(Valid(action).Validate());
    }

    [Theory]
    [MemberData(nameof(NeededFields))]
    public void A_request_missing_a_field_its_action_needs_names_that_field(RequestAction action, string field)
    {
        var error = Assert.Single(Without(Valid(action), field).Validate());

        Assert.Equal(ErrorCodes.Required, error.Code);
        Assert.Equal(field, error.Field);
        Assert.Equal(ErrorKind.Validation, error.Kind);
    }

    [Theory]
    [MemberData(nameof(UnusedFields))]
    public void A_request_with_a_field_its_action_does_not_use_names_that_field(RequestAction action, string field)
    {
        var error = Assert.Single(With(Valid(action), field).Validate());

        Assert.Equal(ErrorCodes.InvalidValue, error.Code);
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void Self_activation_may_name_its_principal()
    {
        Assert.Empty((Valid(RequestAction.SelfActivate) with { PrincipalId = Guid.NewGuid() }).Validate());
    }

    [Theory]
    [InlineData("prod")]
    [InlineData("/prod/")]
    [InlineData("/prod/../admin")]
    [InlineData("")]
    public void An_invalid_scope_is_rejected(string scope)
    {
        var error = Assert.Single((Valid(RequestAction.SelfActivate) with { Scope = scope }).Validate());

        Assert.Equal(ErrorCodes.InvalidScope, error.Code);
        Assert.Equal("scope", error.Field);
    }

    [Theory]
    [InlineData(RequestAction.SelfExtend)]
    [InlineData(RequestAction.AdminExtend)]
    public void An_extension_with_a_start_is_rejected(RequestAction action)
    {
        var input = Valid(action) with { Schedule = TwoHours with { StartsAt = DateTimeOffset.UnixEpoch } };

        var error = Assert.Single(input.Validate());

        Assert.Equal(ErrorCodes.InvalidSchedule, error.Code);
        Assert.Equal("schedule.startsAt", error.Field);
    }

    [Theory]
    [InlineData(RequestAction.AdminUpdate)]
    [InlineData(RequestAction.AdminRenew)]
    [InlineData(RequestAction.SelfRenew)]
    public void An_update_or_renewal_may_give_a_start(RequestAction action)
    {
        Assert.Empty((Valid(action) with { Schedule = TwoHours with { StartsAt = DateTimeOffset.UnixEpoch } }).Validate());
    }

    [Fact]
    public void A_justification_of_500_characters_is_accepted()
    {
        Assert.Empty((Valid(RequestAction.SelfActivate) with { Justification = new string('x', 500) }).Validate());
    }

    [Fact]
    public void A_justification_over_500_characters_is_too_long()
    {
        AssertSingle(Valid(RequestAction.SelfActivate) with { Justification = new string('x', 501) }, ErrorCodes.TooLong, "justification");
    }

    [Theory]
    [InlineData("restart\u0000db")]
    [InlineData("line\u001b[31m red")]
    [InlineData("bell\u0007")]
    [InlineData("para\u2029sep")]
    public void A_justification_with_control_characters_is_rejected(string justification)
    {
        AssertSingle(Valid(RequestAction.SelfActivate) with { Justification = justification }, ErrorCodes.InvalidCharacters, "justification");
    }

    [Fact]
    public void A_justification_may_span_several_lines()
    {
        Assert.Empty((Valid(RequestAction.SelfActivate) with { Justification = "INC-4411\r\n\tdisk full" }).Validate());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\n")]
    public void A_blank_justification_is_rejected_as_required(string justification)
    {
        AssertSingle(Valid(RequestAction.SelfActivate) with { Justification = justification }, ErrorCodes.Required, "justification");
    }

    [Fact]
    public void A_ticket_without_number_is_rejected()
    {
        AssertSingle(Valid(RequestAction.SelfActivate) with { Ticket = new TicketInput("jira", null) }, ErrorCodes.Required, "ticket.number");
    }

    [Fact]
    public void A_ticket_number_with_a_line_break_is_rejected()
    {
        AssertSingle(Valid(RequestAction.SelfActivate) with { Ticket = new TicketInput(null, "INC-1\nINC-2") }, ErrorCodes.InvalidCharacters, "ticket.number");
    }

    [Fact]
    public void A_ticket_system_over_100_characters_is_too_long()
    {
        AssertSingle(Valid(RequestAction.SelfActivate) with { Ticket = new TicketInput(new string('s', 101), "INC-1") }, ErrorCodes.TooLong, "ticket.system");
    }

    [Fact]
    public void Every_shape_problem_is_reported_at_once()
    {
        var input = new SubmitRequest
        {
            Action = RequestAction.SelfActivate,
            Scope = "prod",
            TargetAssignmentId = Guid.NewGuid(),
            Justification = new string('x', 501),
        };

        var fields = input.Validate().Select(e => (e.Code, e.Field)).ToHashSet();

        Assert.Equal(
            new HashSet<(string, string?)>
            {
                (ErrorCodes.Required, "roleId"),
                (ErrorCodes.Required, "schedule"),
                (ErrorCodes.InvalidValue, "targetAssignmentId"),
                (ErrorCodes.InvalidScope, "scope"),
                (ErrorCodes.TooLong, "justification"),
            },
            fields);
    }

    private static void AssertSingle(SubmitRequest input, string code, string field)
    {
        var error = Assert.Single(input.Validate());
        Assert.Equal(code, error.Code);
        Assert.Equal(field, error.Field);
    }

    private static SubmitRequest Valid(RequestAction action)
    {
        var input = new SubmitRequest { Action = action };
        foreach (var field in Needs[action])
        {
            input = With(input, field);
        }

        return input;
    }

    private static SubmitRequest With(SubmitRequest input, string field) => field switch
    {
        "kind" => input with { Kind = AssignmentKind.Active },
        "principalId" => input with { PrincipalId = Guid.NewGuid() },
        "roleId" => input with { RoleId = Guid.NewGuid() },
        "scope" => input with { Scope = "/prod/payments" },
        "targetAssignmentId" => input with { TargetAssignmentId = Guid.NewGuid() },
        "schedule" => input with { Schedule = TwoHours },
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };

    private static SubmitRequest Without(SubmitRequest input, string field) => field switch
    {
        "kind" => input with { Kind = null },
        "principalId" => input with { PrincipalId = null },
        "roleId" => input with { RoleId = null },
        "scope" => input with { Scope = null },
        "targetAssignmentId" => input with { TargetAssignmentId = null },
        "schedule" => input with { Schedule = null },
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };
}
