using System.Globalization;
using System.Text.RegularExpressions;
using Elevate.Core.Common;
using Elevate.Core.Notifications;
using Elevate.Core.Persistence;
using Elevate.Core.Settings;
using Elevate.Server.Portal.Reviews;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Elevate.Server.Portal.Admin.Roles;

/// <summary>One approval stage row of the settings form; a row counts only when <see cref="Used"/> is ticked.</summary>
public sealed class StageRow
{
    public bool Used { get; set; }

    /// <summary>User and group names, separated by commas.</summary>
    public string? Approvers { get; set; }

    public bool RequesterManager { get; set; }

    public int? Quorum { get; set; }

    /// <summary>ISO 8601 duration.</summary>
    public string? Timeout { get; set; }

    /// <summary>ISO 8601 duration; empty for no escalation.</summary>
    public string? EscalateAfter { get; set; }

    /// <summary>User and group names, separated by commas.</summary>
    public string? EscalationApprovers { get; set; }

    public bool RequireReason { get; set; }
}

/// <summary>One audience row of the notification matrix (in the order of <see cref="SettingsCatalogue.Audiences"/>).</summary>
public sealed class AudienceRow
{
    /// <summary>none, critical or all.</summary>
    public string? Level { get; set; }

    public bool DefaultRecipients { get; set; }

    /// <summary>E-mail addresses, separated by commas.</summary>
    public string? AdditionalRecipients { get; set; }
}

/// <summary>What <see cref="SettingsForm.ReadAsync"/> made of the form, and which rows the document's stages came from.</summary>
public sealed record SettingsRead(RoleSettings Settings, IReadOnlyList<int> StageRowsUsed);

/// <summary>
/// A role's settings document as plain inputs: every duration as ISO 8601 text (PT8H, P14D), approvers as names, each
/// notification audience as a row. Every property starts empty or off, so an unticked box (which a browser does not
/// send) reads as off. The core's errors (<c>activation.approval.stages[1].timeout</c>, ...) are put next to the
/// inputs they are about.
/// </summary>
public sealed partial class SettingsForm
{
    public const string Prefix = "Form.";

    public string? MaxDuration { get; set; }

    public bool RequireJustification { get; set; }

    public string? JustificationPattern { get; set; }

    public string? JustificationHint { get; set; }

    public bool RequireTicket { get; set; }

    public string? TicketPattern { get; set; }

    public bool RequireMfa { get; set; }

    public bool RequirePhishingResistantMfa { get; set; }

    public bool ApprovalRequired { get; set; }

    public string? Approvers { get; set; }

    public bool RequireMfaToApprove { get; set; }

    public List<StageRow> Stages { get; set; } = [];

    public bool EligibleAllowPermanent { get; set; }

    public string? EligibleMaxDuration { get; set; }

    public bool ActiveAllowPermanent { get; set; }

    public string? ActiveMaxDuration { get; set; }

    public bool ActiveRequireJustification { get; set; }

    public bool ActiveRequireMfa { get; set; }

    public string? ExtensionWindow { get; set; }

    public List<AudienceRow> Notifications { get; set; } = [];

    /// <summary>The form filled from a document, approvers by name.</summary>
    public static async Task<SettingsForm> FromAsync(RoleSettings settings, ElevateDbContext db, CancellationToken ct)
    {
        var names = await ApproverNames.OfAsync(db, NamedIn(settings), ct);
        string Names(IEnumerable<Guid> ids) => string.Join(", ", ids.Select(id => names.GetValueOrDefault(id, id.ToString())));
        var a = settings.Activation;
        var form = new SettingsForm
        {
            MaxDuration = IsoDuration.Format(a.MaxDuration),
            RequireJustification = a.RequireJustification,
            JustificationPattern = a.JustificationPattern,
            JustificationHint = a.JustificationHint,
            RequireTicket = a.RequireTicket,
            TicketPattern = a.TicketPattern,
            RequireMfa = a.RequireMfa,
            RequirePhishingResistantMfa = a.RequirePhishingResistantMfa,
            ApprovalRequired = a.Approval.Required,
            Approvers = Names(a.Approval.Approvers),
            RequireMfaToApprove = a.Approval.RequireMfaToApprove,
            Stages = [.. a.Approval.Stages.Select(s => new StageRow
            {
                Used = true,
                Approvers = Names(s.Approvers),
                RequesterManager = s.RequesterManager,
                Quorum = s.Quorum,
                Timeout = IsoDuration.Format(s.Timeout),
                EscalateAfter = s.EscalateAfter is { } after ? IsoDuration.Format(after) : null,
                EscalationApprovers = Names(s.EscalationApprovers),
                RequireReason = s.RequireReason,
            })],
            EligibleAllowPermanent = settings.EligibleAssignments.AllowPermanent,
            EligibleMaxDuration = IsoDuration.Format(settings.EligibleAssignments.MaxDuration),
            ActiveAllowPermanent = settings.ActiveAssignments.AllowPermanent,
            ActiveMaxDuration = IsoDuration.Format(settings.ActiveAssignments.MaxDuration),
            ActiveRequireJustification = settings.ActiveAssignments.RequireJustification,
            ActiveRequireMfa = settings.ActiveAssignments.RequireMfa,
            ExtensionWindow = IsoDuration.Format(settings.ExtensionWindow),
            Notifications = [.. SettingsCatalogue.Audiences.Select(audience => audience.Get(settings.Notifications)).Select(n => new AudienceRow
            {
                Level = SettingsCatalogue.LevelValue(n.Level),
                DefaultRecipients = n.DefaultRecipients,
                AdditionalRecipients = string.Join(", ", n.AdditionalRecipients),
            })],
        };
        form.Pad();
        return form;
    }

    /// <summary>Every user and group a document names.</summary>
    public static IEnumerable<Guid> NamedIn(RoleSettings settings) =>
        settings.Activation.Approval.Approvers.Concat(settings.Activation.Approval.Stages.SelectMany(s => s.Approvers.Concat(s.EscalationApprovers)));

    /// <summary>Fills up the stage rows (unused ones with the core's defaults) and the audience rows.</summary>
    public void Pad()
    {
        while (Stages.Count < SettingsCatalogue.StageRows)
        {
            Stages.Add(new StageRow { Quorum = 1, Timeout = IsoDuration.Format(ApprovalStage.DefaultTimeout) });
        }

        while (Notifications.Count < SettingsCatalogue.Audiences.Count)
        {
            Notifications.Add(new AudienceRow { Level = SettingsCatalogue.LevelValue(NotificationLevel.All), DefaultRecipients = true });
        }
    }

    /// <summary>
    /// Reads the form into a document: durations, levels and names first (errors of their own on their inputs), then
    /// the core's rules for a possible document, so every problem shows at once. Null when anything is wrong.
    /// </summary>
    public async Task<SettingsRead?> ReadAsync(ElevateDbContext db, ModelStateDictionary state, CancellationToken ct)
    {
        var stages = new List<ApprovalStage>();
        var rows = new List<int>();
        for (var row = 0; row < Stages.Count && row < SettingsCatalogue.StageRows; row++)
        {
            var form = Stages[row];
            if (!form.Used)
            {
                continue;
            }

            var key = $"Stages[{row}]";
            rows.Add(row);
            stages.Add(new ApprovalStage
            {
                Approvers = await ApproverNames.ResolveAsync(db, form.Approvers, Prefix + key + ".Approvers", state, ct),
                RequesterManager = form.RequesterManager,
                Quorum = form.Quorum ?? 1,
                Timeout = Duration(form.Timeout, key + ".Timeout", state) ?? ApprovalStage.DefaultTimeout,
                EscalateAfter = string.IsNullOrWhiteSpace(form.EscalateAfter) ? null : Duration(form.EscalateAfter, key + ".EscalateAfter", state),
                EscalationApprovers = await ApproverNames.ResolveAsync(db, form.EscalationApprovers, Prefix + key + ".EscalationApprovers", state, ct),
                RequireReason = form.RequireReason,
            });
        }

        var notifications = new NotificationSettings();
        for (var i = 0; i < SettingsCatalogue.Audiences.Count; i++)
        {
            var form = i < Notifications.Count ? Notifications[i] : new AudienceRow();
            if (!ReviewText.TryRead<NotificationLevel>(form.Level, out var level))
            {
                state.AddModelError(Prefix + SettingsCatalogue.AudienceKey(i, "Level"), "Choose one of the options.");
            }

            notifications = SettingsCatalogue.Audiences[i].With(notifications, new AudienceNotifications
            {
                Level = level,
                DefaultRecipients = form.DefaultRecipients,
                AdditionalRecipients = [.. (form.AdditionalRecipients ?? "").Split([',', ';', ' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries)],
            });
        }

        var settings = new RoleSettings
        {
            Activation = new ActivationSettings
            {
                MaxDuration = Duration(MaxDuration, nameof(MaxDuration), state) ?? TimeSpan.Zero,
                RequireJustification = RequireJustification,
                JustificationPattern = Pattern(JustificationPattern),
                JustificationHint = string.IsNullOrWhiteSpace(JustificationHint) ? null : JustificationHint.Trim(),
                RequireTicket = RequireTicket,
                TicketPattern = Pattern(TicketPattern),
                RequireMfa = RequireMfa,
                RequirePhishingResistantMfa = RequirePhishingResistantMfa,
                Approval = new ApprovalSettings
                {
                    Required = ApprovalRequired,
                    Approvers = await ApproverNames.ResolveAsync(db, Approvers, Prefix + nameof(Approvers), state, ct),
                    Stages = stages,
                    RequireMfaToApprove = RequireMfaToApprove,
                },
            },
            EligibleAssignments = new EligibleAssignmentSettings
            {
                AllowPermanent = EligibleAllowPermanent,
                MaxDuration = Duration(EligibleMaxDuration, nameof(EligibleMaxDuration), state) ?? TimeSpan.Zero,
            },
            ActiveAssignments = new ActiveAssignmentSettings
            {
                AllowPermanent = ActiveAllowPermanent,
                MaxDuration = Duration(ActiveMaxDuration, nameof(ActiveMaxDuration), state) ?? TimeSpan.Zero,
                RequireJustification = ActiveRequireJustification,
                RequireMfa = ActiveRequireMfa,
            },
            ExtensionWindow = Duration(ExtensionWindow, nameof(ExtensionWindow), state) ?? TimeSpan.Zero,
            Notifications = notifications,
        };

        var read = new SettingsRead(settings, rows);
        foreach (var problem in RoleSettingsRules.Validate(settings))
        {
            var key = Prefix + KeyOf(problem.Field, rows);
            if (key == Prefix || !FormErrors.Has(state, key))
            {
                state.AddModelError(key == Prefix ? "" : key, problem.Message);
            }
        }

        return state.ErrorCount == 0 ? read : null;
    }

    /// <summary>Attaches the core's errors to the form's inputs (with <see cref="Prefix"/>).</summary>
    public static void AddErrors(ModelStateDictionary state, ElevateError error, IReadOnlyList<int> stageRowsUsed)
    {
        foreach (var e in error.Others.Prepend(error))
        {
            var key = KeyOf(e.Field, stageRowsUsed);
            state.AddModelError(key.Length == 0 ? "" : Prefix + key, e.Message);
        }
    }

    /// <summary>The stage rows a document's stages sit in when the form is filled from it: one after another.</summary>
    public static IReadOnlyList<int> RowsOf(RoleSettings settings) => [.. Enumerable.Range(0, settings.Activation.Approval.Stages.Count)];

    /// <summary>
    /// The form key (without <see cref="Prefix"/>) for a core field: <c>activation.maxDuration</c> is MaxDuration,
    /// <c>activation.approval.stages[0].timeout</c> the timeout of the first used row; empty for the page.
    /// </summary>
    public static string KeyOf(string? field, IReadOnlyList<int> stageRowsUsed)
    {
        if (field is null)
        {
            return "";
        }

        if (CoreStageField().Match(field) is { Success: true } m)
        {
            var index = int.Parse(m.Groups["i"].Value, CultureInfo.InvariantCulture);
            if (index >= stageRowsUsed.Count)
            {
                return "Stages";
            }

            var name = m.Groups["field"].Value;
            var column = name.Length == 0 ? "Approvers" : char.ToUpperInvariant(name[0]) + name[1..];
            return SettingsCatalogue.StageKey(stageRowsUsed[index], column);
        }

        var plain = TrailingIndex().Replace(field, "");
        for (var i = 0; i < SettingsCatalogue.Audiences.Count; i++)
        {
            var audience = SettingsCatalogue.Audiences[i].Field;
            if (plain.StartsWith(audience + ".", StringComparison.Ordinal))
            {
                var name = plain[(audience.Length + 1)..];
                return SettingsCatalogue.AudienceKey(i, char.ToUpperInvariant(name[0]) + name[1..]);
            }
        }

        return SettingsCatalogue.ForField(plain)?.Key ?? "";
    }

    /// <summary>An ISO 8601 duration (any case), or null with an error on the input.</summary>
    private static TimeSpan? Duration(string? text, string key, ModelStateDictionary state)
    {
        var value = (text ?? "").Trim().ToUpperInvariant();
        if (value.Length == 0)
        {
            state.AddModelError(Prefix + key, "Enter a duration, e.g. PT8H for 8 hours or P14D for 14 days.");
            return null;
        }

        if (IsoDuration.TryParse(value, out var duration, out var problem))
        {
            return duration;
        }

        state.AddModelError(Prefix + key, $"\u201c{text!.Trim()}\u201d is not a duration. {problem}");
        return null;
    }

    private static string? Pattern(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;

    [GeneratedRegex(@"^activation\.approval\.stages\[(?<i>\d+)\](?:\.(?<field>[A-Za-z]+))?(?:\[\d+\])?$")]
    private static partial Regex CoreStageField();

    [GeneratedRegex(@"\[\d+\]$")]
    private static partial Regex TrailingIndex();
}
