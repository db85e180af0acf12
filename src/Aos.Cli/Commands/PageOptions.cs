using System.CommandLine;
using System.Globalization;

namespace Aos.Cli.Commands;

/// <summary>The <c>--after</c> and <c>--limit</c> options of a listing verb, and the query string they make.</summary>
internal sealed class PageOptions
{
    /// <summary>Gets the cursor option: the <c>next</c> value of the previous page.</summary>
    public Option<string?> After { get; } = new("--after") { Description = "The 'next' cursor of the previous page." };

    /// <summary>Gets the page size option.</summary>
    public Option<int?> Limit { get; } = new("--limit") { Description = "The page size, 1 to 1000 (default 100)." };

    /// <summary>Builds the query string: the filters given, then the cursor and page size when set.</summary>
    /// <param name="parseResult">The parsed command line.</param>
    /// <param name="filters">Further <c>name</c>/<c>value</c> pairs; pairs without a value are left out.</param>
    /// <returns><c>?…</c>, or an empty string when there is nothing to send.</returns>
    public string Query(ParseResult parseResult, params (string Name, string? Value)[] filters) =>
        QueryString([.. filters, ("after", parseResult.GetValue(After)), ("limit", parseResult.GetValue(Limit)?.ToString(CultureInfo.InvariantCulture))]);

    /// <summary>Builds a query string from <c>name</c>/<c>value</c> pairs, leaving out those without a value.</summary>
    /// <param name="pairs">The pairs, in order.</param>
    /// <returns><c>?…</c>, or an empty string when there is nothing to send.</returns>
    public static string QueryString(params (string Name, string? Value)[] pairs)
    {
        var given = pairs.Where(p => p.Value is not null).Select(p => p.Name + "=" + Uri.EscapeDataString(p.Value!)).ToList();
        return given.Count == 0 ? string.Empty : "?" + string.Join('&', given);
    }
}
