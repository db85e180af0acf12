using System.CommandLine;
using System.Globalization;

namespace Aos.Cli.Commands;

internal static partial class ApprovalsCommand
{
    private static Command CreateList()
    {
        var approver = new Option<string?>("--approver") { Description = "Only the approvals this actor may decide now." };
        var roles = new Option<string?>("--roles") { Description = "The approver's roles, comma-separated, for instance finance,ops." };
        var after = new Option<string?>("--after") { Description = "The 'next' cursor of the previous page." };
        var limit = new Option<int?>("--limit") { Description = "How many approvals to look at, 1 to 1000 (default 100)." };
        var command = new Command("list", "List pending approvals by id, a page at a time; with --approver only those that actor may decide now.") { approver, roles, after, limit };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var filter = new List<string>();
            if (parseResult.GetValue(approver) is { } who)
            {
                filter.Add("approver=" + Uri.EscapeDataString(who));
            }

            if (parseResult.GetValue(roles) is { } held)
            {
                filter.Add("roles=" + Uri.EscapeDataString(held));
            }

            var query = new List<string>(filter);
            if (parseResult.GetValue(after) is { } a)
            {
                query.Add("after=" + Uri.EscapeDataString(a));
            }

            if (parseResult.GetValue(limit) is { } l)
            {
                query.Add("limit=" + l.ToString(CultureInfo.InvariantCulture));
            }

            var page = await client.GetAsync("/v1/approvals" + (query.Count > 0 ? "?" + string.Join('&', query) : string.Empty), cancellationToken);
            var output = parseResult.InvocationConfiguration.Output;
            if (parseResult.GetValue(CliOptions.Json))
            {
                output.WriteLine(page?.ToJsonString(CliJson.Options));
                return;
            }

            var items = page?["items"]?.AsArray() ?? [];
            if (items.Count == 0)
            {
                output.WriteLine("no pending approvals");
            }
            else
            {
                var rows = items.Select(i => new[] { Text(i?["id"]), Text(i?["title"]), Text(i?["status"]), Join(i?["approvers"]), Text(i?["deadlineAt"]) }).ToList();
                TextTable.Write(output, string.Empty, ["ID", "TITLE", "STATUS", "APPROVERS", "DEADLINE"], rows);
            }

            if (page?["next"] is { } next)
            {
                var options = (parseResult.GetValue(approver) is { } w ? $" --approver {w}" : string.Empty) + (parseResult.GetValue(roles) is { } r ? $" --roles {r}" : string.Empty);
                output.WriteLine($"more: aos approvals list{options} --after {next}");
            }
        });
        return command;
    }
}
