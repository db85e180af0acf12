using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Aos.Cli.Commands;

/// <summary>Builds <c>aos sm …</c>: state machine definitions and their instances.</summary>
internal static partial class StateMachineCommand
{
    public static Command Create() => new("sm", "Run state machines: list and register definitions, start instances, fire events, follow them.")
    {
        CreateList(),
        CreateRegister(),
        CreateStart(),
        CreateFire(),
        CreateShow(),
        CreateInstances(),
    };

    private static Command CreateList()
    {
        var command = new Command("list", "List the state machines: the built-in templates, the ones defined in code, the registered ones.");
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var machines = await client.GetAsync("/v1/state-machines", cancellationToken);
            var output = parseResult.InvocationConfiguration.Output;
            if (parseResult.GetValue(CliOptions.Json))
            {
                output.WriteLine(machines?.ToJsonString(CliJson.Options));
                return;
            }

            var rows = (machines?.AsArray() ?? []).Select(m => new[]
            {
                Text(m?["name"]), Text(m?["initialState"]), Count(m?["states"]), Count(m?["transitions"]), Text(m?["description"]),
            }).ToList();
            TextTable.Write(output, string.Empty, ["NAME", "INITIAL STATE", "STATES", "TRANSITIONS", "DESCRIPTION"], rows);
        });
        return command;
    }

    private static Command CreateRegister()
    {
        var file = new Argument<FileInfo>("file") { Description = "A JSON or YAML file with one definition: name, description?, initialState, states, transitions." };
        var command = new Command("register", "Validate and register a state machine defined in a JSON or YAML file; an invalid one is refused naming the fault.") { file };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var definition = DefinitionFile.Read(parseResult.GetValue(file)!, "state machine: an object with name, initialState, states and transitions");
            var machine = await client.PostAsync("/v1/state-machines", definition, cancellationToken);
            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine(parseResult.GetValue(CliOptions.Json)
                ? machine?.ToJsonString(CliJson.Options)
                : $"registered: state machine {machine?["name"]} with {Count(machine?["states"])} state(s) and {Count(machine?["transitions"])} transition(s), starting in {machine?["initialState"]}");
        });
        return command;
    }

    private static string Text(JsonNode? value) => value?.ToString() ?? string.Empty;

    private static string Count(JsonNode? array) => ((array as JsonArray)?.Count ?? 0).ToString(CultureInfo.InvariantCulture);
}
