using System.CommandLine;
using System.Text.Json.Nodes;

namespace Aos.Cli.Commands;

/// <summary>Builds <c>aos publish</c>: publish a message on a topic through the durable bus.</summary>
internal static class PublishCommand
{
    public static Command Create()
    {
        var topic = new Argument<string>("topic") { Description = "The topic, a dotted name such as orders.created." };
        var type = new Argument<string>("type") { Description = "The message type." };
        var payload = new Option<string?>("--payload", "-p") { Description = "The payload, as JSON." };
        var priority = new Option<string?>("--priority") { Description = "low, normal, high or critical." };
        var messageId = new Option<string?>("--message-id") { Description = "The message id, to publish again safely." };
        var conversation = new Option<string?>("--conversation") { Description = "The conversation the message belongs to." };
        var ttl = new Option<long?>("--ttl-ms") { Description = "How long the message lives, in milliseconds (default 300000)." };
        var command = new Command("publish", "Publish a message on a topic; returns once it is durable for every subscriber.") { topic, type, payload, priority, messageId, conversation, ttl };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var body = MessageBody(parseResult.GetValue(type)!, parseResult.GetValue(payload), parseResult.GetValue(priority), parseResult.GetValue(messageId), parseResult.GetValue(conversation), parseResult.GetValue(ttl));
            var result = await client.PostAsync($"/v1/topics/{Uri.EscapeDataString(parseResult.GetValue(topic)!)}/messages", body, cancellationToken);
            if (parseResult.GetValue(CliOptions.Json))
            {
                Console.WriteLine(result?.ToJsonString(CliJson.Options));
                return;
            }

            var recipients = result?["recipients"]?.AsArray() ?? [];
            var duplicates = result?["duplicates"]?.AsArray() ?? [];
            Console.WriteLine($"accepted: message {result?["id"]} for {recipients.Count} subscriber(s){(duplicates.Count > 0 ? $", {duplicates.Count} already had it" : string.Empty)}");
        });
        return command;
    }

    internal static JsonObject MessageBody(string type, string? payload, string? priority, string? id, string? conversation, long? ttlMs)
    {
        var body = new JsonObject { ["type"] = type };
        if (payload is not null)
        {
            body["payload"] = JsonNode.Parse(payload);
        }

        if (priority is not null)
        {
            body["priority"] = priority;
        }

        if (id is not null)
        {
            body["id"] = id;
        }

        if (conversation is not null)
        {
            body["conversationId"] = conversation;
        }

        if (ttlMs is not null)
        {
            body["ttlMs"] = ttlMs;
        }

        return body;
    }
}
