using System.CommandLine;
using System.Text.Json.Nodes;

namespace Aos.Cli.Commands;

internal static partial class AgentsCommand
{
    private static Command CreateSend()
    {
        var id = new Argument<string>("id") { Description = "The agent's id." };
        var type = new Argument<string>("type") { Description = "The event type, for instance order.created." };
        var payload = new Option<string?>("--payload", "-p") { Description = "The payload, as JSON." };
        var priority = new Option<string?>("--priority") { Description = "low, normal, high or critical." };
        var messageId = new Option<string?>("--message-id") { Description = "The message id, to retry a send safely." };
        var command = new Command("send", "Send an event to an agent; returns once its new state is durable.") { id, type, payload, priority, messageId };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var body = new JsonObject { ["type"] = parseResult.GetValue(type) };
            AddPayload(body, parseResult.GetValue(payload));
            if (parseResult.GetValue(priority) is { } p)
            {
                body["priority"] = p;
            }

            if (parseResult.GetValue(messageId) is { } m)
            {
                body["id"] = m;
            }

            var result = await client.PostAsync($"/v1/agents/{Uri.EscapeDataString(parseResult.GetValue(id)!)}/events", body, cancellationToken);
            Console.WriteLine(parseResult.GetValue(CliOptions.Json)
                ? result?.ToJsonString(CliJson.Options)
                : $"{result?["outcome"]}: message {result?["messageId"]}{(result?["error"] is { } error ? $" ({error})" : string.Empty)}");
        });
        return command;
    }

    private static Command CreateRequest()
    {
        var id = new Argument<string>("id") { Description = "The agent's id." };
        var type = new Argument<string>("type") { Description = "The request type." };
        var payload = new Option<string?>("--payload", "-p") { Description = "The payload, as JSON." };
        var timeout = new Option<int?>("--timeout-ms") { Description = "How long to wait for the reply, in milliseconds." };
        var command = new Command("request", "Send a request to an agent and print its reply.") { id, type, payload, timeout };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var body = new JsonObject { ["type"] = parseResult.GetValue(type) };
            AddPayload(body, parseResult.GetValue(payload));
            if (parseResult.GetValue(timeout) is { } ms)
            {
                body["timeoutMs"] = ms;
            }

            var result = await client.PostAsync($"/v1/agents/{Uri.EscapeDataString(parseResult.GetValue(id)!)}/requests", body, cancellationToken);
            Console.WriteLine(parseResult.GetValue(CliOptions.Json) ? result?.ToJsonString(CliJson.Options) : result?["reply"]?.ToJsonString(CliJson.Options) ?? "null");
        });
        return command;
    }

    private static void AddPayload(JsonObject body, string? payload)
    {
        if (payload is not null)
        {
            body["payload"] = JsonNode.Parse(payload);
        }
    }
}
