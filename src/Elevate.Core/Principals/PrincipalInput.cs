using System.Text.RegularExpressions;
using Elevate.Core.Common;

namespace Elevate.Core.Principals;

/// <summary>A new user, group or service account.</summary>
public sealed record NewPrincipal(string? Name, string? DisplayName, string? Email, Guid? ManagerId, string? Description);

/// <summary>Changes to a principal; members left null stay as they are.</summary>
public sealed record PrincipalChanges(string? DisplayName, string? Email, Guid? ManagerId, bool? ClearManager, string? Description, bool? Enabled);

public static partial class PrincipalInput
{
    public static IReadOnlyList<ElevateError> Validate(NewPrincipal input, PrincipalKind kind)
    {
        var errors = new List<ElevateError>();
        if (TextRules.Check(input.Name, "name", TextRules.NameMaxLength, required: true) is { } nameError)
        {
            errors.Add(nameError);
        }
        else if (!NameShape().IsMatch(input.Name!))
        {
            errors.Add(ElevateError.Validation(ErrorCodes.InvalidValue, "name",
                "Names start with a letter or digit and use letters, digits, '.', '_', '-' and '@'."));
        }

        Add(errors, TextRules.Check(input.DisplayName, "displayName", TextRules.DisplayNameMaxLength, required: false));
        Add(errors, TextRules.Check(input.Description, "description", TextRules.DescriptionMaxLength, required: false, multiline: true));
        Add(errors, CheckEmail(input.Email));
        if (kind != PrincipalKind.User && (input.Email is not null || input.ManagerId is not null))
        {
            errors.Add(ElevateError.Validation(ErrorCodes.InvalidValue, input.Email is not null ? "email" : "managerId", "Only users have an e-mail address and a manager."));
        }

        return errors;
    }

    public static IReadOnlyList<ElevateError> Validate(PrincipalChanges input)
    {
        var errors = new List<ElevateError>();
        Add(errors, TextRules.Check(input.DisplayName, "displayName", TextRules.DisplayNameMaxLength, required: false));
        Add(errors, TextRules.Check(input.Description, "description", TextRules.DescriptionMaxLength, required: false, multiline: true));
        Add(errors, CheckEmail(input.Email));
        if (input.ClearManager == true && input.ManagerId is not null)
        {
            errors.Add(ElevateError.Validation(ErrorCodes.InvalidValue, "clearManager", "Give a managerId or clearManager, not both."));
        }

        return errors;
    }

    public static bool IsValidName(string? name) =>
        TextRules.Check(name, "name", TextRules.NameMaxLength, required: true) is null && NameShape().IsMatch(name!);

    /// <summary>An address of the shape name@domain.tld, no longer than an e-mail address can be.</summary>
    public static bool IsEmailAddress(string? value) =>
        value is { Length: > 0 and <= TextRules.EmailMaxLength } && EmailShape().IsMatch(value);

    private static ElevateError? CheckEmail(string? email)
    {
        if (TextRules.Check(email, "email", TextRules.EmailMaxLength, required: false) is { } error)
        {
            return error;
        }

        return email is null || EmailShape().IsMatch(email)
            ? null
            : ElevateError.Validation(ErrorCodes.InvalidValue, "email", "This is not an e-mail address.");
    }

    private static void Add(List<ElevateError> errors, ElevateError? error)
    {
        if (error is not null)
        {
            errors.Add(error);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._@-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex NameShape();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$", RegexOptions.CultureInvariant)]
    private static partial Regex EmailShape();
}
