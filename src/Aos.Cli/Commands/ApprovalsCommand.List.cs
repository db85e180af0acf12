using System.CommandLine;

namespace Aos.Cli.Commands;

internal static partial class ApprovalsCommand
{
    private static Command CreateList()
    {
        var approver = new Option<string?>("--approver") { Description = "Only the approvals this actor may decide now." };
        var roles = new Option<string?>("--roles") { Description = "The approver's roles, comma-separated, for instance finance,ops." };
        var mine = new Option<bool>("--mine") { Description = "Only the approvals you (the credentials the CLI uses) may decide now." };
        var page = new PageOptions();
        var command = new Command("list", "List pending approvals by id, a page at a time; with --mine only those you may decide now, with --approver those that actor may.")
        {
            approver, roles, mine, page.After, page.Limit,
        };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var query = page.Query(
                parseResult, ("mine", parseResult.GetValue(mine) ? "true" : null), ("approver", parseResult.GetValue(approver)), ("roles", parseResult.GetValue(roles)));
            var found = await client.GetAsync("/v1/approvals" + query, cancellationToken);
            var output = parseResult.InvocationConfiguration.Output;
            if (parseResult.GetValue(CliOptions.Json))
            {
                output.WriteLine(found?.ToJsonString(CliJson.Options));
                return;
            }

            var items = found?["items"]?.AsArray() ?? [];
            if (items.Count == 0)
            {
                output.WriteLine("no pending approvals");
            }
            else
            {
                var rows = items.Select(i => new[] { Text(i?["id"]), Text(i?["title"]), Text(i?["status"]), Join(i?["approvers"]), Text(i?["deadlineAt"]) }).ToList();
                TextTable.Write(output, string.Empty, ["ID", "TITLE", "STATUS", "APPROVERS", "DEADLINE"], rows);
            }

            if (found?["next"] is { } next)
            {
                var options = (parseResult.GetValue(mine) ? " --mine" : string.Empty)
                    + (parseResult.GetValue(approver) is { } w ? $" --approver {w}" : string.Empty) + (parseResult.GetValue(roles) is { } r ? $" --roles {r}" : string.Empty);
                output.WriteLine($"more: aos approvals list{options} --after {next}");
            }
        });
        return command;
    }
}
