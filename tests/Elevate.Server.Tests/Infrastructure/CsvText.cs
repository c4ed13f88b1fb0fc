namespace Elevate.Server.Tests.Infrastructure;

/// <summary>Reads the CSV that Elevate's exports write (RFC 4180: quoted fields may hold commas, doubled quotes and line breaks).</summary>
public static class CsvText
{
    /// <summary>
    /// The records of <paramref name="text"/>. <paramref name="strict"/> holds it to what the exports promise: every
    /// record ends with CRLF (a bare LF is text) and no quoted field is left open; otherwise LF ends a record too and
    /// the last record may lack its line end.
    /// </summary>
    public static List<string[]> Parse(string text, bool strict = false)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;

        void EndRecord()
        {
            fields.Add(field.ToString());
            field.Clear();
            records.Add([.. fields]);
            fields.Clear();
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                EndRecord();
                i++;
            }
            else if (c == '\n' && !strict)
            {
                EndRecord();
            }
            else
            {
                field.Append(c);
            }
        }

        if (strict)
        {
            Assert.False(quoted, "The CSV ends inside a quoted field.");
            Assert.True(field.Length == 0 && fields.Count == 0, "The CSV's last row does not end with CRLF.");
        }
        else if (field.Length > 0 || fields.Count > 0)
        {
            EndRecord();
        }

        return records;
    }
}
