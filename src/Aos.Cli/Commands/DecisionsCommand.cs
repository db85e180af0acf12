using System.CommandLine;
using System.Text.Json.Nodes;

namespace Aos.Cli.Commands;

/// <summary>Builds <c>aos decisions …</c>: list and show your tenant's decision records.</summary>
internal static class DecisionsCommand
{
    public static Command Create() => new("decisions", "Read your tenant's decision records: what was chosen, why, by whom.")
    {
        CreateList(),
        CreateShow(),
    };

    private static Command CreateList()
    {
        var by = new Option<string?>("--by") { Description = "Only decisions by this principal, for instance agent:planner." };
        var since = new Option<string?>("--since") { Description = "Only decisions at or after this time (ISO 8601)." };
        var page = new PageOptions();
        var command = new Command("list", "List your tenant's decisions, oldest first.") { by, since, page.After, page.Limit };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var found = await client.GetAsync("/v1/decisions" + page.Query(parseResult, ("decidedBy", parseResult.GetValue(by)), ("from", parseResult.GetValue(since))), cancellationToken);
            TextTable.WritePage(parseResult, found, "no decisions", ["ID", "TIME", "BY", "CHOICE", "RATIONALE"], d =>
            [
                Text(d?["id"]), Text(d?["time"]), Text(d?["decidedBy"]), Text(d?["choice"]), Text(d?["rationale"]),
            ]);
        });
        return command;
    }

    private static Command CreateShow()
    {
        var id = new Argument<string>("id") { Description = "The decision's id." };
        var command = new Command("show", "Show a decision: options, choice, rationale, evidence, approvals and audit entries.") { id };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var decision = await client.GetAsync($"/v1/decisions/{Uri.EscapeDataString(parseResult.GetValue(id)!)}", cancellationToken);
            var output = parseResult.InvocationConfiguration.Output;
            if (parseResult.GetValue(CliOptions.Json))
            {
                output.WriteLine(decision?.ToJsonString(CliJson.Options));
                return;
            }

            output.WriteLine($"decision {decision?["id"]} at {decision?["time"]} by {decision?["decidedBy"]}");
            output.WriteLine($"choice: {decision?["choice"]}");
            output.WriteLine($"rationale: {decision?["rationale"]}");
            foreach (var option in decision?["options"]?.AsArray() ?? [])
            {
                output.WriteLine($"  option {option?["name"]}{(option?["score"] is { } score ? $" (score {score})" : string.Empty)}{(option?["description"] is { } d ? $": {d}" : string.Empty)}");
            }

            output.WriteLine($"evidence: {Join(decision?["evidence"])}");
            output.WriteLine($"approvals: {Join(decision?["approvals"])}");
            output.WriteLine($"audit entries: {Join(decision?["auditEntries"])}");
        });
        return command;
    }

    private static string Join(JsonNode? array) => (array as JsonArray ?? []).Count == 0 ? "none" : string.Join(", ", array!.AsArray().Select(Text));

    private static string Text(JsonNode? value) => value?.ToString() ?? string.Empty;
}
