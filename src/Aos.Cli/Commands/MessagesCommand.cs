using System.CommandLine;
using System.Text.Json.Nodes;

namespace Aos.Cli.Commands;

/// <summary>Builds <c>aos messages</c>: message status, dead letters and replay.</summary>
internal static class MessagesCommand
{
    public static Command Create()
    {
        var command = new Command("messages", "Follow messages on the bus: status, dead letters, replay, discard.");
        command.Add(CreateShow());
        command.Add(CreateDeadLetters());
        command.Add(CreateReplay());
        command.Add(CreateDiscard());
        return command;
    }

    private static Command CreateShow()
    {
        var id = new Argument<string>("id") { Description = "The message id." };
        var command = new Command("show", "Show a message's status for each recipient: pending, delivered or dead-lettered.") { id };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var result = await client.GetAsync($"/v1/messages/{Uri.EscapeDataString(parseResult.GetValue(id)!)}", cancellationToken);
            if (parseResult.GetValue(CliOptions.Json))
            {
                Console.WriteLine(result?.ToJsonString(CliJson.Options));
                return;
            }

            Console.WriteLine($"message {result?["id"]} ({result?["type"]}): {result?["status"]}");
            foreach (var delivery in result?["deliveries"]?.AsArray() ?? [])
            {
                Console.WriteLine($"  {delivery?["recipient"],-30} {delivery?["status"],-14} attempts {delivery?["attempts"]}{Detail(delivery)}");
            }
        });
        return command;
    }

    private static Command CreateDeadLetters()
    {
        var page = new PageOptions();
        var command = new Command("dead-letters", "List dead letters, oldest first, with the reason.") { page.After, page.Limit };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var result = await client.GetAsync("/v1/dead-letters" + page.Query(parseResult), cancellationToken);
            if (parseResult.GetValue(CliOptions.Json))
            {
                Console.WriteLine(result?.ToJsonString(CliJson.Options));
                return;
            }

            var items = result?["items"]?.AsArray() ?? [];
            if (items.Count == 0)
            {
                // An empty page with a cursor: the server passed over other tenants' dead letters and stopped before finding any of ours.
                Console.WriteLine(result?["next"] is null ? "no dead letters" : "none on this page");
            }

            foreach (var item in items)
            {
                Console.WriteLine($"{item?["id"],-34} {item?["recipient"],-24} {item?["reason"],-18} {item?["lastError"]}");
            }

            if (result?["next"] is { } next)
            {
                Console.WriteLine($"more: aos messages dead-letters --after {next}");
            }
        });
        return command;
    }

    private static Command CreateReplay()
    {
        var id = new Argument<string>("id") { Description = "The message id." };
        var command = new Command("replay", "Replay a message's dead letters: back in their inboxes with a fresh retry budget.") { id };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var result = await client.PostAsync($"/v1/dead-letters/{Uri.EscapeDataString(parseResult.GetValue(id)!)}/replay", new JsonObject(), cancellationToken);
            Console.WriteLine(parseResult.GetValue(CliOptions.Json)
                ? result?.ToJsonString(CliJson.Options)
                : $"replayed: message {result?["id"]} to {result?["replayed"]} recipient(s)");
        });
        return command;
    }

    private static Command CreateDiscard()
    {
        var id = new Argument<string>("id") { Description = "The message id." };
        var command = new Command("discard", "Discard a message's dead letters for good, instead of replaying them.") { id };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var result = await client.DeleteAsync($"/v1/dead-letters/{Uri.EscapeDataString(parseResult.GetValue(id)!)}", cancellationToken);
            Console.WriteLine(parseResult.GetValue(CliOptions.Json)
                ? result?.ToJsonString(CliJson.Options)
                : $"discarded: {result?["discarded"]} dead letter(s) of message {result?["id"]}");
        });
        return command;
    }

    private static string Detail(JsonNode? delivery) =>
        (delivery?["reason"], delivery?["lastError"]) switch
        {
            ({ } reason, { } error) => $" ({reason}: {error})",
            ({ } reason, null) => $" ({reason})",
            (null, { } error) => $" (last error: {error})",
            _ => string.Empty,
        };
}
