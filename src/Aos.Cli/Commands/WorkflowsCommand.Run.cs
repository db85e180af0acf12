using System.CommandLine;
using System.Text.Json.Nodes;

namespace Aos.Cli.Commands;

internal static partial class WorkflowsCommand
{
    // Results longer than this are cut in the step table; --json prints them whole.
    private const int MaxResultWidth = 60;

    private static Command CreateRun()
    {
        var id = new Argument<string>("id") { Description = "The run id." };
        var wait = WaitOption();
        var command = new Command("run", "Show a run: its status, and each step's status, attempts and result or error.") { id, wait };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var waitMs = WaitMs(parseResult.GetValue(wait));
            var run = await GetRunAsync(client, parseResult.GetValue(id)!, waitMs, cancellationToken);
            var output = parseResult.InvocationConfiguration.Output;
            if (parseResult.GetValue(CliOptions.Json))
            {
                output.WriteLine(run?.ToJsonString(CliJson.Options));
                ThrowIfWaitedForAndFailed(run, waitMs);
                return;
            }

            output.WriteLine($"run {run?["id"]} of {run?["workflow"]}: {Status(run)}");
            output.WriteLine($"priority {run?["priority"]}, iteration {run?["iteration"]}, definition version {run?["definitionVersion"]}");
            output.WriteLine($"started {run?["startedAt"]}, updated {run?["updatedAt"]}{(run?["finishedAt"] is { } finished ? $", finished {finished}" : string.Empty)}");
            if (run?["parent"] is { } parent)
            {
                output.WriteLine($"parent: {parent}");
            }

            if (run?["pendingCompensations"] is JsonArray { Count: > 0 } compensations)
            {
                output.WriteLine($"compensations to run: {Join(compensations)}");
            }

            output.WriteLine("steps:");
            var rows = (run?["steps"] as JsonArray ?? []).Select(s => new[] { Text(s?["id"]), Text(s?["status"]), Text(s?["attempts"]), Text(s?["startedAt"]), Detail(s) }).ToList();
            TextTable.Write(output, "  ", ["STEP", "STATUS", "ATTEMPTS", "STARTED", "DETAIL"], rows);
            ThrowIfWaitedForAndFailed(run, waitMs);
        });
        return command;
    }

    private static string Detail(JsonNode? step)
    {
        if (step?["error"] is { } error)
        {
            return $"error: {error}{(step["retryAt"] is { } retryAt ? $"; retry at {retryAt}" : string.Empty)}";
        }

        if (step?["resultRef"] is { } reference)
        {
            return $"result stored as {reference}";
        }

        if (step?["result"] is { } result)
        {
            var json = result.ToJsonString(CliJson.Options);
            return json.Length <= MaxResultWidth ? json : json[..(MaxResultWidth - 1)] + "…";
        }

        return step?["checkAt"] is { } checkAt && Text(step["status"]) == "running" ? $"checks again at {checkAt}" : string.Empty;
    }
}
