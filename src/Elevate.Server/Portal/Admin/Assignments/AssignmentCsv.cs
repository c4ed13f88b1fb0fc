using System.Security.Cryptography;
using Elevate.Core.Access;
using Elevate.Core.Assignments;
using Elevate.Core.Common;
using Elevate.Core.Requests;

namespace Elevate.Server.Portal.Admin.Assignments;

/// <summary>A problem with one row of an uploaded file, and the column it is about ("" for the row as a whole).</summary>
public sealed record CsvProblem(string Column, string Message);

/// <summary>One data row of an uploaded file: what it names, the request it becomes, and what is wrong with it.</summary>
public sealed record CsvRow(int Number, int Line, string Principal, string Role, string Kind, string Scope, SubmitRequest? Request)
{
    public List<CsvProblem> Problems { get; } = [];

    public bool IsValid => Problems.Count == 0 && Request is not null;
}

/// <summary>
/// The bulk-add file: a header naming the columns (in any order, any case), then one assignment per row. Each row
/// becomes an adminAssign request; names are resolved through the access index, times are UTC, and the window ends
/// at <c>ends</c>, after <c>duration</c>, or never when both are empty. See docs/portal.md.
/// </summary>
public static class AssignmentCsv
{
    public const int MaxBytes = 1024 * 1024;

    public const int MaxRows = 1000;

    public static readonly string[] Columns = ["principal", "role", "kind", "scope", "starts", "ends", "duration", "justification", "ticket"];

    private static readonly string[] RequiredColumns = ["principal", "role", "kind"];

    /// <summary>The content's SHA-256, in hex: with a row's number, the idempotency key of that row's request.</summary>
    public static string Hash(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    public static string IdempotencyKey(string hash, int row) => $"csv-{hash[..32]}-{row}";

    /// <summary>Every row of <paramref name="text"/>, each with its request or its problems; an error when the file itself is not usable.</summary>
    public static Result<IReadOnlyList<CsvRow>> Parse(string text, AccessIndex index)
    {
        var read = CsvReader.Read(text, MaxRows + 1);
        if (!read.IsSuccess)
        {
            return read.Error.Message.Contains("more than", StringComparison.Ordinal)
                ? FileError($"The file has more than {MaxRows} rows; split it into several files.")
                : read.Error;
        }

        var records = read.Value;
        if (records.Count == 0)
        {
            return FileError("The file is empty. Its first line names the columns: " + string.Join(",", Columns) + ".");
        }

        var header = records[0].Fields.Select(f => f.Trim().ToLowerInvariant()).ToList();
        var unknown = header.Where(h => !Columns.Contains(h)).ToList();
        var missing = RequiredColumns.Where(c => !header.Contains(c)).ToList();
        if (unknown.Count > 0 || missing.Count > 0)
        {
            var problems = new List<string>();
            if (missing.Count > 0)
            {
                problems.Add($"the header lacks {string.Join(", ", missing)}");
            }

            if (unknown.Count > 0)
            {
                problems.Add($"unknown column{(unknown.Count == 1 ? "" : "s")} {string.Join(", ", unknown.Select(u => $"'{u}'"))}");
            }

            return FileError($"The first line must name the columns ({string.Join(", ", Columns)}): {string.Join("; ", problems)}.");
        }

        if (header.Distinct().Count() != header.Count)
        {
            return FileError("The header names a column twice.");
        }

        if (records.Count == 1)
        {
            return FileError("The file has a header but no rows.");
        }

        var rows = new List<CsvRow>(records.Count - 1);
        var first = new Dictionary<(string, string, string, string), int>();
        for (var i = 1; i < records.Count; i++)
        {
            var row = Row(i, records[i], header, index);

            // Each row is checked against the database alone, so two rows asking for the same assignment would both
            // pass the preview and the second would fail on confirmation: say so now.
            var key = (row.Principal.ToLowerInvariant(), row.Role.ToLowerInvariant(), row.Kind, row.Scope);
            if (row.IsValid && !first.TryAdd(key, row.Number))
            {
                row.Problems.Add(new CsvProblem("", $"Row {first[key]} already asks for this assignment."));
            }

            rows.Add(row);
        }

        return Result<IReadOnlyList<CsvRow>>.Success(rows);
    }

    /// <summary>The column a problem from the core is about.</summary>
    public static string ColumnOf(string? field) => field switch
    {
        "principalId" => "principal",
        "roleId" => "role",
        "kind" => "kind",
        "scope" => "scope",
        "schedule.startsAt" => "starts",
        "schedule.endsAt" => "ends",
        "schedule.duration" => "duration",
        "schedule" or "schedule.expiration" => "ends / duration",
        "justification" => "justification",
        "ticket.number" or "ticket.system" => "ticket",
        _ => "",
    };

    private static CsvRow Row(int number, CsvRecord record, List<string> header, AccessIndex index)
    {
        string Get(string column) => header.IndexOf(column) is var at && at >= 0 && at < record.Fields.Count ? record.Fields[at].Trim() : "";

        var principalName = Get("principal");
        var roleName = Get("role");
        var kindText = Get("kind").ToLowerInvariant();
        var scope = Get("scope") is { Length: > 0 } s ? s : "/";
        var problems = new List<CsvProblem>();
        if (record.Fields.Count != header.Count)
        {
            problems.Add(new CsvProblem("", $"The row has {record.Fields.Count} fields; the header names {header.Count}."));
        }

        var principal = principalName.Length == 0 || Guid.TryParse(principalName, out _) ? null : index.FindPrincipal(principalName);
        if (principal is null)
        {
            problems.Add(new CsvProblem("principal", principalName.Length == 0 ? "Name a user or group." : $"No user or group is named '{principalName}'."));
        }

        var role = roleName.Length == 0 || Guid.TryParse(roleName, out _) ? null : index.FindRole(roleName);
        if (role is null)
        {
            problems.Add(new CsvProblem("role", roleName.Length == 0 ? "Name a role." : $"No role is named '{roleName}'."));
        }

        AssignmentKind? kind = kindText switch { "eligible" => AssignmentKind.Eligible, "active" => AssignmentKind.Active, _ => null };
        if (kind is null)
        {
            problems.Add(new CsvProblem("kind", "Write eligible or active."));
        }

        DateTimeOffset? starts = null;
        if (Get("starts") is { Length: > 0 } startText)
        {
            starts = AssignmentText.ParseTime(startText, dateMeansEndOfDay: false);
            if (starts is null)
            {
                problems.Add(new CsvProblem("starts", $"'{startText}' is not a UTC time like 2026-01-31T14:30Z; leave it empty to start now."));
            }
        }

        var endText = Get("ends");
        var durationText = Get("duration");
        ScheduleInput? schedule = null;
        if (endText.Length > 0 && durationText.Length > 0)
        {
            problems.Add(new CsvProblem("ends / duration", "Give ends or duration, not both."));
        }
        else if (endText.Length > 0)
        {
            if (AssignmentText.ParseTime(endText, dateMeansEndOfDay: true) is { } end)
            {
                schedule = new ScheduleInput(starts, ExpirationType.AfterDateTime, end, null);
            }
            else
            {
                problems.Add(new CsvProblem("ends", $"'{endText}' is not a UTC time like 2026-03-31T18:00Z or a date like 2026-03-31."));
            }
        }
        else if (durationText.Length > 0)
        {
            if (IsoDuration.TryParse(durationText, out var duration, out var problem))
            {
                schedule = new ScheduleInput(starts, ExpirationType.AfterDuration, null, duration);
            }
            else
            {
                problems.Add(new CsvProblem("duration", $"'{durationText}' is not a duration such as P90D or PT8H. {problem}".Trim()));
            }
        }
        else
        {
            schedule = new ScheduleInput(starts, ExpirationType.NoExpiration, null, null);
        }

        var justification = Get("justification");
        var ticket = Get("ticket");
        var request = problems.Count > 0 ? null : new SubmitRequest
        {
            Action = RequestAction.AdminAssign,
            Kind = kind,
            PrincipalId = principal!.Id,
            RoleId = role!.Id,
            Scope = scope,
            Schedule = schedule,
            Justification = justification.Length == 0 ? null : justification,
            Ticket = ticket.Length == 0 ? null : new TicketInput(null, ticket),
        };
        var row = new CsvRow(number, record.Line, principalName, roleName, kindText, scope, request);
        row.Problems.AddRange(problems);
        return row;
    }

    private static ElevateError FileError(string message) => ElevateError.Validation(ErrorCodes.InvalidValue, "file", message);
}
