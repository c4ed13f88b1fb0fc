using System.Diagnostics.CodeAnalysis;

namespace Elevate.Core.Common;

/// <summary>Either a value or an <see cref="ElevateError"/>: the outcome of a use case.</summary>
public readonly struct Result<T>
{
    private readonly T? _value;

    private Result(T? value, ElevateError? error)
    {
        _value = value;
        Error = error;
    }

    public ElevateError? Error { get; }

    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    public T Value => IsSuccess ? _value! : throw new InvalidOperationException($"The result is an error: {Error.Code}.");

    public static Result<T> Success(T value) => new(value, null);

    public static Result<T> Failure(ElevateError error) => new(default, error);

#pragma warning disable CA2225 // The named alternatives are Success and Failure.
    public static implicit operator Result<T>(T value) => Success(value);

    public static implicit operator Result<T>(ElevateError error) => Failure(error);
#pragma warning restore CA2225
}
