using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Aos.Cli.Commands;

/// <summary>Builds <c>aos status</c>: whether the server is ready, and what it runs.</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var command = new Command("status", "Show whether the AOS server is ready and what it runs.");
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var ready = await client.GetAsync("/readyz", cancellationToken);
            var types = await client.GetAsync("/v1/agent-types", cancellationToken) as JsonArray ?? [];
            var agents = await client.GetAsync("/v1/agents?limit=1000", cancellationToken);
            var agentCount = (agents?["items"] as JsonArray)?.Count ?? 0;
            var more = agents?["next"] is not null;
            if (parseResult.GetValue(CliOptions.Json))
            {
                Console.WriteLine(new JsonObject
                {
                    ["server"] = client.Server.ToString(),
                    ["status"] = ready?["status"]?.DeepClone(),
                    ["agentTypes"] = types.Count,
                    ["agents"] = agentCount,
                    ["agentsAtLeast"] = more,
                }.ToJsonString(CliJson.Options));
                return;
            }

            var table = new Table().AddColumns("Server", "Status", "Agent types", "Agents");
            table.AddRow(Markup.Escape(client.Server.ToString()), Markup.Escape(ready?["status"]?.ToString() ?? "?"), types.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), more ? $"{agentCount}+" : agentCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
            AnsiConsole.Write(table);
        });
        return command;
    }
}
