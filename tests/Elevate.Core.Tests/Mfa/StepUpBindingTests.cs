using Elevate.Core.Mfa;
using Elevate.Core.Requests;

namespace Elevate.Core.Tests.Mfa;

public sealed class StepUpBindingTests
{
    private static readonly Guid Requester = Guid.Parse("0194a1b2-0000-7000-8000-000000000001");

    private static readonly SubmitRequest Activation = new()
    {
        Action = RequestAction.SelfActivate,
        RoleId = Guid.Parse("0194a1b2-0000-7000-8000-0000000000aa"),
        Scope = "/prod",
        Schedule = new ScheduleInput(null, ExpirationType.AfterDuration, null, TimeSpan.FromHours(2)),
        Justification = "INC-1 database failover",
        Ticket = new TicketInput("jira", "INC-1"),
    };

    public static TheoryData<string, SubmitRequest> ChangedContent() => new()
    {
        { "role", Activation with { RoleId = Guid.Parse("0194a1b2-0000-7000-8000-0000000000bb") } },
        { "scope", Activation with { Scope = "/" } },
        { "duration", Activation with { Schedule = Activation.Schedule! with { Duration = TimeSpan.FromHours(8) } } },
        { "justification", Activation with { Justification = "something else" } },
        { "ticket", Activation with { Ticket = new TicketInput("jira", "INC-2") } },
        { "action", Activation with { Action = RequestAction.AdminAssign } },
        { "start", Activation with { Schedule = Activation.Schedule! with { StartsAt = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero) } } },
    };

    [Theory]
    [MemberData(nameof(ChangedContent))]
    public void Changing_what_the_request_grants_changes_the_binding(string what, SubmitRequest changed)
    {
        Assert.False(StepUpBinding.Of(Activation, Requester).AsSpan().SequenceEqual(StepUpBinding.Of(changed, Requester)), what);
    }

    [Fact]
    public void The_same_request_binds_the_same_whatever_proof_or_dry_run_it_carries()
    {
        var withProof = Activation with { Mfa = new StepUpProof { Totp = "123456" }, ValidateOnly = true };
        Assert.Equal(StepUpBinding.Of(Activation, Requester), StepUpBinding.Of(withProof, Requester));
    }

    [Fact]
    public void Another_requester_gets_another_binding()
    {
        Assert.NotEqual(StepUpBinding.Of(Activation, Requester), StepUpBinding.Of(Activation, Guid.Parse("0194a1b2-0000-7000-8000-000000000002")));
    }

    [Fact]
    public void The_challenge_is_the_nonce_followed_by_a_hash_of_nonce_and_binding()
    {
        var nonce = new byte[16];
        nonce[0] = 7;
        var binding = StepUpBinding.Of(Activation, Requester);
        var challenge = StepUpBinding.Challenge(nonce, binding);

        Assert.Equal(48, challenge.Length);
        Assert.Equal(nonce, challenge[..16]);
        Assert.NotEqual(challenge, StepUpBinding.Challenge(nonce, StepUpBinding.Of(Activation with { Scope = "/" }, Requester)));
        Assert.NotEqual(challenge, StepUpBinding.Challenge(new byte[16], binding));
    }
}
