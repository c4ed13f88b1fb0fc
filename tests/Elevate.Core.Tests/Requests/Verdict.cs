using Elevate.Core.Common;
using Elevate.Core.Requests;

namespace Elevate.Core.Tests.Requests;

/// <summary>Assertions on a <see cref="RequestEvaluation"/> that say which problems were found when they fail.</summary>
public static class Verdict
{
    /// <summary>Asserts that the request is accepted: no problem at all.</summary>
    public static void Accepted(RequestEvaluation evaluation) =>
        Assert.True(evaluation.IsAccepted, $"Expected no problems, got: {Codes(evaluation)}.");

    /// <summary>Asserts that <paramref name="code"/> is the one and only problem, and returns it.</summary>
    public static ElevateError RejectedOnlyFor(RequestEvaluation evaluation, string code)
    {
        Assert.False(evaluation.IsAccepted, $"Expected '{code}', but the request was accepted.");
        Assert.True(evaluation.Problems.Count == 1 && evaluation.Problems[0].Code == code, $"Expected only '{code}', got: {Codes(evaluation)}.");
        return evaluation.Problems[0];
    }

    /// <summary>Asserts that <paramref name="code"/> is among the problems (others may be too), and returns it.</summary>
    public static ElevateError RejectedFor(RequestEvaluation evaluation, string code)
    {
        Assert.False(evaluation.IsAccepted, $"Expected '{code}', but the request was accepted.");
        var problem = evaluation.Problems.FirstOrDefault(p => p.Code == code);
        Assert.True(problem is not null, $"Expected '{code}' among the problems, got: {Codes(evaluation)}.");
        return problem!;
    }

    /// <summary>Asserts that <paramref name="code"/> is not among the problems.</summary>
    public static void NotRejectedFor(RequestEvaluation evaluation, string code) =>
        Assert.True(evaluation.Problems.All(p => p.Code != code), $"Did not expect '{code}', got: {Codes(evaluation)}.");

    private static string Codes(RequestEvaluation evaluation) =>
        evaluation.Problems.Count == 0 ? "none" : string.Join(", ", evaluation.Problems.Select(p => p.Code));
}
