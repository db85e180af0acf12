namespace Aos.Cli.Commands;

/// <summary>Writes rows as plain text columns, each as wide as its widest cell, so output stays readable when redirected.</summary>
internal static class TextTable
{
    public static void Write(TextWriter output, string indent, string[] headers, IReadOnlyList<string[]> rows)
    {
        var widths = headers.Select((header, column) => rows.Select(row => row[column].Length).Append(header.Length).Max()).ToArray();
        WriteRow(output, indent, headers, widths);
        foreach (var row in rows)
        {
            WriteRow(output, indent, row, widths);
        }
    }

    /// <summary>Writes one page of a list answer (<c>{items, next}</c>): as JSON with <c>--json</c>, else as a table, then the cursor of the next page.</summary>
    public static void WritePage(System.CommandLine.ParseResult parseResult, System.Text.Json.Nodes.JsonNode? page, string none, string[] headers, Func<System.Text.Json.Nodes.JsonNode?, string[]> row)
    {
        var output = parseResult.InvocationConfiguration.Output;
        if (parseResult.GetValue(CliOptions.Json))
        {
            output.WriteLine(page?.ToJsonString(CliJson.Options));
            return;
        }

        var items = page?["items"]?.AsArray() ?? [];
        if (items.Count == 0)
        {
            output.WriteLine(none);
        }
        else
        {
            Write(output, string.Empty, headers, [.. items.Select(row)]);
        }

        if (page?["next"] is { } next)
        {
            output.WriteLine($"more: add --after {next}");
        }
    }

    private static void WriteRow(TextWriter output, string indent, string[] cells, int[] widths)
    {
        // The last column is not padded, and an empty last cell leaves no separator behind: no trailing spaces.
        var padded = cells.Select((cell, column) => column == cells.Length - 1 ? cell : cell.PadRight(widths[column]));
        output.WriteLine((indent + string.Join("  ", padded)).TrimEnd());
    }
}
