using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Aos.Cli.Commands;

/// <summary>Builds <c>aos agents …</c>: list, types, register, show, send, request, deregister.</summary>
internal static partial class AgentsCommand
{
    public static Command Create() => new("agents", "Register, find, message and remove agents.")
    {
        CreateList(),
        CreateTypes(),
        CreateRegister(),
        CreateShow(),
        CreateSend(),
        CreateRequest(),
        CreateDeregister(),
    };

    private static Command CreateList()
    {
        var type = new Option<string?>("--type") { Description = "Only agents of this type." };
        var capability = new Option<string?>("--capability") { Description = "Only agents with this capability." };
        var status = new Option<string?>("--status") { Description = "Only agents with this status: active, sleeping or failed." };
        var limit = new Option<int>("--limit") { Description = "The page size (1 to 1000).", DefaultValueFactory = _ => 100 };
        var after = new Option<string?>("--after") { Description = "Start after this agent id (the 'next' of the previous page)." };
        var command = new Command("list", "List registered agents.") { type, capability, status, limit, after };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var query = Query(("type", parseResult.GetValue(type)), ("capability", parseResult.GetValue(capability)), ("status", parseResult.GetValue(status)), ("limit", parseResult.GetValue(limit).ToString(CultureInfo.InvariantCulture)), ("after", parseResult.GetValue(after)));
            var page = await client.GetAsync("/v1/agents" + query, cancellationToken);
            if (parseResult.GetValue(CliOptions.Json))
            {
                Console.WriteLine(page?.ToJsonString(CliJson.Options));
                return;
            }

            var table = new Table().AddColumns("Id", "Type", "Status", "Capabilities", "Purpose");
            foreach (var agent in page?["items"]?.AsArray() ?? [])
            {
                table.AddRow(Text(agent?["id"]), Text(agent?["type"]), Text(agent?["status"]), Text(Join(agent?["capabilities"])), Text(agent?["purpose"]));
            }

            AnsiConsole.Write(table);
            if (page?["next"] is { } next)
            {
                Console.WriteLine($"More: aos agents list --after {next}");
            }
        });
        return command;
    }

    private static Command CreateTypes()
    {
        var command = new Command("types", "List the agent types the server can run.");
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var types = await client.GetAsync("/v1/agent-types", cancellationToken);
            if (parseResult.GetValue(CliOptions.Json))
            {
                Console.WriteLine(types?.ToJsonString(CliJson.Options));
                return;
            }

            var table = new Table().AddColumns("Type", "Version", "Description");
            foreach (var t in types?.AsArray() ?? [])
            {
                table.AddRow(Text(t?["name"]), Text(t?["version"]), Text(t?["description"]));
            }

            AnsiConsole.Write(table);
        });
        return command;
    }

    private static Command CreateShow()
    {
        var id = new Argument<string>("id") { Description = "The agent's id." };
        var context = new Option<bool>("--context") { Description = "Also show the agent's context (values, goals, history, memory)." };
        var command = new Command("show", "Show an agent's descriptor, status and counters.") { id, context };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var agentId = Uri.EscapeDataString(parseResult.GetValue(id)!);
            var agent = await client.GetAsync($"/v1/agents/{agentId}", cancellationToken);
            var ctx = parseResult.GetValue(context) ? await client.GetAsync($"/v1/agents/{agentId}/context", cancellationToken) : null;
            if (parseResult.GetValue(CliOptions.Json))
            {
                Console.WriteLine(ctx is null ? agent?.ToJsonString(CliJson.Options) : new JsonObject { ["agent"] = agent?.DeepClone(), ["context"] = ctx.DeepClone() }.ToJsonString(CliJson.Options));
                return;
            }

            var grid = new Grid().AddColumn().AddColumn();
            foreach (var (key, value) in agent?.AsObject() ?? [])
            {
                grid.AddRow(Markup.Escape(key), Text(value is JsonArray or JsonObject ? value.ToJsonString(CliJson.Options) : value));
            }

            AnsiConsole.Write(grid);
            if (ctx is not null)
            {
                Console.WriteLine(ctx.ToJsonString(CliJson.Indented));
            }
        });
        return command;
    }

    private static Command CreateDeregister()
    {
        var id = new Argument<string>("id") { Description = "The agent's id." };
        var command = new Command("deregister", "Stop an agent and delete it with all its state.") { id };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var agentId = parseResult.GetValue(id)!;
            await client.DeleteAsync($"/v1/agents/{Uri.EscapeDataString(agentId)}", cancellationToken);
            Console.WriteLine(parseResult.GetValue(CliOptions.Json) ? new JsonObject { ["deregistered"] = agentId }.ToJsonString(CliJson.Options) : $"Deregistered {agentId}.");
        });
        return command;
    }

    private static string Query(params (string Name, string? Value)[] parameters)
    {
        var parts = parameters.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return parts.Count == 0 ? string.Empty : "?" + string.Join('&', parts);
    }

    private static string Text(object? value) => Markup.Escape(value?.ToString() ?? string.Empty);

    private static string Join(JsonNode? array) => array is JsonArray items ? string.Join(", ", items.Select(i => i?.ToString())) : string.Empty;
}
