namespace Elevate.Core.Alerts;

/// <summary>The thresholds of the alert catalogue, one document for the installation. Defaults follow Entra PIM's.</summary>
public sealed record AlertSettings
{
    /// <summary>Raised when more people than this hold Elevate's administrative roles permanently ...</summary>
    public int MaxPermanentAdministrators { get; init; } = 2;

    /// <summary>... and they are more than this share (percent) of everyone who holds those roles in any way.</summary>
    public int MaxPermanentAdministratorPercent { get; init; } = 10;

    /// <summary>How many activations of one role by one person within <see cref="FrequentActivationWindow"/> are too many.</summary>
    public int FrequentActivationCount { get; init; } = 5;

    public TimeSpan FrequentActivationWindow { get; init; } = TimeSpan.FromDays(1);

    /// <summary>An eligibility older than this without an activation from it within this time is stale.</summary>
    public TimeSpan StaleEligibilityAfter { get; init; } = TimeSpan.FromDays(90);

    /// <summary>A user with privileged assignments and no sign-in for this long is a potential stale account.</summary>
    public TimeSpan StaleAccountAfter { get; init; } = TimeSpan.FromDays(90);

    /// <summary>Alert types that are not evaluated at all.</summary>
    public IReadOnlyList<AlertType> Disabled { get; init; } = [];

    public static AlertSettings Default { get; } = new();

    public IReadOnlyList<Common.ElevateError> Validate()
    {
        var errors = new List<Common.ElevateError>();
        void Check(bool ok, string field, string message)
        {
            if (!ok)
            {
                errors.Add(Common.ElevateError.Validation(Common.ErrorCodes.InvalidValue, field, message));
            }
        }

        Check(MaxPermanentAdministrators is >= 0 and <= 1000, "maxPermanentAdministrators", "Between 0 and 1000.");
        Check(MaxPermanentAdministratorPercent is >= 0 and <= 100, "maxPermanentAdministratorPercent", "A percentage, 0 to 100.");
        Check(FrequentActivationCount is >= 2 and <= 1000, "frequentActivationCount", "Between 2 and 1000.");
        Check(FrequentActivationWindow >= TimeSpan.FromMinutes(5) && FrequentActivationWindow <= TimeSpan.FromDays(30), "frequentActivationWindow", "Between PT5M and P30D.");
        Check(StaleEligibilityAfter >= TimeSpan.FromDays(1) && StaleEligibilityAfter <= TimeSpan.FromDays(3650), "staleEligibilityAfter", "Between P1D and P3650D.");
        Check(StaleAccountAfter >= TimeSpan.FromDays(1) && StaleAccountAfter <= TimeSpan.FromDays(3650), "staleAccountAfter", "Between P1D and P3650D.");
        Check(Disabled.All(Enum.IsDefined), "disabled", "Name alert types from the catalogue.");
        return errors;
    }
}

/// <summary>The stored thresholds document (one row).</summary>
public sealed class AlertSettingsRecord : Persistence.IVersioned
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;

    public string Settings { get; set; } = "{}";

    public DateTimeOffset UpdatedAt { get; set; }

    public Guid? UpdatedById { get; set; }

    public int Version { get; set; }
}
