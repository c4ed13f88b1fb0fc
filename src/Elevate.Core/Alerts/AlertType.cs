namespace Elevate.Core.Alerts;

/// <summary>The catalogue of security alerts (the brief's, after Entra's). Names are stable: they are API values.</summary>
public enum AlertType
{
    /// <summary>Too many people hold Elevate's administrative roles permanently (count and share thresholds).</summary>
    TooManyPermanentAdministrators,

    /// <summary>Privileged roles whose activation does not ask for a fresh second factor.</summary>
    RolesWithoutMfa,

    /// <summary>Someone activates the same role again and again within a short window.</summary>
    RolesActivatedTooFrequently,

    /// <summary>Eligibilities not activated for a long time: standing rights nobody uses.</summary>
    StaleEligibility,

    /// <summary>Users with privileged assignments who have not signed in for a long time.</summary>
    StaleAccounts,

    /// <summary>Standing active (not eligible) assignments of privileged roles made by administrators.</summary>
    StandingAdministratorAssignments,

    /// <summary>A target system holds a grant Elevate did not make (raised by target connectors).</summary>
    GrantsOutsideElevate,

    /// <summary>Messages that could not be delivered after every retry (dead letters in the outbox).</summary>
    NotificationDeliveryFailing,
}

public enum AlertSeverity
{
    Low,
    Medium,
    High,
}

/// <summary>What the catalogue says about one type of alert: how bad, why it matters, how to fix it.</summary>
public sealed record AlertDefinition(AlertType Type, AlertSeverity Severity, string Title, string WhyItMatters, string HowToFix, string? Fix);

public static class AlertCatalogue
{
    public static readonly IReadOnlyList<AlertDefinition> All =
    [
        new(AlertType.TooManyPermanentAdministrators, AlertSeverity.High, "Too many permanent administrators",
            "Every standing administrator is an account whose compromise gives an attacker Elevate itself, at any hour, without an activation anyone would see.",
            "Make administrators eligible instead of permanently active, so they activate when they need to; keep one or two permanent break-glass accounts.",
            "Convert each listed permanent assignment into a permanent eligibility (the last permanent administrator is kept)."),
        new(AlertType.RolesWithoutMfa, AlertSeverity.Medium, "Privileged roles that activate without MFA",
            "A stolen password (or token) is enough to activate these roles: the second factor is what stops a phished credential.",
            "Turn on activation.requireMfa in each role's settings (and phishing-resistant MFA for the most sensitive ones).",
            "Require a fresh second factor to activate each listed role."),
        new(AlertType.RolesActivatedTooFrequently, AlertSeverity.Low, "Roles activated too frequently",
            "Someone who activates the same role many times a day may need a different arrangement, or a compromised account may be probing.",
            "Ask why; give a longer maximum duration or a narrower role if the work needs it, and check the activations' justifications.",
            null),
        new(AlertType.StaleEligibility, AlertSeverity.Medium, "Eligibilities not used",
            "A right nobody uses is risk without benefit: if the account is compromised, the eligibility is still there to be activated.",
            "Remove the eligibilities that are no longer needed (an access review does this at scale).",
            "Remove each listed eligibility."),
        new(AlertType.StaleAccounts, AlertSeverity.Medium, "Potential stale accounts in privileged roles",
            "Accounts nobody signs in to are not watched by anyone: a takeover goes unnoticed.",
            "Confirm with the owner or their manager; disable the account or remove its assignments if it is no longer used.",
            null),
        new(AlertType.StandingAdministratorAssignments, AlertSeverity.High, "Standing active assignments of privileged roles",
            "Active assignments give the privilege all the time, so the just-in-time controls (justification, MFA, approval, notification) never apply.",
            "Make the holders eligible instead, so they activate when needed.",
            "Convert each listed active assignment into an eligibility with the same window."),
        new(AlertType.GrantsOutsideElevate, AlertSeverity.High, "Roles assigned outside Elevate",
            "A grant made directly in a target system bypasses every control and leaves no trace in Elevate's audit trail.",
            "Remove the grant in the target system, or bring it under Elevate as an eligibility.",
            null),
        new(AlertType.NotificationDeliveryFailing, AlertSeverity.Medium, "Notifications are not being delivered",
            "Approvers who are not told cannot approve, and nobody hears of activations: the controls lose their eyes.",
            "Check the mail server or endpoint named in each failed message, then send the messages again from the outbox.",
            null),
    ];

    public static AlertDefinition Of(AlertType type) => All.First(d => d.Type == type);
}
