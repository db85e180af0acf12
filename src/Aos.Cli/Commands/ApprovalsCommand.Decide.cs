using System.CommandLine;
using System.Text.Json.Nodes;

namespace Aos.Cli.Commands;

internal static partial class ApprovalsCommand
{
    private static Command CreateDecide(string verb, bool approve)
    {
        var id = new Argument<string>("id") { Description = "The approval id." };
        var comment = new Option<string?>("--comment") { Description = "Why; it is kept with the decision and as a comment." };
        var summary = approve
            ? "Approve as yourself (the credentials the CLI uses), an approver asked now by name or role and not the requester; approved once the required number have. A refused decision changes nothing and exits with 2."
            : "Deny as yourself (the credentials the CLI uses), an approver asked now; one denial decides. A refused decision changes nothing and exits with 2.";
        var command = new Command(verb, summary) { id, comment };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var body = new JsonObject();
            AddIfPresent(body, "comment", parseResult.GetValue(comment));
            var approval = await client.PostAsync($"{ApprovalPath(parseResult.GetValue(id)!)}/{verb}", body, cancellationToken);
            parseResult.InvocationConfiguration.Output.WriteLine(parseResult.GetValue(CliOptions.Json)
                ? approval?.ToJsonString(CliJson.Options)
                : $"{(approve ? "approved" : "denied")} by {Text(approval?["votes"]?.AsArray().LastOrDefault()?["by"])}: approval {approval?["id"]} is {Status(approval)}");
        });
        return command;
    }

    private static Command CreateComment()
    {
        var id = new Argument<string>("id") { Description = "The approval id." };
        var text = new Argument<string>("text") { Description = "The comment." };
        var command = new Command("comment", "Add a comment to an approval as yourself, whatever its status.") { id, text };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var body = new JsonObject { ["text"] = parseResult.GetValue(text) };
            var approval = await client.PostAsync($"{ApprovalPath(parseResult.GetValue(id)!)}/comments", body, cancellationToken);
            parseResult.InvocationConfiguration.Output.WriteLine(parseResult.GetValue(CliOptions.Json)
                ? approval?.ToJsonString(CliJson.Options)
                : $"commented: approval {approval?["id"]} has {Count(approval?["comments"])} comment(s)");
        });
        return command;
    }
}
