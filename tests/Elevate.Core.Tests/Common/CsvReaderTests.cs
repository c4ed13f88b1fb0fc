using Elevate.Core.Common;

namespace Elevate.Core.Tests.Common;

public sealed class CsvReaderTests
{
    private static IReadOnlyList<CsvRecord> Read(string text, int max = 100)
    {
        var read = CsvReader.Read(text, max);
        Assert.True(read.IsSuccess, read.Error?.Message);
        return read.Value;
    }

    [Fact]
    public void Quoted_fields_keep_commas_doubled_quotes_and_line_breaks()
    {
        var records = Read("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\r\nlines\"\r\nlast,,\r\n");
        Assert.Equal(3, records.Count);
        Assert.Equal(["a", "b", "c"], records[0].Fields);
        Assert.Equal(["x, y", "say \"hi\"", "two\r\nlines"], records[1].Fields);
        Assert.Equal(["last", "", ""], records[2].Fields);
        Assert.Equal([1, 2, 4], records.Select(r => r.Line));
    }

    [Fact]
    public void Lf_line_ends_a_missing_last_line_end_a_byte_order_mark_and_blank_lines_are_accepted()
    {
        var records = Read("\uFEFFname,kind\n\nalice,eligible\r\n\r\nbob,active");
        Assert.Equal([["name", "kind"], ["alice", "eligible"], ["bob", "active"]], records.Select(r => r.Fields.ToArray()));
        Assert.Equal([1, 3, 5], records.Select(r => r.Line));
    }

    [Fact]
    public void An_empty_text_has_no_records() => Assert.Empty(Read(""));

    [Theory]
    [InlineData("a,b\r\n\"open,c\r\n", "Line 2", "not closed")]
    [InlineData("a,b\r\nx\"y,c\r\n", "Line 2", "quote inside")]
    [InlineData("a,b\r\n\"x\"y,c\r\n", "Line 2", "closing quote")]
    [InlineData("a\r\n\"two\nlines\" z\r\n", "Line 3", "closing quote")]
    public void Text_that_is_not_csv_is_refused_with_its_line(string text, string line, string problem)
    {
        var read = CsvReader.Read(text, 100);
        Assert.False(read.IsSuccess);
        Assert.Equal("file", read.Error!.Field);
        Assert.StartsWith(line + ":", read.Error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, read.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void More_records_than_allowed_are_refused()
    {
        Assert.True(CsvReader.Read("h\r\n1\r\n2\r\n", 3).IsSuccess);
        var read = CsvReader.Read("h\r\n1\r\n2\r\n3\r\n", 3);
        Assert.False(read.IsSuccess);
        Assert.Contains("more than 3", read.Error!.Message, StringComparison.Ordinal);
    }
}
