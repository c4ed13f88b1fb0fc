using Elevate.Core.Common;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Elevate.Server.Api;

/// <summary>Maps use-case results to typed HTTP results.</summary>
public static class Respond
{
    public static Results<Ok<TView>, ProblemHttpResult> Ok<T, TView>(Result<T> result, Func<T, TView> view) =>
        result.IsSuccess ? TypedResults.Ok(view(result.Value)) : Problems.From(result.Error);

    public static Results<Ok<PageView<TView>>, ProblemHttpResult> Page<T, TView>(Result<Page<T>> result, Func<T, TView> view) =>
        result.IsSuccess
            ? TypedResults.Ok(new PageView<TView>(result.Value.Items.Select(view).ToList(), result.Value.NextCursor))
            : Problems.From(result.Error);

    public static Results<Created<TView>, ProblemHttpResult> Created<T, TView>(Result<T> result, Func<T, string> location, Func<T, TView> view) =>
        result.IsSuccess ? TypedResults.Created(location(result.Value), view(result.Value)) : Problems.From(result.Error);

    /// <summary>The first error among query parameters, or null when all parsed.</summary>
    public static ElevateError? FirstError(params ElevateError?[] errors) => errors.FirstOrDefault(e => e is not null);
}
