using System.Text.Json;
using Elevate.Core.Audit;
using Elevate.Core.Common;
using Microsoft.AspNetCore.Mvc;

namespace Elevate.Server.Portal.Audit;

/// <summary>One audit event with every field: who, what, on whom, why (justification and ticket), details and hashes.</summary>
public sealed class EventModel(AuditService audit) : PortalPage
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    [BindProperty(SupportsGet = true)]
    public long Sequence { get; set; }

    public AuditEvent Event { get; private set; } = null!;

    /// <summary>The details JSON indented for reading (as stored when it does not parse), or null.</summary>
    public string? Details { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var found = await audit.GetAsync(Sequence, Actor, ct);
        if (!found.IsSuccess)
        {
            return StatusCode(found.Error.Kind == ErrorKind.Forbidden ? StatusCodes.Status403Forbidden : StatusCodes.Status404NotFound);
        }

        Event = found.Value;
        Details = Pretty(Event.Details);
        return Page();
    }

    private static string? Pretty(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return JsonSerializer.Serialize(document.RootElement, Indented);
        }
        catch (JsonException)
        {
            return json;
        }
    }
}
