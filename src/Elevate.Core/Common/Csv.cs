namespace Elevate.Core.Common;

/// <summary>CSV (RFC 4180) for exports that auditors open in spreadsheets.</summary>
public static class Csv
{
    /// <summary>One record: the fields escaped, joined by commas, ended by CRLF.</summary>
    public static string Row(params string?[] values) => string.Join(',', values.Select(Escape)) + "\r\n";

    /// <summary>
    /// Quotes a field when needed, and defuses text a spreadsheet would run as a formula (a leading =, +, - or @)
    /// by prefixing an apostrophe: justifications and reasons are typed by people and must not execute in an auditor's tool.
    /// </summary>
    public static string Escape(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
