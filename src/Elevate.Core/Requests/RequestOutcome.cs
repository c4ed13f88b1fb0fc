using Elevate.Core.Assignments;

namespace Elevate.Core.Requests;

/// <summary>A submitted request and the assignment it created or changed; <see cref="Replayed"/> for an idempotent retry.</summary>
public sealed record RequestOutcome(AssignmentRequest Request, Assignment? Assignment, RequestEvaluation? Evaluation, bool Replayed);

/// <summary>
/// The answer to a validation-only request: what it needs, what is wrong, what it would become, and which second
/// factors the requester could present (<c>totp</c>, <c>webAuthn</c>; empty when none is enrolled that the role accepts).
/// </summary>
public sealed record DryRunOutcome(RequestEvaluation Evaluation, RequestStatus? WouldBe, IReadOnlyList<string> AcceptableFactors);
