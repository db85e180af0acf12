using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Aos.Cli.Commands;

internal static partial class ApprovalsCommand
{
    private static Command CreateShow()
    {
        var id = new Argument<string>("id") { Description = "The approval id." };
        var command = new Command("show", "Show an approval: its status, who is asked now and by when, the escalation chain, votes, comments and history.") { id };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var approval = await client.GetAsync(ApprovalPath(parseResult.GetValue(id)!), cancellationToken);
            var output = parseResult.InvocationConfiguration.Output;
            if (parseResult.GetValue(CliOptions.Json))
            {
                output.WriteLine(approval?.ToJsonString(CliJson.Options));
                return;
            }

            var stages = approval?["stages"]?.AsArray() ?? [];
            output.WriteLine($"approval {approval?["id"]}: {approval?["title"]}");
            output.WriteLine($"status: {Status(approval)}");
            if (approval?["description"] is { } description)
            {
                output.WriteLine($"description: {description}");
            }

            output.WriteLine($"requested by {approval?["requestedBy"]}; {approval?["requiredApprovals"]} approval(s) required; stage {Stage(approval) + 1} of {stages.Count}");
            output.WriteLine($"version {approval?["version"]}, created {approval?["createdAt"]}, updated {approval?["updatedAt"]}");
            output.WriteLine("stages:");
            TextTable.Write(output, "  ", ["STAGE", "APPROVERS", "TIMEOUT"], [.. stages.Select((s, i) => new[] { (i + 1).ToString(CultureInfo.InvariantCulture), Join(s?["approvers"]), Text(s?["timeout"]) })]);
            output.WriteLine("context:");
            output.WriteLine(approval?["context"]?.ToJsonString(CliJson.Indented) ?? "{}");
            WriteTable(output, "votes", ["AT", "BY", "DECISION", "COMMENT"], approval?["votes"], v => [Text(v?["at"]), Text(v?["by"]), v?["approved"]?.GetValue<bool>() == true ? "approve" : "deny", Text(v?["comment"])]);
            WriteTable(output, "comments", ["AT", "BY", "TEXT"], approval?["comments"], c => [Text(c?["at"]), Text(c?["by"]), Text(c?["text"])]);
            WriteTable(output, "history", ["AT", "KIND", "BY", "DETAIL"], approval?["history"], h => [Text(h?["at"]), Text(h?["kind"]), Text(h?["by"]), Text(h?["detail"])]);
        });
        return command;
    }

    private static void WriteTable(TextWriter output, string title, string[] headers, JsonNode? items, Func<JsonNode?, string[]> row)
    {
        var rows = (items as JsonArray ?? []).Select(row).ToList();
        if (rows.Count == 0)
        {
            output.WriteLine($"{title}: none");
            return;
        }

        output.WriteLine($"{title}:");
        TextTable.Write(output, "  ", headers, rows);
    }

    private static int Stage(JsonNode? approval) => approval?["stage"]?.GetValue<int>() ?? 0;

    private static string Count(JsonNode? array) => ((array as JsonArray)?.Count ?? 0).ToString(CultureInfo.InvariantCulture);
}
