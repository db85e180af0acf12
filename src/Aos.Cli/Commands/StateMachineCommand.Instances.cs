using System.CommandLine;
using System.Text.Json.Nodes;

namespace Aos.Cli.Commands;

internal static partial class StateMachineCommand
{
    private static Command CreateStart()
    {
        var name = new Argument<string>("name") { Description = "The state machine (see 'aos sm list')." };
        var id = new Option<string?>("--id") { Description = "The instance id; a new one when absent." };
        var context = new Option<string?>("--context") { Description = "The initial context, as a JSON object." };
        var command = new Command("start", "Start an instance of a state machine in its initial state.") { name, id, context };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var body = new JsonObject();
            if (parseResult.GetValue(id) is { } instanceId)
            {
                body["id"] = instanceId;
            }

            if (JsonObjectOption.Parse(parseResult.GetValue(context), "--context") is { } initial)
            {
                body["context"] = initial;
            }

            var instance = await client.PostAsync($"{MachinePath(parseResult.GetValue(name)!)}/instances", body, cancellationToken);
            parseResult.InvocationConfiguration.Output.WriteLine(parseResult.GetValue(CliOptions.Json)
                ? instance?.ToJsonString(CliJson.Options)
                : $"started: instance {instance?["id"]} of {instance?["machine"]} in state {Status(instance)}");
        });
        return command;
    }

    private static Command CreateFire()
    {
        var name = new Argument<string>("name") { Description = "The state machine." };
        var id = new Argument<string>("id") { Description = "The instance id." };
        var @event = new Argument<string>("event") { Description = "The event, for instance approve." };
        var data = new Option<string?>("--data") { Description = "The event's data, as a JSON object merged into the context." };
        var command = new Command("fire", "Send an event to an instance; a refused event changes nothing and exits with 2.") { name, id, @event, data };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var body = new JsonObject { ["event"] = parseResult.GetValue(@event) };
            if (JsonObjectOption.Parse(parseResult.GetValue(data), "--data") is { } eventData)
            {
                body["data"] = eventData;
            }

            var instance = await client.PostAsync($"{InstancePath(parseResult.GetValue(name)!, parseResult.GetValue(id)!)}/events", body, cancellationToken);
            parseResult.InvocationConfiguration.Output.WriteLine(parseResult.GetValue(CliOptions.Json)
                ? instance?.ToJsonString(CliJson.Options)
                : $"fired {parseResult.GetValue(@event)}: instance {instance?["id"]} is now in state {Status(instance)}");
        });
        return command;
    }

    private static Command CreateInstances()
    {
        var name = new Argument<string>("name") { Description = "The state machine." };
        var pageOptions = new PageOptions();
        var command = new Command("instances", "List a state machine's instances by id, a page at a time.") { name, pageOptions.After, pageOptions.Limit };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var machine = parseResult.GetValue(name)!;
            var page = await client.GetAsync($"{MachinePath(machine)}/instances" + pageOptions.Query(parseResult), cancellationToken);
            var output = parseResult.InvocationConfiguration.Output;
            if (parseResult.GetValue(CliOptions.Json))
            {
                output.WriteLine(page?.ToJsonString(CliJson.Options));
                return;
            }

            var items = page?["items"]?.AsArray() ?? [];
            if (items.Count == 0)
            {
                output.WriteLine("no instances");
            }
            else
            {
                var rows = items.Select(i => new[] { Text(i?["id"]), Text(i?["state"]) + (IsCompleted(i) ? " (completed)" : string.Empty), Text(i?["timeoutAt"]), Text(i?["updatedAt"]) }).ToList();
                TextTable.Write(output, string.Empty, ["ID", "STATE", "TIMEOUT AT", "UPDATED"], rows);
            }

            if (page?["next"] is { } next)
            {
                output.WriteLine($"more: aos sm instances {machine} --after {next}");
            }
        });
        return command;
    }

    private static string Status(JsonNode? instance) =>
        $"{instance?["state"]}{(IsCompleted(instance) ? " (completed)" : string.Empty)}{(instance?["timeoutAt"] is { } at ? $", times out at {at}" : string.Empty)}";

    private static bool IsCompleted(JsonNode? instance) => instance?["completed"]?.GetValue<bool>() == true;

    private static string MachinePath(string name) => $"/v1/state-machines/{Uri.EscapeDataString(name)}";

    private static string InstancePath(string name, string id) => $"{MachinePath(name)}/instances/{Uri.EscapeDataString(id)}";
}
