namespace Elevate.Core.Audit;

/// <summary>Who is acting, from where, and under which correlation id; recorded on every audit event.</summary>
public sealed record Actor(Guid? PrincipalId, string Name, Guid? TokenId = null, string? ClientAddress = null, string? CorrelationId = null)
{
    /// <summary>Elevate itself, e.g. the scheduler expiring a grant at its end.</summary>
    public static Actor System(string component, string? correlationId = null) => new(null, $"system:{component}", null, null, correlationId);
}
