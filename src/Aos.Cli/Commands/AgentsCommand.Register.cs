using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Aos.Cli.Commands;

internal static partial class AgentsCommand
{
    private static Command CreateRegister()
    {
        var id = new Option<string?>("--id") { Description = "The agent's id: letters, digits, '.', '_' and '-', at most 128." };
        var type = new Option<string?>("--type") { Description = "The agent type (see 'aos agents types')." };
        var purpose = new Option<string?>("--purpose") { Description = "The agent's long-term purpose (a chat agent's instructions)." };
        var capabilities = new Option<string[]>("--capability") { Description = "A capability, for discovery; repeat for more.", AllowMultipleArgumentsPerToken = false };
        var subscriptions = new Option<string[]>("--subscription") { Description = "A topic to subscribe to; repeat for more." };
        var config = new Option<string[]>("--config") { Description = "A configuration entry key=value (value is JSON or text); repeat for more." };
        var file = new Option<FileInfo?>("--file", "-f") { Description = "A JSON or YAML file with one agent, a list of agents, or {agents: [...]}." };
        var command = new Command("register", "Register agents, from flags or from a file.") { id, type, purpose, capabilities, subscriptions, config, file };
        command.Validators.Add(result =>
        {
            var hasFile = result.GetValue(file) is not null;
            var hasFlags = result.GetValue(id) is not null || result.GetValue(type) is not null;
            if (hasFile == hasFlags)
            {
                result.AddError("Give either --id and --type, or -f FILE.");
            }
            else if (!hasFile && (result.GetValue(id) is null || result.GetValue(type) is null))
            {
                result.AddError("Both --id and --type are required (or use -f FILE).");
            }
        });
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            JsonNode body = parseResult.GetValue(file) is { } path
                ? RegistrationFile.Read(path)
                : FromFlags(parseResult.GetValue(id)!, parseResult.GetValue(type)!, parseResult.GetValue(purpose), parseResult.GetValue(capabilities), parseResult.GetValue(subscriptions), parseResult.GetValue(config));
            var result = await client.PostAsync("/v1/agents", body, cancellationToken);
            if (parseResult.GetValue(CliOptions.Json))
            {
                Console.WriteLine(result?.ToJsonString(CliJson.Options));
                return;
            }

            var registered = result is JsonArray many ? many.Select(a => a?["id"]?.ToString()) : [result?["id"]?.ToString()];
            foreach (var agent in registered)
            {
                AnsiConsole.MarkupLine($"Registered [bold]{Markup.Escape(agent ?? "?")}[/].");
            }
        });
        return command;
    }

    private static JsonObject FromFlags(string id, string type, string? purpose, string[]? capabilities, string[]? subscriptions, string[]? config)
    {
        var body = new JsonObject { ["id"] = id, ["type"] = type };
        if (purpose is not null)
        {
            body["purpose"] = purpose;
        }

        if (capabilities is { Length: > 0 })
        {
            body["capabilities"] = new JsonArray([.. capabilities.Select(c => (JsonNode?)c)]);
        }

        if (subscriptions is { Length: > 0 })
        {
            body["subscriptions"] = new JsonArray([.. subscriptions.Select(s => (JsonNode?)s)]);
        }

        if (config is { Length: > 0 })
        {
            var values = new JsonObject();
            foreach (var entry in config)
            {
                var split = entry.IndexOf('=', StringComparison.Ordinal);
                if (split <= 0)
                {
                    throw new CliException($"--config '{entry}' is not key=value.", ExitCodes.Usage);
                }

                values[entry[..split]] = ParseValue(entry[(split + 1)..]);
            }

            body["config"] = values;
        }

        return body;
    }

    private static JsonNode? ParseValue(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            return JsonValue.Create(text);
        }
    }
}
