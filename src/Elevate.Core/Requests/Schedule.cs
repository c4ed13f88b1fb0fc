using Elevate.Core.Common;

namespace Elevate.Core.Requests;

/// <summary>A requested window as sent: an optional start (default now) and how it ends.</summary>
public sealed record ScheduleInput(DateTimeOffset? StartsAt, ExpirationType? Expiration, DateTimeOffset? EndsAt, TimeSpan? Duration);

/// <summary>A window with its start fixed. <see cref="EndsAt"/> is null for a permanent window.</summary>
public sealed record Schedule(DateTimeOffset StartsAt, DateTimeOffset? EndsAt, TimeSpan? Duration)
{
    /// <summary>How far into the future a window may reach; anything later is a mistake, not a plan.</summary>
    public static readonly TimeSpan Horizon = TimeSpan.FromDays(3660);

    /// <summary>A start slightly in the past (clock skew between client and server) is moved to now.</summary>
    public static readonly TimeSpan PastStartTolerance = TimeSpan.FromMinutes(5);

    public bool IsPermanent => EndsAt is null;

    public TimeSpan? Length => EndsAt - StartsAt;

    /// <summary>
    /// Fixes the window of <paramref name="input"/> at <paramref name="now"/>, or names the field at fault. Only shape
    /// is checked here; limits from role settings are rules, checked by <see cref="RequestRules"/>.
    /// </summary>
    /// <param name="keepStart">The start to use when the input gives none (an update keeps the current start).</param>
    public static Result<Schedule> Resolve(ScheduleInput? input, DateTimeOffset now, string field = "schedule", DateTimeOffset? keepStart = null)
    {
        if (input is null)
        {
            return ElevateError.Validation(ErrorCodes.Required, field, "A schedule is required.");
        }

        if (input.StartsAt is null && keepStart is { } kept)
        {
            var resolved = ResolveEnd(input, kept, now, field);
            return resolved.IsSuccess && resolved.Value.EndsAt is { } end && end <= now
                ? ElevateError.Validation(ErrorCodes.InvalidSchedule, field, "The new window would already be over; to end the assignment now, remove it.")
                : resolved;
        }

        var start = input.StartsAt ?? now;
        if (start < now - PastStartTolerance)
        {
            return ElevateError.Validation(ErrorCodes.StartInPast, $"{field}.startsAt", "The start is in the past; windows start now or later.");
        }

        if (start < now)
        {
            start = now;
        }

        if (start > now + Horizon)
        {
            return ElevateError.Validation(ErrorCodes.InvalidSchedule, $"{field}.startsAt", "The start is more than ten years away.");
        }

        return ResolveEnd(input, start, now, field);
    }

    private static Result<Schedule> ResolveEnd(ScheduleInput input, DateTimeOffset start, DateTimeOffset now, string field)
    {
        switch (input.Expiration)
        {
            case null:
                return ElevateError.Validation(ErrorCodes.Required, $"{field}.expiration", "Say how the window ends: noExpiration, afterDateTime or afterDuration.");

            case ExpirationType.NoExpiration:
                if (input.EndsAt is not null || input.Duration is not null)
                {
                    return Contradiction(field, input.EndsAt is not null ? "endsAt" : "duration", "A window without expiration has neither endsAt nor duration.");
                }

                return new Schedule(start, null, null);

            case ExpirationType.AfterDateTime:
                if (input.Duration is not null)
                {
                    return Contradiction(field, "duration", "Give endsAt or duration, not both.");
                }

                if (input.EndsAt is not { } endsAt)
                {
                    return ElevateError.Validation(ErrorCodes.Required, $"{field}.endsAt", "afterDateTime needs endsAt.");
                }

                if (endsAt <= start)
                {
                    return Contradiction(field, "endsAt", "The end must be after the start.");
                }

                if (endsAt > now + Horizon)
                {
                    return ElevateError.Validation(ErrorCodes.InvalidSchedule, $"{field}.endsAt", "The end is more than ten years away.");
                }

                return new Schedule(start, endsAt, endsAt - start);

            case ExpirationType.AfterDuration:
                if (input.EndsAt is not null)
                {
                    return Contradiction(field, "endsAt", "Give endsAt or duration, not both.");
                }

                if (input.Duration is not { } duration)
                {
                    return ElevateError.Validation(ErrorCodes.Required, $"{field}.duration", "afterDuration needs a duration such as 'PT2H'.");
                }

                if (duration <= TimeSpan.Zero)
                {
                    return ElevateError.Validation(ErrorCodes.InvalidDuration, $"{field}.duration", "The duration must be positive.");
                }

                if (start + duration > now + Horizon)
                {
                    return ElevateError.Validation(ErrorCodes.InvalidSchedule, $"{field}.duration", "The window would end more than ten years away.");
                }

                return new Schedule(start, start + duration, duration);

            default:
                return ElevateError.Validation(ErrorCodes.InvalidValue, $"{field}.expiration", "Unknown expiration type.");
        }
    }

    private static ElevateError Contradiction(string field, string member, string message) =>
        ElevateError.Validation(ErrorCodes.InvalidSchedule, $"{field}.{member}", message);
}
