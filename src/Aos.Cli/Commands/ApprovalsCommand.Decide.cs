using System.CommandLine;
using System.Text.Json.Nodes;

namespace Aos.Cli.Commands;

internal static partial class ApprovalsCommand
{
    private static Command CreateDecide(string verb, bool approve)
    {
        var id = new Argument<string>("id") { Description = "The approval id." };
        var by = new Option<string>("--by") { Description = "Who decides: an approver asked now, by name or by one of their roles.", Required = true };
        var roles = new Option<string?>("--roles") { Description = "The roles they hold, comma-separated, for instance finance,ops." };
        var comment = new Option<string?>("--comment") { Description = "Why; it is kept with the decision and as a comment." };
        var summary = approve
            ? "Approve, as an approver asked now; approved once the required number have. A refused decision changes nothing and exits with 2."
            : "Deny, as an approver asked now; one denial decides. A refused decision changes nothing and exits with 2.";
        var command = new Command(verb, summary) { id, by, roles, comment };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var who = parseResult.GetValue(by)!;
            var body = new JsonObject { ["by"] = who, ["roles"] = new JsonArray([.. Split(parseResult.GetValue(roles)).Select(r => JsonValue.Create(r))]) };
            AddIfPresent(body, "comment", parseResult.GetValue(comment));
            var approval = await client.PostAsync($"{ApprovalPath(parseResult.GetValue(id)!)}/{verb}", body, cancellationToken);
            parseResult.InvocationConfiguration.Output.WriteLine(parseResult.GetValue(CliOptions.Json)
                ? approval?.ToJsonString(CliJson.Options)
                : $"{(approve ? "approved" : "denied")} by {who}: approval {approval?["id"]} is {Status(approval)}");
        });
        return command;
    }

    private static Command CreateComment()
    {
        var id = new Argument<string>("id") { Description = "The approval id." };
        var text = new Argument<string>("text") { Description = "The comment." };
        var by = new Option<string>("--by") { Description = "Who writes it.", Required = true };
        var command = new Command("comment", "Add a comment to an approval, whatever its status.") { id, text, by };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var body = new JsonObject { ["by"] = parseResult.GetValue(by), ["text"] = parseResult.GetValue(text) };
            var approval = await client.PostAsync($"{ApprovalPath(parseResult.GetValue(id)!)}/comments", body, cancellationToken);
            parseResult.InvocationConfiguration.Output.WriteLine(parseResult.GetValue(CliOptions.Json)
                ? approval?.ToJsonString(CliJson.Options)
                : $"commented: approval {approval?["id"]} has {Count(approval?["comments"])} comment(s)");
        });
        return command;
    }
}
