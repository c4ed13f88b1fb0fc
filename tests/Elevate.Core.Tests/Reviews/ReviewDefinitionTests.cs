using Elevate.Core.Common;
using Elevate.Core.Reviews;
using Microsoft.Extensions.Time.Testing;

namespace Elevate.Core.Tests.Reviews;

public sealed class ReviewDefinitionTests
{
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));

    private static readonly Guid Alice = new("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid Bob = new("00000000-0000-0000-0000-00000000000b");

    private static readonly ReviewStage ManagerWithFallback = new() { Reviewers = ReviewerKind.Manager, FallbackReviewerIds = [Alice] };
    private static readonly ReviewStage NamedBob = new() { Reviewers = ReviewerKind.Named, ReviewerIds = [Bob] };
    private static readonly ReviewStage SelfReview = new() { Reviewers = ReviewerKind.Self };

    /// <summary>A manager stage with a fallback, then a named stage; monthly for 14 days, reminded 3 days before the end.</summary>
    private static ReviewDefinition Valid => new()
    {
        Scope = new ReviewScope { ScopePath = "/prod/payments", InactiveDays = 90 },
        Stages = [ManagerWithFallback, NamedBob],
        Schedule = new ReviewSchedule
        {
            Recurrence = Recurrence.Monthly,
            StartsAt = Clock.GetUtcNow() + TimeSpan.FromDays(4),
            DurationDays = 14,
            End = ReviewEnd.Never,
        },
        Recommendations = true,
        DefaultDecision = DefaultDecision.Recommendation,
        Reminders = [TimeSpan.FromDays(3), TimeSpan.FromDays(1)],
    };

    private static ReviewDefinition WithSchedule(Recurrence recurrence, int durationDays) =>
        Valid with { Schedule = Valid.Schedule with { Recurrence = recurrence, DurationDays = durationDays } };

    [Fact]
    public void A_manager_stage_with_a_fallback_then_a_named_stage_is_valid()
    {
        Assert.Empty(Valid.Validate());
    }

    public static TheoryData<string, ReviewDefinition> Refused => new()
    {
        // Longer than the period: the instance would still be open when the next one starts.
        { "schedule.durationDays", WithSchedule(Recurrence.Weekly, 8) },
        { "schedule.durationDays", WithSchedule(Recurrence.Monthly, 29) },
        { "schedule.durationDays", WithSchedule(Recurrence.Quarterly, 90) },
        { "schedule.durationDays", WithSchedule(Recurrence.SemiAnnual, 182) },
        { "schedule.durationDays", WithSchedule(Recurrence.Annual, 366) },
        { "schedule.durationDays", WithSchedule(Recurrence.OneTime, 366) },
        { "schedule.durationDays", WithSchedule(Recurrence.Monthly, 0) with { Reminders = [] } },

        // How the schedule ends.
        { "schedule.endsOn", Valid with { Schedule = Valid.Schedule with { End = ReviewEnd.OnDate, EndsOn = null } } },
        { "schedule.endsOn", Valid with { Schedule = Valid.Schedule with { End = ReviewEnd.OnDate, EndsOn = Valid.Schedule.StartsAt } } },
        { "schedule.instances", Valid with { Schedule = Valid.Schedule with { End = ReviewEnd.AfterCount, Instances = null } } },
        { "schedule.instances", Valid with { Schedule = Valid.Schedule with { End = ReviewEnd.AfterCount, Instances = 0 } } },
        { "schedule.instances", Valid with { Schedule = Valid.Schedule with { End = ReviewEnd.AfterCount, Instances = 1001 } } },

        // The scope's other limits.
        { "scope.roleIds", Valid with { Scope = Valid.Scope with { RoleIds = [Alice, Alice] } } },
        { "scope.inactiveDays", Valid with { Scope = Valid.Scope with { InactiveDays = 0 } } },
        { "scope.inactiveDays", Valid with { Scope = Valid.Scope with { InactiveDays = 3651 } } },
        { "recommendationDays", Valid with { RecommendationDays = 0 } },

        // Stages and their reviewers.
        { "stages[0].reviewerIds", Valid with { Stages = [new ReviewStage { Reviewers = ReviewerKind.Named }] } },
        { "stages[1].reviewerIds", Valid with { Stages = [ManagerWithFallback, new ReviewStage { Reviewers = ReviewerKind.Named }] } },
        { "stages[0].reviewerIds", Valid with { Stages = [ManagerWithFallback with { ReviewerIds = [Bob] }] } },
        { "stages[0].fallbackReviewerIds", Valid with { Stages = [new ReviewStage { Reviewers = ReviewerKind.Manager }] } },
        { "stages[1].reviewers", Valid with { Stages = [NamedBob, SelfReview] } },
        { "stages[2].reviewers", Valid with { Stages = [SelfReview, NamedBob, SelfReview] } },
        { "stages", Valid with { Stages = [] } },
        { "stages", Valid with { Stages = [NamedBob, NamedBob, NamedBob, NamedBob] } },

        // Taking the recommendation needs recommendations.
        { "defaultDecision", Valid with { Recommendations = false } },

        // Reminders a positive time, at most a year, before the end.
        { "reminders", Valid with { Reminders = [TimeSpan.Zero] } },
        { "reminders", Valid with { Reminders = [TimeSpan.FromHours(-1)] } },
        { "reminders", Valid with { Reminders = [TimeSpan.FromDays(366)] } },
        { "reminders", Valid with { Reminders = [TimeSpan.FromDays(3), TimeSpan.FromDays(400)] } },
        { "reminders", Valid with { Reminders = [.. Enumerable.Range(1, 6).Select(h => TimeSpan.FromHours(h))] } },

        // Scope paths are canonical.
        { "scope.scopePath", Valid with { Scope = Valid.Scope with { ScopePath = "prod" } } },
        { "scope.scopePath", Valid with { Scope = Valid.Scope with { ScopePath = "/prod/" } } },
        { "scope.scopePath", Valid with { Scope = Valid.Scope with { ScopePath = "/prod//payments" } } },
        { "scope.scopePath", Valid with { Scope = Valid.Scope with { ScopePath = "/prod/../admin" } } },
        { "scope.scopePath", Valid with { Scope = Valid.Scope with { ScopePath = "" } } },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void A_wrong_definition_is_refused_naming_its_field(string field, ReviewDefinition definition)
    {
        var error = Assert.Single(definition.Validate());
        Assert.Equal(field, error.Field);
        Assert.Equal(field == "scope.scopePath" ? ErrorCodes.InvalidScope : ErrorCodes.InvalidValue, error.Code);
        Assert.Equal(ErrorKind.Validation, error.Kind);
    }

    [Fact]
    public void A_duration_above_the_period_says_how_long_it_may_be()
    {
        var error = Assert.Single(WithSchedule(Recurrence.Monthly, 29).Validate());

        Assert.Equal("Between 1 and 28 days: an instance ends no later than the next one starts.", error.Message);
    }

    [Fact]
    public void A_bad_scope_path_gives_the_scope_paths_own_problem()
    {
        var error = Assert.Single((Valid with { Scope = new ReviewScope { ScopePath = "prod" } }).Validate());

        Assert.Equal("A scope starts with '/'.", error.Message);
    }

    [Theory]
    [InlineData(Recurrence.Weekly, 7)]
    [InlineData(Recurrence.Monthly, 28)]
    [InlineData(Recurrence.Quarterly, 89)]
    [InlineData(Recurrence.SemiAnnual, 181)]
    [InlineData(Recurrence.Annual, 365)]
    [InlineData(Recurrence.OneTime, 365)]
    public void A_duration_of_exactly_the_longest_allowed_is_valid(Recurrence recurrence, int days)
    {
        Assert.Empty(WithSchedule(recurrence, days).Validate());
    }

    [Fact]
    public void A_duration_of_one_day_is_valid_with_a_reminder_inside_it()
    {
        Assert.Empty((WithSchedule(Recurrence.Weekly, 1) with { Reminders = [TimeSpan.FromHours(23)] }).Validate());
    }

    [Fact]
    public void A_reminder_just_inside_the_duration_is_valid()
    {
        Assert.Empty((Valid with { Reminders = [TimeSpan.FromDays(14) - TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)] }).Validate());

        // A reminder longer than the instance (the default P3D on a one-day review) is accepted; it is never sent.
        Assert.Empty((WithSchedule(Recurrence.Weekly, 1) with { Reminders = [TimeSpan.FromDays(3)] }).Validate());
        Assert.Empty((Valid with { Reminders = [] }).Validate());
    }

    [Fact]
    public void The_end_of_a_one_time_review_is_not_checked()
    {
        var schedule = Valid.Schedule with { Recurrence = Recurrence.OneTime, End = ReviewEnd.OnDate, EndsOn = null };

        Assert.Empty((Valid with { Schedule = schedule }).Validate());
    }

    [Fact]
    public void An_end_a_minute_after_the_start_or_a_count_of_1_to_1000_is_valid()
    {
        var start = Valid.Schedule.StartsAt;
        Assert.Empty((Valid with { Schedule = Valid.Schedule with { End = ReviewEnd.OnDate, EndsOn = start + TimeSpan.FromMinutes(1) } }).Validate());
        Assert.Empty((Valid with { Schedule = Valid.Schedule with { End = ReviewEnd.AfterCount, Instances = 1 } }).Validate());
        Assert.Empty((Valid with { Schedule = Valid.Schedule with { End = ReviewEnd.AfterCount, Instances = 1000 } }).Validate());
    }

    [Fact]
    public void Self_review_as_the_first_stage_followed_by_others_is_valid()
    {
        Assert.Empty((Valid with { Stages = [SelfReview, ManagerWithFallback, NamedBob] }).Validate());
        Assert.Empty((Valid with { Stages = [SelfReview with { FallbackReviewerIds = [Alice] }] }).Validate());
    }

    [Fact]
    public void Three_stages_is_the_most_allowed()
    {
        Assert.Equal(3, ReviewDefinition.MaxStages);
        Assert.Empty((Valid with { Stages = [NamedBob, NamedBob, NamedBob] }).Validate());
    }

    [Fact]
    public void The_default_decision_may_be_anything_but_the_recommendation_without_recommendations()
    {
        foreach (var decision in new[] { DefaultDecision.NoChange, DefaultDecision.Remove, DefaultDecision.Approve })
        {
            Assert.Empty((Valid with { Recommendations = false, DefaultDecision = decision }).Validate());
        }
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/prod")]
    [InlineData("/prod/payments-eu_1.v2~x")]
    public void A_canonical_scope_path_or_none_is_valid(string path)
    {
        Assert.Empty((Valid with { Scope = Valid.Scope with { ScopePath = path } }).Validate());
        Assert.Empty((Valid with { Scope = Valid.Scope with { ScopePath = null } }).Validate());
    }

    [Fact]
    public void Every_problem_is_reported_at_once_in_order()
    {
        var bad = Valid with
        {
            Scope = Valid.Scope with { ScopePath = "prod" },
            Stages = [new ReviewStage { Reviewers = ReviewerKind.Manager }, SelfReview],
            Schedule = Valid.Schedule with { DurationDays = 30 },
            Recommendations = false,
            Reminders = [TimeSpan.FromDays(-1)],
        };

        Assert.Equal(
            ["scope.scopePath", "stages[0].fallbackReviewerIds", "stages[1].reviewers", "schedule.durationDays", "defaultDecision", "reminders"],
            bad.Validate().Select(e => e.Field));
    }

    [Fact]
    public void The_named_principals_are_every_reviewer_and_fallback_once()
    {
        var definition = Valid with { Stages = [ManagerWithFallback, NamedBob, new ReviewStage { ReviewerIds = [Alice, Bob], FallbackReviewerIds = [Bob] }] };

        Assert.Equal([Alice, Bob], definition.NamedPrincipals());
    }
}
