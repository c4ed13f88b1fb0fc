using System.Text;

namespace Elevate.Core.Common;

/// <summary>One record of a CSV file and the line it starts on (1-based), so a problem can point at it.</summary>
public sealed record CsvRecord(int Line, IReadOnlyList<string> Fields);

/// <summary>
/// Reads CSV (RFC 4180) that people upload: quoted fields may hold commas, doubled quotes and line breaks; records end
/// with CRLF or LF; a leading byte-order mark and blank lines are ignored. Text that is not CSV is refused with the
/// line at fault rather than guessed at, so a stray quote never shifts the columns of the rows after it.
/// </summary>
public static class CsvReader
{
    public static Result<IReadOnlyList<CsvRecord>> Read(string text, int maxRecords, string field = "file")
    {
        var records = new List<CsvRecord>();
        var fields = new List<string>();
        var value = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var quoted = false;
        var closed = false;
        var start = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;

        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    value.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                    closed = true;
                }
                else
                {
                    line += c == '\n' ? 1 : 0;
                    value.Append(c);
                }

                continue;
            }

            if (c == ',')
            {
                fields.Add(value.ToString());
                value.Clear();
                closed = false;
            }
            else if (c is '\r' or '\n')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                if (End() is { } tooMany)
                {
                    return tooMany;
                }

                line++;
                recordLine = line;
            }
            else if (closed)
            {
                return Problem(line, "after a closing quote only a comma or the end of the line may follow.");
            }
            else if (c == '"')
            {
                if (value.Length > 0)
                {
                    return Problem(line, "a quote inside a field that does not start with one; put the whole field in quotes and double the quote.");
                }

                quoted = true;
            }
            else
            {
                value.Append(c);
            }
        }

        if (quoted)
        {
            return Problem(recordLine, "a quoted field is not closed before the end of the file.");
        }

        if (End() is { } last)
        {
            return last;
        }

        return Result<IReadOnlyList<CsvRecord>>.Success(records);

        ElevateError? End()
        {
            fields.Add(value.ToString());
            value.Clear();
            closed = false;
            var blank = fields.Count == 1 && fields[0].Length == 0;
            if (!blank)
            {
                if (records.Count == maxRecords)
                {
                    return ElevateError.Validation(ErrorCodes.InvalidValue, field, $"The file has more than {maxRecords} records; split it.");
                }

                records.Add(new CsvRecord(recordLine, [.. fields]));
            }

            fields.Clear();
            return null;
        }

        ElevateError Problem(int at, string message) => ElevateError.Validation(ErrorCodes.InvalidValue, field, $"Line {at}: {message}");
    }
}
