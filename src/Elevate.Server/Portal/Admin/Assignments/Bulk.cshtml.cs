using System.Text;
using Elevate.Core.Access;
using Elevate.Core.Common;
using Elevate.Core.Persistence;
using Elevate.Core.Requests;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Server.Portal.Admin.Assignments;

/// <summary>
/// Adds many assignments from a CSV file in two steps. The upload is parsed and every row dry-run through the core
/// (nothing changes) and shown as a preview with each row's problems. Confirming sends the file's content back (kept
/// in the page, not on the server), parses and checks it all again, and submits only the rows that pass, each with an
/// idempotency key made from the file's hash and the row's number: confirming twice, or uploading the same file
/// again, never assigns a row twice.
/// </summary>
[RequestSizeLimit(RequestLimit)]
[RequestFormLimits(MultipartBodyLengthLimit = RequestLimit, ValueLengthLimit = RequestLimit)]
public sealed class BulkModel(RequestService requests, AccessIndex index, Authorizer authorizer, ElevateDbContext db, TimeProvider time)
    : AssignmentAdminPage(index, authorizer, time)
{
    /// <summary>The file, or its content carried in the confirmation form (base64, about 4/3 of the file), with room to spare.</summary>
    private const int RequestLimit = 4 * AssignmentCsv.MaxBytes;

    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    public enum Step
    {
        Upload,
        Preview,
        Done,
    }

    /// <summary>A row's fate after confirmation.</summary>
    public sealed record RowResult(CsvRow Row, string Outcome, Guid? AssignmentId, bool Added);

    /// <summary>The key of the file field's errors.</summary>
    public const string FileKey = "CsvFile";

    /// <summary>The uploaded file's bytes in base64, carried from the preview to the confirmation.</summary>
    [BindProperty]
    public string? FileContent { get; set; }

    public Step Stage { get; private set; } = Step.Upload;

    public IReadOnlyList<CsvRow> Rows { get; private set; } = [];

    public IReadOnlyList<RowResult> Results { get; private set; } = [];

    public int ValidCount => Rows.Count(r => r.IsValid);

    public IActionResult OnGet() => MayAdminister ? Page() : Refused();

    public async Task<IActionResult> OnPostPreviewAsync(IFormFile? file, CancellationToken ct)
    {
        if (!MayAdminister)
        {
            return Refused();
        }

        if (file is null || file.Length == 0)
        {
            ModelState.AddModelError(FileKey, "Choose a CSV file to upload.");
            return Page();
        }

        if (file.Length > AssignmentCsv.MaxBytes)
        {
            ModelState.AddModelError(FileKey, $"The file is larger than {AssignmentCsv.MaxBytes / 1024} KB; split it into several files.");
            return Page();
        }

        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, ct);
        var bytes = buffer.ToArray();
        var rows = await CheckAsync(bytes, ct);
        if (rows is null)
        {
            return Page();
        }

        Rows = rows;
        FileContent = Convert.ToBase64String(bytes);
        Stage = Step.Preview;
        return Page();
    }

    public async Task<IActionResult> OnPostConfirmAsync(CancellationToken ct)
    {
        if (!MayAdminister)
        {
            return Refused();
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(FileContent ?? "");
        }
        catch (FormatException)
        {
            bytes = [];
        }

        if (bytes.Length == 0 || bytes.Length > AssignmentCsv.MaxBytes)
        {
            ModelState.AddModelError(FileKey, "The file's content did not come back with the confirmation; upload it again.");
            return Page();
        }

        // Checked again from scratch: the preview is only what the browser showed, and things may have changed since.
        var hash = AssignmentCsv.Hash(bytes);
        var rows = await CheckAsync(bytes, ct, hash);
        if (rows is null)
        {
            return Page();
        }

        var results = new List<RowResult>(rows.Count);
        foreach (var row in rows)
        {
            if (!row.IsValid)
            {
                results.Add(new RowResult(row, "Not added: " + string.Join(" ", row.Problems.Select(p => p.Message)), null, false));
                continue;
            }

            var submitted = await requests.SubmitAsync(row.Request!, Actor, AssignmentCsv.IdempotencyKey(hash, row.Number), null, ct);
            if (!submitted.IsSuccess)
            {
                results.Add(new RowResult(row, "Not added: " + string.Join(" ", submitted.Error.Others.Prepend(submitted.Error).Select(AssignmentText.Message)), null, false));
                continue;
            }

            var outcome = submitted.Value;
            var text = outcome.Replayed ? "Already added by an earlier confirmation of this file."
                : outcome.Request.Status switch
                {
                    RequestStatus.PendingApproval => "Requested: pending approval.",
                    RequestStatus.Scheduled => $"Added: scheduled from {AssignmentText.Time(outcome.Request.StartsAt)}.",
                    _ => "Added.",
                };
            results.Add(new RowResult(row, text, outcome.Request.ResultAssignmentId, !outcome.Replayed && outcome.Request.Status != RequestStatus.PendingApproval));
        }

        Rows = rows;
        Results = results;
        Stage = Step.Done;
        FileContent = null;
        return Page();
    }

    /// <summary>
    /// Parses the file and dry-runs every row that parsed; null (with the reason on the file field) when the file is
    /// not usable. With <paramref name="hash"/>, rows an earlier confirmation of the same file already submitted are
    /// left to the idempotent replay instead of being judged again (they would now be duplicates of themselves).
    /// </summary>
    private async Task<IReadOnlyList<CsvRow>?> CheckAsync(byte[] bytes, CancellationToken ct, string? hash = null)
    {
        string text;
        try
        {
            text = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            ModelState.AddModelError(FileKey, "The file is not UTF-8 text; save it as \u201cCSV UTF-8\u201d and upload it again.");
            return null;
        }

        var parsed = AssignmentCsv.Parse(text, Index);
        if (!parsed.IsSuccess)
        {
            ModelState.AddModelError(FileKey, parsed.Error.Message);
            return null;
        }

        var earlier = new HashSet<string>(StringComparer.Ordinal);
        if (hash is not null)
        {
            var me = Session.PrincipalId;
            var prefix = AssignmentCsv.IdempotencyKey(hash, 0)[..^1];
            earlier = [.. await db.Requests.AsNoTracking()
                .Where(r => r.RequestedById == me && r.IdempotencyKey != null && r.IdempotencyKey.StartsWith(prefix))
                .Select(r => r.IdempotencyKey!).ToListAsync(ct)];
        }

        foreach (var row in parsed.Value.Where(r => r.IsValid))
        {
            if (hash is not null && earlier.Contains(AssignmentCsv.IdempotencyKey(hash, row.Number)))
            {
                continue;
            }

            var dry = await requests.DryRunAsync(row.Request!, Actor, ct);
            var problems = dry.IsSuccess ? dry.Value.Evaluation.Problems : [.. dry.Error.Others.Prepend(dry.Error)];
            row.Problems.AddRange(problems.Select(p => new CsvProblem(AssignmentCsv.ColumnOf(p.Field),
                p.Code == ErrorCodes.MfaRequired ? p.Message + " Rows that need a second factor cannot be added from a file; add them one at a time." : p.Message)));
        }

        return parsed.Value;
    }
}
