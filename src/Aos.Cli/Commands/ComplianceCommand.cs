using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Aos.Cli.Commands;

/// <summary>Builds <c>aos compliance</c>: the compliance frameworks, and the caller's tenant's compliance summary.</summary>
internal static class ComplianceCommand
{
    public static Command Create()
    {
        var command = new Command("compliance", "Compliance mapping (needs compliance:read): the frameworks and the tenant's compliance rate.");
        command.Add(CreateFrameworks());
        command.Add(CreateSummary());
        return command;
    }

    private static Command CreateFrameworks()
    {
        var command = new Command("frameworks", "List the compliance frameworks: SOC 2 and ISO/IEC 27001:2022 built in, then the custom ones.");
        command.SetListAction("/v1/compliance/frameworks", "no frameworks", ["ID", "NAME", "VERSION", "BUILT-IN", "CONTROLS"], f =>
            [Text(f?["id"]), Text(f?["name"]), Text(f?["version"]), f?["builtIn"]?.GetValue<bool>() == true ? "yes" : "no", (f?["controls"]?.AsArray().Count ?? 0).ToString(CultureInfo.InvariantCulture)]);
        return command;
    }

    private static Command CreateSummary()
    {
        var from = new Option<DateTimeOffset?>("--from") { Description = "The earliest entry time, inclusive (default: 30 days before --to), such as 2026-11-01T00:00:00Z." };
        var to = new Option<DateTimeOffset?>("--to") { Description = "The latest entry time, exclusive (default: now)." };
        var framework = new Option<string?>("--framework") { Description = "Report on one framework only, such as soc2 or iso27001." };
        var command = new Command("summary", "Summarise the tenant's compliance over a time range: per control, per framework and overall rate.") { from, to, framework };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var query = string.Join('&', new[]
            {
                parseResult.GetValue(from) is { } f ? "from=" + Uri.EscapeDataString(f.ToString("O", CultureInfo.InvariantCulture)) : null,
                parseResult.GetValue(to) is { } t ? "to=" + Uri.EscapeDataString(t.ToString("O", CultureInfo.InvariantCulture)) : null,
                parseResult.GetValue(framework) is { } id ? "framework=" + Uri.EscapeDataString(id) : null,
            }.Where(p => p is not null));
            var summary = await client.GetAsync("/v1/compliance/summary" + (query.Length > 0 ? "?" + query : string.Empty), cancellationToken);
            var output = parseResult.InvocationConfiguration.Output;
            if (parseResult.GetValue(CliOptions.Json))
            {
                output.WriteLine(summary?.ToJsonString(CliJson.Options));
                return;
            }

            output.WriteLine($"tenant {summary?["tenant"]}, {summary?["from"]} to {summary?["to"]}: {summary?["entries"]} entries");
            output.WriteLine($"compliance rate: {Rate(summary)}");
            var rows = (summary?["frameworks"]?.AsArray() ?? []).SelectMany(f => (f?["controls"]?.AsArray() ?? []).Select(c => new[]
            {
                Text(f?["id"]), Text(c?["id"]), Text(c?["evaluated"]), Text(c?["passed"]), Text(c?["failed"]), c?["rate"] is null ? "not exercised" : Percent(c["rate"]!),
            })).ToArray();
            TextTable.Write(output, string.Empty, ["FRAMEWORK", "CONTROL", "EVALUATED", "PASSED", "FAILED", "RATE"], rows);
        });
        return command;
    }

    private static string Rate(JsonNode? node) =>
        node?["rate"] is { } rate ? $"{Percent(rate)} ({node["passed"]} of {node["evaluated"]} control checks passed)" : "no control exercised";

    private static string Percent(JsonNode rate) => (rate.GetValue<double>() * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %";

    private static string Text(JsonNode? value) => value?.ToString() ?? string.Empty;
}
