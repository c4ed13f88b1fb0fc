namespace Elevate.Core.SignIn;

/// <summary>Failed sign-ins counted under one key of <see cref="SignInThrottle"/>, and when the last one was.</summary>
public sealed record ThrottleCounter(int Failures, DateTimeOffset? LastFailureAt)
{
    /// <summary>No failures: a key that has no stored counter, and what a counter is reset to.</summary>
    public static readonly ThrottleCounter None = new(0, null);
}
