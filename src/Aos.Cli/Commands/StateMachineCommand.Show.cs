using System.CommandLine;
using System.Text.Json.Nodes;

namespace Aos.Cli.Commands;

internal static partial class StateMachineCommand
{
    private static Command CreateShow()
    {
        var name = new Argument<string>("name") { Description = "The state machine." };
        var id = new Argument<string>("id") { Description = "The instance id." };
        var command = new Command("show", "Show an instance: its state, timeout, context, history and snapshots.") { name, id };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var instance = await client.GetAsync(InstancePath(parseResult.GetValue(name)!, parseResult.GetValue(id)!), cancellationToken);
            var output = parseResult.InvocationConfiguration.Output;
            if (parseResult.GetValue(CliOptions.Json))
            {
                output.WriteLine(instance?.ToJsonString(CliJson.Options));
                return;
            }

            output.WriteLine($"instance {instance?["id"]} of {instance?["machine"]}: {instance?["state"]}{(IsCompleted(instance) ? " (completed)" : string.Empty)}");
            output.WriteLine($"timeout at: {instance?["timeoutAt"]?.ToString() ?? "none"}");
            output.WriteLine($"version {instance?["version"]}, created {instance?["createdAt"]}, updated {instance?["updatedAt"]}");
            output.WriteLine("context:");
            output.WriteLine(instance?["context"]?.ToJsonString(CliJson.Indented) ?? "{}");
            WriteHistory(output, instance?["history"]?.AsArray() ?? []);
            var snapshots = instance?["snapshots"]?.AsArray() ?? [];
            if (snapshots.Count > 0)
            {
                output.WriteLine("snapshots: " + string.Join(", ", snapshots.Select(s => $"{s?["id"]} ({s?["state"]}, {s?["at"]})")));
            }
        });
        return command;
    }

    private static void WriteHistory(TextWriter output, JsonArray history)
    {
        if (history.Count == 0)
        {
            output.WriteLine("history: none");
            return;
        }

        output.WriteLine("history:");
        var rows = history.Select(h => new[] { Text(h?["at"]), Text(h?["from"]), Text(h?["to"]), Text(h?["event"]), Text(h?["actor"]), Text(h?["kind"]) }).ToList();
        TextTable.Write(output, "  ", ["AT", "FROM", "TO", "EVENT", "ACTOR", "KIND"], rows);
    }
}
