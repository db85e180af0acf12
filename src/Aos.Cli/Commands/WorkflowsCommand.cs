using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Aos.Cli.Commands;

/// <summary>Builds <c>aos workflows …</c>: register and show workflow definitions, start, follow, cancel and signal their runs.</summary>
internal static partial class WorkflowsCommand
{
    // The server leaves a step's maxAttempts out of a definition when it is at its default.
    private const string DefaultMaxAttempts = "1";

    public static Command Create() => new("workflows", "Run durable workflows: register definitions, start runs, follow them step by step, signal and cancel them.")
    {
        CreateRegister(),
        CreateList(),
        CreateShow(),
        CreateStart(),
        CreateRuns(),
        CreateRun(),
        CreateCancel(),
        CreateSignal(),
    };

    private static Command CreateRegister()
    {
        var file = new Argument<FileInfo>("file") { Description = "A JSON or YAML file (.json, .yaml, .yml) with one definition: name, description?, steps." };
        var command = new Command("register", "Validate and register a workflow; a changed definition becomes its newest version, an invalid one is refused naming the step, edge or cycle at fault.") { file };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var registered = await client.PostAsync("/v1/workflows", DefinitionFile.Read(parseResult.GetValue(file)!, "workflow: an object with a name and steps, each with an id and a kind"), cancellationToken);
            parseResult.InvocationConfiguration.Output.WriteLine(parseResult.GetValue(CliOptions.Json)
                ? registered?.ToJsonString(CliJson.Options)
                : $"registered: workflow {registered?["name"]} version {registered?["version"]} with {registered?["steps"]} step(s)");
        });
        return command;
    }

    private static Command CreateList()
    {
        var command = new Command("list", "List the registered workflows.");
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var names = await client.GetAsync("/v1/workflows", cancellationToken);
            var output = parseResult.InvocationConfiguration.Output;
            if (parseResult.GetValue(CliOptions.Json))
            {
                output.WriteLine(names?.ToJsonString(CliJson.Options));
                return;
            }

            var items = names?.AsArray() ?? [];
            output.WriteLine(items.Count == 0 ? "no workflows" : string.Join('\n', items.Select(Text)));
        });
        return command;
    }

    private static Command CreateShow()
    {
        var name = new Argument<string>("name") { Description = "The workflow (see 'aos workflows list')." };
        var command = new Command("show", "Show the newest version of a workflow: its steps, what each depends on, retries and timeouts.") { name };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var workflow = await client.GetAsync(WorkflowPath(parseResult.GetValue(name)!), cancellationToken);
            var output = parseResult.InvocationConfiguration.Output;
            if (parseResult.GetValue(CliOptions.Json))
            {
                output.WriteLine(workflow?.ToJsonString(CliJson.Options));
                return;
            }

            var definition = workflow?["definition"];
            output.WriteLine($"workflow {workflow?["name"]} version {workflow?["version"]}");
            if (definition?["description"] is { } description)
            {
                output.WriteLine($"description: {description}");
            }

            if (definition?["continueAsNew"]?.GetValue<bool>() == true)
            {
                output.WriteLine($"continues as new{(definition["maxIterations"] is { } max ? $", at most {max} iterations" : string.Empty)}");
            }

            var rows = (definition?["steps"] as JsonArray ?? []).Select(s => new[]
            {
                Text(s?["id"]), Text(s?["kind"]), Join(s?["dependsOn"]), s?["maxAttempts"]?.ToString() ?? DefaultMaxAttempts, Text(s?["timeout"]), Text(s?["compensation"]?["kind"]),
            }).ToList();
            TextTable.Write(output, string.Empty, ["STEP", "KIND", "DEPENDS ON", "ATTEMPTS", "TIMEOUT", "COMPENSATION"], rows);
        });
        return command;
    }

    /// <summary>Reads an option that holds any JSON value; JSON <c>null</c> is <see langword="null"/>.</summary>
    private static JsonNode? ParseJson(string text, string option)
    {
        try
        {
            return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException ex)
        {
            throw new CliException($"{option} is not valid JSON: {ex.Message}", ExitCodes.Usage);
        }
    }

    private static string Text(JsonNode? value) => value?.ToString() ?? string.Empty;

    private static string Join(JsonNode? array) => string.Join(", ", (array as JsonArray ?? []).Select(Text));

    private static string Count(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string WorkflowPath(string name) => $"/v1/workflows/{Uri.EscapeDataString(name)}";

    private static string RunPath(string id) => $"/v1/workflow-runs/{Uri.EscapeDataString(id)}";
}
